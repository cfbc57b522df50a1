/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * courier.c: a PC/SC connection whose calls run on a thread of its own, so
 * a token that never answers holds no caller beyond the module's bound.
 *
 * SCardTransmit has no timeout: a card that never answers blocks it until
 * the card leaves the field, and SCardCancel only ends waits for reader
 * events.  So each connection the module opens to a token (token.c) has a
 * courier thread that makes the PC/SC calls (connect, begin and end of a
 * transaction, transmit) one at a time, while the caller waits for each
 * answer at most the module's bound.  When the bound passes first,
 * the caller gets SAFEID_ERR_TIMEOUT and goes back to the application;
 * the courier stays with the blocked call, closes the connection itself
 * when the call returns (the card taken away, say) and ends.  Until then
 * the slot counts as stuck (slot.c), and token calls on it fail at once
 * instead of queueing behind a call that may never return.
 *
 * Data crossing to the courier is copied both ways (the caller's buffers
 * may be gone when an abandoned call returns) and wiped after each
 * exchange: a seed write carries the encrypted seed.
 *
 * The couriers are made even when C_Initialize says
 * CKF_LIBRARY_CANT_CREATE_OS_THREADS: NSS and GnuTLS (p11tool) pass that
 * flag on every load, and without a courier one mute token freezes them.
 * A courier never calls back into the application nor uses anything of
 * its, and is joined before the call that made it returns; only one left
 * with a blocked exchange outlives it.
 */
#define _GNU_SOURCE /* pthread_timedjoin_np */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sp11.h"
#include "token.h"

enum courier_job {
	JOB_NONE,
	JOB_OPEN,
	JOB_BEGIN,
	JOB_END,
	JOB_TRANSMIT,
};

struct sp11_courier {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;    /* on CLOCK_MONOTONIC */
	int refs;             /* caller, thread, a stuck slot */
	enum courier_job job; /* handed over, not yet done */
	bool done;
	int err;        /* the done job's result */
	bool busy;      /* the thread is inside a PC/SC call */
	bool abandoned; /* a caller stopped waiting: close and end */
	bool quit;      /* the caller closed the connection */
	char reader[SP11_READER_MAX];
	safeid_pcsc *pcsc; /* the thread's alone */
	bool in_tx;
	uint8_t capdu[SAFEID_APDU_MAX + 1];
	size_t clen;
	uint8_t rapdu[SAFEID_APDU_MAX];
	size_t rcap, rlen;
	safeid_transport tp; /* what the core is given */
};

/* ---- the bound ---------------------------------------------------------- */

#define BOUND_DEFAULT_S 10
#define BOUND_MAX_S 3600

static long bound_ms = BOUND_DEFAULT_S * 1000L;

void sp11_courier_configure(void)
{
	const char *v = getenv("SAFEID_PKCS11_TIMEOUT");
	char *end = NULL;
	long s;

	bound_ms = BOUND_DEFAULT_S * 1000L;
	if (v == NULL || v[0] == '\0')
		return;
	errno = 0;
	s = strtol(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0' || s < 1 ||
	    s > BOUND_MAX_S) {
		sp11_debug("SAFEID_PKCS11_TIMEOUT=\"%s\" is not a number of "
		           "seconds from 1 to %d: using %d s; set it to whole "
		           "seconds",
		           v, BOUND_MAX_S, BOUND_DEFAULT_S);
		return;
	}
	bound_ms = s * 1000L;
}

/* ---- the thread --------------------------------------------------------- */

static void courier_unref(sp11_courier *k)
{
	int left;

	pthread_mutex_lock(&k->mu);
	left = --k->refs;
	pthread_mutex_unlock(&k->mu);
	if (left > 0)
		return;
	safeid_wipe(k->capdu, sizeof(k->capdu));
	safeid_wipe(k->rapdu, sizeof(k->rapdu));
	pthread_cond_destroy(&k->cv);
	pthread_mutex_destroy(&k->mu);
	free(k);
}

