/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Base32 (RFC 4648) as authenticator secrets use it: people copy them by
 * hand, so case, spaces, dashes and missing padding are all accepted, but
 * anything that is not part of the alphabet is refused rather than skipped.
 * Messages give positions only: a character of a secret is part of it.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static int b32_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a';
	if (c >= '2' && c <= '7')
		return c - '2' + 26;
	return -1;
}

static int b32_ignorable(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '-' || c == '\r' || c == '\n';
}

int input_base32_decode(const char *in, size_t len, uint8_t **out,
                        size_t *outlen, input_error *err)
{
	uint8_t *buf = NULL;
	size_t n = 0, chars = 0, pads = 0;
	uint32_t acc = 0;
	unsigned bits = 0;
	int rc;

	if (in == NULL || out == NULL || outlen == NULL)
		return input_fail(err, INPUT_ERR_ARG,
		                  "base32 decode: missing argument");
	*out = NULL;
	*outlen = 0;
	/* len*5/8 + 1 bytes is always enough; never zero so malloc is defined */
	buf = malloc(len * 5 / 8 + 1);
	if (buf == NULL) {
		rc = input_fail(err, INPUT_ERR_NOMEM,
		                "out of memory decoding the secret");
		goto fail;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];
		int v;

		if (b32_ignorable(c))
			continue;
		if (c == '=') {
			pads++;
			continue;
		}
		if (c == '\0') {
			rc = input_fail(
				err, INPUT_ERR_NUL,
				"the secret holds a NUL byte at position %zu; the input is damaged: get a fresh QR code or copy the secret again",
				i + 1);
			goto fail;
		}
		v = b32_value(c);
		if (v < 0) {
			rc = input_fail(
				err, INPUT_ERR_BASE32,
				"the secret is not base32: character %zu is not one of A-Z and 2-7; check it was copied whole (0, 1, 8 and 9 never occur: maybe O, I or L, B was meant)",
				i + 1);
			goto fail;
		}
		if (pads > 0) {
			rc = input_fail(
				err, INPUT_ERR_BASE32,
				"the secret is not base32: padding '=' is followed by more characters at position %zu; copy the secret again",
				i + 1);
			goto fail;
		}
		chars++;
		acc = (acc << 5) | (uint32_t)v;
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			buf[n++] = (uint8_t)(acc >> bits);
			acc &= (1u << bits) - 1u;
		}
	}
	/* 1, 3 or 6 characters in the last group cannot come from whole bytes */
	if (chars % 8 == 1 || chars % 8 == 3 || chars % 8 == 6) {
		rc = input_fail(
			err, INPUT_ERR_BASE32,
			"the secret is not base32: its length (%zu characters) cannot encode whole bytes; a character is missing or extra, copy the secret again",
			chars);
		goto fail;
	}
	if (pads > 6) {
		rc = input_fail(
			err, INPUT_ERR_BASE32,
			"the secret is not base32: %zu padding characters; copy the secret again",
			pads);
		goto fail;
	}
	input_wipe(&acc, sizeof(acc));
	*out = buf;
	*outlen = n;
	return INPUT_OK;
fail:
	input_wipe(&acc, sizeof(acc));
	input_secret_free(buf, len * 5 / 8 + 1);
	return rc;
}

int input_base32_encode(const uint8_t *in, size_t len, bool pad, char **out)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	size_t cap, o = 0;
	uint32_t acc = 0;
	unsigned bits = 0;
	char *s;

	if (out == NULL || (in == NULL && len > 0))
		return INPUT_ERR_ARG;
	*out = NULL;
	if (len > SIZE_MAX / 2)
		return INPUT_ERR_TOO_LONG;
	cap = (len + 4) / 5 * 8 + 1;
	s = malloc(cap);
	if (s == NULL)
		return INPUT_ERR_NOMEM;
	for (size_t i = 0; i < len; i++) {
		acc = (acc << 8) | in[i];
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			s[o++] = alphabet[(acc >> bits) & 31u];
		}
		acc &= (1u << bits) - 1u;
	}
	if (bits > 0)
		s[o++] = alphabet[(acc << (5 - bits)) & 31u];
	if (pad)
		while (o % 8 != 0)
			s[o++] = '=';
	s[o] = '\0';
	input_wipe(&acc, sizeof(acc));
	*out = s;
	return INPUT_OK;
}
