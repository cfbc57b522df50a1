/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Watching readers: one PC/SC context that lists readers, looks at their
 * states and waits for them to change (SCardGetStatusChange), without
 * connecting to a card.  The core's only place that asks pcscd for reader
 * states; the PKCS#11 module's slot events and kept token info, and the
 * wait for a card, are built on it.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pcsc_internal.h"

#define PNP_READER "\\\\?PnP?\\Notification"
/* pcsc-lite takes at most this many entries per SCardGetStatusChange. */
#define MAX_READERS PCSCLITE_MAX_READERS_CONTEXTS
_Static_assert(MAX_READERS == SAFEID_WATCH_MAX,
               "safeid.h says how many readers a look takes");
/* A bounded wait looks at the cancel flag at least this often: a cancel
 * that lands just before the wait blocks is then honoured anyway. */
#define SLICE_MS 500L
/* An unbounded wait has no slice (it wakes for PC/SC events only), so a
 * cancel that came before PC/SC took the wait is sent again this often
 * until the wait has ended. */
#define CANCEL_AGAIN_MS 50L

struct safeid_watch {
	pthread_mutex_t mu;        /* serialises the calls on the watch */
	pthread_mutex_t cancel_mu; /* guards the fields below */
	pthread_cond_t left;       /* an unbounded wait has ended */
	SCARDCONTEXT ctx;
	bool have_ctx;
	bool cancelled;
	bool unbounded; /* an unbounded wait is in PC/SC */
};

/* A condition variable that times out by the monotonic clock. */
static int cond_init(pthread_cond_t *c)
{
	pthread_condattr_t a;
	int rc;

	if (pthread_condattr_init(&a) != 0)
		return -1;
	rc = pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	if (rc == 0)
		rc = pthread_cond_init(c, &a);
	pthread_condattr_destroy(&a);
	return rc;
}

int safeid_watch_new(safeid_watch **out)
{
	safeid_watch *w;

	if (out == NULL)
		return SAFEID_ERR_ARG;
	*out = NULL;
	w = calloc(1, sizeof(*w));
	if (w == NULL)
		return SAFEID_ERR_NOMEM;
	if (pthread_mutex_init(&w->mu, NULL) != 0) {
		free(w);
		return SAFEID_ERR_NOMEM;
	}
	if (pthread_mutex_init(&w->cancel_mu, NULL) != 0) {
		pthread_mutex_destroy(&w->mu);
		free(w);
		return SAFEID_ERR_NOMEM;
	}
	if (cond_init(&w->left) != 0) {
		pthread_mutex_destroy(&w->cancel_mu);
		pthread_mutex_destroy(&w->mu);
		free(w);
		return SAFEID_ERR_NOMEM;
	}
	*out = w;
	return SAFEID_OK;
}

void safeid_watch_free(safeid_watch **pw)
{
	safeid_watch *w;

	if (pw == NULL || *pw == NULL)
		return;
	w = *pw;
	if (w->have_ctx)
		(void)SCardReleaseContext(w->ctx);
	pthread_cond_destroy(&w->left);
	pthread_mutex_destroy(&w->cancel_mu);
	pthread_mutex_destroy(&w->mu);
	free(w);
	*pw = NULL;
}

void safeid_watch_forget(safeid_watch **pw)
{
	/* The context talks over the parent's socket to pcscd, and another
	 * thread of the parent may have held a lock at the fork: neither is
	 * touched, the memory is only given back. */
	if (pw == NULL || *pw == NULL)
		return;
	free(*pw);
	*pw = NULL;
}

void safeid_watch_cancel(safeid_watch *w)
{
	struct timespec again;

	if (w == NULL)
		return;
	pthread_mutex_lock(&w->cancel_mu);
	w->cancelled = true;
	if (w->have_ctx)
		(void)SCardCancel(w->ctx);
	/* pcsc-lite drops a cancel that comes before it has taken the wait:
	 * an unbounded wait would then never end, so it is cancelled again
	 * until it has. */
	while (w->unbounded) {
		clock_gettime(CLOCK_MONOTONIC, &again);
		again.tv_nsec += CANCEL_AGAIN_MS * 1000000L;
		if (again.tv_nsec >= 1000000000L) {
			again.tv_sec++;
			again.tv_nsec -= 1000000000L;
		}
		if (pthread_cond_timedwait(&w->left, &w->cancel_mu, &again) ==
		            ETIMEDOUT &&
		    w->unbounded && w->have_ctx)
			(void)SCardCancel(w->ctx);
	}
	pthread_mutex_unlock(&w->cancel_mu);
}

