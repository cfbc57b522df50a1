/* SPDX-License-Identifier: BSD-2-Clause */
/* hex.c: the tests' one hex decoder (the emulator keeps its own). */
#include <ctype.h>

#include "hex.h"

static int digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

long hex_decode(const char *text, uint8_t *out, size_t cap)
{
	size_t n = 0;

	for (;;) {
		int hi, lo;

		while (isspace((unsigned char)*text))
			text++;
		if (*text == '\0')
			return (long)n;
		hi = digit(text[0]);
		lo = hi < 0 ? -1 : digit(text[1]);
		if (lo < 0 || n == cap)
			return -1;
		out[n++] = (uint8_t)(hi << 4 | lo);
		text += 2;
	}
}
