/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The burn plan check: can a token of this family hold this account?
 * Single-profile tokens are TOTP only, SHA-1 or SHA-256, 6 digits, 30 or 60
 * second steps and 1 to 63 seed bytes (token-protocol.md); a Token2 Molto2
 * takes the same, with codes of 4, 6, 8 or 10 digits.  Everything is
 * decided here, before a token is touched, and every refusal says what to
 * do instead.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

static void plan_add(input_plan_report *r, int code, input_severity sev,
                     const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void plan_add(input_plan_report *r, int code, input_severity sev,
                     const char *fmt, ...)
{
	input_issue *is;
	va_list ap;

	if (r->count >= INPUT_ISSUES_MAX)
		return;
	is = &r->issues[r->count++];
	is->code = code;
	is->severity = sev;
	va_start(ap, fmt);
	vsnprintf(is->msg, sizeof(is->msg), fmt, ap);
	va_end(ap);
	if (sev == INPUT_SEV_ERROR)
		r->errors++;
	else
		r->warnings++;
}

/* "6", "4, 6, 8 or 10": the lengths of a mask. */
static void digits_list(unsigned mask, char *out, size_t cap)
{
	size_t n = 0, total = 0, used = 0;

	out[0] = '\0';
	for (unsigned d = 1; d < 32; d++)
		total += (mask >> d) & 1u;
	for (unsigned d = 1; d < 32 && used < cap; d++) {
		int k;

		if (!((mask >> d) & 1u))
			continue;
		n++;
		k = snprintf(out + used, cap - used, "%s%u",
		             n == 1       ? ""
		             : n == total ? " or "
		                          : ", ",
		             d);
		if (k < 0)
			break;
		used += (size_t)k;
	}
}

static void plan_digits(const input_account *a, const char *w, unsigned mask,
                        input_plan_report *r)
{
	char shows[48];

	if (a->digits < 32 && ((mask >> a->digits) & 1u))
		return;
	digits_list(mask, shows, sizeof(shows));
	if (mask == INPUT_DIGITS_SINGLE && a->digits < 32 &&
	    ((INPUT_DIGITS_MOLTO2 >> a->digits) & 1u))
		plan_add(
			r, INPUT_ERR_DIGITS, INPUT_SEV_ERROR,
			"%s asks for %u-digit codes; a single-profile token shows 6 digits only, so the service would reject its codes; burn it into a Token2 Molto2 (4, 6, 8 or 10 digits), or ask the service for a 6-digit setup",
			w, a->digits);
	else
		plan_add(
			r, INPUT_ERR_DIGITS, INPUT_SEV_ERROR,
			"%s asks for %u-digit codes; the token shows %s digits only, so the service would reject its codes; ask the service for a time-based (TOTP) setup with %s digits, or keep this account in an authenticator app",
			w, a->digits, shows, shows);
}

static void plan_errors(const input_account *a, const char *w, unsigned mask,
                        input_plan_report *r)
{
	const char *keep =
		"ask the service for a new time-based (TOTP) setup with 6 digits, SHA-1 and a 30-second period, or keep this account in an authenticator app";

	if (a->secret == NULL || a->secret_len == 0)
		plan_add(
			r, INPUT_ERR_NO_SECRET, INPUT_SEV_ERROR,
			"%s has no secret, so there is nothing to burn; get a fresh QR code from the service",
			w);
	if (a->type == INPUT_OTP_HOTP)
		plan_add(
			r, INPUT_ERR_HOTP, INPUT_SEV_ERROR,
			"%s is counter-based (HOTP); these tokens are time-based (TOTP) only and cannot hold it; %s",
			w, keep);
	else if (a->type != INPUT_OTP_TOTP)
		plan_add(r, INPUT_ERR_TYPE, INPUT_SEV_ERROR,
		         "%s is not a time-based (TOTP) account; %s", w, keep);
	if (a->alg == INPUT_ALG_UNKNOWN)
		plan_add(
			r, INPUT_ERR_ALGORITHM, INPUT_SEV_ERROR,
			"%s names a hash algorithm that is not known here; the token computes SHA-1 or SHA-256 only; %s",
			w, keep);
	else if (a->alg != INPUT_ALG_SHA1 && a->alg != INPUT_ALG_SHA256)
		plan_add(
			r, INPUT_ERR_ALGORITHM, INPUT_SEV_ERROR,
			"%s uses the %s hash; the token computes SHA-1 or SHA-256 only, so its codes would never match; %s",
			w, input_alg_name(a->alg), keep);
	plan_digits(a, w, mask, r);
	if (a->period != 30 && a->period != 60)
		plan_add(
			r, INPUT_ERR_PERIOD, INPUT_SEV_ERROR,
			"%s uses a %u-second period; the token supports 30 or 60 seconds only; %s",
			w, a->period, keep);
	if (a->secret_len > 63)
		plan_add(
			r, INPUT_ERR_SECRET_LONG, INPUT_SEV_ERROR,
			"%s has a %zu-byte secret; the token holds at most 63 bytes; ask the service for a shorter secret (20 or 32 bytes is usual) or keep this account in an authenticator app",
			w, a->secret_len);
}

static void plan_warnings(const input_account *a, const char *w,
                          input_plan_report *r)
{
	if (a->secret_len > 0 && a->secret_len < 10)
		plan_add(
			r, INPUT_WARN_SECRET_SHORT, INPUT_SEV_WARNING,
			"%s has a secret of only %zu bytes (%zu bits); it can be burned, but anyone may guess it more easily: if the service lets you, make it issue a new, longer secret (20 bytes or more)",
			w, a->secret_len, a->secret_len * 8);
	if (a->flags & INPUT_ACCT_ISSUER_MISMATCH)
		plan_add(
			r, INPUT_WARN_ISSUER_MISMATCH, INPUT_SEV_WARNING,
			"%s: the issuer parameter differs from the issuer in the label; the issuer parameter is used: check this is the service you meant",
			w);
}

int input_plan_check(const input_account *a, const char *what,
                     input_plan_report *r)
{
	return input_plan_check_digits(a, what, INPUT_DIGITS_SINGLE, r);
}

int input_plan_check_digits(const input_account *a, const char *what,
                            unsigned digits_mask, input_plan_report *r)
{
	char label[200], w[256];

	if (a == NULL || r == NULL)
		return INPUT_ERR_ARG;
	memset(r, 0, sizeof(*r));
	if (what != NULL && what[0] != '\0') {
		snprintf(w, sizeof(w), "%s", what);
	} else {
		input_account_label(a, label, sizeof(label));
		snprintf(w, sizeof(w), "account \"%s\"", label);
	}
	plan_errors(a, w, digits_mask, r);
	plan_warnings(a, w, r);
	if (r->errors == 0) {
		/* values of safeid_hash (safeid/safeid.h): 1 SHA-1, 2 SHA-256 */
		r->hash = a->alg == INPUT_ALG_SHA256 ? 2 : 1;
		r->step = a->period;
		r->digits = a->digits;
		return INPUT_OK;
	}
	for (size_t i = 0; i < r->count; i++)
		if (r->issues[i].severity == INPUT_SEV_ERROR)
			return r->issues[i].code;
	return INPUT_ERR_INTERNAL;
}
