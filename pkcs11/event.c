/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * event.c: C_WaitForSlotEvent, and whether a card left its reader, over
 * the core's reader watch.
 *
 * An event is a slot whose card presence, or card event count (a card
 * removed and put back between two looks), differs from what was last
 * seen (slot.c keeps that per slot).  Each slot has the standard's event
 * flag: set when an event is seen, cleared by the call that reports it;
 * a call with CKF_DONT_BLOCK reports a set flag or CKR_NO_EVENT.
 *
 * Several threads may wait at once (the standard leaves that undefined):
 * every blocked waiter is woken by an event that happens while it waits
 * and reports it, even when another waiter cleared the flag first.  Each
 * event gets a sequence number; a waiter reports a set flag, else the
 * first event numbered after its own start.  Each call waits on a watch
 * of its own; C_Finalize cancels them all, and they answer
 * CKR_CRYPTOKI_NOT_INITIALIZED as the standard asks.
 */
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "sp11.h"

/* A blocked call, so C_Finalize can wake it. */
typedef struct waiter {
	safeid_watch *w;
	struct waiter *next;
} waiter;

/* Under wait_mu. */
static pthread_mutex_t wait_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wait_cv = PTHREAD_COND_INITIALIZER;
static unsigned waiters;          /* calls inside C_WaitForSlotEvent */
static waiter *blocked;           /* the blocking ones */
static bool closed = true;        /* between C_Finalize and C_Initialize */
static unsigned long long seq;    /* events seen so far */
static bool flag[SP11_MAX_SLOTS]; /* the standard's event flags */
static unsigned long long slot_seq[SP11_MAX_SLOTS]; /* each slot's last */

/* The waiter looks at the slots again at least this often. */
#define WAIT_SLICE_MS 500

void sp11_events_open(void)
{
	pthread_mutex_lock(&wait_mu);
	closed = false;
	/* Nobody can be waiting before C_Initialize returns; after a fork
	 * the parent's waiters are not threads of this process. */
	waiters = 0;
	blocked = NULL;
	seq = 0;
	memset(flag, 0, sizeof(flag));
	memset(slot_seq, 0, sizeof(slot_seq));
	pthread_mutex_unlock(&wait_mu);
}

void sp11_events_close(void)
{
	struct timespec until;
	waiter *b;

	pthread_mutex_lock(&wait_mu);
	closed = true;
	for (b = blocked; b != NULL; b = b->next)
		safeid_watch_cancel(b->w);
	pthread_cond_broadcast(&wait_cv);
	/* Bounded, so a stuck pcscd cannot hang C_Finalize. */
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 3;
	while (waiters > 0)
		if (pthread_cond_timedwait(&wait_cv, &wait_mu, &until) != 0)
			break;
	pthread_mutex_unlock(&wait_mu);
}

/* The slots' readers and their states now, from w; new events get their
 * flags and numbers.  Under wait_mu, so looks and flags keep one order. */
typedef struct look {
	size_t n;
	CK_SLOT_ID ids[SP11_MAX_SLOTS];
	char names[SP11_MAX_SLOTS][SP11_READER_MAX];
	const char *readers[SP11_MAX_SLOTS];
	safeid_reader_state st[SP11_MAX_SLOTS];
} look;

static int detect(safeid_watch *w, look *l)
{
	size_t i;
	int err;

	(void)sp11_slots_refresh();
	l->n = sp11_slots_readers(l->ids, l->names, SP11_MAX_SLOTS);
	for (i = 0; i < l->n; i++)
		l->readers[i] = l->names[i];
	memset(l->st, 0, sizeof(l->st));
	err = safeid_watch_look(w, l->readers, l->n, l->st);
	for (i = 0; err == SAFEID_OK && i < l->n; i++) {
		if (!sp11_slot_report(l->ids[i], &l->st[i]))
			continue;
		flag[l->ids[i]] = true;
		slot_seq[l->ids[i]] = ++seq;
	}
	return err;
}

/* The slot to report: a set flag (the oldest event first), which is then
 * cleared; else, for a blocked waiter that started at start, an event
 * seen since.  Under wait_mu. */
