/*
 * session.c: sessions.  A session belongs to the token (serial) present on
 * its slot when it was opened; an operation finding another token, or
 * none, answers CKR_DEVICE_REMOVED.  The token has no PIN: C_Login and
 * C_Logout are accepted as no-ops so programs that always log in work.
 */
#include <stdio.h>
#include <string.h>

#include "sp11.h"

static sp11_session sessions[SP11_MAX_SESSIONS];

static sp11_session *session_find(CK_SESSION_HANDLE h)
{
	if (h == CK_INVALID_HANDLE || h > SP11_MAX_SESSIONS)
		return NULL;
	if (!sessions[h - 1].used)
		return NULL;
	return &sessions[h - 1];
}

/* Copy of a session, under the module lock. */
static CK_RV session_get(CK_SESSION_HANDLE h, sp11_session *out)
{
	const sp11_session *s;
	CK_RV rv = CKR_SESSION_HANDLE_INVALID;

	sp11_module_lock();
	s = session_find(h);
	if (s != NULL) {
		*out = *s;
		rv = CKR_OK;
	}
	sp11_module_unlock();
	return rv;
}

CK_RV sp11_session_enter(CK_SESSION_HANDLE h, sp11_session *out)
{
	CK_RV rv = sp11_ready();

	if (rv != CKR_OK)
		return rv;
	return session_get(h, out);
}

CK_RV sp11_session_find_set(CK_SESSION_HANDLE h, const CK_OBJECT_HANDLE *objs,
                            CK_ULONG n)
{
	sp11_session *s;
	CK_RV rv = CKR_SESSION_HANDLE_INVALID;
	CK_ULONG i;

	sp11_module_lock();
	s = session_find(h);
	if (s != NULL) {
		s->finding = objs != NULL;
		s->nfound = 0;
		s->pos = 0;
		for (i = 0; objs != NULL && i < n && i < 2; i++)
			s->found[s->nfound++] = objs[i];
		rv = CKR_OK;
	}
	sp11_module_unlock();
	return rv;
}

void sp11_sessions_clear(void)
{
	memset(sessions, 0, sizeof(sessions));
}

CK_RV sp11_session_token(const sp11_session *s, safeid_info *info)
{
	CK_RV rv = sp11_token_probe(s->slot, info);

	if (rv == CKR_TOKEN_NOT_PRESENT || rv == CKR_TOKEN_NOT_RECOGNIZED ||
	    rv == CKR_SLOT_ID_INVALID)
		return CKR_DEVICE_REMOVED;
	if (rv != CKR_OK)
		return rv;
	if (strcmp(info->serial, s->serial) != 0) {
		sp11_debug("slot %lu: token %s replaced by %s; reopen the session",
		           (unsigned long)s->slot, s->serial, info->serial);
		return CKR_DEVICE_REMOVED;
	}
	return CKR_OK;
}

CK_RV C_OpenSession(CK_SLOT_ID slotID, CK_FLAGS flags,
                    CK_VOID_PTR pApplication, CK_NOTIFY Notify,
                    CK_SESSION_HANDLE_PTR phSession)
{
	safeid_info info;
	CK_RV rv;
	CK_ULONG i;

	(void)pApplication;
	(void)Notify;
	rv = sp11_ready();
	if (rv != CKR_OK)
		return rv;
	if (phSession == NULL)
		return CKR_ARGUMENTS_BAD;
	if (!(flags & CKF_SERIAL_SESSION))
		return CKR_SESSION_PARALLEL_NOT_SUPPORTED;
	rv = sp11_token_probe(slotID, &info);
	if (rv != CKR_OK)
		return rv;
	rv = CKR_SESSION_COUNT;
	sp11_module_lock();
	for (i = 0; i < SP11_MAX_SESSIONS; i++) {
		if (sessions[i].used)
			continue;
		memset(&sessions[i], 0, sizeof(sessions[i]));
		sessions[i].used = true;
		sessions[i].slot = slotID;
		sessions[i].flags = flags;
		snprintf(sessions[i].serial, sizeof(sessions[i].serial), "%s",
		         info.serial);
		*phSession = i + 1;
		rv = CKR_OK;
		break;
	}
	sp11_module_unlock();
	return rv;
}

CK_RV C_CloseSession(CK_SESSION_HANDLE hSession)
{
	sp11_session *s;
	CK_RV rv = sp11_ready();

	if (rv != CKR_OK)
		return rv;
	sp11_module_lock();
	s = session_find(hSession);
	if (s == NULL)
		rv = CKR_SESSION_HANDLE_INVALID;
	else
		memset(s, 0, sizeof(*s));
	sp11_module_unlock();
	return rv;
}

CK_RV C_CloseAllSessions(CK_SLOT_ID slotID)
{
	CK_RV rv = sp11_ready();
	size_t i;

	if (rv != CKR_OK)
		return rv;
	rv = sp11_slot_check(slotID);
	if (rv != CKR_OK)
		return rv;
	sp11_module_lock();
	for (i = 0; i < SP11_MAX_SESSIONS; i++)
		if (sessions[i].used && sessions[i].slot == slotID)
			memset(&sessions[i], 0, sizeof(sessions[i]));
	sp11_module_unlock();
	return CKR_OK;
}

CK_RV C_GetSessionInfo(CK_SESSION_HANDLE hSession, CK_SESSION_INFO_PTR pInfo)
{
	sp11_session s;
	CK_RV rv = sp11_ready();

	if (rv != CKR_OK)
		return rv;
	if (pInfo == NULL)
		return CKR_ARGUMENTS_BAD;
	rv = session_get(hSession, &s);
	if (rv != CKR_OK)
		return rv;
	memset(pInfo, 0, sizeof(*pInfo));
	pInfo->slotID = s.slot;
	pInfo->flags = s.flags;
	pInfo->state = (s.flags & CKF_RW_SESSION) ? CKS_RW_PUBLIC_SESSION
	                                          : CKS_RO_PUBLIC_SESSION;
	return CKR_OK;
}

CK_RV C_Login(CK_SESSION_HANDLE hSession, CK_USER_TYPE userType,
              CK_UTF8CHAR_PTR pPin, CK_ULONG ulPinLen)
{
	sp11_session s;
	CK_RV rv = sp11_ready();

	(void)pPin;
	(void)ulPinLen;
	if (rv != CKR_OK)
		return rv;
	rv = session_get(hSession, &s);
	if (rv != CKR_OK)
		return rv;
	if (userType != CKU_USER && userType != CKU_SO &&
	    userType != CKU_CONTEXT_SPECIFIC)
		return CKR_USER_TYPE_INVALID;
	return CKR_OK;
}

CK_RV C_Logout(CK_SESSION_HANDLE hSession)
{
	sp11_session s;
	CK_RV rv = sp11_ready();

	if (rv != CKR_OK)
		return rv;
	return session_get(hSession, &s);
}

CK_RV sp11_session_find_next(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE *out,
                             CK_ULONG max, CK_ULONG *count)
{
	sp11_session *s;
	CK_RV rv = CKR_SESSION_HANDLE_INVALID;

	sp11_module_lock();
	s = session_find(h);
	if (s != NULL && !s->finding)
		rv = CKR_OPERATION_NOT_INITIALIZED;
	else if (s != NULL) {
		*count = 0;
		while (*count < max && s->pos < s->nfound)
			out[(*count)++] = s->found[s->pos++];
		rv = CKR_OK;
	}
	sp11_module_unlock();
	return rv;
}