static bool cancelled(safeid_watch *w)
{
	bool c;

	pthread_mutex_lock(&w->cancel_mu);
	c = w->cancelled;
	pthread_mutex_unlock(&w->cancel_mu);
	return c;
}

/* The watch's context, set up on first use; caller holds w->mu. */
static LONG ctx_get(safeid_watch *w, SCARDCONTEXT *ctx)
{
	LONG rv = SCARD_S_SUCCESS;

	pthread_mutex_lock(&w->cancel_mu);
	if (!w->have_ctx) {
		rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL,
		                           &w->ctx);
		w->have_ctx = rv == SCARD_S_SUCCESS;
	}
	*ctx = w->ctx;
	pthread_mutex_unlock(&w->cancel_mu);
	return rv;
}

/* Let the context go; the next ctx_get() sets up a new one.  Caller holds
 * w->mu. */
static void ctx_drop(safeid_watch *w)
{
	pthread_mutex_lock(&w->cancel_mu);
	if (w->have_ctx)
		(void)SCardReleaseContext(w->ctx);
	w->have_ctx = false;
	pthread_mutex_unlock(&w->cancel_mu);
}

/* An answer about the readers, as opposed to a context that no longer
 * works (one left over from a pcscd that restarted fails once). */
static bool answered(LONG rv)
{
	return rv == SCARD_S_SUCCESS || rv == SCARD_E_TIMEOUT ||
	       rv == SCARD_E_UNKNOWN_READER ||
	       rv == SCARD_E_NO_READERS_AVAILABLE || rv == SCARD_E_CANCELLED;
}

typedef LONG (*ctx_call)(SCARDCONTEXT ctx, void *arg);

/* Run call on the watch's context; when the context no longer works, on
 * a new one, once.  Caller holds w->mu. */
static LONG on_ctx(safeid_watch *w, ctx_call call, void *arg)
{
	SCARDCONTEXT ctx;
	LONG rv;
	int tries;

	for (tries = 0; tries < 2; tries++) {
		rv = ctx_get(w, &ctx);
		if (rv != SCARD_S_SUCCESS)
			return rv;
		rv = call(ctx, arg);
		if (answered(rv))
			return rv;
		ctx_drop(w);
	}
	return rv;
}

/* ---- looking ------------------------------------------------------------ */

struct look {
	SCARD_READERSTATE *st;
	size_t n;
};

/* The raw states of the readers now.  pcsc-lite fails the whole call when
 * one reader is unknown, so then each is looked at alone. */
static LONG look_call(SCARDCONTEXT ctx, void *arg)
{
	struct look *l = arg;
	size_t i;
	LONG rv;

	for (i = 0; i < l->n; i++)
		l->st[i].dwCurrentState = SCARD_STATE_UNAWARE;
	rv = SCardGetStatusChange(ctx, 0, l->st, (DWORD)l->n);
	if (rv != SCARD_E_UNKNOWN_READER)
		return rv == SCARD_E_TIMEOUT ? SCARD_S_SUCCESS : rv;
	for (i = 0; i < l->n; i++) {
		l->st[i].dwCurrentState = SCARD_STATE_UNAWARE;
		rv = SCardGetStatusChange(ctx, 0, &l->st[i], 1);
		if (rv == SCARD_E_UNKNOWN_READER)
			l->st[i].dwEventState = SCARD_STATE_UNKNOWN;
		else if (rv != SCARD_S_SUCCESS && rv != SCARD_E_TIMEOUT)
			return rv;
	}
	return SCARD_S_SUCCESS;
}

static void decode(DWORD ev, safeid_reader_state *s)
{
	s->known = (ev & SCARD_STATE_UNKNOWN) == 0;
	s->present = (ev & SCARD_STATE_PRESENT) != 0;
	s->usable = s->present &&
	            (ev & (SCARD_STATE_EMPTY | SCARD_STATE_MUTE |
	                   SCARD_STATE_UNAVAILABLE | SCARD_STATE_UNKNOWN)) == 0;
	s->empty = (ev & SCARD_STATE_EMPTY) != 0;
	s->events = (unsigned)((ev >> 16) & 0xFFFFu);
}

static bool same_state(const safeid_reader_state *a,
                       const safeid_reader_state *b)
{
	return a->known == b->known && a->present == b->present &&
	       a->usable == b->usable && a->empty == b->empty &&
	       a->events == b->events;
}

