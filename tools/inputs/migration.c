/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * otpauth-migration://offline?data=BASE64: the account export of Google
 * Authenticator and of apps that copy it.  The data is a protobuf message
 * (migration.proto, compiled by protoc-c at build time) holding raw secrets,
 * so every buffer on the way (percent-decoded text, base64 bytes, the
 * unpacked message) is wiped before it is freed.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"
#include "migration.pb-c.h"

typedef SafeidMigration__MigrationPayload mig_payload;
typedef SafeidMigration__MigrationPayload__OtpParameters mig_otp;

static int b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-') /* standard and URL-safe alphabets */
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

/* Base64, standard or URL-safe, padding optional; out has len*3/4+1 room. */
static int mig_b64(const char *in, size_t len, uint8_t *out, size_t *outlen,
                   const char *what, input_error *err)
{
	uint32_t acc = 0;
	unsigned bits = 0;
	size_t n = 0, chars = 0, pads = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];
		int v;

		if (c == '=') {
			pads++;
			continue;
		}
		v = b64_value(c);
		if (v < 0 || pads > 0)
			return input_fail(
				err, INPUT_ERR_BASE64,
				"%s: the data parameter is not base64 (character %zu); the export QR code was damaged or cut: scan it again",
				input_what(what), i + 1);
		chars++;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (uint8_t)(acc >> bits);
			acc &= (1u << bits) - 1u;
		}
	}
	input_wipe(&acc, sizeof(acc));
	if (chars % 4 == 1 || pads > 2)
		return input_fail(
			err, INPUT_ERR_BASE64,
			"%s: the data parameter has a length that base64 cannot have; the export QR code was damaged or cut: scan it again",
			input_what(what));
	*outlen = n;
	return INPUT_OK;
}

/* Find the data= value; reject duplicates, ignore other parameters. */
static int mig_data_param(const char *q, size_t len, const char **val,
                          size_t *vlen, const char *what, input_error *err)
{
	size_t i = 0;

	*val = NULL;
	while (i < len) {
		const char *amp = memchr(q + i, '&', len - i);
		size_t seg = amp ? (size_t)(amp - (q + i)) : len - i;

		if (seg >= 5 && strncasecmp(q + i, "data=", 5) == 0) {
			if (*val != NULL)
				return input_fail(
					err, INPUT_ERR_DUPLICATE,
					"%s: the data parameter is given twice, so it is unclear which export is meant; scan the export QR code again",
					input_what(what));
			*val = q + i + 5;
			*vlen = seg - 5;
		}
		i += seg + 1;
	}
	if (*val == NULL || *vlen == 0)
		return input_fail(
			err, INPUT_ERR_NO_ACCOUNTS,
			"%s: the migration URI has no data parameter, so it holds no account; export again from the authenticator app",
			input_what(what));
	return INPUT_OK;
}

/*
 * protobuf-c decodes what the otpauth parser would refuse: a field given
 * twice (the last one silently wins) and a NUL inside a name or issuer
 * (the C string silently ends there).  So the payload is walked first,
 * field by field: each field of the payload and of an account at most
 * once (only the account list repeats), no NUL in a name or issuer.  The
 * walk only reads lengths it has checked against what is left.
 */
enum {
	MIG_WIRE_VARINT = 0,
	MIG_WIRE_64 = 1,
	MIG_WIRE_LEN = 2,
	MIG_WIRE_32 = 5
};
#define MIG_FIELDS 8 /* numbers 1..7 are known in both messages */

static const char *const mig_otp_fields[MIG_FIELDS] = {
	NULL,        "secret", "name", "issuer",
	"algorithm", "digits", "type", "counter",
};
static const char *const mig_payload_fields[MIG_FIELDS] = {
	NULL,          NULL,       "version", "batch size",
	"batch index", "batch id", NULL,      NULL,
};

