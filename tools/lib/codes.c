/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * codes.c: the codes an account gives, as the token computes them, and
 * checking a code a person typed against them (how far the token clock is
 * off, in steps).
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "client.h"

/* The account's digits: 6 unless the plan check allowed others. */
static unsigned digits_of(const client_input *in)
{
	return in->report.digits >= 4 && in->report.digits <= 10
	               ? in->report.digits
	               : 6u;
}

uint32_t client_code_at(const client_input *in, uint64_t t)
{
	const input_account *a = client_input_account(in);
	uint32_t c = 0;

	safeid_totp(a->secret, a->secret_len, (safeid_hash)in->report.hash,
	            in->report.step, t, digits_of(in), &c);
	return c;
}

void client_code_text(const client_input *in, uint64_t t, char out[11])
{
	snprintf(out, 11, "%0*u", (int)digits_of(in), client_code_at(in, t));
}

int client_code_parse(const char *text, size_t len, char out[7],
                      client_error *err)
{
	char buf[11];
	int ret = client_code_parse_digits(text, len, 6, buf, err);

	memcpy(out, buf, 7);
	return ret;
}

int client_code_parse_digits(const char *text, size_t len, unsigned digits,
                             char out[11], client_error *err)
{
	size_t n = 0;

	if (digits < 1 || digits > 10)
		digits = 6;
	for (size_t i = 0; i < len; i++) {
		if (isspace((unsigned char)text[i]))
			continue;
		if (!isdigit((unsigned char)text[i]) || n >= digits) {
			n = 0;
			break;
		}
		out[n++] = text[i];
	}
	out[n] = '\0';
	if (n != digits)
		return client_fail(err, CLIENT_EXIT_USAGE, "bad_code",
		                   "the code must be the %u digits the token "
		                   "shows (spaces allowed); got something "
		                   "else",
		                   digits);
	return 0;
}

bool client_code_find(const client_input *in, uint64_t now, long window,
                      uint32_t typed, long *offset)
{
	unsigned step = in->report.step;

	for (long d = 0; d <= window; d++) {
		for (int sign = 1; sign >= -1; sign -= 2) {
			long k = d * sign;
			long long t = (long long)now + (long long)k * step;

			if (t < 0 || (d == 0 && sign < 0))
				continue;
			if (client_code_at(in, (uint64_t)t) == typed) {
				*offset = k;
				return true;
			}
		}
	}
	return false;
}

int client_code_mismatch(client_error *err, long window)
{
	return client_fail(err, CLIENT_EXIT_MISMATCH, "mismatch",
	                   "NO MATCH: the code is not one of this account's "
	                   "codes within %ld steps of now. Switch the token "
	                   "off and on and try a fresh code; if it still "
	                   "fails, the token holds another seed: burn it again",
	                   window);
}
