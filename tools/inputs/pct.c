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

int in_pct_decode(const char *s, size_t len, int plus_space, char **out,
                  size_t *outlen, const char *field, const char *what,
                  safeid_in_error *err)
{
	char *buf;
	size_t o = 0;
	int rc;

	*out = NULL;
	*outlen = 0;
	buf = malloc(len + 1);
	if (buf == NULL)
		return in_fail(err, SAFEID_IN_ERR_NOMEM, "out of memory reading %s", in_what(what));
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '%') {
			int hi = -1, lo = -1;
			if (i + 2 < len) {
				hi = pct_hex((unsigned char)s[i + 1]);
				lo = pct_hex((unsigned char)s[i + 2]);
			}
			if (hi < 0 || lo < 0) {
				rc = in_fail(err, SAFEID_IN_ERR_ESCAPE,
				             "%s: the %s has a bad percent escape at character %zu ('%%' must be followed by two hex digits); the URI is damaged: get a fresh QR code from the service",
				             in_what(what), field, i + 1);
				goto fail;
			}
			c = (unsigned char)(hi * 16 + lo);
			if (c == 0) {
				rc = in_fail(err, SAFEID_IN_ERR_NUL,
				             "%s: the %s holds an encoded NUL byte (%%00) at character %zu; such a URI is damaged or crafted: get a fresh QR code from the service",
				             in_what(what), field, i + 1);
				goto fail;
			}
			i += 2;
		} else if (c == '+' && plus_space) {
			c = ' ';
		} else if (c == 0) {
			rc = in_fail(err, SAFEID_IN_ERR_NUL,
			             "%s: the %s holds a NUL byte at character %zu; the input is damaged or crafted: get a fresh QR code",
			             in_what(what), field, i + 1);
			goto fail;
		}
		buf[o++] = (char)c;
	}
	buf[o] = '\0';
	*out = buf;
	*outlen = o;
	return SAFEID_IN_OK;
fail:
	safeid_in_secret_free(buf, len + 1);
	return rc;
}
