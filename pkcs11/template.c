/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * template.c: checking the templates of a burn (C_CreateObject) and of a
 * clock write (C_SetAttributeValue on the clock object).  Pure functions:
 * everything is validated here, before a single APDU goes to the token.
 *
 * A burn template is taken whole or refused: every attribute is either
 * written to the token (the seed, hash, step, display timeout, clock),
 * kept by the module for the seed slot to read back as it was made
 * (kept.c: class, key type, label, ID, dates, usage flags, allowed
 * mechanisms, OTP identifiers), or one of the values the seed slot has
 * anyway (a token object, public, sensitive, not extractable, not
 * modifiable, copyable or destroyable).  A value the token cannot honour,
 * such as CKA_PRIVATE or CKA_MODIFIABLE true, or CKA_SENSITIVE false for
 * a seed that is never readable, is CKR_TEMPLATE_INCONSISTENT, never
 * silently dropped.  (pkcs11-tool --write-object sends CKA_SENSITIVE
 * false unless given --sensitive.)
 *
 * A secret key may be typed CKK_GENERIC_SECRET or CKK_AES: pkcs11-tool of
 * OpenSC 0.23 (Debian 12) refuses "--key-type GENERIC:20" for
 * --write-object before calling the module and writes secret keys only as
 * AES or DES3; its AES form carries the raw seed bytes unchanged.
 */
#include <string.h>

#include "sp11.h"

static CK_RV ulong_get(const CK_ATTRIBUTE *a, CK_ULONG *v)
{
	if (a->pValue == NULL || a->ulValueLen != sizeof(CK_ULONG))
		return CKR_ATTRIBUTE_VALUE_INVALID;
	memcpy(v, a->pValue, sizeof(*v));
	return CKR_OK;
}

static CK_RV bool_get(const CK_ATTRIBUTE *a, CK_BBOOL *v)
{
	if (a->pValue == NULL || a->ulValueLen != sizeof(CK_BBOOL))
		return CKR_ATTRIBUTE_VALUE_INVALID;
	memcpy(v, a->pValue, sizeof(*v));
	if (*v != CK_TRUE && *v != CK_FALSE)
		return CKR_ATTRIBUTE_VALUE_INVALID;
	return CKR_OK;
}

static CK_RV hash_get(const CK_ATTRIBUTE *a, safeid_hash *h)
{
	CK_ULONG v;
	CK_RV rv = ulong_get(a, &v);

	if (rv != CKR_OK)
		return rv;
	if (v == CKM_SHA_1)
		*h = SAFEID_HASH_SHA1;
	else if (v == CKM_SHA256)
		*h = SAFEID_HASH_SHA256;
	else
		return CKR_ATTRIBUTE_VALUE_INVALID; /* the token has no other */
	return CKR_OK;
}

static CK_RV step_get(const CK_ATTRIBUTE *a, unsigned *step)
{
	CK_ULONG v;
	CK_RV rv = ulong_get(a, &v);

	if (rv != CKR_OK)
		return rv;
	if (v != 30 && v != 60)
		return CKR_ATTRIBUTE_VALUE_INVALID;
	*step = (unsigned)v;
	return CKR_OK;
}

static CK_RV display_get(const CK_ATTRIBUTE *a, safeid_display *d)
{
	CK_ULONG v;
	CK_RV rv = ulong_get(a, &v);

	if (rv != CKR_OK)
		return rv;
	if (v > 120 || safeid_display_from_seconds((unsigned)v, d) != SAFEID_OK)
		return CKR_ATTRIBUTE_VALUE_INVALID;
	return CKR_OK;
}

/* The boolean the seed slot (a Molto2 profile: m2) has for t, if t is
 * one it has fixed.  Only a profile can be destroyed. */
static bool fixed_bool(CK_ATTRIBUTE_TYPE t, bool m2, CK_BBOOL *v)
{
	switch (t) {
	case CKA_TOKEN:
	case CKA_SENSITIVE:
		*v = CK_TRUE;
		return true;
	case CKA_DESTROYABLE:
		*v = m2 ? CK_TRUE : CK_FALSE;
		return true;
	case CKA_PRIVATE:
	case CKA_MODIFIABLE:
	case CKA_COPYABLE:
	case CKA_EXTRACTABLE:
	case CKA_TRUSTED:
		*v = CK_FALSE;
		return true;
	default:
		return false;
	}
}

