/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cmd_token.c: the commands that only read or set the token's clock:
 * list, info, clock.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "commands.h"
#include "prompt.h"
#include "watchdog.h"

int cmd_list(const tool_opts *o, json_out *j, client_error *err)
{
	client_backend *b = NULL;
	client_slot_list l;
	uint64_t now = tool_now(o);
	int ret;

	memset(&l, 0, sizeof(l));
	ret = tool_backend_open(o, &b, err);
	if (ret != 0)
		return ret;
	tool_watchdog_arm("list readers and tokens", SAFEID_SEED_OLD,
	                  CLIENT_EXIT_TOKEN);
	ret = client_slot_list_read(b, &l, err);
	tool_watchdog_disarm();
	if (ret != 0)
		goto fail;
	if (o->json)
		json_arr(j, "readers");
	else if (l.count == 0)
		printf("%s\n", client_text(CLIENT_TEXT_NO_READER));
	for (size_t i = 0; i < l.count; i++) {
		if (o->json) {
			json_obj(j, NULL);
			json_uint(j, "index", i);
			tool_slot_show(o, j, &l.slots[i], now);
			json_close(j);
		} else {
			printf("%s[%zu]\n", i > 0 ? "\n" : "", i);
			tool_slot_show(o, j, &l.slots[i], now);
		}
	}
	if (o->json)
		json_close(j);
fail:
	client_slot_list_free(&l);
	client_backend_close(&b);
	return ret;
}

/* What this host wrote into the token last (the token cannot say). */
static void record_show(const tool_opts *o, json_out *j, const char *serial)
{
	char path[4200], when[48];
	char iss[TOOL_TEXT_CAP(sizeof(((client_record *)0)->issuer))];
	char acc[TOOL_TEXT_CAP(sizeof(((client_record *)0)->account))];
	client_error why;
	client_record r;
	int rc = client_record_load(o->state_dir, serial, &r, path,
	                            sizeof(path), &why);
	bool erased = r.seed == CLIENT_RECORD_SEED_ERASED;
	const char *hash = r.hash == SAFEID_HASH_SHA256 ? "SHA256" : "SHA1";

	if (o->json) {
		if (rc != 0) {
			json_null(j, "record");
			if (rc > 1)
				json_str(j, "record_error", why.msg);
			return;
		}
		json_obj(j, "record");
		json_str(j, "seed", erased ? "erased" : "new");
		json_str(j, "account", r.account);
		json_str(j, "issuer", r.issuer);
		json_str(j, "hash", hash);
		json_uint(j, "step", r.step);
		json_uint(j, "display", r.display);
		json_int(j, "time", r.time);
		json_close(j);
		return;
	}
	if (rc != 0) {
		printf("Last burn:  %s\n",
		       rc == 1 ? client_text(CLIENT_TEXT_NO_RECORD) : why.msg);
		return;
	}
	client_text_time((uint64_t)r.time, when, sizeof(when));
	if (erased)
		printf("Last burn:  none left: a configuration write erased "
		       "the seed on %s (%s, %u s step, %u s display)\n",
		       when, r.hash == SAFEID_HASH_SHA256 ? "SHA-256" : "SHA-1",
		       r.step, r.display);
	else /* the record is a file: what it says is shown, never acted on */
		printf("Last burn:  %s%s%s on %s (%s, %u s step, %u s display)\n",
		       tool_text(r.issuer, iss, sizeof(iss)),
		       r.issuer[0] != '\0' ? ": " : "",
		       tool_text(r.account, acc, sizeof(acc)), when,
		       r.hash == SAFEID_HASH_SHA256 ? "SHA-256" : "SHA-1",
		       r.step, r.display);
}

int cmd_info(const tool_opts *o, json_out *j, client_error *err)
{
	client_backend *b = NULL;
	client_slot s;
	int ret;

	ret = tool_backend_open(o, &b, err);
	if (ret != 0)
		return ret;
	tool_watchdog_arm(client_step_text(CLIENT_STEP_INFO), SAFEID_SEED_OLD,
	                  CLIENT_EXIT_TOKEN);
	ret = client_slot_read(b, o->reader, &s, err);
	tool_watchdog_disarm();
	if (ret == 0) {
		tool_slot_show(o, j, &s, tool_now(o));
		if (!s.molto2)
			record_show(o, j, s.serial);
		else if (o->json)
			json_uint(j, "profiles", s.profiles);
		else
			printf("Last burn:  %s\n",
			       client_text(CLIENT_TEXT_M2_NO_RECORD));
	}
	client_backend_close(&b);
	return ret;
}

