/*
 * Waiting for a token: SCardGetStatusChange blocks until pcscd reports an
 * event (card in, reader added) or the bound passes.  No polling, no sleeps.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pcsc_internal.h"

#define PNP_READER "\\\\?PnP?\\Notification"

struct waitset {
	char *multi;            /* reader names when waiting on any reader */
	SCARD_READERSTATE *st;  /* readers, then the PnP pseudo reader */
	size_t n;
};

static void waitset_free(struct waitset *w)
{
	free(w->multi);
	free(w->st);
	memset(w, 0, sizeof(*w));
}

/* The reader asked for, or every reader plus the PnP pseudo reader so a
 * reader plugged in while we wait is noticed. */
static int waitset_build(SCARDCONTEXT ctx, const char *reader, struct waitset *w)
{
	DWORD len = 0;
	size_t count = 0, i = 0;
	const char *s;
	LONG rv;

	memset(w, 0, sizeof(*w));
	if (reader == NULL) {
		rv = SCardListReaders(ctx, NULL, NULL, &len);
		if (rv == SCARD_S_SUCCESS) {
			w->multi = calloc(1, (size_t)len + 2);
			if (w->multi == NULL)
				return SAFEID_ERR_NOMEM;
			rv = SCardListReaders(ctx, NULL, w->multi, &len);
		}
		if (rv != SCARD_S_SUCCESS && rv != SCARD_E_NO_READERS_AVAILABLE)
			return sid_pcsc_err(rv, SID_PCSC_SETUP);
		/* No reader (at either call): only the PnP entry below. */
		if (rv == SCARD_E_NO_READERS_AVAILABLE && w->multi != NULL)
			w->multi[0] = '\0';
		for (s = w->multi; s != NULL && *s != '\0'; s += strlen(s) + 1)
			count++;
	} else {
		count = 1;
	}
	w->st = calloc(count + 1, sizeof(*w->st));
	if (w->st == NULL)
		return SAFEID_ERR_NOMEM;
	if (reader != NULL) {
		w->st[i++].szReader = reader;
	} else {
		for (s = w->multi; s != NULL && *s != '\0'; s += strlen(s) + 1)
			w->st[i++].szReader = s;
		w->st[i++].szReader = PNP_READER;
	}
	w->n = i;
	for (i = 0; i < w->n; i++)
		w->st[i].dwCurrentState = SCARD_STATE_UNAWARE;
	return SAFEID_OK;
}

static DWORD remaining_ms(long timeout_ms, const struct timespec *start)
{
	struct timespec now;
	long long spent;

	if (timeout_ms < 0)
		return INFINITE;
	clock_gettime(CLOCK_MONOTONIC, &now);
	spent = (long long)(now.tv_sec - start->tv_sec) * 1000 +
	        (now.tv_nsec - start->tv_nsec) / 1000000;
	return spent >= timeout_ms ? 0 : (DWORD)(timeout_ms - spent);
}

/* 1 when a reader of the set has a card (name copied out), 0 when not,
 * an error when the named reader has gone. */
static int waitset_check(const struct waitset *w, const char *reader,
                         char *out, size_t cap)
{
	size_t i;

	for (i = 0; i < w->n; i++) {
		const SCARD_READERSTATE *r = &w->st[i];

		if (strcmp(r->szReader, PNP_READER) == 0)
			continue;
		if (reader != NULL &&
		    (r->dwEventState & (SCARD_STATE_UNKNOWN | SCARD_STATE_IGNORE)))
			return SAFEID_ERR_READER_UNKNOWN;
		if ((r->dwEventState & SCARD_STATE_PRESENT) &&
		    !(r->dwEventState & SCARD_STATE_MUTE)) {
			if (out != NULL && cap > 0) {
				if (strlen(r->szReader) >= cap)
					return SAFEID_ERR_ARG;
				strcpy(out, r->szReader);
			}
			return 1;
		}
	}
	return 0;
}

static bool pnp_changed(const struct waitset *w)
{
	const SCARD_READERSTATE *r;

	if (w->n == 0)
		return false;
	r = &w->st[w->n - 1];
	return strcmp(r->szReader, PNP_READER) == 0 &&
	       (r->dwEventState & SCARD_STATE_CHANGED) != 0;
}

int safeid_pcsc_wait_card(const char *reader, long timeout_ms,
                          char *reader_out, size_t cap)
{
	SCARDCONTEXT ctx = 0;
	bool have_ctx = false;
	struct waitset w;
	struct timespec start;
	DWORD wait;
	bool waited;
	LONG rv;
	size_t i;
	int rc;

	memset(&w, 0, sizeof(w));
	clock_gettime(CLOCK_MONOTONIC, &start);
	rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &ctx);
	if (rv != SCARD_S_SUCCESS) {
		rc = sid_pcsc_err(rv, SID_PCSC_SETUP);
		goto fail;
	}
	have_ctx = true;
	for (;;) {
		rc = waitset_build(ctx, reader, &w);
		if (rc != SAFEID_OK)
			goto fail;
		/* First look at the present state (no wait), then wait for
		 * changes from it. */
		rv = SCardGetStatusChange(ctx, 0, w.st, (DWORD)w.n);
		waited = false;
		for (;;) {
			if (rv != SCARD_S_SUCCESS && rv != SCARD_E_TIMEOUT) {
				rc = sid_pcsc_err(rv, SID_PCSC_CONNECT);
				goto fail;
			}
			rc = waitset_check(&w, reader, reader_out, cap);
			if (rc != 0)
				goto fail;
			if (waited && pnp_changed(&w))
				break; /* readers came or went: list them again */
			wait = remaining_ms(timeout_ms, &start);
			if (wait == 0) {
				/* Only the PnP entry: there was never a reader. */
				rc = reader == NULL && w.n == 1 ? SAFEID_ERR_NO_READER
				                                : SAFEID_ERR_TIMEOUT;
				goto fail;
			}
			for (i = 0; i < w.n; i++)
				w.st[i].dwCurrentState = w.st[i].dwEventState &
				                         ~(DWORD)SCARD_STATE_CHANGED;
			rv = SCardGetStatusChange(ctx, wait, w.st, (DWORD)w.n);
			waited = true;
		}
		waitset_free(&w);
	}
fail:
	if (rc == 1)
		rc = SAFEID_OK;
	waitset_free(&w);
	if (have_ctx)
		(void)SCardReleaseContext(ctx);
	return rc;
}