/* The seed slot's values of the OTP parameter requirements: the token
 * takes no challenge, counter or PIN, and keeps its own time. */
static bool otp_requirement(CK_ATTRIBUTE_TYPE t)
{
	return t == CKA_OTP_CHALLENGE_REQUIREMENT ||
	       t == CKA_OTP_TIME_REQUIREMENT ||
	       t == CKA_OTP_COUNTER_REQUIREMENT || t == CKA_OTP_PIN_REQUIREMENT;
}

/* Attributes that are the seed slot's to say, or always empty on it. */
static bool empty_only(CK_ATTRIBUTE_TYPE t)
{
	return t == CKA_CHECK_VALUE || t == CKA_WRAP_TEMPLATE ||
	       t == CKA_UNWRAP_TEMPLATE || t == CKA_DERIVE_TEMPLATE ||
	       t == CKA_OTP_COUNTER;
}

static bool read_only(CK_ATTRIBUTE_TYPE t)
{
	return t == CKA_SAFEID_MODEL || t == CKA_SAFEID_RESTRICTED_SYNC ||
	       t == CKA_SAFEID_PROFILE || t == CKA_SAFEID_SEED_STATE ||
	       t == CKA_HW_FEATURE_TYPE || t == CKA_ALWAYS_SENSITIVE ||
	       t == CKA_NEVER_EXTRACTABLE || t == CKA_LOCAL ||
	       t == CKA_KEY_GEN_MECHANISM || t == CKA_UNIQUE_ID ||
	       t == CKA_OTP_TIME;
}

/* A kept attribute's value is well formed (booleans CK_TRUE or CK_FALSE,
 * dates 8 digits or empty). */
static CK_RV kept_check(const CK_ATTRIBUTE *a)
{
	const unsigned char *v = a->pValue;
	CK_BBOOL b;
	CK_ULONG i;

	if ((a->ulValueLen > 0 && v == NULL) ||
	    !sp11_kept_valid(a->type, a->ulValueLen))
		return CKR_ATTRIBUTE_VALUE_INVALID;
	if (sp11_kept_bool(a->type))
		return bool_get(a, &b);
	if (a->type == CKA_START_DATE || a->type == CKA_END_DATE)
		for (i = 0; i < a->ulValueLen; i++)
			if (v[i] < '0' || v[i] > '9')
				return CKR_ATTRIBUTE_VALUE_INVALID;
	return CKR_OK;
}

/* Duplicates make a template ambiguous. */
static bool duplicates_in(const CK_ATTRIBUTE *tmpl, CK_ULONG n)
{
	CK_ULONG i, j;

	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (tmpl[i].type == tmpl[j].type)
				return true;
	return false;
}

typedef struct burn_seen {
	bool cls, ktype, value_len;
	CK_ULONG cls_v, ktype_v, value_len_v;
} burn_seen;

