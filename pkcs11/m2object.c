/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * m2object.c: a Molto2's profiles as objects.  Each profile that holds a
 * seed is a public CKO_OTP_KEY / CKK_HOTP object: a profile's info needs
 * no key, so listing and reading need no login.  Its CKA_ID is the
 * profile number as one byte, CKA_LABEL the title the token holds,
 * CKA_OTP_LENGTH, CKA_OTP_TIME_INTERVAL and CKA_SAFEID_HASH what the
 * profile's info says; the seed is never readable.  It can be destroyed
 * (the token deletes a profile's seed), not modified or copied.
 *
 * A profile the module burned reads back with what its template gave
 * and the token cannot hold (class, key type, CKA_VALUE_LEN, usage
 * flags, dates ...: kept.c), as long as the profile still reads as the
 * module wrote it; otherwise somebody else wrote it since, and it is an
 * OTP key again.
 *
 * The profiles are read (100 APDUs on a full-size token) when a search
 * starts, and attribute reads use what was read while the same card
 * stays untouched on the reader (slot.c).
 */
#include <stdio.h>
#include <string.h>

#include "m2op.h"

#define VAL_MAX SP11_KEPT_MAX

/* The kept value of t, when the profile is still as the module made it. */
static bool kept_put(const sp11_m2_view *v, CK_ATTRIBUTE_TYPE t, void *out,
                     CK_ULONG *n)
{
	const unsigned char *val;
	CK_ULONG len;

	if (v->rec == NULL || !sp11_m2_prof_current(v->rec, v->prof) ||
	    !sp11_kept_find(v->rec->kept, v->rec->kept_len, t, &val, &len) ||
	    len > VAL_MAX)
		return false;
	memcpy(out, val, len);
	*n = len;
	return true;
}

/* The storage, key and secret-key attributes. */
static bool key_attr(const sp11_m2_view *v, CK_ATTRIBUTE_TYPE t, void *out,
                     CK_ULONG *n)
{
	char id[SAFEID_SERIAL_MAX + 8];
	CK_BYTE num = (CK_BYTE)v->prof->number;

	/* The token's own: never the template's. */
	if (t != CKA_LABEL && t != CKA_ID && sp11_kept_type(t) &&
	    kept_put(v, t, out, n))
		return true;
	if (sp11_kept_bool(t)) {
		*n = sp11_put_bool(out, false); /* no usage flag unless made */
		return true;
	}
	switch (t) {
	case CKA_CLASS:
		*n = sp11_put_ulong(out, CKO_OTP_KEY);
		return true;
	case CKA_KEY_TYPE:
		*n = sp11_put_ulong(out, CKK_HOTP);
		return true;
	case CKA_LABEL:
		memcpy(out, v->prof->title, v->prof->titlelen);
		*n = (CK_ULONG)v->prof->titlelen;
		return true;
	case CKA_ID:
		memcpy(out, &num, 1);
		*n = 1;
		return true;
	case CKA_VALUE_LEN:
		*n = sp11_put_ulong(out, CK_UNAVAILABLE_INFORMATION);
		return true;
	case CKA_SAFEID_RESTRICTED_SYNC:
		*n = sp11_put_bool(out, false);
		return true;
	case CKA_UNIQUE_ID:
		snprintf(id, sizeof(id), "%s:%u", v->det->info.serial,
		         v->prof->number);
		*n = sp11_put_text(out, id);
		return true;
	default:
		/* A profile's seed can be deleted. */
		return sp11_key_fixed_attr(t, true, out, n);
	}
}

static CK_ULONG hash_mech(safeid_hash h)
{
	if (h == SAFEID_HASH_SHA256)
		return CKM_SHA256;
	return h == SAFEID_HASH_SHA1 ? CKM_SHA_1 : CK_UNAVAILABLE_INFORMATION;
}

/* One attribute's value into out (VAL_MAX bytes). */
static CK_RV attr_value(const sp11_m2_view *v, CK_ATTRIBUTE_TYPE t, void *out,
                        CK_ULONG *n)
{
	const safeid_m2_profile *p = v->prof;
	bool made = v->rec != NULL && sp11_m2_prof_current(v->rec, p);
	CK_RV rv;

	*n = 0;
	if (key_attr(v, t, out, n))
		return CKR_OK;
	if (sp11_otp_attr(t, v->det->info.clock, out, n, &rv))
		return rv;
	switch (t) {
	case CKA_OTP_LENGTH:
		*n = sp11_put_ulong(out, p->digits);
		break;
	case CKA_OTP_TIME_INTERVAL:
		*n = sp11_put_ulong(out, p->step);
		break;
	case CKA_SAFEID_HASH:
		*n = sp11_put_ulong(out, hash_mech(p->hash));
		break;
	case CKA_SAFEID_DISPLAY_TIMEOUT:
		/* Not in a profile's info: known when the module wrote it. */
		*n = sp11_put_ulong(
			out,
			made ? safeid_display_seconds(v->rec->display) : 0);
		break;
	case CKA_SAFEID_MODEL:
		*n = sp11_put_text(out, "Molto2");
		break;
	case CKA_SAFEID_SEED_STATE:
		*n = sp11_put_ulong(out, v->rec != NULL ? v->rec->seed_state
		                                        : CKS_SAFEID_SEED_OLD);
		break;
	case CKA_SAFEID_PROFILE:
		*n = sp11_put_ulong(out, p->number);
		break;
	default:
		return CKR_ATTRIBUTE_TYPE_INVALID;
	}
	return CKR_OK;
}

CK_RV sp11_m2_object_attr(const sp11_m2_view *v, CK_ATTRIBUTE_TYPE type,
                          void *buf, CK_ULONG *len)
{
	unsigned char val[VAL_MAX];
	CK_ULONG n = 0;
	CK_RV rv = attr_value(v, type, val, &n);

	return sp11_attr_give(rv, val, n, buf, len);
}

bool sp11_m2_object_match(const sp11_m2_view *v, const CK_ATTRIBUTE *tmpl,
                          CK_ULONG n)
{
	unsigned char val[VAL_MAX];
	CK_ULONG i, len;

	for (i = 0; i < n; i++) {
		if (attr_value(v, tmpl[i].type, val, &len) != CKR_OK ||
		    len != tmpl[i].ulValueLen)
			return false;
		if (len > 0 && (tmpl[i].pValue == NULL ||
		                memcmp(val, tmpl[i].pValue, len) != 0))
			return false;
	}
	return true;
}

/* Read every profile; keep them (and the token's info) for attribute
 * reads while the same card stays untouched. */
static CK_RV profiles_read(const sp11_session *s, safeid_m2_profile *out,
                           size_t *n)
{
	sp11_m2_op op;
	CK_RV rv = sp11_m2_op_begin(s, 0, &op);
	int err;

	if (rv != CKR_OK)
		return rv;
	err = safeid_m2_read_profiles(op.m2, out, SAFEID_M2_PROFILES, n);
	rv = sp11_m2_op_rv(&op, err);
	if (rv == CKR_OK && op.marked) {
		sp11_info_keep_if_same(s->slot, &op.mark, &op.det);
		sp11_profiles_keep(s->slot, &op.mark, out, *n);
	}
	if (rv != CKR_OK)
		sp11_debug("token %s: reading its profiles failed: %s",
		           s->serial, safeid_strerror(err));
	sp11_m2_op_end(&op);
	return rv;
}

CK_RV sp11_m2_profiles(const sp11_session *s, bool fresh,
                       safeid_m2_profile *out, size_t *n)
{
	if (!fresh && sp11_profiles_recall(s->slot, out, SAFEID_M2_PROFILES, n))
		return CKR_OK;
	return profiles_read(s, out, n);
}