/* A varint at p[*off..len); false when it runs past the end or 10 bytes. */
static bool mig_varint(const uint8_t *p, size_t len, size_t *off, uint64_t *v)
{
	*v = 0;
	for (unsigned shift = 0; shift < 70; shift += 7) {
		if (*off >= len)
			return false;
		*v |= (uint64_t)(p[*off] & 0x7fu) << shift;
		if ((p[(*off)++] & 0x80u) == 0)
			return true;
	}
	return false;
}

/* One message: fields as (number, wire type, value); account (1-based)
 * is 0 for the payload itself. */
static int mig_wire_message(const uint8_t *p, size_t len, size_t account,
                            size_t *accounts, const char *what,
                            input_error *err)
{
	bool seen[MIG_FIELDS] = {false};
	size_t off = 0;

	while (off < len) {
		uint64_t tag, v = 0;
		size_t start;
		unsigned wt;

		if (!mig_varint(p, len, &off, &tag))
			goto bad;
		wt = (unsigned)(tag & 7u);
		tag >>= 3;
		start = off;
		switch (wt) {
		case MIG_WIRE_VARINT:
			if (!mig_varint(p, len, &off, &v))
				goto bad;
			break;
		case MIG_WIRE_64:
		case MIG_WIRE_32:
			v = wt == MIG_WIRE_64 ? 8 : 4;
			if (len - off < v)
				goto bad;
			off += (size_t)v;
			break;
		case MIG_WIRE_LEN:
			if (!mig_varint(p, len, &off, &v) || v > len - off)
				goto bad;
			start = off;
			off += (size_t)v;
			break;
		default:
			goto bad; /* groups: never in an export */
		}
		if (tag == 0)
			goto bad;
		if (tag >= MIG_FIELDS)
			continue; /* a newer exporter's field: not ours */
		if (account == 0 && tag == 1) {
			if (wt != MIG_WIRE_LEN)
				goto bad;
			(*accounts)++;
			if (*accounts > INPUT_ACCOUNTS_MAX)
				return INPUT_OK; /* mig_unpack says so */
			int rc = mig_wire_message(p + start, (size_t)v,
			                          *accounts, NULL, what, err);

			if (rc != INPUT_OK)
				return rc;
			continue;
		}
		if (seen[tag]) {
			if (account == 0)
				return input_fail(
					err, INPUT_ERR_DUPLICATE,
					"%s: the export gives its %s twice, so it is unclear which one is meant; export again from the authenticator app",
					input_what(what),
					mig_payload_fields[tag] != NULL
						? mig_payload_fields[tag]
						: "field");
			return input_fail(
				err, INPUT_ERR_DUPLICATE,
				"%s: account %zu gives its %s twice, so it is unclear which one the exporter meant; export again from the authenticator app",
				input_what(what), account, mig_otp_fields[tag]);
		}
		seen[tag] = true;
		if (account > 0 && (tag == 2 || tag == 3) &&
		    wt == MIG_WIRE_LEN && memchr(p + start, '\0', (size_t)v))
			return input_fail(
				err, INPUT_ERR_NUL,
				"%s: account %zu has a NUL byte in its %s; the export is damaged or crafted: export again from the authenticator app",
				input_what(what), account, mig_otp_fields[tag]);
	}
	return INPUT_OK;
bad:
	return input_fail(
		err, INPUT_ERR_PROTOBUF,
		"%s: the migration data decodes from base64 but is not a valid export payload; scan the export QR code again or export again",
		input_what(what));
}

static input_alg mig_alg(int v)
{
	switch (v) {
	case SAFEID_MIGRATION__MIGRATION_PAYLOAD__ALGORITHM__ALGORITHM_UNSPECIFIED:
	case SAFEID_MIGRATION__MIGRATION_PAYLOAD__ALGORITHM__ALGORITHM_SHA1:
		return INPUT_ALG_SHA1;
	case SAFEID_MIGRATION__MIGRATION_PAYLOAD__ALGORITHM__ALGORITHM_SHA256:
		return INPUT_ALG_SHA256;
	case SAFEID_MIGRATION__MIGRATION_PAYLOAD__ALGORITHM__ALGORITHM_SHA512:
		return INPUT_ALG_SHA512;
	case SAFEID_MIGRATION__MIGRATION_PAYLOAD__ALGORITHM__ALGORITHM_MD5:
		return INPUT_ALG_MD5;
	default:
		return INPUT_ALG_UNKNOWN;
	}
}