/* One attribute of a burn template. */
static CK_RV burn_attr(const CK_ATTRIBUTE *a, sp11_burn_plan *p, burn_seen *s)
{
	CK_BBOOL b, want;
	CK_ULONG v;
	CK_RV rv = CKR_OK;

	switch (a->type) {
	case CKA_CLASS:
		s->cls = true;
		return ulong_get(a, &s->cls_v);
	case CKA_KEY_TYPE:
		s->ktype = true;
		return ulong_get(a, &s->ktype_v);
	case CKA_VALUE:
		if (a->ulValueLen == 0 || a->ulValueLen > SAFEID_SEED_MAX ||
		    a->pValue == NULL)
			return CKR_ATTRIBUTE_VALUE_INVALID;
		p->seed = a->pValue;
		p->seedlen = a->ulValueLen;
		return CKR_OK;
	case CKA_VALUE_LEN:
		s->value_len = true;
		return ulong_get(a, &s->value_len_v);
	case CKA_OTP_TIME_INTERVAL:
		return step_get(a, &p->step);
	case CKA_OTP_LENGTH:
		rv = ulong_get(a, &v);
		return rv == CKR_OK && v != 6 ? CKR_ATTRIBUTE_VALUE_INVALID
		                              : rv;
	case CKA_OTP_FORMAT:
		rv = ulong_get(a, &v);
		return rv == CKR_OK && v != CK_OTP_FORMAT_DECIMAL
		               ? CKR_ATTRIBUTE_VALUE_INVALID
		               : rv;
	case CKA_OTP_USER_FRIENDLY_MODE:
		rv = bool_get(a, &b);
		return rv == CKR_OK && b ? CKR_ATTRIBUTE_VALUE_INVALID : rv;
	case CKA_SAFEID_HASH:
		return hash_get(a, &p->hash);
	case CKA_SAFEID_DISPLAY_TIMEOUT:
		return display_get(a, &p->display);
	case CKA_SAFEID_ERASE_SEED: /* a burn replaces the seed anyway */
		return bool_get(a, &b);
	case CKA_SAFEID_BURN_CLOCK:
		rv = ulong_get(a, &v);
		if (rv != CKR_OK)
			return rv;
		if (v > UINT32_MAX)
			return CKR_ATTRIBUTE_VALUE_INVALID;
		p->has_clock = true;
		p->clock = (uint32_t)v;
		return CKR_OK;
	default:
		break;
	}
	/* A burn over an occupied profile is a Molto2's question. */
	if (a->type == CKA_SAFEID_OVERWRITE)
		return CKR_ATTRIBUTE_TYPE_INVALID;
	if (fixed_bool(a->type, false, &want)) {
		rv = bool_get(a, &b);
		return rv == CKR_OK && b != want ? CKR_TEMPLATE_INCONSISTENT
		                                 : rv;
	}
	if (otp_requirement(a->type)) {
		rv = ulong_get(a, &v);
		return rv == CKR_OK && v != CK_OTP_PARAM_IGNORED
		               ? CKR_TEMPLATE_INCONSISTENT
		               : rv;
	}
	if (empty_only(a->type))
		return a->ulValueLen == 0 ? CKR_OK : CKR_TEMPLATE_INCONSISTENT;
	if (read_only(a->type))
		return CKR_ATTRIBUTE_READ_ONLY;
	if (!sp11_kept_type(a->type))
		return CKR_ATTRIBUTE_TYPE_INVALID;
	rv = kept_check(a);
	if (rv != CKR_OK)
		return rv;
	if (!sp11_kept_add(p->kept, &p->kept_len, a->type, a->pValue,
	                   a->ulValueLen)) {
		sp11_debug("the module keeps at most %u bytes of label, ID, "
		           "dates, usage flags and identifiers for a token; "
		           "shorten them",
		           SP11_KEPT_MAX);
		return CKR_ATTRIBUTE_VALUE_INVALID;
	}
	return CKR_OK;
}

