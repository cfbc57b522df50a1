/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kept.c: the attributes the module keeps for the seed slot, because the
 * token cannot hold them: the class and key type it was created as, its
 * label and ID, dates, usage flags, allowed mechanisms, OTP identifiers
 * and the seed's length.  An object created from a template reads back
 * as it was made (object.c); the seed itself is never among them.
 *
 * They travel as one buffer of entries (type, length, value), at most
 * SP11_KEPT_MAX bytes, held per token in record.c and store.c.
 */
#include <string.h>

#include "sp11.h"

/* Each entry: CK_ATTRIBUTE_TYPE, CK_ULONG length, then the value. */
#define ENTRY_HEAD (2 * sizeof(CK_ULONG))

bool sp11_kept_type(CK_ATTRIBUTE_TYPE t)
{
	switch (t) {
	case CKA_CLASS:
	case CKA_KEY_TYPE:
	case CKA_LABEL:
	case CKA_ID:
	case CKA_START_DATE:
	case CKA_END_DATE:
	case CKA_DERIVE:
	case CKA_ENCRYPT:
	case CKA_DECRYPT:
	case CKA_SIGN:
	case CKA_VERIFY:
	case CKA_WRAP:
	case CKA_UNWRAP:
	case CKA_WRAP_WITH_TRUSTED:
	case CKA_ALLOWED_MECHANISMS:
	case CKA_OTP_USER_IDENTIFIER:
	case CKA_OTP_SERVICE_IDENTIFIER:
	case CKA_OTP_SERVICE_LOGO:
	case CKA_OTP_SERVICE_LOGO_TYPE:
	case CKA_VALUE_LEN:
		return true;
	default:
		return false;
	}
}

bool sp11_kept_valid(CK_ATTRIBUTE_TYPE t, CK_ULONG len)
{
	if (!sp11_kept_type(t))
		return false;
	if (t == CKA_CLASS || t == CKA_KEY_TYPE || t == CKA_VALUE_LEN)
		return len == sizeof(CK_ULONG);
	if (t == CKA_START_DATE || t == CKA_END_DATE)
		return len == 0 || len == sizeof(CK_DATE);
	if (t == CKA_ALLOWED_MECHANISMS)
		return len % sizeof(CK_MECHANISM_TYPE) == 0;
	if (sp11_kept_bool(t))
		return len == sizeof(CK_BBOOL);
	return true;
}

bool sp11_kept_bool(CK_ATTRIBUTE_TYPE t)
{
	return t == CKA_DERIVE || t == CKA_ENCRYPT || t == CKA_DECRYPT ||
	       t == CKA_SIGN || t == CKA_VERIFY || t == CKA_WRAP ||
	       t == CKA_UNWRAP || t == CKA_WRAP_WITH_TRUSTED;
}

bool sp11_kept_add(unsigned char *buf, size_t *len, CK_ATTRIBUTE_TYPE t,
                   const void *val, CK_ULONG vlen)
{
	return sp11_kept_add_in(buf, SP11_KEPT_MAX, len, t, val, vlen);
}

bool sp11_kept_add_in(unsigned char *buf, size_t cap, size_t *len,
                      CK_ATTRIBUTE_TYPE t, const void *val, CK_ULONG vlen)
{
	CK_ULONG head[2] = {t, vlen};

	if (!sp11_kept_valid(t, vlen) || (vlen > 0 && val == NULL) ||
	    *len > cap || vlen > cap || cap - *len < ENTRY_HEAD + vlen)
		return false;
	memcpy(buf + *len, head, ENTRY_HEAD);
	if (vlen > 0)
		memcpy(buf + *len + ENTRY_HEAD, val, vlen);
	*len += ENTRY_HEAD + vlen;
	return true;
}

bool sp11_kept_find(const unsigned char *buf, size_t len, CK_ATTRIBUTE_TYPE t,
                    const unsigned char **val, CK_ULONG *vlen)
{
	CK_ULONG head[2];
	size_t at = 0;

	while (len - at >= ENTRY_HEAD) {
		memcpy(head, buf + at, ENTRY_HEAD);
		if (head[1] > len - at - ENTRY_HEAD)
			return false;
		if (head[0] == t) {
			*val = buf + at + ENTRY_HEAD;
			*vlen = head[1];
			return true;
		}
		at += ENTRY_HEAD + head[1];
	}
	return false;
}

bool sp11_kept_next(const unsigned char *buf, size_t len, size_t *at,
                    CK_ATTRIBUTE_TYPE *t, const unsigned char **val,
                    CK_ULONG *vlen)
{
	CK_ULONG head[2];

	if (*at > len || len - *at < ENTRY_HEAD)
		return false;
	memcpy(head, buf + *at, ENTRY_HEAD);
	if (head[1] > len - *at - ENTRY_HEAD)
		return false;
	*t = head[0];
	*val = buf + *at + ENTRY_HEAD;
	*vlen = head[1];
	*at += ENTRY_HEAD + head[1];
	return true;
}
