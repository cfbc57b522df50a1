/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * textcheck.c: the checks and encodings every seed file shares: text a
 * server's parser reads back as it was written (valid UTF-8, no control
 * characters), hex and base32 of seeds.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "provision_int.h"

size_t client_utf8_len(const unsigned char *p, size_t n)
{
	size_t k, len;

	if (n == 0)
		return 0;
	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4;
	else
		return 0;
	if (len > n)
		return 0;
	for (k = 1; k < len; k++)
		if ((p[k] & 0xc0) != 0x80)
			return 0;
	if ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] > 0x9f) ||
	    (p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] > 0x8f))
		return 0;
	return len;
}

bool client_text_clean(const char *s, size_t *bad)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, k;

	while (i < n) {
		k = client_utf8_len(p + i, n - i);
		if (k == 0 || p[i] < 0x20 || p[i] == 0x7f) {
			if (bad != NULL)
				*bad = i;
			return false;
		}
		i += k;
	}
	return true;
}

int client_hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

void client_hex(const uint8_t *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0xf];
	}
	out[2 * n] = '\0';
}

void client_base32(const uint8_t *in, size_t n, char *out, size_t cap)
{
	static const char alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	unsigned long buf = 0;
	size_t o = 0, i;
	int bits = 0;

	for (i = 0; i < n && o + 1 < cap; i++) {
		buf = (buf << 8) | in[i];
		bits += 8;
		while (bits >= 5 && o + 1 < cap) {
			out[o++] = alpha[(buf >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	if (bits > 0 && o + 1 < cap)
		out[o++] = alpha[(buf << (5 - bits)) & 31];
	out[o] = '\0';
	buf = 0;
}

const char *client_hash_lower(safeid_hash h)
{
	return h == SAFEID_HASH_SHA256 ? "sha256" : "sha1";
}

long long client_mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}
