/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * session.c: sessions, and logging in.
 *
 * A session belongs to one appearance of a token on its slot's reader (the
 * card's epoch, slot.c).  When that card leaves, every session opened on
 * it is closed, as PKCS#11 has it ("an application cannot have a session
 * with a token that is not present"): the next call on any of them
 * notices (PC/SC's card event count, no APDU) and answers
 * CKR_SESSION_HANDLE_INVALID, C_GetSessionInfo and C_CloseSession
 * included, and so does every later call, also once the same token is
 * back: that is a new appearance, with new sessions and new object
 * handles.
 *
 * Handles count up and are never given twice in the module's life.  The
 * table grows with the sessions (sorted by handle, found by binary
 * search): the only limit is memory, so CK_TOKEN_INFO says
 * CK_EFFECTIVELY_INFINITE.  Sessions closed by a removal stay a while as
 * tombstones, so a burn asked on one is still recorded as an attempt that
 * wrote nothing (burn.c).
 *
 * Logging in: the single-profile family has no PIN, user or SO, so the
 * token info has neither CKF_LOGIN_REQUIRED nor CKF_USER_PIN_INITIALIZED,
 * C_Login answers CKR_USER_PIN_NOT_INITIALIZED (the code the standard has
 * for "no user PIN") and C_Logout CKR_USER_NOT_LOGGED_IN; sessions stay
 * public.  A Molto2's customer key is the user PIN: the application logs
 * in per token appearance, for all of its sessions on it, as the standard
 * asks (m2login.c); closing its last session on the token logs it out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sp11.h"

/* Sorted by handle (handles only grow, so appending keeps the order);
 * under the module lock. */
static sp11_session *sessions;
static size_t nsessions, capsessions;
static CK_SESSION_HANDLE handle_last;
static size_t ngone;

/* Tombstones kept (the oldest go first). */
#define GONE_KEEP 256u

static sp11_session *session_find(CK_SESSION_HANDLE h)
{
	size_t lo = 0, hi = nsessions, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (sessions[mid].handle == h)
			return &sessions[mid];
		if (sessions[mid].handle < h)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static void session_drop(sp11_session *s)
{
	size_t i = (size_t)(s - sessions);

	if (s->gone)
		ngone--;
	memmove(&sessions[i], &sessions[i + 1],
	        (nsessions - i - 1) * sizeof(*sessions));
	nsessions--;
}

/* Keep at most GONE_KEEP tombstones. */
static void gone_prune(void)
{
	size_t i = 0;

	while (ngone > GONE_KEEP && i < nsessions) {
		if (sessions[i].gone)
			session_drop(&sessions[i]);
		else
			i++;
	}
}

/* The token of slot left (or was replaced) since these sessions were
 * opened: close every session of the slot not on the card now there. */
static void sessions_left(CK_SLOT_ID slot, const sp11_card *now)
{
	size_t i, n = 0;

	sp11_module_lock();
	for (i = 0; i < nsessions; i++) {
		sp11_session *s = &sessions[i];

		if (s->gone || s->slot != slot ||
		    (now->present && s->events == now->events))
			continue;
		s->gone = true;
		s->finding = false;
		ngone++;
		n++;
	}
	gone_prune();
	sp11_module_unlock();
	if (n > 0)
		sp11_debug("slot %lu: the token left the reader; its %zu "
		           "session(s) are closed (open a new one)",
		           (unsigned long)slot, n);
}

/* Is the session's card still on its reader?  PC/SC says, without an
 * APDU; when PC/SC cannot say, nothing shows it left. */
static bool session_here(const sp11_session *s)
{
	sp11_card now;

	if (sp11_slot_card(s->slot, &now) != CKR_OK || !now.known)
		return true;
	if (now.present && now.events == s->events)
		return true;
	sessions_left(s->slot, &now);
	return false;
}

/* Copy of a live session, under the module lock. */
static CK_RV session_get(CK_SESSION_HANDLE h, sp11_session *out)
{
	const sp11_session *s;
	CK_RV rv = CKR_SESSION_HANDLE_INVALID;

	sp11_module_lock();
	s = session_find(h);
	if (s != NULL && !s->gone) {
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
	rv = session_get(h, out);
	if (rv != CKR_OK)
		return rv;
	return session_here(out) ? CKR_OK : CKR_SESSION_HANDLE_INVALID;
}

bool sp11_session_gone_serial(CK_SESSION_HANDLE h, char *serial, size_t cap)
{
	const sp11_session *s;
	bool gone = false;

	sp11_module_lock();
	s = session_find(h);
	if (s != NULL && s->gone) {
		snprintf(serial, cap, "%s", s->serial);
		gone = true;
	}
	sp11_module_unlock();
	return gone;
}

CK_RV sp11_session_find_set(CK_SESSION_HANDLE h, const CK_OBJECT_HANDLE *objs,
                            CK_ULONG n)
{
	sp11_session *s;
	CK_RV rv = CKR_SESSION_HANDLE_INVALID;
	CK_ULONG i;

	sp11_module_lock();
	s = session_find(h);
	if (s != NULL && !s->gone) {
		s->finding = objs != NULL;
		s->nfound = 0;
		s->pos = 0;
		for (i = 0; objs != NULL && i < n && i < SP11_MAX_OBJECTS; i++)
			s->found[s->nfound++] = objs[i];
		rv = CKR_OK;
	}
	sp11_module_unlock();
	return rv;
}

CK_RV sp11_session_find_next(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE *out,
                             CK_ULONG max, CK_ULONG *count)
{
	sp11_session *s;
	CK_RV rv = CKR_SESSION_HANDLE_INVALID;

	sp11_module_lock();
	s = session_find(h);
	if (s != NULL && !s->gone && !s->finding)
		rv = CKR_OPERATION_NOT_INITIALIZED;
	else if (s != NULL && !s->gone) {
		*count = 0;
		while (*count < max && s->pos < s->nfound)
			out[(*count)++] = s->found[s->pos++];
		rv = CKR_OK;
	}
	sp11_module_unlock();
	return rv;
}

void sp11_sessions_count(CK_SLOT_ID slot, unsigned events, CK_ULONG *all,
                         CK_ULONG *rw)
{
	size_t i;

	*all = *rw = 0;
	sp11_module_lock();
	for (i = 0; i < nsessions; i++) {
		if (sessions[i].gone || sessions[i].slot != slot ||
		    sessions[i].events != events)
			continue;
		(*all)++;
		if (sessions[i].flags & CKF_RW_SESSION)
			(*rw)++;
	}
	sp11_module_unlock();
}

void sp11_sessions_clear(void)
{
	free(sessions);
	sessions = NULL;
	nsessions = capsessions = 0;
	ngone = 0;
	/* Handles stay unique over the module's whole life. */
}

CK_RV sp11_session_token(const sp11_session *s, safeid_detected *det)
{
	CK_RV rv = sp11_token_probe(s->slot, det);

	if (rv == CKR_TOKEN_NOT_PRESENT || rv == CKR_TOKEN_NOT_RECOGNIZED ||
	    rv == CKR_SLOT_ID_INVALID)
		return CKR_DEVICE_REMOVED;
	if (rv != CKR_OK)
		return rv;
	if (strcmp(det->info.serial, s->serial) != 0) {
		sp11_debug(
			"slot %lu: token %s replaced by %s; reopen the session",
			(unsigned long)s->slot, s->serial, det->info.serial);
		return CKR_DEVICE_REMOVED;
	}
	return CKR_OK;
}

CK_ULONG sp11_sessions_on(CK_SLOT_ID slot, CK_ULONG epoch)
{
	CK_ULONG n = 0;
	size_t i;

	sp11_module_lock();
	for (i = 0; i < nsessions; i++)
		if (!sessions[i].gone && sessions[i].slot == slot &&
		    sessions[i].epoch == epoch)
			n++;
	sp11_module_unlock();
	return n;
}

/* The application's last session on a token appearance closed: it is
 * logged out of that token (PKCS#11, C_CloseSession). */
static void logout_if_last(CK_SLOT_ID slot, CK_ULONG epoch)
{
	if (sp11_sessions_on(slot, epoch) == 0)
		sp11_m2_logout_slot(slot);
}

/* Room for one more session. */
static bool sessions_room(void)
{
	sp11_session *grown;
	size_t cap;

	if (nsessions < capsessions)
		return true;
	cap = capsessions == 0 ? 16 : capsessions * 2;
	grown = realloc(sessions, cap * sizeof(*sessions));
	if (grown == NULL)
		return false;
	sessions = grown;
	capsessions = cap;
	return true;
}

CK_RV C_OpenSession(CK_SLOT_ID slotID, CK_FLAGS flags, CK_VOID_PTR pApplication,
                    CK_NOTIFY Notify, CK_SESSION_HANDLE_PTR phSession)
{
	safeid_detected det;
	sp11_card card;
	sp11_session *s;
	CK_RV rv;

	(void)pApplication;
	(void)Notify;
	rv = sp11_ready();
	if (rv != CKR_OK)
		return rv;
	if (phSession == NULL)
		return CKR_ARGUMENTS_BAD;
	if (!(flags & CKF_SERIAL_SESSION))
		return CKR_SESSION_PARALLEL_NOT_SUPPORTED;
	/* The card's appearance before the read: a card that changes
	 * during it closes the session at its first call. */
	rv = sp11_slot_card(slotID, &card);
	if (rv != CKR_OK)
		return rv;
	rv = sp11_token_probe(slotID, &det);
	if (rv != CKR_OK)
		return rv;
	if (!card.known || !card.present) {
		sp11_debug("slot %lu: PC/SC cannot say which card is on the "
		           "reader; is pcscd running?",
		           (unsigned long)slotID);
		return CKR_DEVICE_ERROR;
	}
	rv = CKR_HOST_MEMORY;
	sp11_module_lock();
	if (sessions_room()) {
		s = &sessions[nsessions++];
		memset(s, 0, sizeof(*s));
		s->handle = ++handle_last;
		s->slot = slotID;
		s->flags = flags;
		s->events = card.events;
		s->epoch = card.epoch;
		snprintf(s->serial, sizeof(s->serial), "%s", det.info.serial);
		s->m2 = sp11_is_m2(&det);
		s->profiles = det.profiles;
		*phSession = s->handle;
		rv = CKR_OK;
	}
	sp11_module_unlock();
	return rv;
}

CK_RV C_CloseSession(CK_SESSION_HANDLE hSession)
{
	sp11_session copy, *s;
	CK_RV rv = sp11_ready();
	bool here;

	if (rv != CKR_OK)
		return rv;
	rv = session_get(hSession, &copy);
	here = rv == CKR_OK && session_here(&copy);
	sp11_module_lock();
	s = session_find(hSession);
	if (s != NULL)
		session_drop(s);
	sp11_module_unlock();
	if (here)
		logout_if_last(copy.slot, copy.epoch);
	return here ? CKR_OK : CKR_SESSION_HANDLE_INVALID;
}

CK_RV C_CloseAllSessions(CK_SLOT_ID slotID)
{
	CK_RV rv = sp11_ready();
	size_t i = 0;

	if (rv != CKR_OK)
		return rv;
	rv = sp11_slot_check(slotID);
	if (rv != CKR_OK)
		return rv;
	sp11_module_lock();
	while (i < nsessions) {
		if (sessions[i].slot == slotID)
			session_drop(&sessions[i]);
		else
			i++;
	}
	sp11_module_unlock();
	sp11_m2_logout_slot(slotID);
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
	rv = sp11_session_enter(hSession, &s);
	if (rv != CKR_OK)
		return rv;
	memset(pInfo, 0, sizeof(*pInfo));
	pInfo->slotID = s.slot;
	pInfo->flags = s.flags;
	if (s.m2 && sp11_m2_logged_in(s.slot, s.epoch))
		pInfo->state = (s.flags & CKF_RW_SESSION)
		                       ? CKS_RW_USER_FUNCTIONS
		                       : CKS_RO_USER_FUNCTIONS;
	else
		pInfo->state = (s.flags & CKF_RW_SESSION)
		                       ? CKS_RW_PUBLIC_SESSION
		                       : CKS_RO_PUBLIC_SESSION;
	return CKR_OK;
}

CK_RV C_Login(CK_SESSION_HANDLE hSession, CK_USER_TYPE userType,
              CK_UTF8CHAR_PTR pPin, CK_ULONG ulPinLen)
{
	sp11_session s;
	CK_RV rv = sp11_session_enter(hSession, &s);

	if (rv != CKR_OK)
		return rv;
	if (userType != CKU_USER && userType != CKU_SO &&
	    userType != CKU_CONTEXT_SPECIFIC)
		return CKR_USER_TYPE_INVALID;
	/* Nothing here asks to be authorised again (PKCS#11 5.6). */
	if (userType == CKU_CONTEXT_SPECIFIC)
		return CKR_OPERATION_NOT_INITIALIZED;
	/* The Molto2's customer key is the user PIN; no SO PIN on either
	 * family, and no PIN at all on the single-profile one. */
	if (s.m2 && userType == CKU_USER)
		return sp11_m2_login(&s, pPin, ulPinLen);
	return CKR_USER_PIN_NOT_INITIALIZED;
}

CK_RV C_Logout(CK_SESSION_HANDLE hSession)
{
	sp11_session s;
	CK_RV rv = sp11_session_enter(hSession, &s);

	if (rv != CKR_OK)
		return rv;
	if (s.m2)
		return sp11_m2_logout(&s);
	/* Never logged in: there is no PIN to log in with. */
	return CKR_USER_NOT_LOGGED_IN;
}

CK_RV C_SetPIN(CK_SESSION_HANDLE hSession, CK_UTF8CHAR_PTR pOldPin,
               CK_ULONG ulOldLen, CK_UTF8CHAR_PTR pNewPin, CK_ULONG ulNewLen)
{
	sp11_session s;
	CK_RV rv = sp11_session_enter(hSession, &s);

	if (rv != CKR_OK)
		return rv;
	/* The Molto2's customer key (m2press.c); the single-profile family
	 * has no PIN to change. */
	if (s.m2)
		return sp11_m2_set_pin(&s, pOldPin, ulOldLen, pNewPin,
		                       ulNewLen);
	return CKR_FUNCTION_NOT_SUPPORTED;
}
