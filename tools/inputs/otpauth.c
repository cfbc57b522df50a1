/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The Key URI format: otpauth://TYPE/LABEL?secret=...&issuer=...
 * (label "Issuer:account", parameters algorithm, digits, period, counter,
 * image).  This parser checks syntax only; whether the token can hold the
 * account is plan.c's question, so `scan` can still explain an hotp URI.
 * It never quotes the URI back: the secret is somewhere inside it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

enum {
	P_SECRET,
	P_ISSUER,
	P_ALGORITHM,
	P_DIGITS,
	P_PERIOD,
	P_COUNTER,
	P_IMAGE,
	P_COUNT
};

static const char *const otp_param_names[P_COUNT] = {
	"secret", "issuer", "algorithm", "digits", "period", "counter", "image",
};

struct otp_ctx {
	const char *what;
	input_error *err;
	input_account *acct;
	int seen[P_COUNT];
	char *label_issuer; /* issuer prefix of the label, or NULL */
};

/* Reject control characters in names that end up on terminals. */
static int otp_check_printable(struct otp_ctx *c, const char *s,
                               const char *field)
{
	for (size_t i = 0; s[i] != '\0'; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch < 0x20 || ch == 0x7f)
			return input_fail(
				c->err, INPUT_ERR_PARAM,
				"%s: the %s holds a control character (byte 0x%02x at %zu); it is damaged or crafted: get a fresh QR code from the service",
				input_what(c->what), field, ch, i + 1);
	}
	return INPUT_OK;
}

static int otp_number(struct otp_ctx *c, const char *v, const char *field,
                      unsigned long long max, unsigned long long *out)
{
	unsigned long long n = 0;
	size_t i = 0;

	if (v[0] == '\0')
		return input_fail(
			c->err, INPUT_ERR_PARAM,
			"%s: the %s parameter is empty; remove it or give a number",
			input_what(c->what), field);
	for (; v[i] != '\0'; i++) {
		if (v[i] < '0' || v[i] > '9' || i >= 20)
			return input_fail(
				c->err, INPUT_ERR_PARAM,
				"%s: the %s parameter is not a whole number; get a fresh QR code from the service",
				input_what(c->what), field);
		n = n * 10 + (unsigned long long)(v[i] - '0');
		if (n > max)
			return input_fail(
				c->err, INPUT_ERR_PARAM,
				"%s: the %s parameter is out of range (more than %llu); get a fresh QR code from the service",
				input_what(c->what), field, max);
	}
	*out = n;
	return INPUT_OK;
}

static input_alg otp_alg(const char *v)
{
	if (strcasecmp(v, "SHA1") == 0 || strcasecmp(v, "SHA-1") == 0)
		return INPUT_ALG_SHA1;
	if (strcasecmp(v, "SHA256") == 0 || strcasecmp(v, "SHA-256") == 0)
		return INPUT_ALG_SHA256;
	if (strcasecmp(v, "SHA512") == 0 || strcasecmp(v, "SHA-512") == 0)
		return INPUT_ALG_SHA512;
	if (strcasecmp(v, "MD5") == 0)
		return INPUT_ALG_MD5;
	return INPUT_ALG_UNKNOWN;
}

static int otp_secret(struct otp_ctx *c, const char *v, size_t vlen)
{
	input_error sub;
	int rc;

	if (vlen == 0)
		return input_fail(
			c->err, INPUT_ERR_NO_SECRET,
			"%s: the secret parameter is empty, so there is no seed to burn; get a fresh QR code from the service",
			input_what(c->what));
	rc = input_base32_decode(v, vlen, &c->acct->secret,
	                         &c->acct->secret_len, &sub);
	if (rc != INPUT_OK)
		return input_fail(c->err, rc, "%s: %s", input_what(c->what),
		                  sub.msg);
	if (c->acct->secret_len == 0)
		return input_fail(
			c->err, INPUT_ERR_NO_SECRET,
			"%s: the secret parameter holds no base32 characters, so there is no seed to burn; get a fresh QR code from the service",
			input_what(c->what));
	return INPUT_OK;
}

