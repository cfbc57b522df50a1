/*
 * source.c: turn the input options into a checked account.
 *
 * Everything here happens before a token is opened, so a bad input can
 * never lead to a write: the burn command only opens the backend once
 * tool_input_choose() has succeeded.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "plugin.h"
#include "secret.h"
#include "source.h"

bool tool_input_given(const tool_opts *o)
{
	return o->qr_file != NULL || o->screen || o->uri != NULL ||
	       o->uri_file != NULL || o->secret != NULL || o->secret_arg != NULL;
}

static int count_inputs(const tool_opts *o)
{
	return (o->qr_file != NULL) + (o->screen ? 1 : 0) + (o->uri != NULL) +
	       (o->uri_file != NULL) + (o->secret != NULL) +
	       (o->secret_arg != NULL);
}

static int in_to_tool(const input_error *ie, tool_error *err)
{
	int code = ie->code == INPUT_ERR_NOMEM ? EXIT_SETUP : EXIT_INPUT;
	char sym[48];
	const char *name = input_errname(ie->code);

	/* "INPUT_ERR_HOTP" -> "hotp": a short stable key for --json. */
	if (strncmp(name, "INPUT_ERR_", 10) == 0)
		name += 10;
	else if (strncmp(name, "INPUT_", 6) == 0)
		name += 6;
	snprintf(sym, sizeof(sym), "%s", name);
	for (char *p = sym; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return tool_fail(err, code, sym, "%s", ie->msg[0] != '\0'
	                                           ? ie->msg
	                                           : input_strerror(ie->code));
}

/* Parse every decoded QR code; codes that hold no OTP account are noted in
 * in->skipped, and only when none holds one is it an error. */
static int parse_codes(const input_qr_list *codes, const char *where,
                       tool_input *in, tool_error *err)
{
	input_error ie = {0, ""}, first = {0, ""};
	size_t used = 0;

	in->qr_codes = codes->count;
	for (size_t i = 0; i < codes->count; i++) {
		char what[384];

		if (codes->count == 1)
			snprintf(what, sizeof(what), "the QR code in %s", where);
		else
			snprintf(what, sizeof(what), "QR code %zu of %zu in %s",
			         i + 1, codes->count, where);
		if (input_parse(codes->items[i].text, codes->items[i].len,
		                what, &in->accounts, &ie) == INPUT_OK)
			continue;
		if (first.code == 0)
			first = ie;
		if (used < sizeof(in->skipped)) {
			int n = snprintf(in->skipped + used,
			                 sizeof(in->skipped) - used, "%s%s",
			                 used > 0 ? "\n" : "", ie.msg);
			if (n > 0)
				used += (size_t)n;
		}
	}
	if (in->accounts.count == 0 && first.code != 0)
		return in_to_tool(&first, err);
	return 0;
}

/* QR codes are read by the image plug-in, loaded only for these inputs. */
static int load_qr(const tool_opts *o, tool_input *in, tool_error *err)
{
	const tool_image_plugin *img = tool_load_image_plugin(err);
	input_qr_list codes;
	input_error ie = {0, ""};
	int ret;

	if (img == NULL)
		return err->exit_code;
	memset(&codes, 0, sizeof(codes));
	snprintf(in->source, sizeof(in->source), "QR code in '%s'", o->qr_file);
	if (img->qr_decode_file(o->qr_file, &codes, &ie) != INPUT_OK)
		ret = in_to_tool(&ie, err);
	else
		ret = parse_codes(&codes, o->qr_file, in, err);
	img->qr_list_clear(&codes);
	return ret;
}

static int load_screen(const tool_opts *o, tool_input *in, tool_error *err)
{
	const tool_image_plugin *img = tool_load_image_plugin(err);
	input_screen_result scr;
	input_error ie = {0, ""};
	int rc, ret;

	if (img == NULL)
		return err->exit_code;
	memset(&scr, 0, sizeof(scr));
	snprintf(in->source, sizeof(in->source), "QR code on the screen");
	if (o->screenshot_cmd != NULL)
		rc = img->screen_scan_cmd(o->screenshot_cmd, &scr, &ie);
	else
		rc = img->screen_scan(NULL, &scr, &ie);
	in->monitor_count = scr.monitor_count;
	memcpy(in->monitors, scr.monitors, sizeof(in->monitors));
	if (rc != INPUT_OK)
		ret = in_to_tool(&ie, err);
	else
		ret = parse_codes(&scr.codes, "the screen", in, err);
	img->screen_result_clear(&scr);
	return ret;
}