CK_RV sp11_burn_template_parse(const CK_ATTRIBUTE *tmpl, CK_ULONG n,
                               sp11_burn_plan *plan)
{
	burn_seen seen;
	CK_ULONG i, value_len;
	CK_RV rv;

	memset(plan, 0, sizeof(*plan));
	memset(&seen, 0, sizeof(seen));
	plan->hash = SAFEID_HASH_SHA1;
	plan->step = 30;
	plan->display = SAFEID_DISPLAY_30S;
	if (tmpl == NULL && n > 0)
		return CKR_ARGUMENTS_BAD;
	if (duplicates_in(tmpl, n))
		return CKR_TEMPLATE_INCONSISTENT;
	for (i = 0; i < n; i++) {
		rv = burn_attr(&tmpl[i], plan, &seen);
		if (rv != CKR_OK) {
			sp11_debug("burn refused before touching the token: "
			           "attribute 0x%lx (template entry %lu) gives "
			           "CKR 0x%lx; see safeid-pkcs11.h for what a "
			           "burn takes",
			           (unsigned long)tmpl[i].type,
			           (unsigned long)i, (unsigned long)rv);
			goto fail;
		}
	}
	rv = CKR_TEMPLATE_INCOMPLETE;
	if (!seen.cls || plan->seed == NULL)
		goto fail;
	rv = CKR_ATTRIBUTE_VALUE_INVALID;
	if (seen.cls_v != CKO_OTP_KEY && seen.cls_v != CKO_SECRET_KEY)
		goto fail;
	rv = CKR_TEMPLATE_INCONSISTENT;
	if (seen.ktype && seen.cls_v == CKO_OTP_KEY && seen.ktype_v != CKK_HOTP)
		goto fail;
	if (seen.ktype && seen.cls_v == CKO_SECRET_KEY &&
	    seen.ktype_v != CKK_GENERIC_SECRET && seen.ktype_v != CKK_AES)
		goto fail;
	if (seen.value_len && seen.value_len_v != plan->seedlen)
		goto fail;
	/* What the seed slot reads back as: the class and key type made
	 * (the class's own key type when none was given) and the seed's
	 * length. */
	if (!seen.ktype)
		seen.ktype_v = seen.cls_v == CKO_OTP_KEY ? CKK_HOTP
		                                         : CKK_GENERIC_SECRET;
	value_len = plan->seedlen;
	rv = CKR_ATTRIBUTE_VALUE_INVALID;
	if (!sp11_kept_add(plan->kept, &plan->kept_len, CKA_CLASS, &seen.cls_v,
	                   sizeof(CK_ULONG)) ||
	    !sp11_kept_add(plan->kept, &plan->kept_len, CKA_KEY_TYPE,
	                   &seen.ktype_v, sizeof(CK_ULONG)) ||
	    !sp11_kept_add(plan->kept, &plan->kept_len, CKA_VALUE_LEN,
	                   &value_len, sizeof(CK_ULONG)))
		goto fail;
	return CKR_OK;
fail:
	if (i == n)
		sp11_debug(
			"burn refused before touching the token: the "
			"template is incomplete or inconsistent (CKR 0x%lx): "
			"it needs CKA_CLASS and CKA_VALUE (1..63 bytes) and "
			"a matching key type",
			(unsigned long)rv);
	/* The plan points into the caller's template; drop the pointer so
	 * nothing can use a half-checked seed. */
	plan->seed = NULL;
	plan->seedlen = 0;
	plan->kept_len = 0;
	return rv;
}

/* One attribute of a clock write template. */
static CK_RV clock_attr(const CK_ATTRIBUTE *a, sp11_clock_plan *p, bool *value)
{
	CK_BBOOL b;
	CK_RV rv;

	switch (a->type) {
	case CKA_VALUE:
		if (a->pValue == NULL ||
		    !sp11_clock_parse(a->pValue, a->ulValueLen, &p->clock))
			return CKR_ATTRIBUTE_VALUE_INVALID;
		*value = true;
		return CKR_OK;
	case CKA_OTP_TIME_INTERVAL:
		p->has_step = true;
		return step_get(a, &p->step);
	case CKA_SAFEID_HASH:
		p->has_hash = true;
		return hash_get(a, &p->hash);
	case CKA_SAFEID_DISPLAY_TIMEOUT:
		p->has_display = true;
		return display_get(a, &p->display);
	case CKA_SAFEID_ERASE_SEED:
		rv = bool_get(a, &b);
		p->erase_consent = rv == CKR_OK && b;
		return rv;
	case CKA_CLASS:
	case CKA_HW_FEATURE_TYPE:
	case CKA_TOKEN:
	case CKA_PRIVATE:
	case CKA_LABEL:
		return CKR_ATTRIBUTE_READ_ONLY;
	default:
		return CKR_ATTRIBUTE_TYPE_INVALID;
	}
}

CK_RV sp11_clock_template_parse(const CK_ATTRIBUTE *tmpl, CK_ULONG n,
                                sp11_clock_plan *plan)
{
	bool value = false;
	CK_ULONG i;
	CK_RV rv;

	memset(plan, 0, sizeof(*plan));
	if (tmpl == NULL && n > 0)
		return CKR_ARGUMENTS_BAD;
	if (duplicates_in(tmpl, n))
		return CKR_TEMPLATE_INCONSISTENT;
	for (i = 0; i < n; i++) {
		rv = clock_attr(&tmpl[i], plan, &value);
		if (rv != CKR_OK) {
			sp11_debug("clock write refused: attribute 0x%lx gives "
			           "CKR 0x%lx (CKA_VALUE must be "
			           "\"YYYYMMDDhhmmss00\" UTC)",
			           (unsigned long)tmpl[i].type,
			           (unsigned long)rv);
			return rv;
		}
	}
	return value ? CKR_OK : CKR_TEMPLATE_INCOMPLETE;
}

