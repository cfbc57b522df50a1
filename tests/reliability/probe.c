/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * probe.so: an LD_PRELOAD test hook for the secret-hygiene test.  Each
 * read() from standard input (where safeid-tool takes a secret) and the
 * process exit append one line to $SAFEID_PROBE_FILE saying whether the
 * process could dump core at that moment:
 *   read fd=0 dumpable=D core=SOFT/HARD
 * A process holding a secret must show dumpable=0 and core=0/0.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

typedef ssize_t (*read_fn)(int, void *, size_t);

static void note(const char *what)
{
	const char *path = getenv("SAFEID_PROBE_FILE");
	struct rlimit rl = {RLIM_INFINITY, RLIM_INFINITY};
	char line[160];
	int fd, n, saved = errno;

	if (path == NULL)
		return;
	getrlimit(RLIMIT_CORE, &rl);
	n = snprintf(line, sizeof(line), "%s dumpable=%d core=%llu/%llu\n",
	             what, prctl(PR_GET_DUMPABLE, 0, 0, 0, 0),
	             (unsigned long long)rl.rlim_cur,
	             (unsigned long long)rl.rlim_max);
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd >= 0 && n > 0) {
		/* a short write only shortens the evidence; the test then fails */
		if (write(fd, line, (size_t)n) < 0)
			n = 0;
	}
	if (fd >= 0)
		close(fd);
	errno = saved;
}

ssize_t read(int fd, void *buf, size_t count)
{
	static read_fn real;

	if (real == NULL)
		real = (read_fn)dlsym(RTLD_NEXT, "read");
	if (fd == 0)
		note("read fd=0");
	return real(fd, buf, count);
}

__attribute__((destructor)) static void at_exit(void)
{
	note("exit");
}
