/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * watch-cancel: an unbounded reader-watch wait (timeout < 0, which wakes
 * for PC/SC events only) ends on safeid_watch_cancel() wherever the
 * cancel lands: before the wait, while PC/SC takes it (pcsc-lite drops a
 * cancel then), or while it blocks.  Run in the harness with a token on
 * READER.
 *
 *   watch-cancel READER ROUNDS
 *
 * Each round starts a waiter and cancels it after a delay that moves by
 * 37 us a round (0 to 5 ms), so the cancel lands at every point of the
 * waiter's way into PC/SC.  Fails when a wait outlives its cancel by more
 * than BOUND_MS, or ends with anything but CANCELLED.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <safeid/safeid.h>

#define BOUND_MS 2000L

struct waiter {
	safeid_watch *w;
	const char *reader;
	safeid_reader_state st;
	int rc;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int done;
};

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void *wait_main(void *arg)
{
	struct waiter *x = arg;
	int rc = safeid_watch_wait(x->w, &x->reader, 1, &x->st, -1);

	pthread_mutex_lock(&x->mu);
	x->rc = rc;
	x->done = 1;
	pthread_cond_signal(&x->cv);
	pthread_mutex_unlock(&x->mu);
	return NULL;
}

/* One round: 0 when the wait ended as it must; *ms: cancel to its end. */
static int round_run(const char *reader, long delay_us, long *ms)
{
	struct waiter x;
	struct timespec until, pause = {0, delay_us * 1000L};
	pthread_t t;
	long long t0;
	int rc = 0;

	memset(&x, 0, sizeof(x));
	x.reader = reader;
	pthread_mutex_init(&x.mu, NULL);
	pthread_cond_init(&x.cv, NULL);
	if (safeid_watch_new(&x.w) != SAFEID_OK ||
	    safeid_watch_look(x.w, &x.reader, 1, &x.st) != SAFEID_OK ||
	    !x.st.present) {
		fprintf(stderr, "watch-cancel: no token seen on '%s'\n",
		        reader);
		exit(1);
	}
	pthread_create(&t, NULL, wait_main, &x);
	/* Where the cancel lands on the waiter's way (not a wait for it). */
	nanosleep(&pause, NULL);
	t0 = now_us();
	safeid_watch_cancel(x.w);
	pthread_mutex_lock(&x.mu);
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += BOUND_MS / 1000;
	while (!x.done)
		if (pthread_cond_timedwait(&x.cv, &x.mu, &until) != 0)
			break;
	*ms = (long)((now_us() - t0) / 1000);
	if (!x.done) {
		fprintf(stderr,
		        "FAIL: the wait outlived its cancel by %ld ms "
		        "(delay %ld us)\n",
		        *ms, delay_us);
		exit(1); /* the waiter cannot be joined */
	}
	pthread_mutex_unlock(&x.mu);
	pthread_join(t, NULL);
	if (x.rc != SAFEID_ERR_CANCELLED) {
		fprintf(stderr, "FAIL: the cancelled wait returned %s\n",
		        safeid_errname(x.rc));
		rc = 1;
	}
	safeid_watch_free(&x.w);
	pthread_cond_destroy(&x.cv);
	pthread_mutex_destroy(&x.mu);
	return rc;
}

int main(int argc, char **argv)
{
	long rounds, worst = 0, ms;
	int rc = 0;

	if (argc != 3 || (rounds = strtol(argv[2], NULL, 10)) <= 0) {
		fprintf(stderr, "usage: watch-cancel READER ROUNDS\n");
		return 2;
	}
	for (long i = 0; i < rounds; i++) {
		rc |= round_run(argv[1], (i * 37) % 5000, &ms);
		if (ms > worst)
			worst = ms;
	}
	printf("%ld cancels of an unbounded wait: all ended, the slowest "
	       "%ld ms after its cancel\n",
	       rounds, worst);
	return rc;
}
