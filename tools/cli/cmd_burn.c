/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cmd_burn.c: the main job.  Input checked first (no token touched on bad
 * input), then the plan is shown and confirmed, then config and seed are
 * written, the clock read back, the burn recorded, and the person told
 * what the token should now display.
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "prompt.h"
#include "watchdog.h"

static const char *hash_name(int h)
{
	return h == SAFEID_HASH_SHA256 ? "SHA256" : "SHA1";
}

static void warnings_show(const tool_opts *o, json_out *j,
                          const input_plan_report *r)
{
	char shown[TOOL_TEXT_CAP(INPUT_MSG_MAX)];

	if (o->json)
		json_arr(j, "warnings");
	for (size_t i = 0; i < r->count; i++) {
		if (r->issues[i].severity != INPUT_SEV_WARNING)
			continue;
		if (o->json)
			json_str(j, NULL, r->issues[i].msg);
		else
			fprintf(stderr, "safeid-tool: warning: %s\n",
			        tool_text(r->issues[i].msg, shown,
			                  sizeof(shown)));
	}
	if (o->json)
		json_close(j);
}

static void plan_show(const tool_opts *o, json_out *j, const client_input *in,
                      const client_slot *s, client_ntp_state ntp)
{
	const input_account *a = client_input_account(in);
	char shown[TOOL_TEXT_CAP(sizeof(in->source))];
	uint64_t now = tool_now(o);

	if (o->json) {
		tool_slot_show(o, j, s, now);
		json_str(j, "account", a->name);
		json_str(j, "issuer", a->issuer);
		json_str(j, "hash", hash_name(in->report.hash));
		json_uint(j, "step", in->report.step);
		json_uint(j, "digits", 6);
		json_uint(j, "display", tool_display(o));
		json_str(j, "source", in->source);
		json_str(j, "host_clock_ntp", client_ntp_state_name(ntp));
		warnings_show(o, j, &in->report);
		return;
	}
	printf("Burn plan\n");
	/* the account's names come from the QR code: shown, never acted on */
	printf("Account:    %s\n",
	       a->name[0] != '\0' ? tool_text(a->name, shown, sizeof(shown))
	                          : "(no name)");
	printf("Issuer:     %s\n",
	       a->issuer[0] != '\0' ? tool_text(a->issuer, shown, sizeof(shown))
	                            : "(none)");
	printf("From:       %s\n", tool_text(in->source, shown, sizeof(shown)));
	printf("TOTP:       %s, %u s step, 6 digits, display on for %u s\n",
	       in->report.hash == SAFEID_HASH_SHA256 ? "SHA-256" : "SHA-1",
	       in->report.step, tool_display(o));
	tool_slot_show(o, j, s, now);
	printf("Host clock: %s\n", client_ntp_state_text(ntp));
	warnings_show(o, j, &in->report);
	if (ntp == CLIENT_NTP_UNSYNCED)
		fprintf(stderr, "safeid-tool: warning: %s\n",
		        client_text(CLIENT_TEXT_NTP_ADVICE));
}

/* What the token should show once switched off and on. */
static void codes_show(const tool_opts *o, json_out *j, const client_input *in)
{
	uint64_t now = tool_now(o);
	unsigned step = in->report.step;
	char buf[CLIENT_MSG_MAX];

	if (o->json) {
		json_obj(j, "codes");
		snprintf(buf, sizeof(buf), "%06u", client_code_at(in, now));
		json_str(j, "now", buf);
		snprintf(buf, sizeof(buf), "%06u",
		         client_code_at(in, now + step));
		json_str(j, "next", buf);
		json_uint(j, "seconds_left", step - (unsigned)(now % step));
		json_uint(j, "time", now);
		json_close(j);
		return;
	}
	client_text_codes(in, now, buf, sizeof(buf));
	printf("\nDone. %s\n%s\n", client_text(CLIENT_TEXT_POWER_CYCLE), buf);
	printf("Check with: safeid-tool verify ... (type the code it shows)\n");
}