static int load_text(const tool_opts *o, tool_input *in, tool_error *err)
{
	input_error ie = {0, ""};
	char *buf = NULL;
	size_t len = 0, cap = 0;
	const char *what;
	int ret;

	if (o->uri != NULL) {
		if (strcmp(o->uri, "-") != 0)
			return tool_fail(err, EXIT_USAGE, "usage",
			                 "--uri takes '-' (read the URI from standard "
			                 "input) so the secret stays out of the "
			                 "process list: use 'echo URI | safeid-tool "
			                 "... --uri -' or --uri-file FILE");
		what = "the URI on standard input";
		ret = tool_read_secret_fd(0, what, INPUT_TEXT_MAX, false, &buf,
		                          &len, &cap, err);
	} else {
		what = o->uri_file;
		ret = tool_read_secret_file(o->uri_file, INPUT_TEXT_MAX, &buf,
		                            &len, &cap, err);
	}
	if (ret != 0)
		return ret;
	snprintf(in->source, sizeof(in->source), "%s", what);
	tool_chomp(buf, &len);
	if (input_parse(buf, len, what, &in->accounts, &ie) != INPUT_OK)
		ret = in_to_tool(&ie, err);
	input_secret_free(buf, cap);
	return ret;
}

static int parse_hash(const char *s, input_alg *alg, tool_error *err)
{
	if (s == NULL || strcasecmp(s, "sha1") == 0 || strcasecmp(s, "sha-1") == 0)
		*alg = INPUT_ALG_SHA1;
	else if (strcasecmp(s, "sha256") == 0 || strcasecmp(s, "sha-256") == 0)
		*alg = INPUT_ALG_SHA256;
	else
		return tool_fail(err, EXIT_USAGE, "usage",
		                 "--hash '%s' is not supported by this token "
		                 "family: use sha1 or sha256",
		                 s);
	return 0;
}

/* Percent-encode s into out (everything but unreserved characters). */
static size_t pct_encode(const char *s, char *out, size_t cap)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = 0;

	for (; *s != '\0' && n + 4 < cap; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
		    c == '~') {
			out[n++] = (char)c;
		} else {
			out[n++] = '%';
			out[n++] = hex[c >> 4];
			out[n++] = hex[c & 15];
		}
	}
	out[n] = '\0';
	return n;
}

/*
 * A bare base32 secret: the settings come from the options.  It is turned
 * into an otpauth URI and parsed like any other, so a bare secret gets
 * exactly the same checks (base32, length, hash, period) as a QR code.
 */
static int load_secret(const tool_opts *o, tool_input *in, tool_error *err)
{
	input_error ie = {0, ""};
	input_alg alg = INPUT_ALG_SHA1;
	char *buf = NULL, *uri = NULL;
	char label[3 * 2 * INPUT_FIELD_MAX + 8], issuer[3 * INPUT_FIELD_MAX + 1];
	size_t len = 0, cap = 0, ucap = 0;
	int ret;

	if (o->secret != NULL && strcmp(o->secret, "-") != 0)
		return tool_fail(err, EXIT_USAGE, "usage",
		                 "--secret takes '-' (base32 secret on standard "
		                 "input); to pass it in the command line, visible "
		                 "to other users, use --secret-arg");
	ret = parse_hash(o->hash, &alg, err);
	if (ret != 0)
		return ret;
	if (o->secret_arg != NULL) {
		fprintf(stderr,
		        "safeid-tool: warning: --secret-arg puts the secret in "
		        "the process list and shell history; prefer --secret - "
		        "(standard input)\n");
		len = strlen(o->secret_arg);
		cap = len + 1;
		buf = malloc(cap);
		if (buf == NULL)
			return tool_fail(err, EXIT_SETUP, "nomem", "out of memory");
		memcpy(buf, o->secret_arg, cap);
		snprintf(in->source, sizeof(in->source), "the secret in --secret-arg");
	} else {
		if (isatty(0))
			fprintf(stderr, "Base32 secret (not shown): ");
		ret = tool_read_secret_fd(0, "the secret on standard input",
		                          INPUT_SECRET_CHARS_MAX, true, &buf,
		                          &len, &cap, err);
		if (ret != 0)
			return ret;
		snprintf(in->source, sizeof(in->source),
		         "the secret on standard input");
	}
	tool_chomp(buf, &len);
	if (len == 0 || strchr(buf, '&') != NULL || strchr(buf, '#') != NULL ||
	    strchr(buf, '%') != NULL || strlen(buf) != len) {
		ret = tool_fail(err, EXIT_INPUT, len == 0 ? "no_secret" : "base32",
		                "%s is %s: give the base32 secret the service "
		                "showed (letters A-Z and digits 2-7)",
		                in->source, len == 0 ? "empty" : "not base32");
		goto fail;
	}
	pct_encode(o->account != NULL ? o->account : "token", label,
	           sizeof(label));
	pct_encode(o->issuer != NULL ? o->issuer : "", issuer, sizeof(issuer));
	ucap = len + sizeof(label) + sizeof(issuer) + 128;
	uri = malloc(ucap);
	if (uri == NULL) {
		ret = tool_fail(err, EXIT_SETUP, "nomem", "out of memory");
		goto fail;
	}
	snprintf(uri, ucap, "otpauth://totp/%s?secret=%s&algorithm=%s&digits=6"
	         "&period=%ld%s%s",
	         label, buf, alg == INPUT_ALG_SHA256 ? "SHA256" : "SHA1",
	         o->step > 0 ? o->step : 30L, issuer[0] != '\0' ? "&issuer=" : "",
	         issuer);
	if (input_parse(uri, strlen(uri), in->source, &in->accounts, &ie) !=
	    INPUT_OK)
		ret = in_to_tool(&ie, err);
fail:
	input_secret_free(uri, ucap);
	input_secret_free(buf, cap);
	return ret;
}