/* Apply one decoded parameter value (`v` may hold the secret). */
static int otp_apply(struct otp_ctx *c, int p, char *v, size_t vlen)
{
	unsigned long long n;
	int rc;

	switch (p) {
	case P_SECRET:
		return otp_secret(c, v, vlen);
	case P_ISSUER:
		if ((rc = otp_check_printable(c, v, "issuer parameter")) != 0)
			return rc;
		free(c->acct->issuer);
		c->acct->issuer = strdup(v);
		return c->acct->issuer ? INPUT_OK : INPUT_ERR_NOMEM;
	case P_ALGORITHM:
		c->acct->alg = otp_alg(v);
		c->acct->flags &= ~INPUT_ACCT_ALG_DEFAULTED;
		return INPUT_OK;
	case P_DIGITS:
		if ((rc = otp_number(c, v, "digits", 99, &n)) != 0)
			return rc;
		if (n == 0)
			return input_fail(
				c->err, INPUT_ERR_PARAM,
				"%s: digits=0 makes no code; get a fresh QR code from the service",
				input_what(c->what));
		c->acct->digits = (unsigned)n;
		c->acct->flags &= ~INPUT_ACCT_DIGITS_DEFAULTED;
		return INPUT_OK;
	case P_PERIOD:
		if ((rc = otp_number(c, v, "period", 86400, &n)) != 0)
			return rc;
		if (n == 0)
			return input_fail(
				c->err, INPUT_ERR_PARAM,
				"%s: period=0 is not a time step; get a fresh QR code from the service",
				input_what(c->what));
		c->acct->period = (unsigned)n;
		return INPUT_OK;
	case P_COUNTER:
		if ((rc = otp_number(c, v, "counter", UINT64_MAX / 10, &n)) !=
		    0)
			return rc;
		c->acct->counter = n;
		return INPUT_OK;
	default:
		return INPUT_OK; /* image: shown by apps, not needed to burn */
	}
}

static int otp_param(struct otp_ctx *c, const char *s, size_t len)
{
	const char *eq = memchr(s, '=', len);
	size_t klen = eq ? (size_t)(eq - s) : len;
	const char *val = eq ? eq + 1 : s + len;
	size_t vraw = eq ? len - klen - 1 : 0;
	size_t limit;
	char *v = NULL;
	size_t vlen = 0;
	int p, rc;

	for (p = 0; p < P_COUNT; p++)
		if (strlen(otp_param_names[p]) == klen &&
		    strncasecmp(s, otp_param_names[p], klen) == 0)
			break;
	if (p == P_COUNT)
		return INPUT_OK; /* other apps add icon=, color=...: not ours */
	if (c->seen[p])
		return input_fail(
			c->err, INPUT_ERR_DUPLICATE,
			"%s: the %s parameter is given twice, so it is unclear which one the service meant; get a fresh QR code from the service",
			input_what(c->what), otp_param_names[p]);
	c->seen[p] = 1;
	limit = p == P_SECRET  ? INPUT_SECRET_CHARS_MAX
	        : p == P_IMAGE ? INPUT_TEXT_MAX
	                       : INPUT_FIELD_MAX;
	if (vraw > limit)
		return input_fail(
			c->err, INPUT_ERR_TOO_LONG,
			"%s: the %s parameter is %zu characters long, more than the %zu allowed; this is not a usable authenticator QR code",
			input_what(c->what), otp_param_names[p], vraw, limit);
	{
		char field[48];
		snprintf(field, sizeof(field), "%s parameter",
		         otp_param_names[p]);
		rc = input_pct_decode(val, vraw, 1, &v, &vlen, field, c->what,
		                      c->err);
	}
	if (rc != INPUT_OK)
		goto fail;
	rc = otp_apply(c, p, v, vlen);
	if (rc == INPUT_ERR_NOMEM)
		input_fail(c->err, rc, "out of memory reading %s",
		           input_what(c->what));
fail:
	if (v != NULL)
		input_secret_free(v, vlen + 1);
	return rc;
}

