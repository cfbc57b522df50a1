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
 * An object handle is (epoch << 8) | object: the epoch of the card's
 * appearance (slot.c), so handles die with the sessions when the token
 * leaves, and are never given twice.
 */
#include <stdio.h>
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

	if (h >> 8 != s->epoch || (obj != SP11_OBJ_CLOCK && obj != SP11_OBJ_SEED))
		return 0;
	return obj;
}

static CK_ULONG ulong_put(void *out, CK_ULONG v)
{
	memcpy(out, &v, sizeof(v));
	return sizeof(v);
}

static CK_ULONG bool_put(void *out, bool v)
{
	CK_BBOOL b = v ? CK_TRUE : CK_FALSE;

	memcpy(out, &b, sizeof(b));
	return sizeof(b);
}

static CK_ULONG text_put(void *out, const char *s)
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
	return text_put(out, id);
}

static CK_RV clock_attr(const sp11_view *v, CK_ATTRIBUTE_TYPE t, void *out,
                        CK_ULONG *n)
{
	char text[16];

	switch (t) {
	case CKA_CLASS:
		*n = ulong_put(out, CKO_HW_FEATURE);
		break;
	case CKA_HW_FEATURE_TYPE:
		*n = ulong_put(out, CKH_CLOCK);
		break;
	case CKA_UNIQUE_ID:
		*n = unique_put(out, v->info, SP11_OBJ_CLOCK);
		break;
	case CKA_TOKEN:
		*n = bool_put(out, true);
		break;
	case CKA_PRIVATE:
		*n = bool_put(out, false);
		break;
	case CKA_MODIFIABLE:
		/* Set through C_SetAttributeValue of CKA_VALUE (clock.c). */
		*n = bool_put(out, true);
		break;
	case CKA_LABEL:
		*n = text_put(out, "clock");
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
		*n = bool_put(out, false); /* no usage flag unless made so */
		return true;
	}
	switch (t) {
	case CKA_CLASS:
		*n = ulong_put(out, CKO_OTP_KEY);
		return true;
	case CKA_KEY_TYPE:
		*n = ulong_put(out, CKK_HOTP);
		return true;
	case CKA_LABEL:
		*n = text_put(out, "totp");
		return true;
	case CKA_VALUE_LEN:
		/* Unknown unless the module burned it. */
		*n = ulong_put(out, CK_UNAVAILABLE_INFORMATION);
		return true;
	case CKA_ID:
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
		*n = bool_put(out, true);
		return true;
	case CKA_PRIVATE:
	case CKA_MODIFIABLE:
	case CKA_COPYABLE:
	case CKA_DESTROYABLE:
	case CKA_EXTRACTABLE:
	case CKA_LOCAL:
	case CKA_TRUSTED:
		*n = bool_put(out, false);
		return true;
	case CKA_KEY_GEN_MECHANISM:
		*n = ulong_put(out, CK_UNAVAILABLE_INFORMATION);
		return true;
	case CKA_UNIQUE_ID:
		*n = unique_put(out, v->info, SP11_OBJ_SEED);
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
	char text[16];

	if (seed_key_attr(v, t, out, n))
		return CKR_OK;
	switch (t) {
	case CKA_VALUE:
		return CKR_ATTRIBUTE_SENSITIVE;
	case CKA_OTP_FORMAT:
		*n = ulong_put(out, CK_OTP_FORMAT_DECIMAL);
		break;
	case CKA_OTP_LENGTH:
		*n = ulong_put(out, 6);
		break;
	case CKA_OTP_TIME_INTERVAL:
		*n = ulong_put(out, r->cfg_known ? r->step : 0);
		break;
	case CKA_OTP_USER_FRIENDLY_MODE:
		*n = bool_put(out, false);
		break;
	case CKA_OTP_CHALLENGE_REQUIREMENT:
	case CKA_OTP_TIME_REQUIREMENT:
	case CKA_OTP_COUNTER_REQUIREMENT:
	case CKA_OTP_PIN_REQUIREMENT:
		/* The token takes nothing from the host: it keeps its time. */
		*n = ulong_put(out, CK_OTP_PARAM_IGNORED);
		break;
	case CKA_OTP_COUNTER:
		*n = 0;
		break;
	case CKA_OTP_TIME:
		sp11_clock_format(v->info->clock, text);
		memcpy(out, text, 14);
		*n = 14;
		break;
	case CKA_SAFEID_HASH:
		*n = ulong_put(out, hash_mech(r));
		break;
	case CKA_SAFEID_DISPLAY_TIMEOUT:
		*n = ulong_put(out, r->cfg_known
		                            ? safeid_display_seconds(r->display)
		                            : 0);
		break;
	case CKA_SAFEID_MODEL:
		*n = text_put(out, m != NULL ? m->name : "");
		break;
	case CKA_SAFEID_RESTRICTED_SYNC:
		*n = bool_put(out, safeid_serial_restricted(v->info->serial));
		break;
	case CKA_SAFEID_SEED_STATE:
		*n = ulong_put(out, r->seed_state);
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
static CK_RV view_fill(const sp11_session *s, safeid_info *info,
                       sp11_record *rec)
{
	CK_RV rv = sp11_session_token(s, info);

	if (rv == CKR_OK)
		sp11_record_get(info->serial, rec);
	return rv;
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

CK_RV C_GetAttributeValue(CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE hObject,
                          CK_ATTRIBUTE_PTR pTemplate, CK_ULONG ulCount)
{
	sp11_session s;
	safeid_info info;
	sp11_record rec;
	sp11_view v = {&info, &rec};
	unsigned obj;
	CK_RV rv = sp11_object_enter(hSession, hObject, pTemplate, ulCount, &s,
	                             &obj);

	if (rv != CKR_OK)
		return rv;
	rv = view_fill(&s, &info, &rec);
	if (rv != CKR_OK)
		return rv;
	return sp11_object_get(obj, &v, pTemplate, ulCount);
}

CK_RV C_FindObjectsInit(CK_SESSION_HANDLE hSession, CK_ATTRIBUTE_PTR pTemplate,
                        CK_ULONG ulCount)
{
	static const unsigned all[2] = {SP11_OBJ_CLOCK, SP11_OBJ_SEED};
	CK_OBJECT_HANDLE found[2];
	sp11_session s;
	safeid_info info;
	sp11_record rec;
	sp11_view v = {&info, &rec};
	CK_ULONG i, n = 0;
	CK_RV rv = sp11_session_enter(hSession, &s);

	if (rv != CKR_OK)
		return rv;
	if (s.finding)
		return CKR_OPERATION_ACTIVE;
	if (pTemplate == NULL && ulCount > 0)
		return CKR_ARGUMENTS_BAD;
	rv = view_fill(&s, &info, &rec);
	if (rv != CKR_OK)
		return rv;
	for (i = 0; i < 2; i++)
		if (sp11_object_match(all[i], &v, pTemplate, ulCount))
			found[n++] = sp11_object_handle(&s, all[i]);
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
	/* Both are token objects: only a read-write session may even try
	 * (PKCS#11 5.7, C_DestroyObject). */
	if (!(s.flags & CKF_RW_SESSION))
		return CKR_SESSION_READ_ONLY;
	/* CKA_DESTROYABLE false: the family has no command that erases a
	 * seed, and the clock is hardware. */
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
