/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cmd_codes.c: commands that need no token: scan (explain an input),
 * code (expected codes, like oathtool) and verify (is the code the token
 * shows right, and how far is its clock off).
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "prompt.h"

static void account_show(const tool_opts *o, json_out *j,
                         const input_account *a, size_t idx, bool *any_ok)
{
	input_plan_report r;
	char label[600], shown[TOOL_TEXT_CAP(INPUT_MSG_MAX)];
	int rc = input_plan_check(a, NULL, &r);

	input_account_label(a, label, sizeof(label));
	if (rc == INPUT_OK)
		*any_ok = true;
	if (o->json) {
		json_obj(j, NULL);
		json_uint(j, "index", idx + 1);
		json_str(j, "label", label);
		json_str(j, "issuer", a->issuer);
		json_str(j, "account", a->name);
		json_str(j, "type",
		         a->type == INPUT_OTP_HOTP ? "hotp" : "totp");
		json_str(j, "hash", input_alg_name(a->alg));
		json_uint(j, "digits", a->digits);
		json_uint(j, "step", a->period);
		json_uint(j, "secret_bits",
		          (unsigned long long)a->secret_len * 8u);
		json_str(j, "from", a->source);
		json_bool(j, "burnable", rc == INPUT_OK);
		json_arr(j, "issues");
		for (size_t i = 0; i < r.count; i++) {
			json_obj(j, NULL);
			json_str(j, "severity",
			         r.issues[i].severity == INPUT_SEV_ERROR
			                 ? "error"
			                 : "warning");
			json_str(j, "code", input_errname(r.issues[i].code));
			json_str(j, "message", r.issues[i].msg);
			json_close(j);
		}
		json_close(j);
		json_close(j);
		return;
	}
	printf("%zu. %s\n", idx + 1, label);
	printf("   %s, %s, %u digits, %u s step, %zu-bit secret (%s)\n",
	       a->type == INPUT_OTP_HOTP ? "HOTP (counter)" : "TOTP",
	       input_alg_name(a->alg), a->digits, a->period, a->secret_len * 8u,
	       tool_text(a->source, shown, sizeof(shown)));
	for (size_t i = 0; i < r.count; i++)
		printf("   %s: %s\n",
		       r.issues[i].severity == INPUT_SEV_ERROR ? "cannot burn"
		                                               : "warning",
		       tool_text(r.issues[i].msg, shown, sizeof(shown)));
	if (rc == INPUT_OK)
		printf("   %s\n", client_text(CLIENT_TEXT_BURNABLE));
}

/* --screen: what was searched, and where the codes were. */
static void monitors_show(const tool_opts *o, json_out *j,
                          const client_input *in)
{
	if (in->monitor_count == 0)
		return;
	if (o->json)
		json_arr(j, "monitors");
	for (size_t i = 0; i < in->monitor_count; i++) {
		const input_monitor *m = &in->monitors[i];

		if (o->json) {
			json_obj(j, NULL);
			json_str(j, "name", m->name);
			json_int(j, "x", m->x);
			json_int(j, "y", m->y);
			json_uint(j, "width", m->width);
			json_uint(j, "height", m->height);
			json_uint(j, "qr_codes", m->codes);
			json_close(j);
		} else {
			char line[sizeof(m->name) + 96];
			char shown[TOOL_TEXT_CAP(sizeof(line))];

			/* the name comes from the X server */
			client_text_monitor(m, line, sizeof(line));
			printf("%s\n", tool_text(line, shown, sizeof(shown)));
		}
	}
	if (o->json)
		json_close(j);
}

int cmd_scan(const tool_opts *o, json_out *j, client_error *err)
{
	char shown[TOOL_TEXT_CAP(sizeof(((client_input *)0)->skipped))];
	client_input in;
	bool any_ok = false;
	int ret;

	ret = tool_input_load(o, &in, err);
	if (ret != 0)
		goto fail;
	monitors_show(o, j, &in);
	if (o->json) {
		json_str(j, "source", in.source);
		json_uint(j, "qr_codes", in.qr_codes);
		json_arr(j, "accounts");
	} else {
		char line[sizeof(in.source) + 32];

		client_text_accounts(&in, line, sizeof(line));
		printf("%s\n", tool_text(line, shown, sizeof(shown)));
	}
	for (size_t i = 0; i < in.accounts.count; i++)
		account_show(o, j, &in.accounts.items[i], i, &any_ok);
	if (o->json) {
		json_close(j);
		json_str(j, "skipped",
		         in.skipped[0] != '\0' ? in.skipped : NULL);
	} else if (in.skipped[0] != '\0') {
		/* one message a line, each shown as text */
		printf("Skipped:\n");
		for (char *line = in.skipped, *nl; line != NULL;
		     line = nl != NULL ? nl + 1 : NULL) {
			nl = strchr(line, '\n');
			printf("%s\n", input_text_escape(
					       line,
					       nl != NULL ? (size_t)(nl - line)
							  : strlen(line),
					       shown, sizeof(shown)));
		}
	}
	/* With --pick/--match, the answer is about that account. */
	if (o->pick > 0 || o->match != NULL)
		ret = client_input_choose(&in, o->pick, o->match, err);
	else if (!any_ok)
		ret = client_fail(err, CLIENT_EXIT_INPUT, "not_burnable",
		                  "%s holds no account this token family can "
		                  "hold (see above)",
		                  in.source);
fail:
	client_input_free(&in);
	return ret;
}