/* ---- a Molto2 burn -------------------------------------------------------- */

/* Well-formed UTF-8 without a zero byte (the token ends a title at one):
 * the length of the longest prefix of at most max bytes that ends on a
 * character boundary; false when s is not such UTF-8. */
static bool utf8_cut(const CK_BYTE *s, size_t n, size_t max, size_t *cut)
{
	size_t i = 0, k, len;

	while (i < n) {
		if (s[i] == 0)
			return false;
		if (s[i] < 0x80)
			len = 1;
		else if ((s[i] & 0xE0) == 0xC0 && s[i] >= 0xC2)
			len = 2;
		else if ((s[i] & 0xF0) == 0xE0)
			len = 3;
		else if ((s[i] & 0xF8) == 0xF0 && s[i] <= 0xF4)
			len = 4;
		else
			return false;
		if (n - i < len)
			return false;
		for (k = 1; k < len; k++)
			if ((s[i + k] & 0xC0) != 0x80)
				return false;
		/* overlong 3- and 4-byte forms, surrogates, past U+10FFFF */
		if ((len == 3 && s[i] == 0xE0 && s[i + 1] < 0xA0) ||
		    (len == 3 && s[i] == 0xED && s[i + 1] >= 0xA0) ||
		    (len == 4 && s[i] == 0xF0 && s[i + 1] < 0x90) ||
		    (len == 4 && s[i] == 0xF4 && s[i + 1] >= 0x90))
			return false;
		if (i + len <= max)
			*cut = i + len;
		i += len;
	}
	if (n == 0)
		*cut = 0;
	return true;
}

static CK_RV m2_title(const CK_ATTRIBUTE *a, sp11_m2_plan *p)
{
	size_t cut = 0;

	if (a->ulValueLen > 0 && a->pValue == NULL)
		return CKR_ATTRIBUTE_VALUE_INVALID;
	if (!utf8_cut(a->pValue, a->ulValueLen, SAFEID_M2_TITLE_MAX, &cut)) {
		sp11_debug("CKA_LABEL is the profile's title: UTF-8 without "
		           "a zero byte");
		return CKR_ATTRIBUTE_VALUE_INVALID;
	}
	if (cut < a->ulValueLen)
		sp11_debug("CKA_LABEL of %lu bytes: the title keeps the first "
		           "%zu (at most %u, cut at a character boundary)",
		           (unsigned long)a->ulValueLen, cut,
		           SAFEID_M2_TITLE_MAX);
	if (cut > 0)
		memcpy(p->title, a->pValue, cut);
	p->titlelen = cut;
	return CKR_OK;
}

static CK_RV m2_profile(const CK_ATTRIBUTE *a, unsigned profiles,
                        sp11_m2_plan *p)
{
	const CK_BYTE *v = a->pValue;

	if (a->ulValueLen != 1 || v == NULL || v[0] >= profiles) {
		sp11_debug(
			"CKA_ID names the profile: one byte below %u "
			"(pkcs11-tool --id takes hex: profile 57 is --id 39)",
			profiles);
		return CKR_ATTRIBUTE_VALUE_INVALID;
	}
	p->has_profile = true;
	p->profile = v[0];
	return CKR_OK;
}

