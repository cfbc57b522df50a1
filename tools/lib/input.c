/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * input.c: an input (QR image, screen, URI, bare secret) becomes a list of
 * accounts, one of which is chosen and checked against this token family.
 *
 * Everything here happens before a token is opened, so a bad input can
 * never lead to a write: a front end opens the backend only once
 * client_input_choose() has succeeded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "client.h"
#include "plugin.h"

/* An inputs error as a client error: "INPUT_ERR_HOTP" -> "hotp", a short
 * stable key for scripts. */
static int fail_from_input(const input_error *ie, client_error *err)
{
	int code = ie->code == INPUT_ERR_NOMEM ? CLIENT_EXIT_SETUP
	                                       : CLIENT_EXIT_INPUT;
	const char *name = input_errname(ie->code);
	char sym[48];

	if (strncmp(name, "INPUT_ERR_", 10) == 0)
		name += 10;
	else if (strncmp(name, "INPUT_", 6) == 0)
		name += 6;
	snprintf(sym, sizeof(sym), "%s", name);
	for (char *p = sym; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return client_fail(err, code, sym, "%s",
	                   ie->msg[0] != '\0' ? ie->msg
	                                      : input_strerror(ie->code));
}

/* Parse every decoded QR code; codes that hold no OTP account are noted in
 * in->skipped, and only when none holds one is it an error. */
static int codes_parse(const input_qr_list *codes, const char *where,
                       client_input *in, client_error *err)
{
	input_error ie = {0, ""}, first = {0, ""};
	size_t used = 0;

	in->qr_codes = codes->count;
	for (size_t i = 0; i < codes->count; i++) {
		char what[384];

		if (codes->count == 1)
			snprintf(what, sizeof(what), "the QR code in %s",
			         where);
		else
			snprintf(what, sizeof(what), "QR code %zu of %zu in %s",
			         i + 1, codes->count, where);
		if (input_parse(codes->items[i].text, codes->items[i].len, what,
		                &in->accounts, &ie) == INPUT_OK)
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
		return fail_from_input(&first, err);
	return 0;
}

/*
 * QR codes in an image file (path) or in memory (data, len): one reader
 * for both.  The image plug-in, loaded only for these inputs, decodes;
 * what names the image in messages.
 */
static int qr_read(const char *path, const uint8_t *data, size_t len,
                   const char *what, client_input *in, client_error *err)
{
	const client_image_plugin *img;
	input_qr_list codes;
	input_error ie = {0, ""};
	int rc, ret;

	memset(in, 0, sizeof(*in));
	img = client_image_plugin_load(err);
	if (img == NULL)
		return err->exit_code;
	memset(&codes, 0, sizeof(codes));
	if (path != NULL) {
		snprintf(in->source, sizeof(in->source), "QR code in '%s'",
		         path);
		rc = img->qr_decode_file(path, &codes, &ie);
	} else {
		snprintf(in->source, sizeof(in->source), "QR code in %s", what);
		rc = img->qr_decode_buffer(data, len, what, &codes, &ie);
	}
	if (rc != INPUT_OK)
		ret = fail_from_input(&ie, err);
	else
		ret = codes_parse(&codes, what, in, err);
	img->qr_list_clear(&codes);
	return ret;
}

int client_input_qr_read(const char *path, client_input *in, client_error *err)
{
	return qr_read(path, NULL, 0, path, in, err);
}

/* An image held in memory (a pasted one): like a file, without a file. */
int client_input_image_read(const uint8_t *data, size_t len, const char *what,
                            client_input *in, client_error *err)
{
	return qr_read(NULL, data, len, what, in, err);
}

int client_input_screen_read(const char *shot_cmd, client_input *in,
                             client_error *err)
{
	const client_image_plugin *img;
	input_screen_result scr;
	input_error ie = {0, ""};
	int rc, ret;

	memset(in, 0, sizeof(*in));
	img = client_image_plugin_load(err);
	if (img == NULL)
		return err->exit_code;
	memset(&scr, 0, sizeof(scr));
	snprintf(in->source, sizeof(in->source), "QR code on the screen");
	if (shot_cmd != NULL)
		rc = img->screen_scan_cmd(shot_cmd, &scr, &ie);
	else
		rc = img->screen_scan(NULL, &scr, &ie);
	in->monitor_count = scr.monitor_count;
	memcpy(in->monitors, scr.monitors, sizeof(in->monitors));
	if (rc != INPUT_OK)
		ret = fail_from_input(&ie, err);
	else
		ret = codes_parse(&scr.codes, "the screen", in, err);
	img->screen_result_clear(&scr);
	return ret;
}

/* The length of text without trailing newlines, spaces and tabs. */
static size_t trimmed_len(const char *text, size_t len)
{
	while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r' ||
	                   text[len - 1] == ' ' || text[len - 1] == '\t'))
		len--;
	return len;
}

int client_input_uri_parse(const char *text, size_t len, const char *what,
                           client_input *in, client_error *err)
{
	input_error ie = {0, ""};

	memset(in, 0, sizeof(*in));
	snprintf(in->source, sizeof(in->source), "%s", what);
	if (input_parse(text, trimmed_len(text, len), what, &in->accounts,
	                &ie) != INPUT_OK)
		return fail_from_input(&ie, err);
	return 0;
}

bool client_hash_parse(const char *name, safeid_hash *out)
{
	if (strcasecmp(name, "sha1") == 0 || strcasecmp(name, "sha-1") == 0)
		*out = SAFEID_HASH_SHA1;
	else if (strcasecmp(name, "sha256") == 0 ||
	         strcasecmp(name, "sha-256") == 0)
		*out = SAFEID_HASH_SHA256;
	else
		return false;
	return true;
}