/* The account of code and verify: with --profile, checked as a Molto2
 * takes it and shown with the settings the token holds in that profile;
 * without, as the single-profile family takes it, no token reached. */
static int codes_load(const tool_opts *o, client_input *in, client_error *err)
{
	int ret;

	if (o->profile < 0 && o->token_opt != NULL)
		return client_fail(err, CLIENT_EXIT_USAGE, "usage",
		                   "%s reaches a token, which '%s' does only "
		                   "with --profile N (a Token2 Molto2's "
		                   "profile); remove it, or add --profile",
		                   o->token_opt, o->command);
	if (o->profile < 0)
		return tool_account_load(o, in, err);
	ret = tool_input_load(o, in, err);
	if (ret == 0)
		ret = client_input_choose_digits(in, o->pick, o->match,
		                                 INPUT_DIGITS_MOLTO2, err);
	if (ret == 0)
		ret = tool_m2_profile_settings(o, in, err);
	return ret;
}

int cmd_code(const tool_opts *o, json_out *j, client_error *err)
{
	client_input in;
	uint64_t now = tool_now(o), t;
	unsigned step;
	char buf[11];
	int ret;

	ret = codes_load(o, &in, err);
	if (ret != 0)
		goto fail;
	step = in.report.step;
	if (o->json) {
		json_uint(j, "time", now);
		json_uint(j, "step", step);
		json_uint(j, "seconds_left", step - (unsigned)(now % step));
		json_arr(j, "codes");
	}
	for (long i = 0; i < o->count; i++) {
		t = now + (uint64_t)i * step;
		client_code_text(&in, t, buf);
		if (o->json) {
			json_obj(j, NULL);
			json_uint(j, "time", t - t % step);
			json_str(j, "code", buf);
			json_close(j);
		} else if (i == 0) {
			printf("%s  (%u s left)\n", buf,
			       step - (unsigned)(now % step));
		} else {
			printf("%s\n", buf);
		}
	}
	if (o->json)
		json_close(j);
fail:
	client_input_free(&in);
	return ret;
}

/* The typed code: --code DIGITS, --code -, a code piped in when stdin
 * carries nothing else, or asked on the terminal. */
static int code_read(const tool_opts *o, unsigned digits, char out[11],
                     client_error *err)
{
	bool stdin_free = o->uri == NULL && o->secret == NULL;
	bool from_stdin = o->code_src != NULL || (stdin_free && !isatty(0));
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int ret, fd;

	if (o->code_src != NULL && strcmp(o->code_src, "-") != 0)
		return client_code_parse_digits(
			o->code_src, strlen(o->code_src), digits, out, err);
	if (from_stdin && (o->uri != NULL || o->secret != NULL))
		return client_fail(err, CLIENT_EXIT_USAGE, "usage",
		                   "standard input already carries the secret: "
		                   "give the code with --code DIGITS");
	fd = from_stdin ? 0 : open("/dev/tty", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return client_fail(err, CLIENT_EXIT_USAGE, "usage",
		                   "no code given and no terminal to ask on: "
		                   "use --code DIGITS or --code - (stdin)");
	ret = tool_secret_ask(fd, "Code shown on the token: ", true, "the code",
	                      64, &buf, &len, &cap, err);
	if (fd > 0)
		close(fd);
	if (ret == 0)
		ret = client_code_parse_digits(buf, len, digits, out, err);
	input_secret_free(buf, cap);
	return ret;
}

int cmd_verify(const tool_opts *o, json_out *j, client_error *err)
{
	char typed[11], line[CLIENT_MSG_MAX];
	client_input in;
	long offset = 0;
	uint64_t now = tool_now(o);
	bool match;
	int ret;

	ret = codes_load(o, &in, err);
	if (ret != 0)
		goto fail;
	ret = code_read(o, in.report.digits >= 4 ? in.report.digits : 6, typed,
	                err);
	if (ret != 0)
		goto fail;
	/* a 10-digit code beyond 32 bits is no code the token can show */
	match = strtoull(typed, NULL, 10) <= UINT32_MAX &&
	        client_code_find(&in, now, o->window,
	                         (uint32_t)strtoull(typed, NULL, 10), &offset);
	if (o->json) {
		json_bool(j, "match", match);
		json_uint(j, "time", now);
		json_uint(j, "step", in.report.step);
		json_uint(j, "window", (unsigned long long)o->window);
		if (match) {
			json_int(j, "offset_steps", offset);
			json_int(j, "offset_seconds",
			         offset * (long)in.report.step);
		} else {
			json_null(j, "offset_steps");
			json_null(j, "offset_seconds");
		}
	} else if (match && offset == 0) {
		printf("%s\n", client_text(CLIENT_TEXT_MATCH));
	} else if (match) {
		client_text_offset(offset, in.report.step, line, sizeof(line));
		printf("%s\n", line);
	}
	if (!match)
		ret = client_code_mismatch(err, o->window);
fail:
	client_input_free(&in);
	return ret;
}
