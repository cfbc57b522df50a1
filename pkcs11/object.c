/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * object.c: the objects every present token shows, their attributes, and
 * C_GetAttributeValue / C_FindObjects* / C_GetObjectSize /
 * C_DestroyObject / C_CopyObject.
 *
 *   SP11_OBJ_CLOCK  CKO_HW_FEATURE / CKH_CLOCK, label "clock": CKA_VALUE is
 *                   the token clock, "YYYYMMDDhhmmss00" UTC.
 *   SP11_OBJ_SEED   the seed slot: CKO_OTP_KEY / CKK_HOTP, label "totp",
 *                   until the module burns it, then whatever the template
 *                   made it (class, key type, label, ID ...: kept.c), in
 *                   this process and, through store.c, in later ones.  Its
 *                   value is never readable; hash, step and display
 *                   timeout are known from a burn (record.c, store.c),
 *                   else 0, or CK_UNAVAILABLE_INFORMATION for the hash.
 *
 * Every attribute the standard gives the object's class is answered: the
 * seed slot is a token object, public, sensitive, never extractable,
 * neither modifiable, copyable nor destroyable (the family has no command
 * that erases a seed), with no usage flag set unless the template that
 * made it set one (the token offers no mechanism for them anyway).
 *
 * A Molto2 shows the clock and one object per occupied profile instead
 * of the seed slot (m2object.c).
 *
 * An object handle is (epoch << 8) | object: the epoch of the card's
 * appearance (slot.c), so handles die with the sessions when the token
 * leaves, and are never given twice.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sp11.h"
#include "token.h"

#define VAL_MAX SP11_KEPT_MAX

CK_OBJECT_HANDLE sp11_object_handle(const sp11_session *s, unsigned obj)
{
	return (CK_OBJECT_HANDLE)(s->epoch << 8 | obj);
}

unsigned sp11_object_index(const sp11_session *s, CK_OBJECT_HANDLE h)
{
	unsigned obj = (unsigned)(h & 0xff);
	bool profile =
		obj >= SP11_OBJ_PROFILE0 && obj < SP11_OBJ_PROFILE(s->profiles);

	if (h >> 8 != s->epoch)
		return 0;
	if (obj == SP11_OBJ_CLOCK || (s->m2 ? profile : obj == SP11_OBJ_SEED))
		return obj;
	return 0;
}

CK_ULONG sp11_put_ulong(void *out, CK_ULONG v)
{
	memcpy(out, &v, sizeof(v));
	return sizeof(v);
}

CK_ULONG sp11_put_bool(void *out, bool v)
{
	CK_BBOOL b = v ? CK_TRUE : CK_FALSE;

	memcpy(out, &b, sizeof(b));
	return sizeof(b);
}

CK_ULONG sp11_put_text(void *out, const char *s)
{
	size_t n = strlen(s);

	if (n > VAL_MAX)
		n = VAL_MAX;
	memcpy(out, s, n);
	return (CK_ULONG)n;
}

/* The kept value of t, if the seed slot was made with one. */
static bool kept_put(const sp11_record *r, CK_ATTRIBUTE_TYPE t, void *out,
                     CK_ULONG *n)
{
	const unsigned char *v;
	CK_ULONG len;

	if (!r->made || !sp11_kept_find(r->kept, r->kept_len, t, &v, &len) ||
	    len > VAL_MAX)
		return false;
	memcpy(out, v, len);
	*n = len;
	return true;
}

static CK_ULONG unique_put(void *out, const safeid_info *info,
                           CK_OBJECT_HANDLE obj)
{
	char id[SAFEID_SERIAL_MAX + 16];

	snprintf(id, sizeof(id), "%s:%s", info->serial,
	         obj == SP11_OBJ_CLOCK ? "clock" : "seed");
	return sp11_put_text(out, id);
}

static CK_RV clock_attr(const sp11_view *v, CK_ATTRIBUTE_TYPE t, void *out,
                        CK_ULONG *n)
{
	char text[16];

	switch (t) {
	case CKA_CLASS:
		*n = sp11_put_ulong(out, CKO_HW_FEATURE);
		break;
	case CKA_HW_FEATURE_TYPE:
		*n = sp11_put_ulong(out, CKH_CLOCK);
		break;
	case CKA_UNIQUE_ID:
		*n = unique_put(out, v->info, SP11_OBJ_CLOCK);
		break;
	case CKA_TOKEN:
		*n = sp11_put_bool(out, true);
		break;
	case CKA_PRIVATE:
		*n = sp11_put_bool(out, false);
		break;
	case CKA_MODIFIABLE:
		/* Set through C_SetAttributeValue of CKA_VALUE (clock.c). */
		*n = sp11_put_bool(out, true);
		break;
	case CKA_LABEL:
		*n = sp11_put_text(out, "clock");
		break;
	case CKA_VALUE:
		sp11_clock_format(v->info->clock, text);
		memcpy(out, text, sizeof(text));
		*n = sizeof(text);
		break;
	default:
		return CKR_ATTRIBUTE_TYPE_INVALID;
	}
	return CKR_OK;
}