static int mig_text(const char *s, const char *field, size_t idx, char **out,
                    const char *what, input_error *err)
{
	size_t len = strlen(s);

	if (len > INPUT_FIELD_MAX)
		return input_fail(
			err, INPUT_ERR_TOO_LONG,
			"%s: account %zu has a %s of %zu bytes, more than the %u allowed; export the account again",
			input_what(what), idx, field, len, INPUT_FIELD_MAX);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f)
			return input_fail(
				err, INPUT_ERR_PARAM,
				"%s: account %zu has a control character in its %s; the export is damaged or crafted: export again",
				input_what(what), idx, field);
	}
	*out = strdup(s);
	if (*out == NULL)
		return input_fail(err, INPUT_ERR_NOMEM,
		                  "out of memory reading %s", input_what(what));
	return INPUT_OK;
}

/* One protobuf account -> one input_account (idx is 1-based). */
static int mig_account(const mig_otp *o, size_t idx, size_t total,
                       const mig_payload *m, input_account *a, const char *what,
                       input_error *err)
{
	const char *nm = o->name ? o->name : "";
	const char *iss = o->issuer ? o->issuer : "";
	const char *colon = strchr(nm, ':');
	size_t pl = colon != NULL ? (size_t)(colon - nm) : 0;
	int rc;

	/* The name is the otpauth label: as long as the otpauth parser
	 * allows one, and each of its parts no longer than a field. */
	if (strlen(nm) > 2 * INPUT_FIELD_MAX)
		return input_fail(
			err, INPUT_ERR_TOO_LONG,
			"%s: account %zu has a name of %zu bytes, more than the %u allowed; export the account again",
			input_what(what), idx, strlen(nm), 2 * INPUT_FIELD_MAX);
	/* exporters often repeat the issuer as "Issuer:name" in the name */
	if (colon != NULL && (iss[0] == '\0' || (strlen(iss) == pl &&
	                                         strncmp(nm, iss, pl) == 0))) {
		if (iss[0] == '\0') {
			char pre[INPUT_FIELD_MAX + 1];

			if (pl > INPUT_FIELD_MAX)
				return input_fail(
					err, INPUT_ERR_TOO_LONG,
					"%s: account %zu has an issuer prefix of %zu bytes in its name, more than the %u allowed; export the account again",
					input_what(what), idx, pl,
					INPUT_FIELD_MAX);
			memcpy(pre, nm, pl);
			pre[pl] = '\0';
			if ((rc = mig_text(pre, "issuer", idx, &a->issuer, what,
			                   err)) != 0)
				return rc;
		}
		nm = colon + 1;
		while (*nm == ' ')
			nm++;
	}
	if (a->issuer == NULL &&
	    (rc = mig_text(iss, "issuer", idx, &a->issuer, what, err)) != 0)
		return rc;
	if ((rc = mig_text(nm, "name", idx, &a->name, what, err)) != 0)
		return rc;
	switch (o->type) {
	case SAFEID_MIGRATION__MIGRATION_PAYLOAD__OTP_TYPE__OTP_TYPE_HOTP:
		a->type = INPUT_OTP_HOTP;
		break;
	case SAFEID_MIGRATION__MIGRATION_PAYLOAD__OTP_TYPE__OTP_TYPE_TOTP:
	case SAFEID_MIGRATION__MIGRATION_PAYLOAD__OTP_TYPE__OTP_TYPE_UNSPECIFIED:
		a->type = INPUT_OTP_TOTP;
		break;
	default:
		return input_fail(
			err, INPUT_ERR_TYPE,
			"%s: account %zu has an unknown OTP type (%d); update the authenticator app and export again",
			input_what(what), idx, (int)o->type);
	}
	a->alg = mig_alg((int)o->algorithm);
	if (o->algorithm ==
	    SAFEID_MIGRATION__MIGRATION_PAYLOAD__ALGORITHM__ALGORITHM_UNSPECIFIED)
		a->flags |= INPUT_ACCT_ALG_DEFAULTED;
	switch (o->digits) {
	case SAFEID_MIGRATION__MIGRATION_PAYLOAD__DIGIT_COUNT__DIGIT_COUNT_UNSPECIFIED:
		a->flags |= INPUT_ACCT_DIGITS_DEFAULTED;
		a->digits = 6;
		break;
	case SAFEID_MIGRATION__MIGRATION_PAYLOAD__DIGIT_COUNT__DIGIT_COUNT_SIX:
		a->digits = 6;
		break;
	case SAFEID_MIGRATION__MIGRATION_PAYLOAD__DIGIT_COUNT__DIGIT_COUNT_EIGHT:
		a->digits = 8;
		break;
	default:
		return input_fail(
			err, INPUT_ERR_PARAM,
			"%s: account %zu has an unknown digit count (%d); update the authenticator app and export again",
			input_what(what), idx, (int)o->digits);
	}
	a->period = 30; /* the format has no period field */
	a->counter = o->counter > 0 ? (uint64_t)o->counter : 0;
	if (o->secret.len > 0) {
		a->secret = malloc(o->secret.len);
		if (a->secret == NULL)
			return input_fail(err, INPUT_ERR_NOMEM,
			                  "out of memory reading %s",
			                  input_what(what));
		memcpy(a->secret, o->secret.data, o->secret.len);
		a->secret_len = o->secret.len;
	}
	/* batch_index is checked against batch_size (mig_unpack): + 1
	 * cannot overflow */
	if (m->batch_size > 1)
		snprintf(a->source, sizeof(a->source),
		         "%s, export part %lld of %lld, account %zu of %zu",
		         input_what(what), (long long)m->batch_index + 1,
		         (long long)m->batch_size, idx, total);
	else
		snprintf(a->source, sizeof(a->source), "%s, account %zu of %zu",
		         input_what(what), idx, total);
	return INPUT_OK;
}