/* One PC/SC call, on the courier thread, without the lock. */
static int job_run(sp11_courier *k, enum courier_job job)
{
	const safeid_transport *t;
	int err;

	if (job == JOB_OPEN)
		return safeid_pcsc_open(k->reader, &k->pcsc);
	if (k->pcsc == NULL)
		return SAFEID_ERR_ARG;
	t = safeid_pcsc_transport(k->pcsc);
	switch (job) {
	case JOB_BEGIN:
		if (t->begin == NULL)
			return SAFEID_OK;
		err = t->begin(t->ctx);
		k->in_tx = err == SAFEID_OK;
		return err;
	case JOB_END:
		if (t->end == NULL || !k->in_tx)
			return SAFEID_OK;
		k->in_tx = false;
		return t->end(t->ctx);
	case JOB_TRANSMIT:
		k->rlen = 0;
		return t->transmit(t->ctx, k->capdu, k->clen, k->rapdu, k->rcap,
		                   &k->rlen);
	default:
		return SAFEID_ERR_ARG;
	}
}

static void *courier_main(void *arg)
{
	sp11_courier *k = arg;
	const safeid_transport *t;
	enum courier_job job;
	int err;

	pthread_mutex_lock(&k->mu);
	for (;;) {
		while (k->job == JOB_NONE && !k->quit && !k->abandoned)
			pthread_cond_wait(&k->cv, &k->mu);
		if (k->job == JOB_NONE)
			break;
		job = k->job;
		k->busy = true;
		pthread_mutex_unlock(&k->mu);
		err = job_run(k, job);
		pthread_mutex_lock(&k->mu);
		k->busy = false;
		k->err = err;
		k->job = JOB_NONE;
		k->done = true;
		safeid_wipe(k->capdu, sizeof(k->capdu));
		pthread_cond_broadcast(&k->cv);
	}
	pthread_mutex_unlock(&k->mu);
	/* Closed, or abandoned when the blocked call returned. */
	if (k->pcsc != NULL) {
		t = safeid_pcsc_transport(k->pcsc);
		if (k->in_tx && t->end != NULL)
			(void)t->end(t->ctx);
		safeid_pcsc_close(&k->pcsc);
	}
	courier_unref(k);
	return NULL;
}

/* Hand one job to the courier and wait for it, at most the bound (each
 * exchange has the whole bound: a slow token still moving on is not a
 * mute one).  The caller sets the job's input under the lock (held on
 * entry) and reads its output before unlocking (held on return). */
static int courier_call(sp11_courier *k, enum courier_job job)
{
	long long deadline = sp11_mono_ms() + bound_ms, ms;
	struct timespec until;

	if (k->abandoned)
		return SAFEID_ERR_TIMEOUT;
	k->job = job;
	k->done = false;
	pthread_cond_broadcast(&k->cv);
	while (!k->done) {
		ms = deadline - sp11_mono_ms();
		if (ms <= 0) {
			k->abandoned = true;
			pthread_cond_broadcast(&k->cv);
			sp11_debug(
				"reader \"%s\": no answer within %ld s (the "
				"module's bound, SAFEID_PKCS11_TIMEOUT); the "
				"reader stays busy until the token answers or "
				"leaves",
				k->reader, bound_ms / 1000);
			return SAFEID_ERR_TIMEOUT;
		}
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += (time_t)(ms / 1000);
		until.tv_nsec += (long)(ms % 1000) * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		(void)pthread_cond_timedwait(&k->cv, &k->mu, &until);
	}
	return k->err;
}

/* ---- the transport the core is given ------------------------------------ */

static int tp_transmit(void *ctx, const uint8_t *capdu, size_t clen,
                       uint8_t *rapdu, size_t rcap, size_t *rlen)
{
	sp11_courier *k = ctx;
	int err;

	if (capdu == NULL || rapdu == NULL || rlen == NULL ||
	    clen > sizeof(k->capdu))
		return SAFEID_ERR_ARG;
	pthread_mutex_lock(&k->mu);
	memcpy(k->capdu, capdu, clen);
	k->clen = clen;
	k->rcap = rcap < sizeof(k->rapdu) ? rcap : sizeof(k->rapdu);
	err = courier_call(k, JOB_TRANSMIT);
	if (err == SAFEID_OK) {
		memcpy(rapdu, k->rapdu, k->rlen);
		*rlen = k->rlen;
	}
	if (!k->busy)
		safeid_wipe(k->rapdu, sizeof(k->rapdu));
	pthread_mutex_unlock(&k->mu);
	return err;
}

