/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * watch.c: the readers, and whether a token is on each, as PC/SC sees
 * them, kept up to date for a front end that shows them (a window): a
 * thread of its own blocks in client_reader_watch_next() until something
 * changes.  When the PC/SC service goes away the call says so, and the
 * next one waits, by the file system's events on the service's socket,
 * until it is back.  Nothing here polls.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "client.h"

/* pcsc-lite's socket; $PCSCLITE_CSOCK_NAME moves it, as in pcsc-lite. */
#define PCSC_SOCKET "/run/pcscd/pcscd.comm"
/*
 * pcscd creates its socket a moment before it listens on it, and no file
 * system event tells when it does: after an event, the service is asked
 * again this often, for at most this many times (5 s), and then the watch
 * waits for the next event.
 */
#define SETTLE_MS 50
#define SETTLE_TRIES 100

struct client_reader_watch {
	safeid_watch *watch;
	int cancel_fd; /* eventfd, written by client_reader_watch_cancel */
	bool fresh;    /* the next call answers at once */
	bool down;     /* the last call found the service gone */
	bool odd;      /* ... or failing otherwise: wait for a restart */
};

int client_reader_watch_new(client_reader_watch **out, client_error *err)
{
	client_reader_watch *w = calloc(1, sizeof(*w));

	*out = NULL;
	if (w == NULL)
		return client_fail(err, CLIENT_EXIT_SETUP, "nomem",
		                   "out of memory");
	w->cancel_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (w->cancel_fd < 0 || safeid_watch_new(&w->watch) != SAFEID_OK) {
		if (w->cancel_fd >= 0)
			close(w->cancel_fd);
		free(w);
		return client_fail(err, CLIENT_EXIT_SETUP, "watch",
		                   "cannot set up watching the readers: %s",
		                   strerror(errno));
	}
	w->fresh = true;
	*out = w;
	return 0;
}

void client_reader_watch_cancel(client_reader_watch *w)
{
	uint64_t one = 1;

	if (w == NULL)
		return;
	safeid_watch_cancel(w->watch);
	if (write(w->cancel_fd, &one, sizeof(one)) < 0)
		return; /* already written: the counter is not zero */
}

void client_reader_watch_free(client_reader_watch **pw)
{
	client_reader_watch *w = *pw;

	if (w == NULL)
		return;
	safeid_watch_free(&w->watch);
	close(w->cancel_fd);
	free(w);
	*pw = NULL;
}

static bool cancelled(const client_reader_watch *w)
{
	struct pollfd p = {w->cancel_fd, POLLIN, 0};

	return poll(&p, 1, 0) > 0;
}

static int fail_cancelled(client_error *err)
{
	return client_fail(err, CLIENT_EXIT_SETUP, "cancelled", "%s",
	                   safeid_strerror(SAFEID_ERR_CANCELLED));
}

/* The service answered a look (the call that says whether it is back). */
static bool service_up(client_reader_watch *w)
{
	safeid_reader_list l;
	int rc = safeid_watch_list(w->watch, &l);

	if (rc == SAFEID_OK)
		safeid_pcsc_list_free(&l);
	return rc == SAFEID_OK;
}

/* Watch the socket's directory, or its parent while the directory does
 * not exist; watches already there are kept by inotify. */
static void socket_watch(int ifd, const char *sock)
{
	char dir[PATH_MAX];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", sock);
	slash = strrchr(dir, '/');
	if (slash == NULL || slash == dir)
		return;
	*slash = '\0';
	if (inotify_add_watch(ifd, dir, IN_CREATE | IN_MOVED_TO | IN_ATTRIB) >=
	    0)
		return;
	slash = strrchr(dir, '/');
	if (slash != NULL && slash != dir) {
		*slash = '\0';
		(void)inotify_add_watch(ifd, dir, IN_CREATE | IN_MOVED_TO);
	}
}

/* Block until fd is readable or the watch is cancelled; ms < 0: no bound.
 * 1 readable, 0 bound reached, -1 cancelled. */
static int wait_fd(const client_reader_watch *w, int fd, int ms)
{
	struct pollfd p[2] = {{w->cancel_fd, POLLIN, 0}, {fd, POLLIN, 0}};
	int rc;

	do
		rc = poll(p, fd >= 0 ? 2 : 1, ms);
	while (rc < 0 && errno == EINTR);
	if (rc > 0 && p[0].revents != 0)
		return -1;
	return rc > 0 ? 1 : 0;
}

/* After an event on the socket: ask the service a few times while it
 * settles.  1 it answers, 0 not yet, -1 cancelled. */
static int settle(client_reader_watch *w)
{
	for (int i = 0; i < SETTLE_TRIES; i++) {
		if (service_up(w))
			return 1;
		if (wait_fd(w, -1, SETTLE_MS) < 0)
			return -1;
	}
	return 0;
}

