/* SPDX-License-Identifier: BSD-2-Clause */
/* Small helpers the benchmark programs share: a monotonic clock in
 * microseconds and a wait status turned into one number. */
#ifndef SAFEID_BENCH_UTIL_H
#define SAFEID_BENCH_UTIL_H

#include <sys/wait.h>
#include <time.h>

static inline long long bench_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Exit status, or 128 + the signal that ended the process (as sh does). */
static inline int bench_status(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return 255;
}

#endif
