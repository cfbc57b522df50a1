/*
 * lock.c: the writer lock.  A blocking flock() bounded by an alarm: the
 * kernel wakes us when the other process lets go, and the alarm ends the
 * wait if it never does (no polling).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lock.h"
#include "record.h"

static void on_alarm(int sig)
{
	(void)sig; /* only interrupts flock() */
}

static int lock_wait(int fd, unsigned seconds)
{
	struct sigaction sa, old;
	int rc;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, &old);
	alarm(seconds);
	rc = flock(fd, LOCK_EX);
	alarm(0);
	sigaction(SIGALRM, &old, NULL);
	return rc;
}

int tool_lock(const char *state_dir, unsigned seconds, bool quiet, int *fd,
              tool_error *err)
{
	char dir[4096], path[4200];

	*fd = -1;
	if (tool_record_dir(state_dir, dir, sizeof(dir)) != 0)
		return 0; /* no home: the PC/SC transaction still protects */
	for (char *p = dir + 1; *p != '\0'; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(dir, 0700);
			*p = '/';
		}
	mkdir(dir, 0700);
	snprintf(path, sizeof(path), "%s/.lock", dir);
	*fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (*fd < 0)
		return 0; /* read-only home: go on without the lock */
	if (flock(*fd, LOCK_EX | LOCK_NB) == 0)
		return 0;
	if (!quiet)
		fprintf(stderr, "safeid-tool: another safeid-tool is writing a "
		                "token; waiting up to %u s for it to finish...\n",
		        seconds);
	if (lock_wait(*fd, seconds) == 0)
		return 0;
	close(*fd);
	*fd = -1;
	return tool_fail(err, EXIT_NO_TOKEN, "busy",
	                 "nothing written: another safeid-tool kept writing a "
	                 "token for %u s (lock '%s'); let it finish, or end it, "
	                 "and run again",
	                 seconds, path);
}

void tool_unlock(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}
