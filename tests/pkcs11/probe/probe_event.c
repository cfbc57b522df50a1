/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * probe_event.c: C_WaitForSlotEvent (no event, C_Finalize waking a
 * waiter, two waiters woken by one event without spinning) and fork.
 */
#define _GNU_SOURCE /* pthread_timedjoin_np */
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "probe.h"

/* How long a woken waiter may take (PC/SC notices a removal at its next
 * poll; the harness's remove answers once it did). */
#define WAKE_MS 10000

typedef struct waiter {
	probe *p;
	pthread_t th;
	CK_RV rv;
	CK_SLOT_ID slot;
	long long done_ms;
} waiter;

/* Waiters about to call C_WaitForSlotEvent. */
static pthread_mutex_t started_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t started_cv = PTHREAD_COND_INITIALIZER;
static int started;

static void *wait_main(void *arg)
{
	waiter *w = arg;

	pthread_mutex_lock(&started_mu);
	started++;
	pthread_cond_broadcast(&started_cv);
	pthread_mutex_unlock(&started_mu);
	w->rv = w->p->f->C_WaitForSlotEvent(0, &w->slot, NULL);
	w->done_ms = probe_ms();
	return NULL;
}

/* Wait for n waiters to have started. */
static void started_wait(int n)
{
	pthread_mutex_lock(&started_mu);
	while (started < n)
		pthread_cond_wait(&started_cv, &started_mu);
	pthread_mutex_unlock(&started_mu);
}

/* Join w, waiting at most ms; false when it is still waiting. */
static bool joined(waiter *w, long ms)
{
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += ms / 1000;
	return pthread_timedjoin_np(w->th, NULL, &until) == 0;
}

/* Report pending events until there are none. */
static CK_RV drain(probe *p)
{
	CK_SLOT_ID s;
	CK_RV rv = CKR_OK;
	int i;

	for (i = 0; i < 64 && rv == CKR_OK; i++)
		rv = p->f->C_WaitForSlotEvent(CKF_DONT_BLOCK, &s, NULL);
	return rv;
}

static void no_event(probe *p)
{
	char reserved[] = "x";
	CK_SLOT_ID s;
	CK_RV rv = drain(p);

	if (rv == CKR_FUNCTION_NOT_SUPPORTED) {
		probe_ref(p, "event.supported", "no", false,
		          "C_WaitForSlotEvent not supported");
		return;
	}
	rv = p->f->C_WaitForSlotEvent(CKF_DONT_BLOCK, &s, NULL);
	probe_check(p, 'M', "event.none", rv == CKR_NO_EVENT,
	            "CKF_DONT_BLOCK with nothing pending: %s", probe_rv(rv));
	rv = p->f->C_WaitForSlotEvent(CKF_DONT_BLOCK, &s, reserved);
	probe_ref(p, "event.reserved", probe_rv(rv), rv == CKR_ARGUMENTS_BAD,
	          "pReserved set: %s", probe_rv(rv));
}

/* C_Finalize ends a blocking wait with CKR_CRYPTOKI_NOT_INITIALIZED. */
static void finalize_wakes(probe *p)
{
	CK_C_INITIALIZE_ARGS a;
	waiter w;
	long long t0;
	CK_RV rv;

	memset(&w, 0, sizeof(w));
	w.p = p;
	if (pthread_create(&w.th, NULL, wait_main, &w) != 0)
		return;
	t0 = probe_ms();
	rv = p->f->C_Finalize(NULL);
	pthread_join(w.th, NULL);
	if (w.rv == CKR_FUNCTION_NOT_SUPPORTED) {
		probe_ref(p, "event.blocking", "no", false,
		          "a blocking C_WaitForSlotEvent is not supported");
	} else {
		probe_check(p, 'M', "event.finalize_wakes",
		            rv == CKR_OK &&
		                    w.rv == CKR_CRYPTOKI_NOT_INITIALIZED &&
		                    w.done_ms - t0 < WAKE_MS,
		            "C_Finalize %s; the waiter returned %s after %lld "
		            "ms",
		            probe_rv(rv), probe_rv(w.rv), w.done_ms - t0);
	}
	memset(&a, 0, sizeof(a));
	a.flags = CKF_OS_LOCKING_OK;
	p->initialized = p->f->C_Initialize(&a) == CKR_OK;
}

