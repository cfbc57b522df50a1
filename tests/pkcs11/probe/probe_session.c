/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * probe_session.c: opening and closing sessions, what CK_TOKEN_INFO says
 * of them (limits, counts), handles, logging in, random numbers, and the
 * state of a find operation.
 */
#include <stdlib.h>
#include <string.h>

#include "probe.h"

/* Sessions the limit check opens when the token claims no limit. */
#define MANY 1000

static void basics(probe *p)
{
	CK_SESSION_HANDLE ro, rw, a, b;
	CK_SESSION_INFO si;
	bool ok;
	CK_RV rv;

	rv = p->f->C_OpenSession(p->slot, 0, NULL, NULL, &a);
	probe_check(p, 'M', "session.parallel",
	            rv == CKR_SESSION_PARALLEL_NOT_SUPPORTED,
	            "C_OpenSession without CKF_SERIAL_SESSION: %s",
	            probe_rv(rv));
	ro = probe_session(p, false);
	rw = probe_session(p, true);
	ok = ro != CK_INVALID_HANDLE && rw != CK_INVALID_HANDLE &&
	     p->f->C_GetSessionInfo(ro, &si) == CKR_OK &&
	     si.slotID == p->slot && !(si.flags & CKF_RW_SESSION) &&
	     (si.state == CKS_RO_PUBLIC_SESSION ||
	      si.state == CKS_RO_USER_FUNCTIONS) &&
	     p->f->C_GetSessionInfo(rw, &si) == CKR_OK &&
	     (si.flags & CKF_RW_SESSION) &&
	     (si.state == CKS_RW_PUBLIC_SESSION ||
	      si.state == CKS_RW_USER_FUNCTIONS);
	probe_check(p, 'M', "session.info", ok,
	            "read-only and read-write sessions say so");
	rv = p->f->C_CloseSession(ro);
	ok = rv == CKR_OK;
	rv = p->f->C_GetSessionInfo(ro, &si);
	ok = ok && rv == CKR_SESSION_HANDLE_INVALID;
	rv = p->f->C_CloseSession(ro);
	probe_check(p, 'M', "session.close",
	            ok && rv == CKR_SESSION_HANDLE_INVALID,
	            "a closed session's handle is invalid: %s", probe_rv(rv));
	a = probe_session(p, false);
	rv = p->f->C_CloseAllSessions(p->slot);
	ok = rv == CKR_OK &&
	     p->f->C_GetSessionInfo(a, &si) == CKR_SESSION_HANDLE_INVALID &&
	     p->f->C_GetSessionInfo(rw, &si) == CKR_SESSION_HANDLE_INVALID;
	probe_check(p, 'M', "session.close_all", ok,
	            "C_CloseAllSessions closes them all: %s", probe_rv(rv));

	/* Handles: never the one just freed (R), never one given before
	 * in many opens (P). */
	a = probe_session(p, false);
	p->f->C_CloseSession(a);
	b = probe_session(p, false);
	p->f->C_CloseSession(b);
	probe_ref(p, "session.handle_reuse", a == b ? "reused" : "fresh",
	          a != b, "a freed handle is not given to the next session");
}

static int handle_cmp(const void *x, const void *y)
{
	CK_SESSION_HANDLE a = *(const CK_SESSION_HANDLE *)x;
	CK_SESSION_HANDLE b = *(const CK_SESSION_HANDLE *)y;

	return a < b ? -1 : a > b;
}

static void handles_fresh(probe *p)
{
	CK_SESSION_HANDLE *h = calloc(MANY, sizeof(*h));
	bool ok = h != NULL;
	size_t i;

	for (i = 0; ok && i < MANY; i++) {
		h[i] = probe_session(p, false);
		ok = h[i] != CK_INVALID_HANDLE &&
		     p->f->C_CloseSession(h[i]) == CKR_OK;
	}
	if (ok) {
		qsort(h, MANY, sizeof(*h), handle_cmp);
		for (i = 1; ok && i < MANY; i++)
			ok = h[i] != h[i - 1];
	}
	probe_check(p, 'P', "session.handles_unique", ok,
	            "%d sessions opened and closed one after the other: no "
	            "handle given twice",
	            MANY);
	free(h);
}

