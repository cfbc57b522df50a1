/*
 * object.c: the two objects every present token shows, their attributes,
 * and C_GetAttributeValue / C_FindObjects*.
 *
 *   SP11_OBJ_CLOCK  CKO_HW_FEATURE / CKH_CLOCK, label "clock": CKA_VALUE is
 *                  the token clock, "YYYYMMDDhhmmss00" UTC.
 *   SP11_OBJ_SEED   CKO_OTP_KEY / CKK_HOTP, label "totp": the seed slot.  Its
 *                  value is never readable; hash, step and display timeout
 *                  are known only after a burn by this process (else 0, or
 *                  CK_UNAVAILABLE_INFORMATION for the hash).
 */
#include <string.h>

#include "sp11.h"
#include "token.h"

#define VAL_MAX 64u

static bool object_valid(CK_OBJECT_HANDLE h)
{
	return h == SP11_OBJ_CLOCK || h == SP11_OBJ_SEED;
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

/* Attributes both objects share; 0 with *found false when not one. */
static CK_ULONG common_attr(CK_ATTRIBUTE_TYPE t, CK_OBJECT_HANDLE h, void *out,
                            bool *found)
{
	*found = true;
	switch (t) {
	case CKA_CLASS:
		return ulong_put(out, h == SP11_OBJ_CLOCK ? CKO_HW_FEATURE
		                                         : CKO_OTP_KEY);
	case CKA_TOKEN:
		return bool_put(out, true);
	case CKA_PRIVATE:
		return bool_put(out, false);
	case CKA_LABEL:
		return text_put(out, h == SP11_OBJ_CLOCK ? "clock" : "totp");
	case CKA_MODIFIABLE:
		/* The clock is set through C_SetAttributeValue; the seed
		 * slot is rewritten only by creating a new key. */
		return bool_put(out, h == SP11_OBJ_CLOCK);
	default:
		*found = false;
		return 0;
	}
}

static CK_RV clock_attr(const sp11_view *v, CK_ATTRIBUTE_TYPE t, void *out,
                        CK_ULONG *n)
{
	char text[16];

	switch (t) {
	case CKA_HW_FEATURE_TYPE:
		*n = ulong_put(out, CKH_CLOCK);
		return CKR_OK;
	case CKA_VALUE:
		sp11_clock_format(v->info->clock, text);
		memcpy(out, text, sizeof(text));
		*n = sizeof(text);
		return CKR_OK;
	default:
		return CKR_ATTRIBUTE_TYPE_INVALID;
	}
}

static CK_ULONG hash_mech(const sp11_record *r)
{
	if (!r->cfg_known)
		return CK_UNAVAILABLE_INFORMATION;
	return r->hash == SAFEID_HASH_SHA256 ? CKM_SHA256 : CKM_SHA_1;
}

static CK_RV seed_attr(const sp11_view *v, CK_ATTRIBUTE_TYPE t, void *out,
                       CK_ULONG *n)
{
	const sp11_record *r = v->rec;
	const safeid_model *m = v->info->model;

	switch (t) {
	case CKA_VALUE:
		return CKR_ATTRIBUTE_SENSITIVE;
	case CKA_KEY_TYPE:
		*n = ulong_put(out, CKK_HOTP);
		break;
	case CKA_ID:
		*n = 0;
		break;
	case CKA_SENSITIVE:
	case CKA_ALWAYS_SENSITIVE:
	case CKA_NEVER_EXTRACTABLE:
		*n = bool_put(out, true);
		break;
	case CKA_EXTRACTABLE:
	case CKA_LOCAL:
	case CKA_OTP_USER_FRIENDLY_MODE:
		*n = bool_put(out, false);
		break;
	case CKA_OTP_FORMAT:
		*n = ulong_put(out, CK_OTP_FORMAT_DECIMAL);
		break;
	case CKA_OTP_LENGTH:
		*n = ulong_put(out, 6);
		break;
	case CKA_OTP_TIME_INTERVAL:
		*n = ulong_put(out, r->cfg_known ? r->step : 0);
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
static CK_RV attr_value(CK_OBJECT_HANDLE h, const sp11_view *v,
                        CK_ATTRIBUTE_TYPE t, void *out, CK_ULONG *n)
{
	bool found;

	*n = common_attr(t, h, out, &found);
	if (found)
		return CKR_OK;
	if (h == SP11_OBJ_CLOCK)
		return clock_attr(v, t, out, n);
	return seed_attr(v, t, out, n);
}

CK_RV sp11_object_attr(CK_OBJECT_HANDLE h, const sp11_view *v,
                       CK_ATTRIBUTE_TYPE type, void *buf, CK_ULONG *len)
{
	unsigned char val[VAL_MAX];
	CK_ULONG n = 0;
	CK_RV rv = attr_value(h, v, type, val, &n);

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

CK_RV sp11_object_get(CK_OBJECT_HANDLE h, const sp11_view *v,
                      CK_ATTRIBUTE_PTR tmpl, CK_ULONG n)
{
	CK_RV rv = CKR_OK, r;
	CK_ULONG i;

	/* Every attribute is processed; the answer is the last error seen
	 * (PKCS#11 5.7: any of them may be returned). */
	for (i = 0; i < n; i++) {
		r = sp11_object_attr(h, v, tmpl[i].type, tmpl[i].pValue,
		                     &tmpl[i].ulValueLen);
		if (r != CKR_OK)
			rv = r;
	}
	return rv;
}

bool sp11_object_match(CK_OBJECT_HANDLE h, const sp11_view *v,
                       const CK_ATTRIBUTE *tmpl, CK_ULONG n)
{
	unsigned char val[VAL_MAX];
	CK_ULONG i, len;

	for (i = 0; i < n; i++) {
		if (attr_value(h, v, tmpl[i].type, val, &len) != CKR_OK)
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
                        const CK_ATTRIBUTE *tmpl, CK_ULONG n, sp11_session *s)
{
	CK_RV rv = sp11_session_enter(h, s);

	if (rv != CKR_OK)
		return rv;
	if (tmpl == NULL && n > 0)
		return CKR_ARGUMENTS_BAD;
	if (!object_valid(obj))
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
	CK_RV rv = sp11_object_enter(hSession, hObject, pTemplate, ulCount, &s);

	if (rv != CKR_OK)
		return rv;
	rv = view_fill(&s, &info, &rec);
	if (rv != CKR_OK)
		return rv;
	return sp11_object_get(hObject, &v, pTemplate, ulCount);
}

CK_RV C_FindObjectsInit(CK_SESSION_HANDLE hSession, CK_ATTRIBUTE_PTR pTemplate,
                        CK_ULONG ulCount)
{
	static const CK_OBJECT_HANDLE all[2] = {SP11_OBJ_CLOCK, SP11_OBJ_SEED};
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
			found[n++] = all[i];
	return sp11_session_find_set(hSession, found, n);
}

CK_RV C_FindObjects(CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE_PTR phObject,
                    CK_ULONG ulMaxObjectCount, CK_ULONG_PTR pulObjectCount)
{
	CK_RV rv = sp11_ready();

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
	CK_RV rv = sp11_session_enter(hSession, &s);

	if (rv != CKR_OK)
		return rv;
	if (pulSize == NULL)
		return CKR_ARGUMENTS_BAD;
	if (!object_valid(hObject))
		return CKR_OBJECT_HANDLE_INVALID;
	*pulSize = CK_UNAVAILABLE_INFORMATION;
	return CKR_OK;
}

CK_RV C_DestroyObject(CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE hObject)
{
	sp11_session s;
	CK_RV rv = sp11_session_enter(hSession, &s);

	if (rv != CKR_OK)
		return rv;
	if (!object_valid(hObject))
		return CKR_OBJECT_HANDLE_INVALID;
	/* The token has no erase command; the objects are its hardware. */
	return CKR_ACTION_PROHIBITED;
}