static void clock_show(const tool_opts *o, json_out *j,
                       const client_write_result *res, const char *source,
                       const client_clock_plan *p)
{
	uint64_t now = tool_now(o);
	char line[CLIENT_MSG_MAX];

	if (o->json) {
		tool_slot_show(o, j, &res->before, now);
		json_str(j, "config_source", source);
		json_str(j, "hash",
		         p->hash == SAFEID_HASH_SHA256 ? "SHA256" : "SHA1");
		json_uint(j, "step", p->step);
		json_uint(j, "display", p->display_seconds);
		if (res->after_valid && res->after.clock_known)
			json_uint(j, "token_clock_after", res->after.clock);
		else
			json_null(j, "token_clock_after");
		return;
	}
	if (res->after_valid && res->after.clock_known) {
		client_text_clock("now", res->after.clock, now, line,
		                  sizeof(line));
		printf("%s\n", line);
	}
	client_text_held(res, line, sizeof(line));
	printf("The token holds: %s.\n", line);
	if (res->seed == SAFEID_SEED_ERASED)
		printf("%s\n", client_text(CLIENT_TEXT_BURN_AGAIN));
}

int cmd_clock(const tool_opts *o, json_out *j, client_error *err)
{
	client_clock_opts co = {
		.hash = o->hash,
		.step = (unsigned)o->step,
		.display_seconds = (unsigned)o->display,
	};
	client_backend *b = NULL;
	client_write_result res;
	client_record_txn txn;
	client_record prev, made;
	client_clock_plan p;
	client_error ignored;
	client_slot s;
	const char *source = "options";
	char path[4200];
	bool have_prev, have_made;
	int lockfd = -1, ret;

	memset(&p, 0, sizeof(p));
	ret = tool_writer_open(o, &lockfd, &b, &s, err);
	if (ret != 0)
		goto fail;
	if (s.molto2) {
		ret = tool_m2_clock(o, j, b, &s, err);
		goto fail;
	}
	ret = tool_m2_options_refuse(o, &s, err);
	if (ret != 0)
		goto fail;
	ret = client_clock_plan_fill(&p, o->state_dir, &s, &co, &source, err);
	if (ret != 0)
		goto fail;
	if (s.restricted_sync && !o->erase_seed) {
		ret = client_clock_refuse(&s, err);
		goto fail;
	}
	if (!o->json) {
		char serial[TOOL_TEXT_CAP(sizeof(s.serial))];
		char reader[TOOL_TEXT_CAP(sizeof(s.reader))];
		char line[sizeof(reader) + 256];

		client_text_clock_setting(
			tool_text(s.serial, serial, sizeof(serial)),
			tool_text(s.reader, reader, sizeof(reader)), &p, source,
			line, sizeof(line));
		printf("%s:\n", line);
	}
	p.expect_serial = s.serial;
	if (s.restricted_sync) {
		p.erase_seed_ok = true;
		ret = tool_confirm(
			o->yes, client_text(CLIENT_TEXT_ERASE_QUESTION), err);
		if (ret != 0)
			goto fail;
	}
	/* The record as a complete write leaves it; the old one set aside
	 * until the outcome is known. */
	have_prev = client_record_load(o->state_dir, s.serial, &prev, path,
	                               sizeof(path), &ignored) == 0;
	have_made = client_record_fill_clock(&made, have_prev ? &prev : NULL,
	                                     &s, &p, (long long)time(NULL));
	ret = client_record_begin(o->state_dir, s.serial,
	                          have_made ? &made : NULL, false, &txn, err);
	if (ret != 0)
		goto fail;
	tool_watchdog_write(b, &s, &txn, false);
	tool_watchdog_arm(client_step_text(CLIENT_STEP_INFO), SAFEID_SEED_OLD,
	                  CLIENT_EXIT_TOKEN);
	ret = client_clock_set(b, o->reader, &p, tool_step_show, (void *)o,
	                       &res, err);
	tool_watchdog_disarm();
	if (ret == 0)
		clock_show(o, j, &res, source, &p);
	ret = tool_write_settle(o, j, ret, &txn, &res, err);
fail:
	client_backend_close(&b);
	client_lock_release(&lockfd);
	return ret;
}