static CK_ULONG hash_mech(const sp11_record *r)
{
	if (!r->cfg_known)
		return CK_UNAVAILABLE_INFORMATION;
	return r->hash == SAFEID_HASH_SHA256 ? CKM_SHA256 : CKM_SHA_1;
}

/* Storage, key and secret-key attributes of the seed slot: as made, if
 * the module kept the template's value, else the slot's own. */
static bool seed_key_attr(const sp11_view *v, CK_ATTRIBUTE_TYPE t, void *out,
                          CK_ULONG *n)
{
	if (sp11_kept_type(t) && kept_put(v->rec, t, out, n))
		return true;
	if (sp11_kept_bool(t)) {
		*n = sp11_put_bool(out,
		                   false); /* no usage flag unless made so */
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
		*n = sp11_put_text(out, "totp");
		return true;
	case CKA_VALUE_LEN:
		/* Unknown unless the module burned it. */
		*n = sp11_put_ulong(out, CK_UNAVAILABLE_INFORMATION);
		return true;
	case CKA_ID:
		/* Empty: none given. */
		*n = 0;
		return true;
	case CKA_UNIQUE_ID:
		*n = unique_put(out, v->info, SP11_OBJ_SEED);
		return true;
	default:
		/* The seed slot's seed cannot be erased. */
		return sp11_key_fixed_attr(t, false, out, n);
	}
}

bool sp11_key_fixed_attr(CK_ATTRIBUTE_TYPE t, bool destroyable, void *out,
                         CK_ULONG *n)
{
	switch (t) {
	case CKA_START_DATE:
	case CKA_END_DATE:
	case CKA_ALLOWED_MECHANISMS:
	case CKA_OTP_USER_IDENTIFIER:
	case CKA_OTP_SERVICE_IDENTIFIER:
	case CKA_OTP_SERVICE_LOGO:
	case CKA_OTP_SERVICE_LOGO_TYPE:
	case CKA_CHECK_VALUE:
	case CKA_WRAP_TEMPLATE:
	case CKA_UNWRAP_TEMPLATE:
	case CKA_DERIVE_TEMPLATE:
		/* Empty: none given; nothing derived from the seed is kept;
		 * no templates. */
		*n = 0;
		return true;
	case CKA_TOKEN:
	case CKA_SENSITIVE:
	case CKA_ALWAYS_SENSITIVE:
	case CKA_NEVER_EXTRACTABLE:
		*n = sp11_put_bool(out, true);
		return true;
	case CKA_DESTROYABLE:
		*n = sp11_put_bool(out, destroyable);
		return true;
	case CKA_PRIVATE:
	case CKA_MODIFIABLE:
	case CKA_COPYABLE:
	case CKA_EXTRACTABLE:
	case CKA_LOCAL:
	case CKA_TRUSTED:
		*n = sp11_put_bool(out, false);
		return true;
	case CKA_KEY_GEN_MECHANISM:
		*n = sp11_put_ulong(out, CK_UNAVAILABLE_INFORMATION);
		return true;
	default:
		return false;
	}
}

bool sp11_otp_attr(CK_ATTRIBUTE_TYPE t, uint32_t clock, void *out, CK_ULONG *n,
                   CK_RV *rv)
{
	char text[16];

	*rv = CKR_OK;
	switch (t) {
	case CKA_VALUE:
		*rv = CKR_ATTRIBUTE_SENSITIVE;
		return true;
	case CKA_OTP_FORMAT:
		*n = sp11_put_ulong(out, CK_OTP_FORMAT_DECIMAL);
		return true;
	case CKA_OTP_USER_FRIENDLY_MODE:
		*n = sp11_put_bool(out, false);
		return true;
	case CKA_OTP_CHALLENGE_REQUIREMENT:
	case CKA_OTP_TIME_REQUIREMENT:
	case CKA_OTP_COUNTER_REQUIREMENT:
	case CKA_OTP_PIN_REQUIREMENT:
		/* The token takes nothing from the host: it keeps its time. */
		*n = sp11_put_ulong(out, CK_OTP_PARAM_IGNORED);
		return true;
	case CKA_OTP_COUNTER:
		*n = 0;
		return true;
	case CKA_OTP_TIME:
		sp11_clock_format(clock, text);
		memcpy(out, text, 14);
		*n = 14;
		return true;
	default:
		return false;
	}
}