/* Look at n readers into st[] (raw) and states[]; caller holds w->mu. */
static int look_locked(safeid_watch *w, const char *const *readers, size_t n,
                       SCARD_READERSTATE *st, safeid_reader_state *states)
{
	struct look l = {st, n};
	size_t i;
	LONG rv;

	if (n == 0)
		return SAFEID_OK;
	memset(st, 0, n * sizeof(*st));
	for (i = 0; i < n; i++)
		st[i].szReader = readers[i];
	rv = on_ctx(w, look_call, &l);
	if (rv != SCARD_S_SUCCESS)
		return sid_pcsc_err(rv, SID_PCSC_SETUP);
	for (i = 0; i < n; i++)
		decode(st[i].dwEventState, &states[i]);
	return SAFEID_OK;
}

static bool args_ok(const safeid_watch *w, const char *const *readers, size_t n,
                    const safeid_reader_state *states)
{
	size_t i;

	if (w == NULL || n > MAX_READERS ||
	    (n > 0 && (readers == NULL || states == NULL)))
		return false;
	for (i = 0; i < n; i++)
		if (readers[i] == NULL)
			return false;
	return true;
}

int safeid_watch_look(safeid_watch *w, const char *const *readers, size_t n,
                      safeid_reader_state *states)
{
	SCARD_READERSTATE st[MAX_READERS];
	int rc;

	if (!args_ok(w, readers, n, states))
		return SAFEID_ERR_ARG;
	pthread_mutex_lock(&w->mu);
	rc = look_locked(w, readers, n, st, states);
	pthread_mutex_unlock(&w->mu);
	return rc;
}

/* ---- listing ------------------------------------------------------------ */

static LONG list_call(SCARDCONTEXT ctx, void *arg)
{
	char **multi = arg;
	LPSTR list = NULL;
	DWORD len = SCARD_AUTOALLOCATE;
	LONG rv;

	rv = SCardListReaders(ctx, NULL, (LPSTR)&list, &len);
	if (rv != SCARD_S_SUCCESS)
		return rv;
	/* Our own copy, ended by an empty name even if PC/SC's is not. */
	*multi = calloc(1, (size_t)len + 2);
	if (*multi == NULL)
		rv = SCARD_E_NO_MEMORY;
	else
		memcpy(*multi, list, len);
	(void)SCardFreeMemory(ctx, list);
	return rv;
}

/* Split a PC/SC multi-string ("a\0b\0\0") into the list. */
static int split_names(const char *multi, safeid_reader_list *out)
{
	const char *s;
	size_t n = 0, i = 0;

	for (s = multi; *s != '\0'; s += strlen(s) + 1)
		n++;
	if (n == 0)
		return SAFEID_OK;
	out->names = calloc(n, sizeof(*out->names));
	out->present = calloc(n, sizeof(*out->present));
	if (out->names == NULL || out->present == NULL)
		return SAFEID_ERR_NOMEM;
	for (s = multi; *s != '\0'; s += strlen(s) + 1) {
		out->names[i] = strdup(s);
		if (out->names[i] == NULL)
			return SAFEID_ERR_NOMEM;
		out->count = ++i;
	}
	return SAFEID_OK;
}

int safeid_watch_list(safeid_watch *w, safeid_reader_list *out)
{
	SCARD_READERSTATE st[MAX_READERS];
	safeid_reader_state states[MAX_READERS];
	char *multi = NULL;
	size_t i, n;
	LONG rv;
	int rc;

	if (w == NULL || out == NULL)
		return SAFEID_ERR_ARG;
	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&w->mu);
	rv = on_ctx(w, list_call, &multi);
	/* No reader is an empty list: the caller says "no reader". */
	rc = rv == SCARD_E_NO_READERS_AVAILABLE
	             ? SAFEID_OK
	             : sid_pcsc_err(rv, SID_PCSC_SETUP);
	if (rc == SAFEID_OK && multi != NULL)
		rc = split_names(multi, out);
	/* pcsc-lite keeps no more readers than one look takes. */
	n = out->count < MAX_READERS ? out->count : MAX_READERS;
	if (rc == SAFEID_OK)
		rc = look_locked(w, (const char *const *)out->names, n, st,
		                 states);
	pthread_mutex_unlock(&w->mu);
	for (i = 0; rc == SAFEID_OK && i < n; i++)
		out->present[i] = states[i].usable;
	if (rc != SAFEID_OK)
		safeid_pcsc_list_free(out);
	free(multi);
	return rc;
}

/* ---- waiting ------------------------------------------------------------ */

/* What is left of timeout_ms since start, cut to one slice; no bound:
 * INFINITE. */
