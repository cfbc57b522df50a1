/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Percent-decoding for otpauth URIs.  Careful rather than lenient: a bad
 * escape or an encoded NUL means the text was damaged or crafted, and
 * guessing what was meant could burn a wrong seed.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static int pct_hex(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int input_pct_decode(const char *s, size_t len, int plus_space, char **out,
                     size_t *outlen, const char *field, const char *what,
                     input_error *err)
{
	char *buf;
	size_t o = 0;
	int rc;

	*out = NULL;
	*outlen = 0;
	buf = malloc(len + 1);
	if (buf == NULL)
		return input_fail(err, INPUT_ERR_NOMEM,
		                  "out of memory reading %s", input_what(what));
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '%') {
			int hi = -1, lo = -1;
			if (i + 2 < len) {
				hi = pct_hex((unsigned char)s[i + 1]);
				lo = pct_hex((unsigned char)s[i + 2]);
			}
			if (hi < 0 || lo < 0) {
				rc = input_fail(
					err, INPUT_ERR_ESCAPE,
					"%s: the %s has a bad percent escape at character %zu ('%%' must be followed by two hex digits); the URI is damaged: get a fresh QR code from the service",
					input_what(what), field, i + 1);
				goto fail;
			}
			c = (unsigned char)(hi * 16 + lo);
			if (c == 0) {
				rc = input_fail(
					err, INPUT_ERR_NUL,
					"%s: the %s holds an encoded NUL byte (%%00) at character %zu; such a URI is damaged or crafted: get a fresh QR code from the service",
					input_what(what), field, i + 1);
				goto fail;
			}
			i += 2;
		} else if (c == '+' && plus_space) {
			c = ' ';
		} else if (c == 0) {
			rc = input_fail(
				err, INPUT_ERR_NUL,
				"%s: the %s holds a NUL byte at character %zu; the input is damaged or crafted: get a fresh QR code",
				input_what(what), field, i + 1);
			goto fail;
		}
		buf[o++] = (char)c;
	}
	buf[o] = '\0';
	*out = buf;
	*outlen = o;
	return INPUT_OK;
fail:
	input_secret_free(buf, len + 1);
	return rc;
}