/* The limits CK_TOKEN_INFO states hold: as many sessions open as it
 * says (MANY when it states none), and one more only when it states
 * none. */
static void limits(probe *p)
{
	CK_SESSION_HANDLE h;
	CK_TOKEN_INFO ti;
	CK_ULONG max, want, opened = 0;
	bool stated;
	CK_RV rv = CKR_OK;

	if (p->f->C_GetTokenInfo(p->slot, &ti) != CKR_OK)
		return;
	max = ti.ulMaxSessionCount;
	stated = max != CK_EFFECTIVELY_INFINITE &&
	         max != CK_UNAVAILABLE_INFORMATION;
	want = stated && max < MANY ? max : MANY;
	while (opened < want && rv == CKR_OK) {
		rv = p->f->C_OpenSession(p->slot, CKF_SERIAL_SESSION, NULL,
		                         NULL, &h);
		if (rv == CKR_OK)
			opened++;
	}
	if (rv == CKR_OK && stated && want == max)
		rv = p->f->C_OpenSession(p->slot, CKF_SERIAL_SESSION, NULL,
		                         NULL, &h);
	probe_check(p, 'M', "token.session_limit",
	            opened == want &&
	                    (!stated || want < max || rv == CKR_SESSION_COUNT),
	            "limit %ld stated; %lu sessions opened%s", (long)max,
	            (unsigned long)opened,
	            stated && want == max ? ", one more refused" : "");
	/* Counts: unavailable, or this application's sessions. */
	if (p->f->C_GetTokenInfo(p->slot, &ti) == CKR_OK) {
		probe_check(p, 'M', "token.session_count",
		            ti.ulSessionCount == CK_UNAVAILABLE_INFORMATION ||
		                    ti.ulSessionCount == opened,
		            "ulSessionCount %ld with %lu open",
		            (long)ti.ulSessionCount, (unsigned long)opened);
		probe_check(p, 'P', "token.session_count_exact",
		            ti.ulSessionCount == opened &&
		                    ti.ulRwSessionCount == 0,
		            "the counts are the application's sessions: %ld, "
		            "%ld read-write",
		            (long)ti.ulSessionCount, (long)ti.ulRwSessionCount);
	}
	p->f->C_CloseAllSessions(p->slot);
}

static void login(probe *p)
{
	CK_SESSION_HANDLE s = probe_session(p, true);
	CK_SESSION_INFO si;
	char wrong[] = "0000000000";
	CK_RV rv, rv2;

	if (s == CK_INVALID_HANDLE)
		return;
	/* A PIN is given, so only the user type can be wrong. */
	rv = p->f->C_Login(s, 99, (CK_UTF8CHAR_PTR)wrong, 4);
	probe_check(p, 'M', "login.user_type", rv == CKR_USER_TYPE_INVALID,
	            "C_Login(user type 99): %s", probe_rv(rv));
	rv = p->f->C_Login(s, CKU_CONTEXT_SPECIFIC, (CK_UTF8CHAR_PTR)wrong, 4);
	probe_check(p, 'M', "login.context_specific",
	            rv == CKR_OPERATION_NOT_INITIALIZED,
	            "C_Login(CKU_CONTEXT_SPECIFIC) with nothing to "
	            "authorise: %s",
	            probe_rv(rv));
	rv = p->f->C_Logout(s);
	probe_ref(p, "login.logout_not_logged_in", probe_rv(rv),
	          rv == CKR_USER_NOT_LOGGED_IN,
	          "C_Logout when not logged in: %s", probe_rv(rv));
	if (!p->has_pin) {
		rv = p->f->C_Login(s, CKU_USER, (CK_UTF8CHAR_PTR)wrong, 4);
		rv2 = p->f->C_Login(s, CKU_SO, (CK_UTF8CHAR_PTR)wrong, 4);
		probe_check(
			p, 'P', "login.no_pin",
			rv == CKR_USER_PIN_NOT_INITIALIZED &&
				rv2 == CKR_USER_PIN_NOT_INITIALIZED &&
				p->f->C_GetSessionInfo(s, &si) == CKR_OK &&
				si.state == CKS_RW_PUBLIC_SESSION,
			"a token without PIN: C_Login(user) %s, (SO) %s, the "
			"session stays public",
			probe_rv(rv), probe_rv(rv2));
	} else if (p->pin != NULL) {
		rv = p->f->C_Login(s, CKU_USER, (CK_UTF8CHAR_PTR)wrong,
		                   (CK_ULONG)strlen(wrong));
		probe_check(p, 'M', "login.wrong_pin", rv == CKR_PIN_INCORRECT,
		            "C_Login(wrong PIN): %s", probe_rv(rv));
		rv = p->f->C_Login(s, CKU_USER, (CK_UTF8CHAR_PTR)p->pin,
		                   (CK_ULONG)strlen(p->pin));
		rv2 = p->f->C_Login(s, CKU_USER, (CK_UTF8CHAR_PTR)p->pin,
		                    (CK_ULONG)strlen(p->pin));
		probe_check(p, 'M', "login.twice",
		            rv == CKR_OK && rv2 == CKR_USER_ALREADY_LOGGED_IN &&
		                    p->f->C_GetSessionInfo(s, &si) == CKR_OK &&
		                    si.state == CKS_RW_USER_FUNCTIONS,
		            "C_Login %s, again %s, state user", probe_rv(rv),
		            probe_rv(rv2));
		rv = p->f->C_Logout(s);
		probe_check(p, 'M', "login.logout", rv == CKR_OK,
		            "C_Logout: %s", probe_rv(rv));
	}
	p->f->C_CloseSession(s);
}

