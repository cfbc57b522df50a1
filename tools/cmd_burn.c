/*
 * cmd_burn.c: the main job.  Input checked first (no token touched on bad
 * input), then the plan is shown and confirmed, then config and seed are
 * written, the clock read back, the burn recorded, and the person told
 * what the token should now display.
 */
#include <stdio.h>
#include <string.h>

#include <safeid/safeid.h>

#include "commands.h"
#include "confirm.h"
#include "hostclock.h"
#include "lock.h"
#include "record.h"
#include "source.h"
#include "watchdog.h"

static const char *hash_name(int h)
{
	return h == SAFEID_HASH_SHA256 ? "SHA256" : "SHA1";
}

static void show_warnings(const tool_opts *o, json_out *j,
                          const input_plan_report *r)
{
	if (o->json)
		json_arr(j, "warnings");
	for (size_t i = 0; i < r->count; i++) {
		if (r->issues[i].severity != INPUT_SEV_WARNING)
			continue;
		if (o->json)
			json_str(j, NULL, r->issues[i].msg);
		else
			fprintf(stderr, "safeid-tool: warning: %s\n",
			        r->issues[i].msg);
	}
	if (o->json)
		json_close(j);
}

static void show_plan(const tool_opts *o, json_out *j, const tool_input *in,
                      const tool_slot *s, tool_ntp_state ntp)
{
	const input_account *a = tool_input_account(in);
	uint64_t now = tool_now(o);

	if (o->json) {
		tool_show_slot(o, j, s, now);
		json_str(j, "account", a->name);
		json_str(j, "issuer", a->issuer);
		json_str(j, "hash", hash_name(in->report.hash));
		json_uint(j, "step", in->report.step);
		json_uint(j, "digits", 6);
		json_uint(j, "display", tool_display(o));
		json_str(j, "source", in->source);
		json_str(j, "host_clock_ntp", tool_ntp_state_name(ntp));
		show_warnings(o, j, &in->report);
		return;
	}
	printf("Burn plan\n");
	printf("Account:    %s\n", a->name[0] != '\0' ? a->name : "(no name)");
	printf("Issuer:     %s\n", a->issuer[0] != '\0' ? a->issuer : "(none)");
	printf("From:       %s\n", in->source);
	printf("TOTP:       %s, %u s step, 6 digits, display on for %u s\n",
	       in->report.hash == SAFEID_HASH_SHA256 ? "SHA-256" : "SHA-1",
	       in->report.step, tool_display(o));
	tool_show_slot(o, j, s, now);
	printf("Host clock: %s\n",
	       ntp == TOOL_NTP_SYNCED ? "synchronised by NTP"
	       : ntp == TOOL_NTP_UNSYNCED
	               ? "NOT synchronised by NTP: the token will be set to "
	                 "this clock, so its codes may be off"
	               : "synchronisation unknown");
	show_warnings(o, j, &in->report);
	if (ntp == TOOL_NTP_UNSYNCED)
		fprintf(stderr, "safeid-tool: warning: the host clock is not "
		                "NTP-synchronised; enable it with 'timedatectl "
		                "set-ntp true' and burn again if the codes are off\n");
}

/* What the token should show once switched off and on. */
static void show_codes(const tool_opts *o, json_out *j, const tool_input *in)
{
	const input_account *a = tool_input_account(in);
	uint64_t now = tool_now(o);
	unsigned step = in->report.step;
	uint32_t c0 = 0, c1 = 0;
	unsigned left = step - (unsigned)(now % step);

	safeid_totp(a->secret, a->secret_len, (safeid_hash)in->report.hash,
	            step, now, 6, &c0);
	safeid_totp(a->secret, a->secret_len, (safeid_hash)in->report.hash,
	            step, now + step, 6, &c1);
	if (o->json) {
		char buf[8];

		json_obj(j, "codes");
		snprintf(buf, sizeof(buf), "%06u", c0);
		json_str(j, "now", buf);
		snprintf(buf, sizeof(buf), "%06u", c1);
		json_str(j, "next", buf);
		json_uint(j, "seconds_left", left);
		json_uint(j, "time", now);
		json_close(j);
		return;
	}
	printf("\nDone. Switch the token off and on (press its button until "
	       "the display goes off, then again):\nuntil then it may still "
	       "show codes of the old seed.\n");
	printf("It should show %06u now (%u s left), then %06u.\n", c0, left,
	       c1);
	printf("Check with: safeid-tool verify ... (type the code it shows)\n");
}