static bool pick(bool block, unsigned long long start, CK_SLOT_ID *slot)
{
	unsigned long long best = 0;
	size_t i, at = SP11_MAX_SLOTS;

	for (i = 0; i < SP11_MAX_SLOTS; i++)
		if (flag[i] && (at == SP11_MAX_SLOTS || slot_seq[i] < best)) {
			at = i;
			best = slot_seq[i];
		}
	if (at < SP11_MAX_SLOTS) {
		flag[at] = false;
		*slot = at;
		return true;
	}
	for (i = 0; block && i < SP11_MAX_SLOTS; i++)
		if (slot_seq[i] > start &&
		    (at == SP11_MAX_SLOTS || slot_seq[i] < best)) {
			at = i;
			best = slot_seq[i];
		}
	if (at == SP11_MAX_SLOTS)
		return false;
	*slot = at;
	return true;
}

/* Wait for a change on the readers of l, or for C_Finalize; false when
 * the module closes. */
static bool wait_change(safeid_watch *w, look *l, bool looked)
{
	struct timespec until;
	bool open;
	int err = SAFEID_ERR_NO_SERVICE;

	if (looked)
		err = safeid_watch_wait(w, l->readers, l->n, l->st,
		                        WAIT_SLICE_MS);
	pthread_mutex_lock(&wait_mu);
	if (err != SAFEID_OK && err != SAFEID_ERR_TIMEOUT && !closed) {
		/* PC/SC cannot be asked now (pcscd stopped, say): wait a slice
		 * and ask again, rather than return at once and spin. */
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += WAIT_SLICE_MS * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		(void)pthread_cond_timedwait(&wait_cv, &wait_mu, &until);
	}
	open = !closed;
	pthread_mutex_unlock(&wait_mu);
	return open;
}

CK_RV C_WaitForSlotEvent(CK_FLAGS flags, CK_SLOT_ID_PTR pSlot,
                         CK_VOID_PTR pReserved)
{
	bool block = !(flags & CKF_DONT_BLOCK), looked;
	unsigned long long start;
	safeid_watch *w = NULL;
	waiter me, **p;
	look l;
	CK_RV rv = sp11_ready();

	if (rv != CKR_OK)
		return rv;
	if (pSlot == NULL || pReserved != NULL)
		return CKR_ARGUMENTS_BAD;
	if (safeid_watch_new(&w) != SAFEID_OK)
		return CKR_HOST_MEMORY;
	pthread_mutex_lock(&wait_mu);
	if (closed) {
		pthread_mutex_unlock(&wait_mu);
		safeid_watch_free(&w);
		return CKR_CRYPTOKI_NOT_INITIALIZED;
	}
	waiters++;
	start = seq;
	me.w = w;
	me.next = blocked;
	if (block)
		blocked = &me;
	for (;;) {
		rv = CKR_CRYPTOKI_NOT_INITIALIZED;
		if (closed)
			break;
		looked = detect(w, &l) == SAFEID_OK;
		rv = CKR_OK;
		if (pick(block, start, pSlot))
			break;
		rv = CKR_NO_EVENT;
		if (!block)
			break;
		pthread_mutex_unlock(&wait_mu);
		(void)wait_change(w, &l, looked);
		pthread_mutex_lock(&wait_mu);
	}
	for (p = &blocked; block && *p != NULL; p = &(*p)->next)
		if (*p == &me) {
			*p = me.next;
			break;
		}
	waiters--;
	pthread_cond_broadcast(&wait_cv);
	pthread_mutex_unlock(&wait_mu);
	safeid_watch_free(&w);
	return rv;
}

bool sp11_reader_left(const char *reader, const safeid_reader_state *mark,
                      long bound_ms)
{
	safeid_reader_state now = *mark;
	safeid_watch *w = NULL;
	long long until = sp11_mono_ms() + bound_ms, ms;
	bool left = false;
	int err;

	if (safeid_watch_new(&w) != SAFEID_OK)
		return true;
	/* Returns at once if the card was removed or put back since the mark
	 * (event count or presence differ), else waits for that, bounded:
	 * pcscd notices a vanished card only at its next poll.  Other
	 * changes (a reader plugged in elsewhere) only make it wait on. */
	while (!left && (ms = until - sp11_mono_ms()) > 0) {
		err = safeid_watch_wait(w, &reader, 1, &now, (long)ms);
		if (err == SAFEID_ERR_TIMEOUT)
			break;
		/* Any other failure: the reader or the service went away. */
		left = err != SAFEID_OK || !now.known || !now.present ||
		       now.empty || now.events != mark->events;
	}
	safeid_watch_free(&w);
	return left;
}
