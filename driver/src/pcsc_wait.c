/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Waiting for a token: look at the readers, and while none has a card,
 * wait for PC/SC to report a change (a card in, a reader plugged in) or
 * for the bound to pass.  No polling, no sleeps.
 */
#include <string.h>
#include <time.h>

#include "internal.h"

/* What is left of timeout_ms (<0: no bound) since start, at least 0. */
static long time_left(long timeout_ms, const struct timespec *start)
{
	struct timespec now;
	long long spent;

	if (timeout_ms < 0)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &now);
	spent = (long long)(now.tv_sec - start->tv_sec) * 1000 +
	        (now.tv_nsec - start->tv_nsec) / 1000000;
	return spent >= timeout_ms ? 0 : (long)(timeout_ms - spent);
}

/* 1 with the name copied out when a reader of the set has a card, 0 when
 * none has, an error when the named reader is unknown. */
static int card_seen(const char *const *names, size_t n,
                     const safeid_reader_state *st, bool named, char *out,
                     size_t cap)
{
	size_t i;

	if (named && !st[0].known)
		return SAFEID_ERR_READER_UNKNOWN;
	for (i = 0; i < n; i++) {
		if (!st[i].usable)
			continue;
		if (out != NULL && cap > 0) {
			if (strlen(names[i]) >= cap)
				return SAFEID_ERR_ARG;
			strcpy(out, names[i]);
		}
		return 1;
	}
	return 0;
}

int safeid_pcsc_wait_card(const char *reader, long timeout_ms, char *reader_out,
                          size_t cap)
{
	safeid_reader_state st[SAFEID_WATCH_MAX];
	safeid_reader_list l;
	safeid_watch *w = NULL;
	struct timespec start;
	const char *const *names = &reader;
	size_t n = 1;
	long left;
	int rc;

	memset(&l, 0, sizeof(l));
	clock_gettime(CLOCK_MONOTONIC, &start);
	rc = safeid_watch_new(&w);
	while (rc == SAFEID_OK) {
		/* Any reader: list them again after every change, so one
		 * plugged in while we wait is seen. */
		if (reader == NULL) {
			safeid_pcsc_list_free(&l);
			rc = safeid_watch_list(w, &l);
			if (rc != SAFEID_OK)
				break;
			names = (const char *const *)l.names;
			n = l.count < SAFEID_WATCH_MAX ? l.count
			                               : SAFEID_WATCH_MAX;
		}
		rc = safeid_watch_look(w, names, n, st);
		if (rc == SAFEID_OK)
			rc = card_seen(names, n, st, reader != NULL, reader_out,
			               cap);
		if (rc != SAFEID_OK)
			break;
		left = time_left(timeout_ms, &start);
		rc = left == 0 ? SAFEID_ERR_TIMEOUT
		               : safeid_watch_wait(w, names, n, st, left);
		/* Only ever the PnP entry: there was never a reader. */
		if (rc == SAFEID_ERR_TIMEOUT && reader == NULL && n == 0)
			rc = SAFEID_ERR_NO_READER;
	}
	if (rc == 1)
		rc = SAFEID_OK;
	safeid_pcsc_list_free(&l);
	safeid_watch_free(&w);
	return rc;
}