/*
 * Wait until the service answers again, by the events on its socket.
 * check_first: ask once before any event (it may be back already).
 */
static int service_wait(client_reader_watch *w, bool check_first,
                        client_error *err)
{
	const char *sock = getenv("PCSCLITE_CSOCK_NAME");
	char events[4096];
	int ifd, rc = 0;

	if (sock == NULL || sock[0] == '\0')
		sock = PCSC_SOCKET;
	ifd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (ifd < 0)
		return client_fail(err, CLIENT_EXIT_SETUP, "watch",
		                   "cannot wait for the PC/SC service to come "
		                   "back (inotify: %s): start this program "
		                   "again once pcscd runs",
		                   strerror(errno));
	for (;;) {
		/* The watch first, then the question: no event is missed. */
		socket_watch(ifd, sock);
		if (check_first && service_up(w))
			break;
		check_first = false;
		rc = wait_fd(w, ifd, -1);
		if (rc < 0)
			break;
		while (read(ifd, events, sizeof(events)) > 0)
			continue;
		rc = settle(w);
		if (rc != 0)
			break;
	}
	close(ifd);
	return rc < 0 ? fail_cancelled(err) : 0;
}

static bool same_state(const safeid_reader_state *a,
                       const safeid_reader_state *b)
{
	return a->known == b->known && a->present == b->present &&
	       a->usable == b->usable && a->empty == b->empty &&
	       a->events == b->events;
}

static bool view_differs(const client_reader_view *v, const char *const *names,
                         const safeid_reader_state *st, size_t n)
{
	if (v->count != n)
		return true;
	for (size_t i = 0; i < n; i++)
		if (strcmp(v->names[i], names[i]) != 0 ||
		    !same_state(&v->states[i], &st[i]))
			return true;
	return false;
}

static void view_fill(client_reader_view *v, const char *const *names,
                      const safeid_reader_state *st, size_t n)
{
	memset(v, 0, sizeof(*v));
	v->count = n;
	for (size_t i = 0; i < n; i++) {
		snprintf(v->names[i], sizeof(v->names[i]), "%s", names[i]);
		v->states[i] = st[i];
	}
}

/* The service stopped answering: say so; the next call waits for it.
 * A call that pcscd's end cut short fails as a communication error, so
 * the service is asked once more: its answer names the trouble. */
static int service_fail(client_reader_watch *w, int rc, client_error *err)
{
	safeid_reader_list l;

	if (rc != SAFEID_ERR_NO_SERVICE && rc != SAFEID_ERR_NOMEM) {
		int again = safeid_watch_list(w->watch, &l);

		if (again == SAFEID_OK)
			safeid_pcsc_list_free(&l);
		else
			rc = again;
	}
	w->down = true;
	w->odd = rc != SAFEID_ERR_NO_SERVICE && rc != SAFEID_ERR_READER_GONE &&
	         rc != SAFEID_ERR_COMM;
	return client_fail(err, CLIENT_EXIT_NO_TOKEN, "no_service",
	                   "cannot list readers: %s", safeid_strerror(rc));
}

int client_reader_watch_next(client_reader_watch *w, client_reader_view *v,
                             client_error *err)
{
	safeid_reader_state st[SAFEID_WATCH_MAX];
	const char *names[SAFEID_WATCH_MAX];
	safeid_reader_list l;
	size_t n;
	int rc;

	if (w->down) {
		rc = service_wait(w, !w->odd, err);
		if (rc != 0)
			return rc;
		w->down = false;
		w->fresh = true;
	}
	for (;;) {
		if (cancelled(w))
			return fail_cancelled(err);
		rc = safeid_watch_list(w->watch, &l);
		if (rc == SAFEID_ERR_CANCELLED)
			return fail_cancelled(err);
		if (rc != SAFEID_OK)
			return service_fail(w, rc, err);
		n = l.count < SAFEID_WATCH_MAX ? l.count : SAFEID_WATCH_MAX;
		for (size_t i = 0; i < n; i++)
			names[i] = l.names[i];
		rc = safeid_watch_look(w->watch, names, n, st);
		if (rc == SAFEID_OK &&
		    (w->fresh || view_differs(v, names, st, n))) {
			view_fill(v, names, st, n);
			w->fresh = false;
			safeid_pcsc_list_free(&l);
			return 0;
		}
		/* Until a reader's state differs from what the caller was
		 * given, or readers come or go. */
		if (rc == SAFEID_OK)
			rc = safeid_watch_wait(w->watch, names, n, st, -1);
		safeid_pcsc_list_free(&l);
		if (rc == SAFEID_ERR_CANCELLED)
			return fail_cancelled(err);
		if (rc != SAFEID_OK && rc != SAFEID_ERR_TIMEOUT)
			return service_fail(w, rc, err);
	}
}