/* The attributes a Molto2 burn writes to the token. */
static CK_RV m2_written(const CK_ATTRIBUTE *a, unsigned profiles,
                        sp11_m2_plan *p, bool *taken)
{
	CK_ULONG v;
	CK_BBOOL b;
	CK_RV rv;

	*taken = true;
	switch (a->type) {
	case CKA_ID:
		return m2_profile(a, profiles, p);
	case CKA_LABEL:
		return m2_title(a, p);
	case CKA_OTP_LENGTH:
		rv = ulong_get(a, &v);
		if (rv != CKR_OK)
			return rv;
		if (v > 10 || !safeid_family_digits_ok(safeid_family_molto2(),
		                                       (unsigned)v))
			return CKR_ATTRIBUTE_VALUE_INVALID;
		p->cfg.digits = (unsigned)v;
		return CKR_OK;
	case CKA_OTP_TIME_INTERVAL:
		return step_get(a, &p->cfg.step);
	case CKA_SAFEID_HASH:
		return hash_get(a, &p->cfg.hash);
	case CKA_SAFEID_DISPLAY_TIMEOUT:
		return display_get(a, &p->cfg.display);
	case CKA_SAFEID_OVERWRITE:
		rv = bool_get(a, &b);
		p->overwrite = rv == CKR_OK && b;
		return rv;
	case CKA_SAFEID_BURN_CLOCK:
		rv = ulong_get(a, &v);
		if (rv != CKR_OK)
			return rv;
		if (v > UINT32_MAX)
			return CKR_ATTRIBUTE_VALUE_INVALID;
		p->has_clock = true;
		p->cfg.clock = (uint32_t)v;
		return CKR_OK;
	default:
		*taken = false;
		return CKR_OK;
	}
}

/* One attribute of a Molto2 burn template. */
static CK_RV m2_attr(const CK_ATTRIBUTE *a, unsigned profiles, sp11_m2_plan *p,
                     burn_seen *seen)
{
	sp11_burn_plan single;
	bool taken;
	CK_BBOOL b, want;
	CK_RV rv = m2_written(a, profiles, p, &taken);

	if (taken)
		return rv;
	if (fixed_bool(a->type, true, &want)) {
		rv = bool_get(a, &b);
		return rv == CKR_OK && b != want ? CKR_TEMPLATE_INCONSISTENT
		                                 : rv;
	}
	/* The rest is as for the seed slot: the class, key type, seed and
	 * its length, the OTP format; kept attributes into the plan. */
	memset(&single, 0, sizeof(single));
	switch (a->type) {
	case CKA_CLASS:
	case CKA_KEY_TYPE:
	case CKA_VALUE:
	case CKA_VALUE_LEN:
	case CKA_OTP_FORMAT:
	case CKA_OTP_USER_FRIENDLY_MODE:
	case CKA_SAFEID_ERASE_SEED: /* nothing is erased: accepted, unused */
		rv = burn_attr(a, &single, seen);
		if (a->type == CKA_VALUE && rv == CKR_OK) {
			p->seed = single.seed;
			p->seedlen = single.seedlen;
		}
		return rv;
	default:
		break;
	}
	if (otp_requirement(a->type) || empty_only(a->type) ||
	    read_only(a->type) || !sp11_kept_type(a->type))
		return burn_attr(a, &single, seen);
	rv = kept_check(a);
	if (rv != CKR_OK)
		return rv;
	if (!sp11_kept_add_in(p->kept, sizeof(p->kept), &p->kept_len, a->type,
	                      a->pValue, a->ulValueLen)) {
		sp11_debug("the module keeps at most %u bytes of dates, usage "
		           "flags and identifiers for a profile; shorten them",
		           SP11_M2_KEPT_MAX);
		return CKR_ATTRIBUTE_VALUE_INVALID;
	}
	return CKR_OK;
}

static bool all_zero(const CK_BYTE *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i] != 0)
			return false;
	return true;
}

/* The class, key type and seed make sense together; what the profile
 * will read back as is kept. */