/* The OTP key attributes (they describe the seed slot whatever class it
 * was made as) and the vendor ones. */
static CK_RV seed_attr(const sp11_view *v, CK_ATTRIBUTE_TYPE t, void *out,
                       CK_ULONG *n)
{
	const sp11_record *r = v->rec;
	const safeid_model *m = v->info->model;
	CK_RV rv;

	if (seed_key_attr(v, t, out, n))
		return CKR_OK;
	if (sp11_otp_attr(t, v->info->clock, out, n, &rv))
		return rv;
	switch (t) {
	case CKA_OTP_LENGTH:
		*n = sp11_put_ulong(out, 6);
		break;
	case CKA_OTP_TIME_INTERVAL:
		*n = sp11_put_ulong(out, r->cfg_known ? r->step : 0);
		break;
	case CKA_SAFEID_HASH:
		*n = sp11_put_ulong(out, hash_mech(r));
		break;
	case CKA_SAFEID_DISPLAY_TIMEOUT:
		*n = sp11_put_ulong(
			out,
			r->cfg_known ? safeid_display_seconds(r->display) : 0);
		break;
	case CKA_SAFEID_MODEL:
		*n = sp11_put_text(out, m != NULL ? m->name : "");
		break;
	case CKA_SAFEID_RESTRICTED_SYNC:
		*n = sp11_put_bool(out,
		                   safeid_serial_restricted(v->info->serial));
		break;
	case CKA_SAFEID_SEED_STATE:
		*n = sp11_put_ulong(out, r->seed_state);
		break;
	default:
		return CKR_ATTRIBUTE_TYPE_INVALID;
	}
	return CKR_OK;
}

/* The value of one attribute into out (VAL_MAX bytes). */
static CK_RV attr_value(CK_OBJECT_HANDLE obj, const sp11_view *v,
                        CK_ATTRIBUTE_TYPE t, void *out, CK_ULONG *n)
{
	*n = 0;
	if (obj == SP11_OBJ_CLOCK)
		return clock_attr(v, t, out, n);
	return seed_attr(v, t, out, n);
}

CK_RV sp11_object_attr(CK_OBJECT_HANDLE obj, const sp11_view *v,
                       CK_ATTRIBUTE_TYPE type, void *buf, CK_ULONG *len)
{
	unsigned char val[VAL_MAX];
	CK_ULONG n = 0;
	CK_RV rv = attr_value(obj, v, type, val, &n);

	return sp11_attr_give(rv, val, n, buf, len);
}

CK_RV sp11_attr_give(CK_RV rv, const void *val, CK_ULONG n, void *buf,
                     CK_ULONG *len)
{
	if (rv != CKR_OK) {
		*len = CK_UNAVAILABLE_INFORMATION;
		return rv;
	}
	if (buf != NULL) {
		if (*len < n) {
			*len = CK_UNAVAILABLE_INFORMATION;
			return CKR_BUFFER_TOO_SMALL;
		}
		memcpy(buf, val, n);
	}
	*len = n;
	return CKR_OK;
}

CK_RV sp11_object_get(CK_OBJECT_HANDLE obj, const sp11_view *v,
                      CK_ATTRIBUTE_PTR tmpl, CK_ULONG n)
{
	CK_RV rv = CKR_OK, r;
	CK_ULONG i;

	/* Every attribute is processed; the answer is the last error seen
	 * (PKCS#11 5.7: any of them may be returned). */
	for (i = 0; i < n; i++) {
		r = sp11_object_attr(obj, v, tmpl[i].type, tmpl[i].pValue,
		                     &tmpl[i].ulValueLen);
		if (r != CKR_OK)
			rv = r;
	}
	return rv;
}

bool sp11_object_match(CK_OBJECT_HANDLE obj, const sp11_view *v,
                       const CK_ATTRIBUTE *tmpl, CK_ULONG n)
{
	unsigned char val[VAL_MAX];
	CK_ULONG i, len;

	for (i = 0; i < n; i++) {
		if (attr_value(obj, v, tmpl[i].type, val, &len) != CKR_OK)
			return false;
		if (len != tmpl[i].ulValueLen)
			return false;
		if (len > 0 && (tmpl[i].pValue == NULL ||
		                memcmp(val, tmpl[i].pValue, len) != 0))
			return false;
	}
	return true;
}