static DWORD slice_left(long timeout_ms, const struct timespec *start)
{
	struct timespec now;
	long long spent;

	if (timeout_ms < 0)
		return INFINITE;
	clock_gettime(CLOCK_MONOTONIC, &now);
	spent = (long long)(now.tv_sec - start->tv_sec) * 1000 +
	        (now.tv_nsec - start->tv_nsec) / 1000000;
	if (spent >= timeout_ms)
		return 0;
	return (DWORD)(timeout_ms - spent < SLICE_MS ? timeout_ms - spent
	                                             : SLICE_MS);
}

/*
 * One blocking wait, from the raw states of the look, for any change of
 * the known readers or of the reader list (the PnP pseudo reader, whose
 * state *pnp carries from one wait to the next).  SCARD_S_SUCCESS with
 * *plugged set when readers came or went.  Caller holds w->mu.
 */
static LONG wait_once(safeid_watch *w, const SCARD_READERSTATE *look, size_t n,
                      DWORD ms, DWORD *pnp, bool *plugged)
{
	SCARD_READERSTATE st[MAX_READERS];
	SCARDCONTEXT ctx;
	size_t i, k = 0;
	LONG rv;

	*plugged = false;
	for (i = 0; i < n; i++) {
		if (look[i].dwEventState & SCARD_STATE_UNKNOWN)
			continue; /* PnP tells when it comes back */
		st[k] = look[i];
		st[k++].dwCurrentState =
			look[i].dwEventState & ~(DWORD)SCARD_STATE_CHANGED;
	}
	/* With pcsc-lite's maximum of readers, none can be added. */
	if (k < MAX_READERS) {
		memset(&st[k], 0, sizeof(st[k]));
		st[k].szReader = PNP_READER;
		st[k++].dwCurrentState = *pnp;
	}
	rv = ctx_get(w, &ctx);
	if (rv != SCARD_S_SUCCESS)
		return rv;
	/* Whether to wait is decided under the cancel lock: a cancel either
	 * comes first and is seen here, or finds the wait marked. */
	pthread_mutex_lock(&w->cancel_mu);
	if (w->cancelled) {
		pthread_mutex_unlock(&w->cancel_mu);
		return SCARD_E_CANCELLED;
	}
	w->unbounded = ms == INFINITE;
	pthread_mutex_unlock(&w->cancel_mu);
	rv = SCardGetStatusChange(ctx, ms, st, (DWORD)k);
	pthread_mutex_lock(&w->cancel_mu);
	w->unbounded = false;
	pthread_cond_broadcast(&w->left);
	pthread_mutex_unlock(&w->cancel_mu);
	if (rv == SCARD_S_SUCCESS &&
	    strcmp(st[k - 1].szReader, PNP_READER) == 0) {
		*pnp = st[k - 1].dwEventState & ~(DWORD)SCARD_STATE_CHANGED;
		*plugged = (st[k - 1].dwEventState & SCARD_STATE_CHANGED) != 0;
	}
	return rv;
}

int safeid_watch_wait(safeid_watch *w, const char *const *readers, size_t n,
                      safeid_reader_state *states, long timeout_ms)
{
	SCARD_READERSTATE st[MAX_READERS];
	safeid_reader_state now[MAX_READERS];
	struct timespec start;
	bool plugged = false, changed;
	DWORD pnp = SCARD_STATE_UNAWARE, ms;
	size_t i;
	LONG rv;
	int rc;

	if (!args_ok(w, readers, n, states))
		return SAFEID_ERR_ARG;
	clock_gettime(CLOCK_MONOTONIC, &start);
	pthread_mutex_lock(&w->mu);
	for (;;) {
		rc = SAFEID_ERR_CANCELLED;
		if (cancelled(w))
			break;
		/* Compare with what the caller knows, not with the last wake:
		 * a change of no interest (another program connecting) only
		 * sends us back to waiting. */
		rc = look_locked(w, readers, n, st, now);
		if (rc != SAFEID_OK)
			break;
		for (i = 0, changed = plugged; i < n; i++)
			changed = changed || !same_state(&now[i], &states[i]);
		if (changed) {
			memcpy(states, now, n * sizeof(*states));
			break;
		}
		rc = SAFEID_ERR_TIMEOUT;
		ms = slice_left(timeout_ms, &start);
		if (ms == 0)
			break;
		rv = wait_once(w, st, n, ms, &pnp, &plugged);
		rc = SAFEID_ERR_CANCELLED;
		if (rv == SCARD_E_CANCELLED)
			break;
		/* A reader that left between the look and the wait shows in
		 * the next look. */
		rc = sid_pcsc_err(rv, SID_PCSC_SETUP);
		if (rv != SCARD_S_SUCCESS && rv != SCARD_E_TIMEOUT &&
		    rv != SCARD_E_UNKNOWN_READER)
			break;
	}
	pthread_mutex_unlock(&w->mu);
	return rc;
}