static void result_show(const tool_opts *o, json_out *j,
                        const client_write_result *res)
{
	char line[CLIENT_MSG_MAX];

	if (o->json) {
		if (res->after_valid && res->after.clock_known)
			json_uint(j, "token_clock_after", res->after.clock);
		else
			json_null(j, "token_clock_after");
		return;
	}
	if (res->after_valid && res->after.clock_known) {
		client_text_clock("set to", res->after.clock, tool_now(o), line,
		                  sizeof(line));
		printf("%s\n", line);
	} else {
		printf("%s\n", client_text(CLIENT_TEXT_CLOCK_UNREAD));
	}
}

int cmd_burn(const tool_opts *o, json_out *j, client_error *err)
{
	client_backend *b = NULL;
	client_write_result res;
	client_record_txn txn;
	client_burn_plan plan;
	client_record made;
	client_input in;
	client_slot s;
	client_ntp_state ntp;
	bool burned;
	int lockfd = -1, ret;

	memset(&res, 0, sizeof(res));
	/* The whole input is read and checked before any token is opened,
	 * for the widest family; the single-profile family's narrower rule
	 * (6 digits) once the token says which it is (a read only). */
	ret = tool_input_load(o, &in, err);
	if (ret == 0 && o->all && (o->pick > 0 || o->match != NULL))
		ret = client_fail(err, CLIENT_EXIT_USAGE, "usage",
		                  "--all burns every account of the input: "
		                  "remove --pick/--match, or --all");
	if (ret == 0 && o->all)
		ret = client_input_check_all(&in, INPUT_DIGITS_MOLTO2, err);
	else if (ret == 0)
		ret = client_input_choose_digits(&in, o->pick, o->match,
		                                 INPUT_DIGITS_MOLTO2, err);
	if (ret != 0)
		goto fail;
	ret = tool_writer_open(o, &lockfd, &b, &s, err);
	if (ret != 0)
		goto fail;
	if (s.molto2) {
		ret = tool_m2_burn(o, j, &in, b, &s, err);
		goto fail;
	}
	ret = tool_m2_options_refuse(o, &s, err);
	if (ret == 0)
		ret = client_input_choose(&in, o->pick, o->match, err);
	if (ret != 0)
		goto fail;
	ntp = client_ntp_state_read();
	plan_show(o, j, &in, &s, ntp);
	ret = tool_confirm(o->yes, client_text(CLIENT_TEXT_BURN_QUESTION), err);
	if (ret != 0)
		goto fail;
	if (!o->json) {
		char shown[TOOL_TEXT_CAP(sizeof(s.serial))], line[128];

		client_text_burning(tool_text(s.serial, shown, sizeof(shown)),
		                    line, sizeof(line));
		printf("%s:\n", line);
	}
	client_burn_plan_fill(&plan, &in, tool_display(o));
	plan.expect_serial = s.serial;
	/* The token's record is set aside until the burn's outcome is
	 * known, so nothing can leave it describing an older configuration. */
	client_record_fill(&made, &in, &s, tool_display(o),
	                   (long long)tool_now(o));
	ret = client_record_begin(o->state_dir, s.serial, &made, true, &txn,
	                          err);
	if (ret != 0)
		goto fail;
	tool_watchdog_write(b, &s, &txn, true);
	tool_watchdog_arm(client_step_text(CLIENT_STEP_INFO), SAFEID_SEED_OLD,
	                  CLIENT_EXIT_TOKEN);
	ret = client_seed_burn(b, o->reader, &plan, tool_step_show, (void *)o,
	                       &res, err);
	tool_watchdog_disarm();
	if (ret == 0) {
		result_show(o, j, &res);
		codes_show(o, j, &in);
	}
	burned = ret == 0;
	ret = tool_write_settle(o, j, ret, &txn, &res, err);
	if (o->json && burned)
		json_str(j, "record_file", ret == 0 ? txn.path : NULL);
fail:
	client_backend_close(&b);
	client_lock_release(&lockfd);
	client_input_free(&in);
	return ret;
}