/* Probe the session's token and fill a view of it. */
static CK_RV view_fill(const sp11_session *s, safeid_detected *det,
                       sp11_record *rec)
{
	CK_RV rv = sp11_session_token(s, det);

	/* A Molto2 has no seed slot: its profiles have records of their
	 * own (m2record.c). */
	if (rv == CKR_OK && !s->m2)
		sp11_record_get(det->info.serial, rec);
	else
		memset(rec, 0, sizeof(*rec));
	return rv;
}

/* A profile object: the token's profile (it must hold a seed) and what
 * the module knows of it. */
static CK_RV m2_view(const sp11_session *s, const safeid_detected *det,
                     unsigned obj, safeid_m2_profile *prof, sp11_m2_prof *rec,
                     sp11_m2_view *v)
{
	safeid_m2_profile *list = calloc(SAFEID_M2_PROFILES, sizeof(*list));
	unsigned p = obj - SP11_OBJ_PROFILE0;
	size_t n = 0;
	CK_RV rv;

	if (list == NULL)
		return CKR_HOST_MEMORY;
	rv = sp11_m2_profiles(s, false, list, &n);
	if (rv == CKR_OK && p < n)
		*prof = list[p];
	free(list);
	if (rv != CKR_OK)
		return rv;
	/* An empty profile is no object (its seed was deleted). */
	if (p >= n || !prof->seed)
		return CKR_OBJECT_HANDLE_INVALID;
	sp11_m2_prof_get(s->serial, p, rec);
	v->det = det;
	v->prof = prof;
	v->rec = rec;
	return CKR_OK;
}

CK_RV sp11_object_enter(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE obj,
                        const CK_ATTRIBUTE *tmpl, CK_ULONG n, sp11_session *s,
                        unsigned *index)
{
	CK_RV rv = sp11_session_enter(h, s);

	if (rv != CKR_OK)
		return rv;
	if (tmpl == NULL && n > 0)
		return CKR_ARGUMENTS_BAD;
	*index = sp11_object_index(s, obj);
	if (*index == 0)
		return CKR_OBJECT_HANDLE_INVALID;
	return CKR_OK;
}

/* C_GetAttributeValue of a profile object over the whole template. */
static CK_RV m2_get(const sp11_m2_view *v, CK_ATTRIBUTE_PTR tmpl, CK_ULONG n)
{
	CK_RV rv = CKR_OK, r;
	CK_ULONG i;

	for (i = 0; i < n; i++) {
		r = sp11_m2_object_attr(v, tmpl[i].type, tmpl[i].pValue,
		                        &tmpl[i].ulValueLen);
		if (r != CKR_OK)
			rv = r;
	}
	return rv;
}

CK_RV C_GetAttributeValue(CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE hObject,
                          CK_ATTRIBUTE_PTR pTemplate, CK_ULONG ulCount)
{
	sp11_session s;
	safeid_detected det;
	sp11_record rec;
	sp11_view v = {&det.info, &rec};
	safeid_m2_profile prof;
	sp11_m2_prof m2rec;
	sp11_m2_view mv;
	unsigned obj;
	CK_RV rv = sp11_object_enter(hSession, hObject, pTemplate, ulCount, &s,
	                             &obj);

	if (rv != CKR_OK)
		return rv;
	rv = view_fill(&s, &det, &rec);
	if (rv != CKR_OK)
		return rv;
	if (obj < SP11_OBJ_PROFILE0)
		return sp11_object_get(obj, &v, pTemplate, ulCount);
	rv = m2_view(&s, &det, obj, &prof, &m2rec, &mv);
	if (rv != CKR_OK)
		return rv;
	return m2_get(&mv, pTemplate, ulCount);
}

/* A Molto2's profile objects that match, read afresh: a search is when
 * an application looks at what the token holds now. */
static CK_RV m2_find(const sp11_session *s, const safeid_detected *det,
                     const CK_ATTRIBUTE *tmpl, CK_ULONG count,
                     CK_OBJECT_HANDLE *found, CK_ULONG *n)
{
	safeid_m2_profile *list = calloc(SAFEID_M2_PROFILES, sizeof(*list));
	sp11_m2_prof *rec = malloc(sizeof(*rec));
	sp11_m2_view v;
	size_t np = 0, p;
	CK_RV rv = CKR_HOST_MEMORY;

	if (list == NULL || rec == NULL)
		goto out;
	rv = sp11_m2_profiles(s, true, list, &np);
	for (p = 0; rv == CKR_OK && p < np; p++) {
		if (!list[p].seed)
			continue;
		sp11_m2_prof_get(s->serial, (unsigned)p, rec);
		v.det = det;
		v.prof = &list[p];
		v.rec = rec;
		if (sp11_m2_object_match(&v, tmpl, count))
			found[(*n)++] = sp11_object_handle(
				s, SP11_OBJ_PROFILE((unsigned)p));
	}
out:
	free(list);
	free(rec);
	return rv;
}

