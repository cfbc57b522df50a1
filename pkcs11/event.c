/*
 * event.c: C_WaitForSlotEvent, and whether a card left its reader, over
 * the core's reader watch.
 *
 * An event is a slot whose card presence, or card event count (a card
 * removed and put back between two calls), differs from what this function
 * last reported (slot.c keeps that per slot).  A call waits on a watch of
 * its own; C_Finalize cancels the blocking one, which then answers
 * CKR_CRYPTOKI_NOT_INITIALIZED as the standard asks.
 */
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "sp11.h"

/* Calls in progress, so C_Finalize can wake the blocking one and let all
 * of them leave before the tables they read are freed. */
static pthread_mutex_t wait_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wait_done = PTHREAD_COND_INITIALIZER;
static unsigned waiters;        /* calls inside C_WaitForSlotEvent */
static safeid_watch *blocker;   /* the blocking call's watch, if any */
static bool cancelled;          /* C_Finalize woke the blocking call */
static bool closed = true;      /* between C_Finalize and C_Initialize */

/* The waiter looks at the slots again at least this often. */
#define WAIT_SLICE_MS 500
/* Internal answer of look_and_wait: nothing yet, look again. */
#define LOOK_AGAIN CKR_FUNCTION_REJECTED

void sp11_events_open(void)
{
	pthread_mutex_lock(&wait_mu);
	closed = false;
	cancelled = false;
	/* Nobody can be waiting before C_Initialize returns; after a fork
	 * the parent's waiters are not threads of this process. */
	waiters = 0;
	blocker = NULL;
	pthread_mutex_unlock(&wait_mu);
}

void sp11_events_close(void)
{
	struct timespec until;

	pthread_mutex_lock(&wait_mu);
	closed = true;
	if (blocker != NULL) {
		cancelled = true;
		safeid_watch_cancel(blocker);
	}
	/* Bounded, so a stuck pcscd cannot hang C_Finalize. */
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 3;
	while (waiters > 0)
		if (pthread_cond_timedwait(&wait_done, &wait_mu, &until) != 0)
			break;
	pthread_mutex_unlock(&wait_mu);
}

static CK_RV wait_enter(safeid_watch *w, bool block)
{
	CK_RV rv = CKR_OK;

	pthread_mutex_lock(&wait_mu);
	if (closed)
		rv = CKR_CRYPTOKI_NOT_INITIALIZED;
	else if (block && blocker != NULL)
		/* One blocking waiter at a time: the one C_Finalize wakes. */
		rv = CKR_FUNCTION_FAILED;
	if (rv == CKR_OK) {
		waiters++;
		if (block)
			blocker = w;
	}
	pthread_mutex_unlock(&wait_mu);
	return rv;
}

static void wait_leave(bool block)
{
	pthread_mutex_lock(&wait_mu);
	waiters--;
	if (block)
		blocker = NULL;
	pthread_cond_broadcast(&wait_done);
	pthread_mutex_unlock(&wait_mu);
}

static bool wait_cancelled(void)
{
	bool c;

	pthread_mutex_lock(&wait_mu);
	c = cancelled || closed;
	pthread_mutex_unlock(&wait_mu);
	return c;
}

/* One look and, when blocking, one wait for any change. */
static CK_RV look_and_wait(safeid_watch *w, bool block, CK_SLOT_ID *slot)
{
	CK_SLOT_ID ids[SP11_MAX_SLOTS];
	char names[SP11_MAX_SLOTS][SP11_READER_MAX];
	const char *readers[SP11_MAX_SLOTS];
	safeid_reader_state st[SP11_MAX_SLOTS];
	size_t n, i;
	int err;

	(void)sp11_slots_refresh();
	n = sp11_slots_readers(ids, names, SP11_MAX_SLOTS);
	for (i = 0; i < n; i++)
		readers[i] = names[i];
	memset(st, 0, sizeof(st));
	err = safeid_watch_look(w, readers, n, st);
	/* The first slot that changed; the others are reported next time. */
	for (i = 0; err == SAFEID_OK && i < n; i++) {
		if (sp11_slot_report(ids[i], &st[i])) {
			*slot = ids[i];
			return CKR_OK;
		}
	}
	if (!block)
		return CKR_NO_EVENT;
	err = safeid_watch_wait(w, readers, n, st, WAIT_SLICE_MS);
	if (err == SAFEID_ERR_CANCELLED)
		return CKR_CRYPTOKI_NOT_INITIALIZED;
	if (err != SAFEID_OK && err != SAFEID_ERR_TIMEOUT) {
		sp11_debug("waiting for a slot event failed: %s",
		           safeid_strerror(err));
		return CKR_DEVICE_ERROR;
	}
	return LOOK_AGAIN;
}

CK_RV C_WaitForSlotEvent(CK_FLAGS flags, CK_SLOT_ID_PTR pSlot,
                         CK_VOID_PTR pReserved)
{
	bool block = !(flags & CKF_DONT_BLOCK);
	safeid_watch *w = NULL;
	CK_RV rv = sp11_ready();

	if (rv != CKR_OK)
		return rv;
	if (pSlot == NULL || pReserved != NULL)
		return CKR_ARGUMENTS_BAD;
	if (safeid_watch_new(&w) != SAFEID_OK)
		return CKR_HOST_MEMORY;
	rv = wait_enter(w, block);
	if (rv != CKR_OK)
		goto fail;
	do {
		rv = look_and_wait(w, block, pSlot);
		if (wait_cancelled())
			rv = CKR_CRYPTOKI_NOT_INITIALIZED;
	} while (rv == LOOK_AGAIN);
	wait_leave(block);
fail:
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
