/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * arrivals.c: the next token to provision, by PC/SC events (the core's
 * reader watch: no card connection, no APDU, no polling).  A card counts
 * once: after client_arrivals_done the reader must show a different card
 * event count (the card left, another came) before it counts again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "provision_int.h"

typedef struct mark {
	char reader[CLIENT_READER_MAX];
	bool used;
	unsigned events; /* card event count when handled */
} mark;

struct client_arrivals {
	safeid_watch *watch;
	bool one; /* one reader only */
	char reader[CLIENT_READER_MAX];
	mark marks[SAFEID_WATCH_MAX];
};

int client_arrivals_new(const char *spec, client_arrivals **out,
                        client_error *err)
{
	client_arrivals *a = calloc(1, sizeof(*a));
	int ret;

	*out = NULL;
	if (a == NULL || safeid_watch_new(&a->watch) != SAFEID_OK) {
		free(a);
		return client_fail(err, CLIENT_EXIT_SETUP, "nomem",
		                   "out of memory");
	}
	if (spec != NULL && spec[0] != '\0') {
		ret = client_reader_find(spec, a->reader, sizeof(a->reader),
		                         err);
		if (ret != 0) {
			client_arrivals_free(&a);
			return ret;
		}
		a->one = true;
	}
	*out = a;
	return 0;
}

void client_arrivals_free(client_arrivals **pa)
{
	client_arrivals *a = *pa;

	if (a == NULL)
		return;
	safeid_watch_free(&a->watch);
	free(a);
	*pa = NULL;
}

void client_arrivals_cancel(client_arrivals *a)
{
	safeid_watch_cancel(a->watch);
}

static mark *mark_find(client_arrivals *a, const char *reader, bool add)
{
	for (size_t i = 0; i < SAFEID_WATCH_MAX; i++)
		if (a->marks[i].used && strcmp(a->marks[i].reader, reader) == 0)
			return &a->marks[i];
	if (!add)
		return NULL;
	for (size_t i = 0; i < SAFEID_WATCH_MAX; i++)
		if (!a->marks[i].used) {
			a->marks[i].used = true;
			snprintf(a->marks[i].reader, sizeof(a->marks[i].reader),
			         "%s", reader);
			return &a->marks[i];
		}
	return NULL;
}

/* The readers to watch now: the chosen one, or all PC/SC has. */
static int readers_get(client_arrivals *a, char names[][CLIENT_READER_MAX],
                       size_t *n, client_error *err)
{
	safeid_reader_list l;
	int rc;

	*n = 0;
	if (a->one) {
		snprintf(names[0], CLIENT_READER_MAX, "%s", a->reader);
		*n = 1;
		return 0;
	}
	memset(&l, 0, sizeof(l));
	rc = safeid_watch_list(a->watch, &l);
	if (rc != SAFEID_OK)
		return client_fail(err, CLIENT_EXIT_NO_TOKEN, "no_service",
		                   "cannot list readers: %s",
		                   safeid_strerror(rc));
	for (size_t i = 0; i < l.count && *n < SAFEID_WATCH_MAX; i++)
		snprintf(names[(*n)++], CLIENT_READER_MAX, "%s", l.names[i]);
	safeid_pcsc_list_free(&l);
	return 0;
}

int client_arrivals_next(client_arrivals *a, long timeout_ms, char *reader,
                         size_t cap, client_error *err)
{
	char names[SAFEID_WATCH_MAX][CLIENT_READER_MAX];
	const char *ptrs[SAFEID_WATCH_MAX];
	safeid_reader_state st[SAFEID_WATCH_MAX];
	long long now_ms = client_mono_us() / 1000;
	long long deadline = timeout_ms < 0 ? -1 : now_ms + timeout_ms;
	size_t n;
	long left;
	int rc, ret;

	for (;;) {
		ret = readers_get(a, names, &n, err);
		if (ret != 0)
			return ret;
		for (size_t i = 0; i < n; i++)
			ptrs[i] = names[i];
		rc = n > 0 ? safeid_watch_look(a->watch, ptrs, n, st)
		           : SAFEID_OK;
		if (rc != SAFEID_OK)
			return client_fail(err, CLIENT_EXIT_NO_TOKEN,
			                   "no_service",
			                   "cannot look at the readers: %s",
			                   safeid_strerror(rc));
		for (size_t i = 0; i < n; i++) {
			mark *m = mark_find(a, names[i], false);

			if (m != NULL &&
			    (st[i].empty || !st[i].known ||
			     (st[i].present && st[i].events != m->events)))
				m->used = false; /* the handled card left */
			if (st[i].usable &&
			    mark_find(a, names[i], false) == NULL) {
				snprintf(reader, cap, "%s", names[i]);
				return 0;
			}
		}
		now_ms = client_mono_us() / 1000;
		left = deadline < 0 ? -1 : (long)(deadline - now_ms);
		if (deadline >= 0 && left <= 0)
			break;
		rc = safeid_watch_wait(a->watch, ptrs, n, st, left);
		if (rc == SAFEID_ERR_TIMEOUT)
			break;
		if (rc == SAFEID_ERR_CANCELLED)
			return client_fail(err, CLIENT_EXIT_DECLINED,
			                   "cancelled", "stopped");
		if (rc != SAFEID_OK)
			return client_fail(err, CLIENT_EXIT_NO_TOKEN,
			                   "wait_failed",
			                   "waiting for a token failed: %s",
			                   safeid_strerror(rc));
	}
	return client_fail(err, CLIENT_EXIT_NO_TOKEN, "wait_timeout",
	                   "no token was placed within %ld seconds: place the "
	                   "next token and run the same command again (the "
	                   "journal keeps the batch)",
	                   timeout_ms / 1000);
}

void client_arrivals_done(client_arrivals *a, const char *reader)
{
	safeid_reader_state st;
	const char *p = reader;
	mark *m = mark_find(a, reader, true);

	if (m == NULL)
		return;
	memset(&st, 0, sizeof(st));
	if (safeid_watch_look(a->watch, &p, 1, &st) == SAFEID_OK && st.present)
		m->events = st.events;
	else
		m->used = false; /* already gone */
}