static void mig_wipe_free(mig_payload *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->n_otp_parameters; i++)
		if (m->otp_parameters[i] != NULL)
			input_wipe(m->otp_parameters[i]->secret.data,
			           m->otp_parameters[i]->secret.len);
	safeid_migration__migration_payload__free_unpacked(m, NULL);
}

static int mig_unpack(const uint8_t *raw, size_t rawlen, const char *what,
                      input_account_list *out, input_error *err)
{
	mig_payload *m;
	size_t accounts = 0;
	int rc;

	rc = mig_wire_message(raw, rawlen, 0, &accounts, what, err);
	if (rc != INPUT_OK)
		return rc;
	m = safeid_migration__migration_payload__unpack(NULL, rawlen, raw);
	if (m == NULL)
		return input_fail(
			err, INPUT_ERR_PROTOBUF,
			"%s: the migration data decodes from base64 but is not a valid export payload; scan the export QR code again or export again",
			input_what(what));
	if (m->n_otp_parameters == 0) {
		rc = input_fail(
			err, INPUT_ERR_NO_ACCOUNTS,
			"%s: the migration export holds no account; export again with at least one account selected",
			input_what(what));
		goto fail;
	}
	if (m->n_otp_parameters > INPUT_ACCOUNTS_MAX) {
		rc = input_fail(
			err, INPUT_ERR_TOO_LONG,
			"%s: the migration export holds %zu accounts, more than the %u allowed; export fewer accounts at a time",
			input_what(what), m->n_otp_parameters,
			INPUT_ACCOUNTS_MAX);
		goto fail;
	}
	/* An export in parts numbers them 0 .. size-1; anything else was
	 * not written by an exporter. */
	if (m->batch_size < 0 || m->batch_index < 0 ||
	    (m->batch_size > 1 && m->batch_index >= m->batch_size)) {
		rc = input_fail(
			err, INPUT_ERR_PARAM,
			"%s: the export says it is part %lld of %lld, which cannot be; the export is damaged or crafted: export again from the authenticator app",
			input_what(what), (long long)m->batch_index + 1,
			(long long)m->batch_size);
		goto fail;
	}
	for (size_t i = 0; i < m->n_otp_parameters; i++) {
		input_account *a = input_account_list_push(out);
		if (a == NULL) {
			rc = input_fail(err, INPUT_ERR_NOMEM,
			                "out of memory reading %s",
			                input_what(what));
			goto fail;
		}
		rc = mig_account(m->otp_parameters[i], i + 1,
		                 m->n_otp_parameters, m, a, what, err);
		if (rc != INPUT_OK)
			goto fail;
	}
fail:
	mig_wipe_free(m);
	return rc;
}