static int otp_label(struct otp_ctx *c, const char *s, size_t len)
{
	char *lab = NULL, *colon, *nm;
	size_t llen = 0;
	int rc;

	if (len > 2 * INPUT_FIELD_MAX)
		return input_fail(
			c->err, INPUT_ERR_TOO_LONG,
			"%s: the label is %zu characters long, more than the %u allowed; this is not a usable authenticator QR code",
			input_what(c->what), len, 2 * INPUT_FIELD_MAX);
	rc = input_pct_decode(s, len, 0, &lab, &llen, "label", c->what, c->err);
	if (rc != INPUT_OK)
		goto fail;
	if ((rc = otp_check_printable(c, lab, "label")) != INPUT_OK)
		goto fail;
	colon = strchr(lab, ':');
	nm = lab;
	/* each part of the label is a field: no longer than the issuer=
	 * parameter may be (nor than a migration export's) */
	if (colon != NULL && (size_t)(colon - lab) > INPUT_FIELD_MAX) {
		rc = input_fail(
			c->err, INPUT_ERR_TOO_LONG,
			"%s: the issuer prefix of the label is %zu bytes long, more than the %u allowed; this is not a usable authenticator QR code",
			input_what(c->what), (size_t)(colon - lab),
			INPUT_FIELD_MAX);
		goto fail;
	}
	if (colon != NULL) {
		*colon = '\0';
		c->label_issuer = strdup(lab);
		nm = colon + 1;
		if (c->label_issuer == NULL) {
			rc = INPUT_ERR_NOMEM;
			goto fail;
		}
	}
	while (*nm == ' ')
		nm++;
	if (strlen(nm) > INPUT_FIELD_MAX) {
		rc = input_fail(
			c->err, INPUT_ERR_TOO_LONG,
			"%s: the account name in the label is %zu bytes long, more than the %u allowed; this is not a usable authenticator QR code",
			input_what(c->what), strlen(nm), INPUT_FIELD_MAX);
		goto fail;
	}
	c->acct->name = strdup(nm);
	rc = c->acct->name ? INPUT_OK : INPUT_ERR_NOMEM;
fail:
	free(lab);
	if (rc == INPUT_ERR_NOMEM)
		input_fail(c->err, rc, "out of memory reading %s",
		           input_what(c->what));
	return rc;
}

static int otp_type(struct otp_ctx *c, const char *s, size_t len)
{
	char q[40];

	if (len == 4 && strncasecmp(s, "totp", 4) == 0)
		c->acct->type = INPUT_OTP_TOTP;
	else if (len == 4 && strncasecmp(s, "hotp", 4) == 0)
		c->acct->type = INPUT_OTP_HOTP;
	else {
		input_text_escape(s, len, q, sizeof(q));
		return input_fail(
			c->err, INPUT_ERR_TYPE,
			"%s: the OTP type \"%s\" is neither totp nor hotp; scan the service's authenticator-app QR code",
			input_what(c->what), q);
	}
	return INPUT_OK;
}

/* Issuer from the parameter wins; the label prefix fills in when absent. */
static int otp_finish(struct otp_ctx *c)
{
	input_account *a = c->acct;

	if (!c->seen[P_SECRET])
		return input_fail(
			c->err, INPUT_ERR_NO_SECRET,
			"%s: the otpauth URI has no secret parameter, so there is no seed to burn; get a fresh QR code from the service",
			input_what(c->what));
	if (a->issuer != NULL && a->issuer[0] == '\0') {
		/* "issuer=" says nothing: treat it as absent */
		free(a->issuer);
		a->issuer = NULL;
	}
	if (c->label_issuer != NULL) {
		if (a->issuer == NULL) {
			a->issuer = c->label_issuer;
			c->label_issuer = NULL;
		} else if (strcmp(a->issuer, c->label_issuer) != 0) {
			a->flags |= INPUT_ACCT_ISSUER_MISMATCH;
		}
	}
	if (a->issuer == NULL && (a->issuer = strdup("")) == NULL)
		return input_fail(c->err, INPUT_ERR_NOMEM,
		                  "out of memory reading %s",
		                  input_what(c->what));
	return INPUT_OK;
}

