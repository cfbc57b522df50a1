/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * One table gives the symbol and the generic sentence of every inputs error,
 * so names used by tests and scripts can never drift from the codes.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "errtab.h"
#include "internal.h"

#define E ERRTAB_ROW
static const errtab_row errors[] = {
	E(INPUT_OK, "success"),
	E(INPUT_ERR_ARG, "invalid argument (a bug in the caller)"),
	E(INPUT_ERR_NOMEM, "out of memory; close other programs and retry"),
	E(INPUT_ERR_EMPTY_INPUT,
          "the input is empty; give an otpauth:// URI or a QR code"),
	E(INPUT_ERR_TOO_LONG,
          "the input or one of its fields is too long; check that it is an authenticator QR code"),
	E(INPUT_ERR_NUL,
          "the input holds a NUL byte; it is damaged or hostile, get a fresh QR code"),
	E(INPUT_ERR_ESCAPE,
          "the input holds a bad percent escape; get a fresh QR code from the service"),
	E(INPUT_ERR_SYNTAX,
          "the otpauth URI is malformed; get a fresh QR code from the service"),
	E(INPUT_ERR_DUPLICATE,
          "a parameter is given twice; the URI is ambiguous, get a fresh QR code"),
	E(INPUT_ERR_PARAM,
          "a parameter value cannot be read; get a fresh QR code"),
	E(INPUT_ERR_TYPE, "the OTP type is neither totp nor hotp"),
	E(INPUT_ERR_NO_SECRET,
          "the secret is missing or empty; get a fresh QR code"),
	E(INPUT_ERR_BASE32,
          "the secret is not base32; check it was copied whole"),
	E(INPUT_ERR_BASE64,
          "the migration data is not base64; rescan the export QR code"),
	E(INPUT_ERR_PROTOBUF,
          "the migration payload cannot be decoded; rescan the export QR code"),
	E(INPUT_ERR_NO_ACCOUNTS,
          "the migration export holds no account; export again with accounts selected"),
	E(INPUT_ERR_SERIAL_BARCODE,
          "this is the token's own serial number barcode, not a seed; scan the service's setup QR code"),
	E(INPUT_ERR_NUMBER,
          "this is a plain number, not a seed; scan the service's setup QR code"),
	E(INPUT_ERR_PHONEFACTOR,
          "this is a Microsoft Authenticator push QR code; choose 'other authenticator app' at the service"),
	E(INPUT_ERR_FIDO, "this is a FIDO passkey pairing QR code, not a seed"),
	E(INPUT_ERR_WEB_LINK, "this is a web link, not a seed"),
	E(INPUT_ERR_UNKNOWN_CONTENT, "this QR code holds no OTP seed"),
	E(INPUT_ERR_HOTP,
          "counter-based (HOTP) accounts cannot be burned: these tokens are time-based"),
	E(INPUT_ERR_ALGORITHM,
          "the hash algorithm is not supported by the token (SHA-1 and SHA-256 only)"),
	E(INPUT_ERR_DIGITS, "the token shows 6 digits only"),
	E(INPUT_ERR_PERIOD,
          "the token supports a period of 30 or 60 seconds only"),
	E(INPUT_ERR_SECRET_LONG,
          "the secret is longer than the 63 bytes the token holds"),
	E(INPUT_WARN_SECRET_SHORT,
          "the secret is shorter than 10 bytes (80 bits); weak"),
	E(INPUT_WARN_ISSUER_MISMATCH,
          "the issuer parameter differs from the label prefix"),
	E(INPUT_WARN_DEFAULTED,
          "a setting was not given; the usual default is used"),
	E(INPUT_ERR_NOT_FILE,
          "this is not a regular file (a pipe, device or directory); give the path of a file"),
	E(INPUT_ERR_IO,
          "the file cannot be read; check the path and permissions"),
	E(INPUT_ERR_NOT_IMAGE, "the file is not a PNG or JPEG image"),
	E(INPUT_ERR_IMAGE_CORRUPT,
          "the image is truncated or damaged; save it again"),
	E(INPUT_ERR_IMAGE_TOO_BIG,
          "the image is too large; crop or scale it down"),
	E(INPUT_ERR_NO_QR,
          "no QR code was found; try a sharper or larger picture"),
	E(INPUT_ERR_NO_DISPLAY,
          "no X11 display can be opened; set DISPLAY or use --qr"),
	E(INPUT_ERR_WAYLAND,
          "Wayland session without X11; use --screenshot-cmd 'grim -'"),
	E(INPUT_ERR_CAPTURE, "the screen could not be captured"),
	E(INPUT_ERR_QR_DECODER, "the QR decoder failed"),
	E(INPUT_ERR_IMAGE_WORK,
          "the image would take too much work to decode; save it again as PNG"),
	E(INPUT_ERR_NO_MATCH, "no account matches the choice; see the listing"),
	E(INPUT_ERR_AMBIGUOUS,
          "several accounts match the choice; pick by number"),
	E(INPUT_ERR_INTERNAL, "internal error (a bug); please report it"),
};
#undef E

const char *input_errname(int code)
{
	const errtab_row *e = errtab_find(errors, ERRTAB_SIZE(errors), code);

	return e != NULL ? e->name : "INPUT_ERR_UNKNOWN_CODE";
}

const char *input_strerror(int code)
{
	const errtab_row *e = errtab_find(errors, ERRTAB_SIZE(errors), code);

	return e != NULL ? e->text
	                 : "unknown error code (a bug); please report it";
}

int input_errcode(const char *name)
{
	if (name == NULL)
		return 1;
	for (size_t i = 0; i < ERRTAB_SIZE(errors); i++)
		if (strcasecmp(errors[i].name, name) == 0)
			return (int)errors[i].code;
	return 1;
}

bool input_is_not_otp(int code)
{
	return code <= INPUT_ERR_SERIAL_BARCODE &&
	       code >= INPUT_ERR_UNKNOWN_CONTENT;
}

/* Set once before any thread starts, read only afterwards. */
static input_front front;

void input_front_set(input_front f)
{
	front = f;
}

input_front input_front_get(void)
{
	return front;
}

const char *input_advice(const char *tool, const char *window)
{
	return front == INPUT_FRONT_WINDOW ? window : tool;
}

int input_fail(input_error *err, int code, const char *fmt, ...)
{
	if (err != NULL) {
		va_list ap;
		err->code = code;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return code;
}

const char *input_what(const char *what)
{
	return (what != NULL && what[0] != '\0') ? what : "the input";
}

void input_wipe(void *p, size_t n)
{
	if (p != NULL && n > 0)
		explicit_bzero(p, n);
}

void input_secret_free(void *p, size_t n)
{
	if (p == NULL)
		return;
	input_wipe(p, n);
	free(p);
}

int input_has_prefix(const char *s, size_t len, const char *prefix)
{
	size_t pl = strlen(prefix);
	return len >= pl && strncasecmp(s, prefix, pl) == 0;
}
