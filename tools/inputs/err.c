/*
 * One table gives the symbol and the generic sentence of every inputs error,
 * so names used by tests and scripts can never drift from the codes.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

struct in_errent {
	int code;
	const char *name;
	const char *text;
};

#define E(c, t) { c, #c, t }
static const struct in_errent in_errtab[] = {
	E(SAFEID_IN_OK, "success"),
	E(SAFEID_IN_ERR_ARG, "invalid argument (a bug in the caller)"),
	E(SAFEID_IN_ERR_NOMEM, "out of memory; close other programs and retry"),
	E(SAFEID_IN_ERR_EMPTY_INPUT, "the input is empty; give an otpauth:// URI or a QR code"),
	E(SAFEID_IN_ERR_TOO_LONG, "the input or one of its fields is too long; check that it is an authenticator QR code"),
	E(SAFEID_IN_ERR_NUL, "the input holds a NUL byte; it is damaged or hostile, get a fresh QR code"),
	E(SAFEID_IN_ERR_ESCAPE, "the input holds a bad percent escape; get a fresh QR code from the service"),
	E(SAFEID_IN_ERR_SYNTAX, "the otpauth URI is malformed; get a fresh QR code from the service"),
	E(SAFEID_IN_ERR_DUPLICATE, "a parameter is given twice; the URI is ambiguous, get a fresh QR code"),
	E(SAFEID_IN_ERR_PARAM, "a parameter value cannot be read; get a fresh QR code"),
	E(SAFEID_IN_ERR_TYPE, "the OTP type is neither totp nor hotp"),
	E(SAFEID_IN_ERR_NO_SECRET, "the secret is missing or empty; get a fresh QR code"),
	E(SAFEID_IN_ERR_BASE32, "the secret is not base32; check it was copied whole"),
	E(SAFEID_IN_ERR_BASE64, "the migration data is not base64; rescan the export QR code"),
	E(SAFEID_IN_ERR_PROTOBUF, "the migration payload cannot be decoded; rescan the export QR code"),
	E(SAFEID_IN_ERR_NO_ACCOUNTS, "the migration export holds no account; export again with accounts selected"),
	E(SAFEID_IN_ERR_SERIAL_BARCODE, "this is the token's own serial number barcode, not a seed; scan the service's setup QR code"),
	E(SAFEID_IN_ERR_NUMBER, "this is a plain number, not a seed; scan the service's setup QR code"),
	E(SAFEID_IN_ERR_PHONEFACTOR, "this is a Microsoft Authenticator push QR code; choose 'other authenticator app' at the service"),
	E(SAFEID_IN_ERR_FIDO, "this is a FIDO passkey pairing QR code, not a seed"),
	E(SAFEID_IN_ERR_WEB_LINK, "this is a web link, not a seed"),
	E(SAFEID_IN_ERR_UNKNOWN_CONTENT, "this QR code holds no OTP seed"),
	E(SAFEID_IN_ERR_HOTP, "counter-based (HOTP) accounts cannot be burned: these tokens are time-based"),
	E(SAFEID_IN_ERR_ALGORITHM, "the hash algorithm is not supported by the token (SHA-1 and SHA-256 only)"),
	E(SAFEID_IN_ERR_DIGITS, "the token shows 6 digits only"),
	E(SAFEID_IN_ERR_PERIOD, "the token supports a period of 30 or 60 seconds only"),
	E(SAFEID_IN_ERR_SECRET_LONG, "the secret is longer than the 63 bytes the token holds"),
	E(SAFEID_IN_WARN_SECRET_SHORT, "the secret is shorter than 10 bytes (80 bits); weak"),
	E(SAFEID_IN_WARN_ISSUER_MISMATCH, "the issuer parameter differs from the label prefix"),
	E(SAFEID_IN_WARN_DEFAULTED, "a setting was not given; the usual default is used"),
	E(SAFEID_IN_ERR_IO, "the file cannot be read; check the path and permissions"),
	E(SAFEID_IN_ERR_NOT_IMAGE, "the file is not a PNG or JPEG image"),
	E(SAFEID_IN_ERR_IMAGE_CORRUPT, "the image is truncated or damaged; save it again"),
	E(SAFEID_IN_ERR_IMAGE_TOO_BIG, "the image is too large; crop or scale it down"),
	E(SAFEID_IN_ERR_NO_QR, "no QR code was found; try a sharper or larger picture"),
	E(SAFEID_IN_ERR_NO_DISPLAY, "no X11 display can be opened; set DISPLAY or use --qr"),
	E(SAFEID_IN_ERR_WAYLAND, "Wayland session without X11; use --screenshot-cmd 'grim -'"),
	E(SAFEID_IN_ERR_CAPTURE, "the screen could not be captured"),
	E(SAFEID_IN_ERR_QR_DECODER, "the QR decoder failed"),
	E(SAFEID_IN_ERR_NO_MATCH, "no account matches the choice; see the listing"),
	E(SAFEID_IN_ERR_AMBIGUOUS, "several accounts match the choice; pick by number"),
	E(SAFEID_IN_ERR_INTERNAL, "internal error (a bug); please report it"),
};
#undef E

static const struct in_errent *in_errfind(int code)
{
	for (size_t i = 0; i < sizeof(in_errtab) / sizeof(in_errtab[0]); i++)
		if (in_errtab[i].code == code)
			return &in_errtab[i];
	return NULL;
}

const char *safeid_in_errname(int code)
{
	const struct in_errent *e = in_errfind(code);
	return e ? e->name : "SAFEID_IN_ERR_UNKNOWN_CODE";
}

const char *safeid_in_strerror(int code)
{
	const struct in_errent *e = in_errfind(code);
	return e ? e->text : "unknown error code (a bug); please report it";
}

int safeid_in_errcode(const char *name)
{
	if (name == NULL)
		return 1;
	for (size_t i = 0; i < sizeof(in_errtab) / sizeof(in_errtab[0]); i++)
		if (strcasecmp(in_errtab[i].name, name) == 0)
			return in_errtab[i].code;
	return 1;
}

bool safeid_in_is_not_otp(int code)
{
	return code <= SAFEID_IN_ERR_SERIAL_BARCODE &&
	       code >= SAFEID_IN_ERR_UNKNOWN_CONTENT;
}

int in_fail(safeid_in_error *err, int code, const char *fmt, ...)
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

const char *in_what(const char *what)
{
	return (what != NULL && what[0] != '\0') ? what : "the input";
}

void in_quote(const char *s, size_t len, char *buf, size_t cap)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	if (cap == 0)
		return;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		/* 4 for an escape, 4 for "..." and the NUL */
		if (o + 8 > cap) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		if (c >= 0x20 && c < 0x7f) {
			buf[o++] = (char)c;
		} else {
			buf[o++] = '\\';
			buf[o++] = 'x';
			buf[o++] = hex[c >> 4];
			buf[o++] = hex[c & 15];
		}
	}
	buf[o] = '\0';
}

void safeid_in_wipe(void *p, size_t n)
{
	if (p != NULL && n > 0)
		explicit_bzero(p, n);
}

void safeid_in_secret_free(void *p, size_t n)
{
	if (p == NULL)
		return;
	safeid_in_wipe(p, n);
	free(p);
}

int in_has_prefix(const char *s, size_t len, const char *prefix)
{
	size_t pl = strlen(prefix);
	return len >= pl && strncasecmp(s, prefix, pl) == 0;
}
