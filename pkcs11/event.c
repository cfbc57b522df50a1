/*
 * event.c: C_WaitForSlotEvent over SCardGetStatusChange.
 *
 * An event is a slot whose card presence, or PC/SC event counter (a card
 * removed and put back between two calls), differs from what this function
 * last reported.  Blocking waits are woken by C_Finalize with SCardCancel,
 * and then answer CKR_CRYPTOKI_NOT_INITIALIZED as the standard asks.
 */
#include <pthread.h>
#include <string.h>
#include <time.h>

#include <PCSC/winscard.h>

#include "p11.h"
#include "slot.h"

/* Calls in progress, so C_Finalize can wake the blocking one and let all
 * of them leave before the tables they read are freed. */
static pthread_mutex_t wait_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wait_done = PTHREAD_COND_INITIALIZER;
static unsigned waiters;        /* calls inside C_WaitForSlotEvent */
static bool blocking;           /* one of them blocks, on block_ctx */
static SCARDCONTEXT block_ctx;
static bool cancelled;          /* C_Finalize woke the blocking call */
static bool closed = true;      /* between C_Finalize and C_Initialize */

/* The waiter re-checks for cancellation at least this often, so a cancel
 * that lands between two PC/SC calls is never lost. */
#define WAIT_SLICE_MS 500
/* Internal answer of look_and_wait: nothing yet, look again. */
#define LOOK_AGAIN CKR_FUNCTION_REJECTED

void p11_wait_open(void)
{
	pthread_mutex_lock(&wait_mu);
	closed = false;
	cancelled = false;
	/* Nobody can be waiting before C_Initialize returns; after a fork
	 * the parent's waiters are not threads of this process. */
	waiters = 0;
	blocking = false;
	pthread_mutex_unlock(&wait_mu);
}

void p11_wait_cancel(void)
{
	struct timespec until;

	pthread_mutex_lock(&wait_mu);
	closed = true;
	if (blocking) {
		cancelled = true;
		(void)SCardCancel(block_ctx);
	}
	/* Bounded, so a stuck pcscd cannot hang C_Finalize. */
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 3;
	while (waiters > 0)
		if (pthread_cond_timedwait(&wait_done, &wait_mu, &until) != 0)
			break;
	pthread_mutex_unlock(&wait_mu);
}

static CK_RV wait_enter(SCARDCONTEXT ctx, bool block)
{
	CK_RV rv = CKR_OK;

	pthread_mutex_lock(&wait_mu);
	if (closed)
		rv = CKR_CRYPTOKI_NOT_INITIALIZED;
	else if (block && blocking)
		/* One blocking waiter at a time: the one C_Finalize wakes. */
		rv = CKR_FUNCTION_FAILED;
	if (rv == CKR_OK) {
		waiters++;
		if (block) {
			blocking = true;
			block_ctx = ctx;
		}
	}
	pthread_mutex_unlock(&wait_mu);
	return rv;
}

