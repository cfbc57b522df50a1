/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bench-exec: run one command and report its wall time and peak RSS, for
 * the benchmark script (tests/bench/run).
 *
 *   bench-exec [--in FILE] [--out FILE] [--err FILE] -- COMMAND [ARGS...]
 *
 * Prints "wall_us=N maxrss_kib=N status=N cpu_us=N" on stdout: wall time
 * from just before the spawn to the reaping of the child (CLOCK_MONOTONIC),
 * the child's peak resident set and its user+system CPU time from wait4's
 * rusage (CPU time hardly depends on the machine's load; wall time does),
 * and its exit status (128+N when killed by signal N).  The child's stdin/stdout/stderr are FILE or
 * /dev/null, so the figures never depend on a terminal.  Exit 0 when the
 * command ran (whatever its status), 125 when it could not be started.
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>

#include "bench-util.h"

extern char **environ;

static int redirect(posix_spawn_file_actions_t *fa, int fd, const char *path,
                    int flags)
{
	int rc = posix_spawn_file_actions_addopen(fa, fd, path, flags, 0600);

	if (rc != 0)
		fprintf(stderr, "bench-exec: redirect fd %d to '%s': %s\n", fd,
		        path, strerror(rc));
	return rc;
}

int main(int argc, char **argv)
{
	const char *in = "/dev/null", *out = "/dev/null", *err = "/dev/null";
	posix_spawn_file_actions_t fa;
	struct rusage ru;
	long long t0, t1;
	pid_t pid;
	int i, rc, st = 0, ret = 125;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (i + 1 >= argc)
			break;
		if (strcmp(argv[i], "--in") == 0)
			in = argv[++i];
		else if (strcmp(argv[i], "--out") == 0)
			out = argv[++i];
		else if (strcmp(argv[i], "--err") == 0)
			err = argv[++i];
		else
			break;
	}
	if (i + 1 >= argc || strcmp(argv[i], "--") != 0) {
		fprintf(stderr, "usage: bench-exec [--in FILE] [--out FILE] "
		                "[--err FILE] -- COMMAND [ARGS...]\n");
		return 2;
	}
	if (posix_spawn_file_actions_init(&fa) != 0)
		return 125;
	if (redirect(&fa, 0, in, O_RDONLY) != 0 ||
	    redirect(&fa, 1, out, O_WRONLY | O_CREAT | O_TRUNC) != 0 ||
	    redirect(&fa, 2, err, O_WRONLY | O_CREAT | O_TRUNC) != 0)
		goto fail;
	t0 = bench_now_us();
	rc = posix_spawnp(&pid, argv[i + 1], &fa, NULL, argv + i + 1, environ);
	if (rc != 0) {
		fprintf(stderr, "bench-exec: cannot start '%s': %s\n",
		        argv[i + 1], strerror(rc));
		goto fail;
	}
	while (wait4(pid, &st, 0, &ru) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "bench-exec: wait for '%s': %s\n",
			        argv[i + 1], strerror(errno));
			goto fail;
		}
	}
	t1 = bench_now_us();
	printf("wall_us=%lld maxrss_kib=%ld status=%d cpu_us=%lld\n", t1 - t0,
	       ru.ru_maxrss, bench_status(st),
	       (long long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000 +
	               ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
	ret = 0;
fail:
	posix_spawn_file_actions_destroy(&fa);
	return ret;
}
