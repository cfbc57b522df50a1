/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What a decoded QR code (or pasted text) holds: an otpauth URI, a migration
 * export, or something people scan by mistake (the token's own serial
 * barcode, a Microsoft push QR, a passkey QR, a web page).  The mistakes get
 * their own codes so the message can say what was scanned and what to scan
 * instead.  Unknown content is never echoed: it might be a bare secret.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

static int parse_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int parse_all_digits(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return len > 0;
}

static int parse_looks_base32(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '2' && c <= '7'))
			n++;
		else if (c != '=' && c != ' ')
			return 0;
	}
	return n >= 16;
}

/* Content that is recognisably not an OTP seed. */
static int parse_not_otp(const char *s, size_t len, const char *w,
                         input_error *err)
{
	if (parse_all_digits(s, len)) {
		if (len >= 10 && len <= 16 && strncmp(s, "8659", 4) == 0)
			return input_fail(
				err, INPUT_ERR_SERIAL_BARCODE,
				"%s is a token serial number (%zu digits starting 8659), printed on the token's own label; it holds no seed: scan the QR code the service shows when you add an authenticator",
				w, len);
		return input_fail(
			err, INPUT_ERR_NUMBER,
			"%s is a plain number (%zu digits), not an authenticator setup code; scan the QR code the service shows when you add an authenticator app",
			w, len);
	}
	if (input_has_prefix(s, len, "phonefactor://"))
		return input_fail(
			err, INPUT_ERR_PHONEFACTOR,
			"%s is a Microsoft Authenticator push-notification QR code (phonefactor://) and holds no seed; at the Microsoft sign-in page choose \"I want to use a different authenticator app\" to get an otpauth QR code",
			w);
	if (input_has_prefix(s, len, "FIDO:/"))
		return input_fail(
			err, INPUT_ERR_FIDO,
			"%s is a passkey (FIDO:/) pairing QR code for a phone; it holds no seed: at the service choose to add an authenticator app instead",
			w);
	if (input_has_prefix(s, len, "http://") ||
	    input_has_prefix(s, len, "https://"))
		return input_fail(
			err, INPUT_ERR_WEB_LINK,
			"%s is a web link, not an authenticator setup code; open it in a browser if you trust it, then scan the otpauth QR code the page shows",
			w);
	if (parse_looks_base32(s, len))
		return input_fail(
			err, INPUT_ERR_UNKNOWN_CONTENT,
			"%s holds bare text that may be a base32 secret, not an otpauth URI; if the service gave the secret this way, %s",
			w,
			input_advice(
				"burn it with --secret - (from standard input)",
				"burn it with safeid-tool burn --secret - (this window reads otpauth:// links and QR codes)"));
	{
		/* name the scheme only when it looks like one (RFC 3986: a letter,
		 * then letters, digits, + - .), so no stray text is echoed */
		const char *colon = memchr(s, ':', len < 17 ? len : 17);
		char scheme[40];
		int ok = colon != NULL && colon > s &&
		         isalpha((unsigned char)s[0]);
		for (const char *p = s; ok && p < colon; p++)
			ok = isalnum((unsigned char)*p) || *p == '+' ||
			     *p == '-' || *p == '.';
		if (ok) {
			input_text_escape(s, (size_t)(colon - s), scheme,
			                  sizeof(scheme));
			return input_fail(
				err, INPUT_ERR_UNKNOWN_CONTENT,
				"%s is a \"%s:\" code, not an authenticator setup code (otpauth://); scan the QR code the service shows when you add an authenticator app",
				w, scheme);
		}
	}
	return input_fail(
		err, INPUT_ERR_UNKNOWN_CONTENT,
		"%s holds %zu bytes of text that are not an authenticator setup code (otpauth://); scan the QR code the service shows when you add an authenticator app",
		w, len);
}

int input_parse(const char *text, size_t len, const char *what,
                input_account_list *out, input_error *err)
{
	const char *w = input_what(what);

	if (text == NULL || out == NULL)
		return input_fail(err, INPUT_ERR_ARG,
		                  "parse: missing argument");
	if (len > INPUT_TEXT_MAX)
		return input_fail(
			err, INPUT_ERR_TOO_LONG,
			"%s is %zu bytes long, more than any authenticator QR code holds (%u at most); check it is the right input",
			w, len, INPUT_TEXT_MAX);
	if (memchr(text, '\0', len) != NULL)
		return input_fail(
			err, INPUT_ERR_NUL,
			"%s holds a NUL byte; it is damaged or crafted: get a fresh QR code from the service",
			w);
	/* stdin and files end with a newline; pasted text may be padded */
	while (len > 0 && parse_is_space(*text)) {
		text++;
		len--;
	}
	while (len > 0 && parse_is_space(text[len - 1]))
		len--;
	if (len == 0)
		return input_fail(
			err, INPUT_ERR_EMPTY_INPUT,
			"%s is empty; give the otpauth:// URI or a QR code image of it",
			w);
	if (input_has_prefix(text, len, "otpauth://"))
		return input_otpauth_parse(text, len, what, out, err);
	if (input_has_prefix(text, len, "otpauth-migration://"))
		return input_migration_parse(text, len, what, out, err);
	return parse_not_otp(text, len, w, err);
}

int input_text_check(const char *text, size_t len, const char *what,
                     input_error *err)
{
	input_account_list l = {0};
	input_plan_report *r = NULL;
	int rc;

	rc = input_parse(text, len, what, &l, err);
	if (rc != INPUT_OK)
		goto fail;
	r = calloc(1, sizeof(*r));
	if (r == NULL) {
		rc = input_fail(err, INPUT_ERR_NOMEM,
		                "out of memory checking %s", input_what(what));
		goto fail;
	}
	for (size_t i = 0; i < l.count; i++) {
		rc = input_plan_check(&l.items[i], NULL, r);
		if (rc != INPUT_OK) {
			for (size_t k = 0; k < r->count; k++)
				if (r->issues[k].code == rc)
					input_fail(err, rc, "%s: %s",
					           input_what(what),
					           r->issues[k].msg);
			goto fail;
		}
	}
fail:
	free(r);
	input_account_list_clear(&l);
	return rc;
}
