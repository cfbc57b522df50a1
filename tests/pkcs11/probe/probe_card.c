/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * probe_card.c: a token taken away and put back (its sessions and object
 * handles end with it), a card that is not a token of the module's, and
 * a token that never answers (the module's bound).
 */
#include <pthread.h>
#include <string.h>

#include "probe.h"

/* Closed by a removal: the standard allows either code. */
static bool gone(CK_RV rv)
{
	return rv == CKR_SESSION_HANDLE_INVALID || rv == CKR_SESSION_CLOSED;
}

void probe_removal(probe *p)
{
	CK_SESSION_HANDLE s, s2;
	CK_SESSION_INFO si;
	CK_OBJECT_HANDLE o[4];
	CK_ULONG n = 0, cls;
	CK_ATTRIBUTE a = {CKA_CLASS, &cls, sizeof(cls)};
	CK_RV r1, r2, r3, r4;

	if (p->remove_cmd == NULL || p->insert_cmd == NULL) {
		probe_skip(p, "session.removal",
		           "needs --remove-cmd and --insert-cmd");
		return;
	}
	s = probe_session(p, false);
	if (s == CK_INVALID_HANDLE ||
	    p->f->C_FindObjectsInit(s, NULL, 0) != CKR_OK)
		return;
	p->f->C_FindObjects(s, o, 4, &n);
	p->f->C_FindObjectsFinal(s);
	if (!probe_run(p->remove_cmd)) {
		probe_check(p, 'M', "session.removal", false,
		            "the remove command failed");
		return;
	}
	r1 = p->f->C_GetSessionInfo(s, &si);
	r2 = p->f->C_FindObjectsInit(s, NULL, 0);
	probe_check(p, 'M', "session.removal", gone(r1) && gone(r2),
	            "the token taken away: its session's C_GetSessionInfo %s, "
	            "C_FindObjectsInit %s",
	            probe_rv(r1), probe_rv(r2));
	if (!probe_run(p->insert_cmd)) {
		probe_check(p, 'M', "session.back", false,
		            "the insert command failed");
		return;
	}
	r3 = p->f->C_GetSessionInfo(s, &si);
	r4 = p->f->C_CloseSession(s);
	probe_check(p, 'M', "session.back", gone(r3) && gone(r4),
	            "the same token back: the old session is still closed "
	            "(C_GetSessionInfo %s, C_CloseSession %s)",
	            probe_rv(r3), probe_rv(r4));
	s2 = probe_session(p, false);
	probe_check(p, 'M', "session.new", s2 != CK_INVALID_HANDLE,
	            "a new session on it opens");
	if (s2 == CK_INVALID_HANDLE || n == 0)
		return;
	r1 = p->f->C_GetAttributeValue(s2, o[0], &a, 1);
	probe_check(p, 'P', "object.handle_after_removal",
	            r1 == CKR_OBJECT_HANDLE_INVALID,
	            "an object handle of before the removal: %s", probe_rv(r1));
	p->f->C_CloseSession(s2);
}

static void foreign(probe *p)
{
	CK_SLOT_ID slot, ids[64];
	CK_SLOT_INFO si;
	CK_TOKEN_INFO ti;
	CK_SESSION_HANDLE s;
	CK_ULONG n = 64, i;
	bool listed = false;
	CK_RV r1, r2, r3;

	if (!probe_slot_by_reader(p, p->foreign_reader, &slot)) {
		probe_check(p, 'P', "card.foreign", false, "no slot for %s",
		            p->foreign_reader);
		return;
	}
	r1 = p->f->C_GetSlotInfo(slot, &si);
	r2 = p->f->C_GetTokenInfo(slot, &ti);
	r3 = p->f->C_OpenSession(slot, CKF_SERIAL_SESSION, NULL, NULL, &s);
	if (p->f->C_GetSlotList(CK_TRUE, ids, &n) == CKR_OK)
		for (i = 0; i < n; i++)
			listed = listed || ids[i] == slot;
	probe_check(p, 'P', "card.foreign",
	            r1 == CKR_OK && (si.flags & CKF_TOKEN_PRESENT) && listed &&
	                    r2 == CKR_TOKEN_NOT_RECOGNIZED &&
	                    r3 == CKR_TOKEN_NOT_RECOGNIZED,
	            "a card not of this family: present (%s, listed: %s), "
	            "C_GetTokenInfo %s, C_OpenSession %s",
	            probe_rv(r1), listed ? "yes" : "no", probe_rv(r2),
	            probe_rv(r3));
}

typedef struct asker {
	probe *p;
	CK_SLOT_ID slot;
	CK_RV rv;
	long long ms;
} asker;

static void *ask_main(void *arg)
{
	asker *a = arg;
	CK_TOKEN_INFO ti;
	long long t0 = probe_ms();

	a->rv = a->p->f->C_GetTokenInfo(a->slot, &ti);
	a->ms = probe_ms() - t0;
	return NULL;
}

/* A token that never answers: its calls fail with CKR_DEVICE_ERROR after
 * the bound, other slots answer meanwhile. */
static void mute(probe *p)
{
	const long margin = 5000;
	CK_SLOT_ID slot, ids[64];
	CK_SLOT_INFO si;
	CK_TOKEN_INFO ti;
	CK_SESSION_HANDLE s;
	CK_ULONG n = 64;
	asker a;
	pthread_t th;
	long long t0, other, again;
	CK_RV r1, r2, r3;

	if (!probe_slot_by_reader(p, p->mute_reader, &slot) ||
	    p->bound_ms <= 0) {
		probe_check(p, 'P', "card.mute", false,
		            "no slot for %s, or no --bound-ms", p->mute_reader);
		return;
	}
	memset(&a, 0, sizeof(a));
	a.p = p;
	a.slot = slot;
	if (pthread_create(&th, NULL, ask_main, &a) != 0)
		return;
	/* While it waits, the rest of the module answers. */
	t0 = probe_ms();
	r1 = p->have_slot ? p->f->C_GetTokenInfo(p->slot, &ti) : CKR_OK;
	r2 = p->f->C_GetSlotList(CK_FALSE, ids, &n);
	r3 = p->f->C_GetSlotInfo(slot, &si);
	other = probe_ms() - t0;
	pthread_join(th, NULL);
	probe_check(p, 'P', "card.mute_others",
	            r1 == CKR_OK && r2 == CKR_OK && r3 == CKR_OK &&
	                    (si.flags & CKF_TOKEN_PRESENT) &&
	                    other < p->bound_ms,
	            "while the mute token is asked: the other token's info "
	            "%s, slot list %s, its slot info %s (present), in %lld ms",
	            probe_rv(r1), probe_rv(r2), probe_rv(r3), other);
	probe_check(p, 'P', "card.mute_bound",
	            a.rv == CKR_DEVICE_ERROR && a.ms >= p->bound_ms - 200 &&
	                    a.ms <= p->bound_ms + margin,
	            "its C_GetTokenInfo: %s after %lld ms (bound %ld ms)",
	            probe_rv(a.rv), a.ms, p->bound_ms);
	t0 = probe_ms();
	r1 = p->f->C_OpenSession(slot, CKF_SERIAL_SESSION, NULL, NULL, &s);
	again = probe_ms() - t0;
	probe_check(p, 'P', "card.mute_again",
	            r1 == CKR_DEVICE_ERROR && again <= p->bound_ms + margin,
	            "then C_OpenSession: %s after %lld ms", probe_rv(r1),
	            again);
}

void probe_cards(probe *p)
{
	if (p->foreign_reader != NULL)
		foreign(p);
	else
		probe_skip(p, "card.foreign", "needs --foreign-reader");
	if (p->mute_reader != NULL)
		mute(p);
	else
		probe_skip(p, "card.mute", "needs --mute-reader");
}