static double cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* Two threads wait; one removal wakes both, with the slot. */
static void two_waiters(probe *p)
{
	waiter w[2];
	double cpu0, cpu;
	long long t0;
	bool ok, woken[2];
	int i;

	if (p->remove_cmd == NULL || p->insert_cmd == NULL) {
		probe_skip(p, "event.two_waiters",
		           "needs --remove-cmd and --insert-cmd");
		return;
	}
	(void)drain(p);
	memset(w, 0, sizeof(w));
	started = 0;
	for (i = 0; i < 2; i++) {
		w[i].p = p;
		pthread_create(&w[i].th, NULL, wait_main, &w[i]);
	}
	/* Both inside (or entering) their wait before the event. */
	started_wait(2);
	cpu0 = cpu_s();
	t0 = probe_ms();
	ok = probe_run(p->remove_cmd);
	for (i = 0; i < 2; i++)
		woken[i] = joined(&w[i], WAKE_MS);
	cpu = cpu_s() - cpu0;
	/* One still waiting: the insertion wakes it, then report. */
	probe_run(p->insert_cmd);
	for (i = 0; i < 2; i++)
		if (!woken[i])
			pthread_join(w[i].th, NULL);
	ok = ok && woken[0] && woken[1];
	probe_check(p, 'P', "event.two_waiters",
	            ok && w[0].rv == CKR_OK && w[1].rv == CKR_OK &&
	                    w[0].slot == p->slot && w[1].slot == p->slot &&
	                    w[0].done_ms - t0 < WAKE_MS &&
	                    w[1].done_ms - t0 < WAKE_MS && cpu < 1.0,
	            "one removal woke both waiters: %s slot %lu, %s slot %lu, "
	            "%.2f s of CPU while waiting",
	            probe_rv(w[0].rv), (unsigned long)w[0].slot,
	            probe_rv(w[1].rv), (unsigned long)w[1].slot, cpu);
	(void)drain(p);
}

/* A child of fork() starts with its own C_Initialize (PKCS#11 usage
 * guide, "Applications and processes"); the parent's session is not its
 * own. */
static void fork_child(probe *p)
{
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_SESSION_INFO si;
	int fds[2], status = 0;
	CK_RV got[2] = {0, 0};
	pid_t pid;

	if (p->have_slot)
		s = probe_session(p, false);
	if (pipe(fds) != 0)
		return;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		got[0] = s != CK_INVALID_HANDLE ? p->f->C_GetSessionInfo(s, &si)
		                                : CKR_OK;
		got[1] = p->f->C_Initialize(NULL);
		if (write(fds[1], got, sizeof(got)) != (ssize_t)sizeof(got))
			_exit(2);
		if (got[1] == CKR_OK)
			p->f->C_Finalize(NULL);
		_exit(0);
	}
	close(fds[1]);
	if (pid < 0 || read(fds[0], got, sizeof(got)) != (ssize_t)sizeof(got))
		got[1] = CKR_GENERAL_ERROR;
	close(fds[0]);
	if (pid > 0)
		waitpid(pid, &status, 0);
	probe_ref(p, "fork.child_initialize", probe_rv(got[1]),
	          got[1] == CKR_OK, "the child's C_Initialize: %s",
	          probe_rv(got[1]));
	if (s != CK_INVALID_HANDLE) {
		probe_ref(p, "fork.parent_session", probe_rv(got[0]),
		          got[0] == CKR_CRYPTOKI_NOT_INITIALIZED,
		          "the parent's session in the child: %s",
		          probe_rv(got[0]));
		p->f->C_CloseSession(s);
	}
}

void probe_events(probe *p)
{
	no_event(p);
	finalize_wakes(p);
	if (!p->initialized)
		return;
	if (p->have_slot)
		two_waiters(p);
	fork_child(p);
}