int tool_input_load(const tool_opts *o, tool_input *in, tool_error *err)
{
	int n = count_inputs(o);

	memset(in, 0, sizeof(*in));
	if (n == 0)
		return tool_fail(err, EXIT_USAGE, "usage",
		                 "no input given: use --qr FILE, --screen, --uri -, "
		                 "--uri-file FILE or --secret -");
	if (n > 1)
		return tool_fail(err, EXIT_USAGE, "usage",
		                 "several inputs given: use only one of --qr, "
		                 "--screen, --uri, --uri-file, --secret, "
		                 "--secret-arg");
	if ((o->hash != NULL || o->step > 0 || o->account != NULL ||
	     o->issuer != NULL) &&
	    o->secret == NULL && o->secret_arg == NULL)
		return tool_fail(err, EXIT_USAGE, "usage",
		                 "--hash, --step, --account and --issuer apply to a "
		                 "bare secret (--secret -) only; an otpauth URI or "
		                 "QR code carries its own settings");
	if (o->qr_file != NULL)
		return load_qr(o, in, err);
	if (o->screen)
		return load_screen(o, in, err);
	if (o->uri != NULL || o->uri_file != NULL)
		return load_text(o, in, err);
	return load_secret(o, in, err);
}

int tool_input_choose(const tool_opts *o, tool_input *in, tool_error *err)
{
	input_error ie = {0, ""};
	char sel[32];
	const char *spec = o->match;

	if (o->pick > 0) {
		snprintf(sel, sizeof(sel), "%ld", o->pick);
		spec = sel;
	}
	if (in->accounts.count > 1 && spec == NULL)
		return tool_fail(err, EXIT_INPUT, "ambiguous",
		                 "%s holds %zu accounts: choose one with --pick N "
		                 "or --match TEXT ('safeid-tool scan' lists them)",
		                 in->source, in->accounts.count);
	if (input_account_pick(&in->accounts, spec, &in->chosen, &ie) !=
	    INPUT_OK)
		return in_to_tool(&ie, err);
	in->picked = true;
	if (input_plan_check(&in->accounts.items[in->chosen], NULL,
	                     &in->report) != INPUT_OK) {
		for (size_t i = 0; i < in->report.count; i++)
			if (in->report.issues[i].severity == INPUT_SEV_ERROR) {
				ie.code = in->report.issues[i].code;
				snprintf(ie.msg, sizeof(ie.msg), "%s",
				         in->report.issues[i].msg);
				return in_to_tool(&ie, err);
			}
		return tool_fail(err, EXIT_INPUT, "plan",
		                 "%s cannot be burned into this token family",
		                 in->source);
	}
	return 0;
}

const input_account *tool_input_account(const tool_input *in)
{
	return &in->accounts.items[in->chosen];
}

void tool_input_free(tool_input *in)
{
	input_account_list_clear(&in->accounts);
	memset(in, 0, sizeof(*in));
}