static CK_RV m2_whole(sp11_m2_plan *p, burn_seen *seen)
{
	CK_ULONG value_len = p->seedlen;

	if (!seen->cls || p->seed == NULL)
		return CKR_TEMPLATE_INCOMPLETE;
	if (seen->cls_v != CKO_OTP_KEY && seen->cls_v != CKO_SECRET_KEY)
		return CKR_ATTRIBUTE_VALUE_INVALID;
	if (seen->ktype && seen->cls_v == CKO_OTP_KEY &&
	    seen->ktype_v != CKK_HOTP)
		return CKR_TEMPLATE_INCONSISTENT;
	if (seen->ktype && seen->cls_v == CKO_SECRET_KEY &&
	    seen->ktype_v != CKK_GENERIC_SECRET && seen->ktype_v != CKK_AES)
		return CKR_TEMPLATE_INCONSISTENT;
	if (seen->value_len && seen->value_len_v != p->seedlen)
		return CKR_TEMPLATE_INCONSISTENT;
	/* The token takes an all-zero seed as "clear this profile". */
	if (all_zero(p->seed, p->seedlen)) {
		sp11_debug("an all-zero seed clears a profile on a Molto2; "
		           "use C_DestroyObject for that");
		return CKR_ATTRIBUTE_VALUE_INVALID;
	}
	if (!seen->ktype)
		seen->ktype_v = seen->cls_v == CKO_OTP_KEY ? CKK_HOTP
		                                           : CKK_GENERIC_SECRET;
	if (!sp11_kept_add_in(p->kept, sizeof(p->kept), &p->kept_len, CKA_CLASS,
	                      &seen->cls_v, sizeof(CK_ULONG)) ||
	    !sp11_kept_add_in(p->kept, sizeof(p->kept), &p->kept_len,
	                      CKA_KEY_TYPE, &seen->ktype_v, sizeof(CK_ULONG)) ||
	    !sp11_kept_add_in(p->kept, sizeof(p->kept), &p->kept_len,
	                      CKA_VALUE_LEN, &value_len, sizeof(CK_ULONG)))
		return CKR_ATTRIBUTE_VALUE_INVALID;
	return CKR_OK;
}

CK_RV sp11_m2_template_parse(const CK_ATTRIBUTE *tmpl, CK_ULONG n,
                             unsigned profiles, sp11_m2_plan *plan)
{
	burn_seen seen;
	CK_ULONG i;
	CK_RV rv;

	memset(plan, 0, sizeof(*plan));
	memset(&seen, 0, sizeof(seen));
	plan->cfg.hash = SAFEID_HASH_SHA1;
	plan->cfg.step = 30;
	plan->cfg.digits = 6;
	plan->cfg.display = SAFEID_DISPLAY_30S;
	if (tmpl == NULL && n > 0)
		return CKR_ARGUMENTS_BAD;
	if (duplicates_in(tmpl, n))
		return CKR_TEMPLATE_INCONSISTENT;
	for (i = 0; i < n; i++) {
		rv = m2_attr(&tmpl[i], profiles, plan, &seen);
		if (rv != CKR_OK) {
			sp11_debug("burn refused before touching the token: "
			           "attribute 0x%lx (template entry %lu) gives "
			           "CKR 0x%lx; see safeid-pkcs11.h for what a "
			           "Molto2 burn takes",
			           (unsigned long)tmpl[i].type,
			           (unsigned long)i, (unsigned long)rv);
			goto fail;
		}
	}
	rv = m2_whole(plan, &seen);
	if (rv == CKR_OK)
		return CKR_OK;
	sp11_debug("burn refused before touching the token: the template is "
	           "incomplete or inconsistent (CKR 0x%lx): it needs CKA_CLASS "
	           "and CKA_VALUE (1..63 bytes, not all zero) and a matching "
	           "key type",
	           (unsigned long)rv);
fail:
	/* Never leave a pointer to a half-checked seed. */
	plan->seed = NULL;
	plan->seedlen = 0;
	plan->kept_len = 0;
	return rv;
}

CK_RV sp11_m2_clock_template_parse(const CK_ATTRIBUTE *tmpl, CK_ULONG n,
                                   uint32_t *clock)
{
	sp11_clock_plan plan;
	CK_RV rv = sp11_clock_template_parse(tmpl, n, &plan);

	if (rv != CKR_OK)
		return rv;
	/* The clock-only write sets no configuration: asking for one is
	 * asking for what it cannot do. */
	if (plan.has_hash || plan.has_step || plan.has_display) {
		sp11_debug("a Molto2's clock write keeps every profile's hash, "
		           "step and display timeout; leave them out of the "
		           "template (a burn sets them)");
		return CKR_TEMPLATE_INCONSISTENT;
	}
	*clock = plan.clock;
	return CKR_OK;
}