static void rng(probe *p)
{
	CK_SESSION_HANDLE s = probe_session(p, false);
	CK_BYTE a[32], b[32];
	CK_RV r1, r2;

	if (s == CK_INVALID_HANDLE)
		return;
	r1 = p->f->C_GenerateRandom(s + 0x10000, a, sizeof(a));
	probe_check(
		p, 'M', "rng.session_first", r1 == CKR_SESSION_HANDLE_INVALID,
		"C_GenerateRandom on a handle never given: %s", probe_rv(r1));
	if (!(p->ti.flags & CKF_RNG)) {
		r1 = p->f->C_SeedRandom(s, a, sizeof(a));
		r2 = p->f->C_GenerateRandom(s, a, sizeof(a));
		probe_check(p, 'M', "rng.none",
		            r1 == CKR_RANDOM_NO_RNG && r2 == CKR_RANDOM_NO_RNG,
		            "no CKF_RNG: C_SeedRandom %s, C_GenerateRandom %s",
		            probe_rv(r1), probe_rv(r2));
	} else {
		r1 = p->f->C_GenerateRandom(s, a, sizeof(a));
		r2 = p->f->C_GenerateRandom(s, b, sizeof(b));
		probe_check(p, 'M', "rng.draws",
		            r1 == CKR_OK && r2 == CKR_OK &&
		                    memcmp(a, b, sizeof(a)) != 0,
		            "CKF_RNG: two draws %s %s and differ", probe_rv(r1),
		            probe_rv(r2));
	}
	p->f->C_CloseSession(s);
}

static void find_state(probe *p)
{
	CK_SESSION_HANDLE s = probe_session(p, false);
	CK_OBJECT_HANDLE o[4];
	CK_ULONG n = 0;
	CK_RV r1, r2, r3, r4, r5;

	if (s == CK_INVALID_HANDLE)
		return;
	r1 = p->f->C_FindObjects(s, o, 4, &n);
	r2 = p->f->C_FindObjectsFinal(s);
	r3 = p->f->C_FindObjectsInit(s, NULL, 0);
	r4 = p->f->C_FindObjectsInit(s, NULL, 0);
	r5 = p->f->C_FindObjectsFinal(s);
	probe_check(p, 'M', "find.state",
	            r1 == CKR_OPERATION_NOT_INITIALIZED &&
	                    r2 == CKR_OPERATION_NOT_INITIALIZED &&
	                    r3 == CKR_OK && r4 == CKR_OPERATION_ACTIVE &&
	                    r5 == CKR_OK,
	            "find before init %s, final %s; init %s, again %s, "
	            "final %s",
	            probe_rv(r1), probe_rv(r2), probe_rv(r3), probe_rv(r4),
	            probe_rv(r5));
	p->f->C_CloseSession(s);
}

void probe_sessions(probe *p)
{
	basics(p);
	handles_fresh(p);
	limits(p);
	login(p);
	rng(p);
	find_state(p);
}