CK_RV C_FindObjectsInit(CK_SESSION_HANDLE hSession, CK_ATTRIBUTE_PTR pTemplate,
                        CK_ULONG ulCount)
{
	CK_OBJECT_HANDLE found[SP11_MAX_OBJECTS];
	sp11_session s;
	safeid_detected det;
	sp11_record rec;
	sp11_view v = {&det.info, &rec};
	CK_ULONG n = 0;
	CK_RV rv = sp11_session_enter(hSession, &s);

	if (rv != CKR_OK)
		return rv;
	if (s.finding)
		return CKR_OPERATION_ACTIVE;
	if (pTemplate == NULL && ulCount > 0)
		return CKR_ARGUMENTS_BAD;
	rv = view_fill(&s, &det, &rec);
	if (rv != CKR_OK)
		return rv;
	if (sp11_object_match(SP11_OBJ_CLOCK, &v, pTemplate, ulCount))
		found[n++] = sp11_object_handle(&s, SP11_OBJ_CLOCK);
	if (s.m2) {
		sp11_m2_refresh(s.serial);
		rv = m2_find(&s, &det, pTemplate, ulCount, found, &n);
		if (rv != CKR_OK)
			return rv;
	} else if (sp11_object_match(SP11_OBJ_SEED, &v, pTemplate, ulCount)) {
		found[n++] = sp11_object_handle(&s, SP11_OBJ_SEED);
	}
	return sp11_session_find_set(hSession, found, n);
}

CK_RV C_FindObjects(CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE_PTR phObject,
                    CK_ULONG ulMaxObjectCount, CK_ULONG_PTR pulObjectCount)
{
	sp11_session s;
	CK_RV rv = sp11_session_enter(hSession, &s);

	if (rv != CKR_OK)
		return rv;
	if (phObject == NULL || pulObjectCount == NULL)
		return CKR_ARGUMENTS_BAD;
	return sp11_session_find_next(hSession, phObject, ulMaxObjectCount,
	                              pulObjectCount);
}

CK_RV C_FindObjectsFinal(CK_SESSION_HANDLE hSession)
{
	sp11_session s;
	CK_RV rv = sp11_session_enter(hSession, &s);

	if (rv != CKR_OK)
		return rv;
	if (!s.finding)
		return CKR_OPERATION_NOT_INITIALIZED;
	return sp11_session_find_set(hSession, NULL, 0);
}

CK_RV C_GetObjectSize(CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE hObject,
                      CK_ULONG_PTR pulSize)
{
	sp11_session s;
	unsigned obj;
	CK_RV rv = sp11_object_enter(hSession, hObject, NULL, 0, &s, &obj);

	if (rv != CKR_OK)
		return rv;
	if (pulSize == NULL)
		return CKR_ARGUMENTS_BAD;
	*pulSize = CK_UNAVAILABLE_INFORMATION;
	return CKR_OK;
}

CK_RV C_DestroyObject(CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE hObject)
{
	sp11_session s;
	unsigned obj;
	CK_RV rv = sp11_object_enter(hSession, hObject, NULL, 0, &s, &obj);

	if (rv != CKR_OK)
		return rv;
	/* All are token objects: only a read-write session may even try
	 * (PKCS#11 5.7, C_DestroyObject). */
	if (!(s.flags & CKF_RW_SESSION))
		return CKR_SESSION_READ_ONLY;
	/* A Molto2 deletes a profile's seed. */
	if (obj >= SP11_OBJ_PROFILE0)
		return sp11_m2_destroy(&s, obj - SP11_OBJ_PROFILE0);
	/* CKA_DESTROYABLE false: the single-profile family has no command
	 * that erases a seed, and the clock is hardware. */
	return CKR_ACTION_PROHIBITED;
}

CK_RV C_CopyObject(CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE hObject,
                   CK_ATTRIBUTE_PTR pTemplate, CK_ULONG ulCount,
                   CK_OBJECT_HANDLE_PTR phNewObject)
{
	sp11_session s;
	unsigned obj;
	CK_RV rv = sp11_object_enter(hSession, hObject, pTemplate, ulCount, &s,
	                             &obj);

	if (rv != CKR_OK)
		return rv;
	if (phNewObject == NULL)
		return CKR_ARGUMENTS_BAD;
	/* CKA_COPYABLE false: a token holds one seed slot and one clock. */
	return CKR_ACTION_PROHIBITED;
}