static void wait_leave(bool block)
{
	pthread_mutex_lock(&wait_mu);
	waiters--;
	if (block)
		blocking = false;
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

/* Fill states[] with the slots' readers (and the PnP pseudo reader last
 * when pnp); returns how many. */
static DWORD fill_states(SCARD_READERSTATE *st, CK_SLOT_ID *ids, bool pnp)
{
	DWORD n = 0;
	size_t i;

	p11_glock();
	for (i = 0; i < P11_MAX_SLOTS; i++) {
		if (!p11_slots[i].used)
			continue;
		memset(&st[n], 0, sizeof(st[n]));
		st[n].szReader = p11_slots[i].reader;
		st[n].dwCurrentState = SCARD_STATE_UNAWARE;
		ids[n++] = i;
	}
	p11_gunlock();
	if (pnp) {
		memset(&st[n], 0, sizeof(st[n]));
		st[n].szReader = "\\\\?PnP?\\Notification";
		st[n].dwCurrentState = SCARD_STATE_UNAWARE;
		n++;
	}
	return n;
}

/* Compare the current states with what was last reported; report the
 * first slot that changed. */
static bool find_change(const SCARD_READERSTATE *st, const CK_SLOT_ID *ids,
                        DWORD n, CK_SLOT_ID *slot)
{
	bool found = false, present;
	unsigned long events;
	DWORD i;

	p11_glock();
	for (i = 0; i < n && !found; i++) {
		p11_slot_entry *e = &p11_slots[ids[i]];

		if (st[i].dwEventState & SCARD_STATE_UNKNOWN)
			present = false;
		else
			present = (st[i].dwEventState & SCARD_STATE_PRESENT) != 0;
		events = (unsigned long)(st[i].dwEventState >> 16);
		if (present != e->last_present ||
		    (e->last_events != 0 && events != e->last_events)) {
			*slot = ids[i];
			found = true;
		}
		e->last_present = present;
		e->last_events = events;
	}
	p11_gunlock();
	return found;
}

/* One look (timeout 0) and, when blocking, one wait for any change. */
static CK_RV look_and_wait(SCARDCONTEXT ctx, bool block, CK_SLOT_ID *slot)
{
	SCARD_READERSTATE st[P11_MAX_SLOTS + 1];
	CK_SLOT_ID ids[P11_MAX_SLOTS];
	DWORD n, nslots, i;
	LONG r;

	(void)p11_slots_refresh();
	n = fill_states(st, ids, block);
	nslots = block ? n - 1 : n;
	if (nslots > 0) {
		r = SCardGetStatusChange(ctx, 0, st, nslots);
		if (r == SCARD_S_SUCCESS && find_change(st, ids, nslots, slot))
			return CKR_OK;
		if (r == SCARD_E_CANCELLED)
			return CKR_CRYPTOKI_NOT_INITIALIZED;
	}
	if (!block)
		return CKR_NO_EVENT;
	for (i = 0; i < n; i++)
		st[i].dwCurrentState = st[i].dwEventState & ~(DWORD)SCARD_STATE_CHANGED;
	r = SCardGetStatusChange(ctx, WAIT_SLICE_MS, st, n);
	if (r == SCARD_E_CANCELLED)
		return CKR_CRYPTOKI_NOT_INITIALIZED;
	if (r != SCARD_S_SUCCESS && r != SCARD_E_TIMEOUT &&
	    r != SCARD_E_UNKNOWN_READER) {
		p11_debug("waiting for a slot event failed: PC/SC error 0x%lx; "
		          "check that pcscd is running",
		          (unsigned long)r);
		return CKR_DEVICE_ERROR;
	}
	return LOOK_AGAIN;
}

CK_RV C_WaitForSlotEvent(CK_FLAGS flags, CK_SLOT_ID_PTR pSlot,
                         CK_VOID_PTR pReserved)
{
	bool block = !(flags & CKF_DONT_BLOCK);
	SCARDCONTEXT ctx = 0;
	CK_RV rv = p11_ready();

	if (rv != CKR_OK)
		return rv;
	if (pSlot == NULL || pReserved != NULL)
		return CKR_ARGUMENTS_BAD;
	if (SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &ctx) !=
	    SCARD_S_SUCCESS)
		return block ? CKR_DEVICE_ERROR : CKR_NO_EVENT;
	rv = wait_enter(ctx, block);
	if (rv != CKR_OK)
		goto fail;
	do {
		rv = look_and_wait(ctx, block, pSlot);
		if (wait_cancelled())
			rv = CKR_CRYPTOKI_NOT_INITIALIZED;
	} while (rv == LOOK_AGAIN);
	wait_leave(block);
fail:
	SCardReleaseContext(ctx);
	return rv;
}

/* The reader's state now, on the module's context (presence.c). */
bool p11_reader_mark(const char *reader, unsigned long *mark)
{
	return p11_reader_look(reader, mark);
}

bool p11_reader_left(const char *reader, unsigned long mark, long bound_ms)
{
	SCARD_READERSTATE st;
	SCARDCONTEXT ctx;
	bool left = false;
	LONG r;

	if (SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &ctx) !=
	    SCARD_S_SUCCESS)
		return true; /* the service itself went away */
	memset(&st, 0, sizeof(st));
	st.szReader = reader;
	st.dwCurrentState = (DWORD)mark;
	/* Returns at once if the card was removed or put back since the mark
	 * (event counter or presence differ), else waits for that, bounded:
	 * pcscd notices a vanished card only at its next poll. */
	r = SCardGetStatusChange(ctx, (DWORD)bound_ms, &st, 1);
	if (r == SCARD_S_SUCCESS) {
		DWORD now = st.dwEventState & ~(DWORD)SCARD_STATE_CHANGED;

		left = (now >> 16) != ((DWORD)mark >> 16) ||
		       (now & SCARD_STATE_PRESENT) == 0 ||
		       (now & SCARD_STATE_EMPTY) != 0;
	} else if (r != SCARD_E_TIMEOUT) {
		left = true; /* reader gone or service stopped */
	}
	SCardReleaseContext(ctx);
	return left;
}