static int tp_simple(sp11_courier *k, enum courier_job job)
{
	int err;

	pthread_mutex_lock(&k->mu);
	err = courier_call(k, job);
	pthread_mutex_unlock(&k->mu);
	return err;
}

static int tp_begin(void *ctx)
{
	return tp_simple(ctx, JOB_BEGIN);
}

static int tp_end(void *ctx)
{
	return tp_simple(ctx, JOB_END);
}

/* ---- the caller's side -------------------------------------------------- */

static int courier_new(const char *reader, sp11_courier **out)
{
	pthread_condattr_t ca;
	sp11_courier *k;

	k = calloc(1, sizeof(*k));
	if (k == NULL)
		return SAFEID_ERR_NOMEM;
	pthread_mutex_init(&k->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&k->cv, &ca);
	pthread_condattr_destroy(&ca);
	snprintf(k->reader, sizeof(k->reader), "%s", reader);
	k->refs = 2;
	k->tp.ctx = k;
	k->tp.transmit = tp_transmit;
	k->tp.begin = tp_begin;
	k->tp.end = tp_end;
	/* Joinable: closing waits for it to be gone (sp11_courier_close). */
	if (pthread_create(&k->th, NULL, courier_main, k) != 0) {
		k->refs = 1;
		courier_unref(k);
		return SAFEID_ERR_NOMEM;
	}
	*out = k;
	return SAFEID_OK;
}

int sp11_courier_open(const char *reader, sp11_courier **out)
{
	sp11_courier *k = NULL;
	int err;

	*out = NULL;
	err = courier_new(reader, &k);
	if (err != SAFEID_OK)
		return err;
	pthread_mutex_lock(&k->mu);
	err = courier_call(k, JOB_OPEN);
	pthread_mutex_unlock(&k->mu);
	/* Even a failed or abandoned connect gives the caller the courier:
	 * the caller must see it was abandoned, and close it. */
	*out = k;
	return err;
}

const safeid_transport *sp11_courier_transport(sp11_courier *k)
{
	return &k->tp;
}

bool sp11_courier_abandoned(sp11_courier *k)
{
	bool a;

	pthread_mutex_lock(&k->mu);
	a = k->abandoned;
	pthread_mutex_unlock(&k->mu);
	return a;
}

bool sp11_courier_busy(sp11_courier *k)
{
	bool b;

	pthread_mutex_lock(&k->mu);
	b = k->busy;
	pthread_mutex_unlock(&k->mu);
	return b;
}

void sp11_courier_ref(sp11_courier *k)
{
	pthread_mutex_lock(&k->mu);
	k->refs++;
	pthread_mutex_unlock(&k->mu);
}

void sp11_courier_unref(sp11_courier *k)
{
	if (k != NULL)
		courier_unref(k);
}

void sp11_courier_close(sp11_courier **pk)
{
	sp11_courier *k = *pk;
	struct timespec until;
	bool abandoned;

	if (k == NULL)
		return;
	*pk = NULL;
	pthread_mutex_lock(&k->mu);
	k->quit = true;
	abandoned = k->abandoned;
	pthread_cond_broadcast(&k->cv);
	pthread_mutex_unlock(&k->mu);
	/* The thread ends the transaction, disconnects and ends.  Wait for
	 * it to be gone (bounded), so the card is free for the next
	 * operation and no thread of ours is left when the application
	 * exits; an abandoned one goes when its blocked call returns. */
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += bound_ms / 1000;
	if (abandoned || pthread_timedjoin_np(k->th, NULL, &until) != 0)
		pthread_detach(k->th);
	courier_unref(k);
}
