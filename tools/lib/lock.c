/*
 * lock.c: the writer lock (client.h).  Taking it never blocks here: the
 * front end decides how to wait for another writer (the tool blocks in
 * flock() bounded by an alarm; a window would rather show that it waits),
 * and this library installs no signal handler.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client.h"

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
	*fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK |
	                     O_NOCTTY | O_CLOEXEC,
	           0600);
	if (*fd < 0 && (errno == EROFS || errno == EACCES || errno == EPERM ||
	                errno == ENOENT))
		return 0; /* read-only home: go on without the lock */
	if (*fd < 0 || fstat(*fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_uid != geteuid()) {
		client_lock_release(fd);
		return client_fail(err, CLIENT_EXIT_SETUP, "lock",
		                   "nothing written: the lock file '%s' is not "
		                   "a regular file of yours (a symbolic link, a "
		                   "FIFO, a directory or another user's file); "
		                   "delete it and %s",
		                   path,
		                   client_front_words("run again", "try again"));
	}
	if (flock(*fd, LOCK_EX | LOCK_NB) == 0)
		return 0;
	return 1;
}

int client_lock_fail(int *fd, unsigned seconds, const char *path,
                     client_error *err)
{
	client_lock_release(fd);
	return client_fail(err, CLIENT_EXIT_NO_TOKEN, "busy",
	                   "nothing written: another %s kept writing a token "
	                   "for %u s (lock '%s'); let it finish, or end it, "
	                   "and %s",
	                   client_front_words("safeid-tool",
	                                      "program (safeid-tool or a "
	                                      "safeid window)"),
	                   seconds, path,
	                   client_front_words("run again", "try again"));
}

void client_lock_release(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}