int input_migration_parse(const char *text, size_t len, const char *what,
                          input_account_list *out, input_error *err)
{
	const char *p, *end, *qm, *val = NULL;
	char *dec = NULL;
	uint8_t *raw = NULL;
	size_t declen = 0, rawlen = 0, vlen = 0, keep;
	int rc;

	if (text == NULL || out == NULL)
		return input_fail(err, INPUT_ERR_ARG,
		                  "migration parse: missing argument");
	keep = out->count;
	if (len > INPUT_TEXT_MAX)
		return input_fail(
			err, INPUT_ERR_TOO_LONG,
			"%s: %zu bytes is longer than any export QR code (%u at most); scan the export QR code again",
			input_what(what), len, INPUT_TEXT_MAX);
	if (memchr(text, '\0', len) != NULL)
		return input_fail(
			err, INPUT_ERR_NUL,
			"%s: the text holds a NUL byte; it is damaged or crafted: scan the export QR code again",
			input_what(what));
	if (!input_has_prefix(text, len, "otpauth-migration://"))
		return input_fail(
			err, INPUT_ERR_SYNTAX,
			"%s: the text does not start with otpauth-migration://",
			input_what(what));
	p = text + strlen("otpauth-migration://");
	end = text + len;
	qm = memchr(p, '?', (size_t)(end - p));
	if (qm == NULL || (size_t)(qm - p) != 7 ||
	    strncasecmp(p, "offline", 7) != 0)
		return input_fail(
			err, INPUT_ERR_SYNTAX,
			"%s: the migration URI is not of the form otpauth-migration://offline?data=...; scan the export QR code again",
			input_what(what));
	rc = mig_data_param(qm + 1, (size_t)(end - qm - 1), &val, &vlen, what,
	                    err);
	if (rc != INPUT_OK)
		goto fail;
	rc = input_pct_decode(val, vlen, 0, &dec, &declen, "data parameter",
	                      what, err);
	if (rc != INPUT_OK)
		goto fail;
	raw = malloc(declen * 3 / 4 + 1);
	if (raw == NULL) {
		rc = input_fail(err, INPUT_ERR_NOMEM,
		                "out of memory reading %s", input_what(what));
		goto fail;
	}
	if ((rc = mig_b64(dec, declen, raw, &rawlen, what, err)) != INPUT_OK)
		goto fail;
	rc = mig_unpack(raw, rawlen, what, out, err);
fail:
	if (dec != NULL)
		input_secret_free(dec, declen + 1);
	if (raw != NULL)
		input_secret_free(raw, declen * 3 / 4 + 1);
	if (rc != INPUT_OK)
		input_account_list_truncate(out, keep);
	return rc;
}