/* Percent-encode s into out (everything but unreserved characters). */
static size_t pct_encode(const char *s, char *out, size_t cap)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = 0;

	for (; *s != '\0' && n + 4 < cap; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~') {
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
 * A bare base32 secret: the settings come from o.  It is turned into an
 * otpauth URI and parsed like any other, so a bare secret gets exactly
 * the same checks (base32, length, hash, period) as a QR code.
 */
int client_input_secret_parse(const char *b32, size_t len,
                              const client_secret_opts *o, const char *what,
                              client_input *in, client_error *err)
{
	char label[3 * 2 * INPUT_FIELD_MAX + 8];
	char issuer[3 * INPUT_FIELD_MAX + 1];
	input_error ie = {0, ""};
	size_t ucap = 0;
	char *uri = NULL;
	int ret = 0;

	memset(in, 0, sizeof(*in));
	snprintf(in->source, sizeof(in->source), "%s", what);
	len = trimmed_len(b32, len);
	if (len == 0 || memchr(b32, '&', len) != NULL ||
	    memchr(b32, '#', len) != NULL || memchr(b32, '%', len) != NULL ||
	    memchr(b32, '\0', len) != NULL)
		return client_fail(err, CLIENT_EXIT_INPUT,
		                   len == 0 ? "no_secret" : "base32",
		                   "%s is %s: give the base32 secret the "
		                   "service showed (letters A-Z and digits "
		                   "2-7)",
		                   in->source,
		                   len == 0 ? "empty" : "not base32");
	pct_encode(o->account != NULL ? o->account : "token", label,
	           sizeof(label));
	pct_encode(o->issuer != NULL ? o->issuer : "", issuer, sizeof(issuer));
	ucap = len + sizeof(label) + sizeof(issuer) + 128;
	uri = malloc(ucap);
	if (uri == NULL)
		return client_fail(err, CLIENT_EXIT_SETUP, "nomem",
		                   "out of memory");
	snprintf(uri, ucap,
	         "otpauth://totp/%s?secret=%.*s&algorithm=%s&digits=%u"
	         "&period=%u%s%s",
	         label, (int)len, b32,
	         o->hash == SAFEID_HASH_SHA256 ? "SHA256" : "SHA1",
	         o->digits > 0 ? o->digits : 6u, o->step > 0 ? o->step : 30u,
	         issuer[0] != '\0' ? "&issuer=" : "", issuer);
	if (input_parse(uri, strlen(uri), in->source, &in->accounts, &ie) !=
	    INPUT_OK)
		ret = fail_from_input(&ie, err);
	input_secret_free(uri, ucap);
	return ret;
}

int client_input_choose(client_input *in, long pick, const char *match,
                        client_error *err)
{
	return client_input_choose_digits(in, pick, match, INPUT_DIGITS_SINGLE,
	                                  err);
}

/* The first error of a plan report as a client error. */
static int plan_fail(const input_plan_report *r, const char *source,
                     client_error *err)
{
	input_error ie = {0, ""};

	for (size_t i = 0; i < r->count; i++)
		if (r->issues[i].severity == INPUT_SEV_ERROR) {
			ie.code = r->issues[i].code;
			snprintf(ie.msg, sizeof(ie.msg), "%s",
			         r->issues[i].msg);
			return fail_from_input(&ie, err);
		}
	return client_fail(err, CLIENT_EXIT_INPUT, "plan",
	                   "%s cannot be burned into this token family",
	                   source);
}

int client_input_check_all(const client_input *in, unsigned digits_mask,
                           client_error *err)
{
	input_plan_report r;

	for (size_t i = 0; i < in->accounts.count; i++)
		if (input_plan_check_digits(&in->accounts.items[i], NULL,
		                            digits_mask, &r) != INPUT_OK)
			return plan_fail(&r, in->source, err);
	return 0;
}

unsigned client_slot_digits(const client_slot *s)
{
	return s->molto2 ? INPUT_DIGITS_MOLTO2 : INPUT_DIGITS_SINGLE;
}

int client_input_choose_digits(client_input *in, long pick, const char *match,
                               unsigned digits_mask, client_error *err)
{
	input_error ie = {0, ""};
	const char *spec = match;
	char sel[32];

	if (pick > 0) {
		snprintf(sel, sizeof(sel), "%ld", pick);
		spec = sel;
	}
	if (in->accounts.count > 1 && spec == NULL)
		return client_fail(err, CLIENT_EXIT_INPUT, "ambiguous",
		                   "%s holds %zu accounts: choose one with "
		                   "--pick N or --match TEXT ('safeid-tool "
		                   "scan' lists them)",
		                   in->source, in->accounts.count);
	if (input_account_pick(&in->accounts, spec, &in->chosen, &ie) !=
	    INPUT_OK)
		return fail_from_input(&ie, err);
	if (input_plan_check_digits(&in->accounts.items[in->chosen], NULL,
	                            digits_mask, &in->report) != INPUT_OK)
		return plan_fail(&in->report, in->source, err);
	return 0;
}

const input_account *client_input_account(const client_input *in)
{
	return &in->accounts.items[in->chosen];
}

void client_input_free(client_input *in)
{
	input_account_list_clear(&in->accounts);
	memset(in, 0, sizeof(*in));
}

void client_burn_plan_fill(client_burn_plan *p, const client_input *in,
                           unsigned display_seconds)
{
	const input_account *a = client_input_account(in);

	memset(p, 0, sizeof(*p));
	p->seed = a->secret;
	p->seedlen = a->secret_len;
	p->hash = (safeid_hash)in->report.hash;
	p->step = in->report.step;
	p->display_seconds = display_seconds;
}
