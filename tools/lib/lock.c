/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lock.c: the writer lock (client.h).  Taking it never blocks here: the
 * front end decides how to wait for another writer (the tool blocks in
 * flock() bounded by an alarm; a window would rather show that it waits),
 * and this library installs no signal handler.  The holder writes which
 * front end it is into the file, so a writer kept waiting is told who
 * holds it: safeid-tool, or a window, which people cannot tell apart from
 * the outside.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend.h"

/* What the holder writes: its front end (client_front) and process. */
#define HOLDER_TOOL "tool"
#define HOLDER_WINDOW "window"

void client_lock_held(int fd)
{
	char line[64];
	int n;

	if (fd < 0)
		return;
	n = snprintf(line, sizeof(line), "%s %ld\n",
	             client_front_now == CLIENT_FRONT_WINDOW ? HOLDER_WINDOW
	                                                     : HOLDER_TOOL,
	             (long)getpid());
	/* Only a hint for the next writer (the flock is the lock): a line
	 * not written whole is read as no one in particular. */
	if (ftruncate(fd, 0) == 0 && pwrite(fd, line, (size_t)n, 0) != n &&
	    ftruncate(fd, 0) != 0)
		return;
}

/*
 * Who holds the lock fd names, as a sentence's subject.  The file is
 * read as untrusted (any user process of ours may write it): a short
 * line, one of the two words; anything else is an unknown holder.
 */
void client_lock_holder(int fd, char *out, size_t cap)
{
	char buf[64];
	ssize_t n = fd >= 0 ? pread(fd, buf, sizeof(buf) - 1, 0) : -1;
	bool tool, window;

	buf[n > 0 ? n : 0] = '\0';
	tool = strncmp(buf, HOLDER_TOOL " ", strlen(HOLDER_TOOL) + 1) == 0;
	window =
		strncmp(buf, HOLDER_WINDOW " ", strlen(HOLDER_WINDOW) + 1) == 0;
	if (tool)
		snprintf(out, cap, "%s",
		         client_front_words("another safeid-tool",
		                            "safeid-tool"));
	else if (window)
		snprintf(out, cap, "%s",
		         client_front_words("a safeid window (safeid-gui)",
		                            "another safeid window"));
	else
		snprintf(out, cap, "another safeid program");
}

int client_lock_try(const char *state_dir, int *fd, char *path, size_t cap,
                    client_error *err)
{
	struct stat st;
	char dir[4096];

	*fd = -1;
	path[0] = '\0';
	if (client_record_dir(state_dir, dir, sizeof(dir)) != 0)
		return 0; /* no home: the PC/SC transaction still protects */
	for (char *p = dir + 1; *p != '\0'; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(dir, 0700);
			*p = '/';
		}
	mkdir(dir, 0700);
	snprintf(path, cap, "%s/.lock", dir);
	/* Never through a symbolic link (it could make us create a file
	 * elsewhere), never blocking on a FIFO. */
	*fd = open(path,
	           O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY |
	                   O_CLOEXEC,
	           0600);
	if (*fd < 0 && (errno == EROFS || errno == EACCES || errno == EPERM ||
	                errno == ENOENT))
		return 0; /* read-only home: go on without the lock */
	if (*fd < 0 || fstat(*fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_uid != geteuid()) {
		client_lock_release(fd);
		return client_fail(
			err, CLIENT_EXIT_SETUP, "lock",
			"nothing written: the lock file '%s' is not "
			"a regular file of yours (a symbolic link, a "
			"FIFO, a directory or another user's file); "
			"delete it and %s",
			path, client_front_words("run again", "try again"));
	}
	if (flock(*fd, LOCK_EX | LOCK_NB) == 0) {
		client_lock_held(*fd);
		return 0;
	}
	return 1;
}

int client_lock_fail(int *fd, unsigned seconds, const char *path,
                     client_error *err)
{
	char who[64];

	client_lock_holder(*fd, who, sizeof(who));
	client_lock_release(fd);
	/* A front end that does not wait says so, not "for 0 s". */
	if (seconds == 0)
		return client_fail(
			err, CLIENT_EXIT_NO_TOKEN, "busy",
			"nothing written: %s is writing a token "
			"(lock '%s'); let it finish, then %s",
			who, path,
			client_front_words("run again", "try again"));
	return client_fail(err, CLIENT_EXIT_NO_TOKEN, "busy",
	                   "nothing written: %s kept writing a token for %u "
	                   "s (lock '%s'); let it finish, or end it, and %s",
	                   who, seconds, path,
	                   client_front_words("run again", "try again"));
}

void client_lock_release(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}