static int otp_query(struct otp_ctx *c, const char *q, size_t len)
{
	size_t i = 0;

	while (i < len) {
		const char *amp = memchr(q + i, '&', len - i);
		size_t seg = amp ? (size_t)(amp - (q + i)) : len - i;
		int rc;

		if (seg > 0 && (rc = otp_param(c, q + i, seg)) != INPUT_OK)
			return rc;
		i += seg + 1;
	}
	return INPUT_OK;
}

int input_otpauth_parse(const char *text, size_t len, const char *what,
                        input_account_list *out, input_error *err)
{
	struct otp_ctx c;
	const char *p, *end, *slash, *qm;
	size_t keep;
	int rc;

	if (text == NULL || out == NULL)
		return input_fail(err, INPUT_ERR_ARG,
		                  "otpauth parse: missing argument");
	memset(&c, 0, sizeof(c));
	c.what = what;
	c.err = err;
	keep = out->count;
	if (len > INPUT_TEXT_MAX)
		return input_fail(
			err, INPUT_ERR_TOO_LONG,
			"%s: %zu bytes is longer than any authenticator QR code (%u at most); this is not a usable otpauth URI",
			input_what(what), len, INPUT_TEXT_MAX);
	if (memchr(text, '\0', len) != NULL)
		return input_fail(
			err, INPUT_ERR_NUL,
			"%s: the text holds a NUL byte; it is damaged or crafted: get a fresh QR code from the service",
			input_what(what));
	if (!input_has_prefix(text, len, "otpauth://"))
		return input_fail(
			err, INPUT_ERR_SYNTAX,
			"%s: the text does not start with otpauth://; give the service's authenticator URI",
			input_what(what));
	p = text + strlen("otpauth://");
	end = text + len;
	/* a URI fragment is never part of the Key URI format: ignore it */
	qm = memchr(p, '#', (size_t)(end - p));
	if (qm != NULL)
		end = qm;
	slash = memchr(p, '/', (size_t)(end - p));
	if (slash == NULL)
		return input_fail(
			err, INPUT_ERR_SYNTAX,
			"%s: the otpauth URI has no '/' after the type (expected otpauth://totp/LABEL?secret=...); get a fresh QR code",
			input_what(what));
	c.acct = input_account_list_push(out);
	if (c.acct == NULL) {
		rc = input_fail(err, INPUT_ERR_NOMEM,
		                "out of memory reading %s", input_what(what));
		goto fail;
	}
	c.acct->alg = INPUT_ALG_SHA1;
	c.acct->digits = 6;
	c.acct->period = 30;
	c.acct->flags = INPUT_ACCT_ALG_DEFAULTED | INPUT_ACCT_DIGITS_DEFAULTED;
	snprintf(c.acct->source, sizeof(c.acct->source), "%s",
	         input_what(what));
	if ((rc = otp_type(&c, p, (size_t)(slash - p))) != INPUT_OK)
		goto fail;
	qm = memchr(slash + 1, '?', (size_t)(end - slash - 1));
	rc = otp_label(&c, slash + 1, (size_t)((qm ? qm : end) - slash - 1));
	if (rc != INPUT_OK)
		goto fail;
	if (qm != NULL &&
	    (rc = otp_query(&c, qm + 1, (size_t)(end - qm - 1))) != INPUT_OK)
		goto fail;
	rc = otp_finish(&c);
fail:
	free(c.label_issuer);
	if (rc != INPUT_OK)
		input_account_list_truncate(out, keep);
	return rc;
}