static void fill_plan(const tool_opts *o, const tool_input *in,
                      tool_burn_plan *p)
{
	const input_account *a = tool_input_account(in);

	memset(p, 0, sizeof(*p));
	p->seed = a->secret;
	p->seedlen = a->secret_len;
	p->hash = (safeid_hash)in->report.hash;
	p->step = in->report.step;
	p->display_seconds = tool_display(o);
}

static int save_record(const tool_opts *o, json_out *j, const tool_input *in,
                       const tool_write_result *res, tool_error *err)
{
	const input_account *a = tool_input_account(in);
	char path[4200];
	tool_record r;
	int ret;

	memset(&r, 0, sizeof(r));
	snprintf(r.serial, sizeof(r.serial), "%s", res->before.serial);
	snprintf(r.model, sizeof(r.model), "%s", res->before.model);
	snprintf(r.account, sizeof(r.account), "%s", a->name);
	snprintf(r.issuer, sizeof(r.issuer), "%s", a->issuer);
	r.hash = (safeid_hash)in->report.hash;
	r.step = in->report.step;
	r.display = tool_display(o);
	r.time = (long long)tool_now(o);
	ret = tool_record_save(o->state_dir, &r, path, sizeof(path), err);
	if (o->json)
		json_str(j, "record_file", ret == 0 ? path : NULL);
	return ret;
}

static void show_result(const tool_opts *o, json_out *j,
                        const tool_write_result *res)
{
	char when[48];

	if (o->json) {
		json_str(j, "seed_state", safeid_seed_state_name(res->seed));
		if (res->after_valid && res->after.clock_known)
			json_uint(j, "token_clock_after", res->after.clock);
		else
			json_null(j, "token_clock_after");
		return;
	}
	if (res->after_valid && res->after.clock_known) {
		tool_fmt_time(res->after.clock, when, sizeof(when));
		printf("Token clock set to %s (%+lld s from the host clock).\n",
		       when, (long long)res->after.clock - (long long)tool_now(o));
	} else {
		printf("The token clock could not be read back; check the codes "
		       "with 'safeid-tool verify'.\n");
	}
}

int cmd_burn(const tool_opts *o, json_out *j, tool_error *err)
{
	const tool_backend_ops *ops = NULL;
	tool_backend *b = NULL;
	tool_write_result res;
	tool_burn_plan plan;
	tool_input in;
	tool_slot s;
	tool_ntp_state ntp;
	int lockfd = -1, ret;

	memset(&res, 0, sizeof(res));
	/* The whole input is read and checked before any token is opened. */
	ret = tool_input_load(o, &in, err);
	if (ret == 0)
		ret = tool_input_choose(o, &in, err);
	if (ret != 0)
		goto fail;
	ret = tool_open_writer(o, &lockfd, &ops, &b, &s, err);
	if (ret != 0)
		goto fail;
	ntp = tool_host_ntp_state();
	show_plan(o, j, &in, &s, ntp);
	ret = tool_confirm(o->yes, "Burn this account into the token? It "
	                           "replaces the seed the token holds.", err);
	if (ret != 0)
		goto fail;
	if (!o->json)
		printf("Burning into token %s:\n", s.serial);
	fill_plan(o, &in, &plan);
	plan.expect_serial = s.serial;
	tool_watchdog_after_write(SAFEID_SEED_NEW);
	tool_watchdog_arm("read token info", SAFEID_SEED_OLD, EXIT_TOKEN);
	ret = ops->burn(b, o->reader, &plan, tool_progress, (void *)o, &res,
	                err);
	tool_watchdog_disarm();
	if (ret != 0) {
		if (o->json)
			json_str(j, "seed_state", safeid_seed_state_name(res.seed));
		goto fail;
	}
	show_result(o, j, &res);
	show_codes(o, j, &in);
	ret = save_record(o, j, &in, &res, err);
fail:
	if (ops != NULL)
		ops->close(&b);
	tool_unlock(&lockfd);
	tool_input_free(&in);
	return ret;
}
