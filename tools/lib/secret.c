/*
 * secret.c: reading secrets (URIs, base32 seeds, typed codes) and keeping
 * them private.
 *
 * Secrets come from stdin, a file or a QR code, never argv by default: argv
 * is visible to every user through /proc.  While the process holds one,
 * it cannot dump core and is not dumpable (so another user's debugger
 * cannot attach either).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client.h"

int client_secrets_protect(void)
{
	struct rlimit rl = {0, 0};
	int ret = 0;

	if (setrlimit(RLIMIT_CORE, &rl) != 0)
		ret = -1;
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
		ret = -1;
	return ret;
}

int client_secret_read_fd(int fd, const char *what, size_t max, char **out,
                          size_t *len, size_t *cap, client_error *err)
{
	bool tty = isatty(fd) == 1;
	size_t used = 0, room = max + 2;
	char *buf = calloc(1, room);
	int ret = 0;

	*out = NULL;
	*len = 0;
	*cap = 0;
	if (buf == NULL)
		return client_fail(err, CLIENT_EXIT_SETUP, "nomem",
		                   "out of memory");
	for (;;) {
		ssize_t n = read(fd, buf + used, room - 1 - used);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = client_fail(err, CLIENT_EXIT_INPUT, "read",
			                  "cannot read %s: %s", what,
			                  strerror(errno));
			goto fail;
		}
		if (n == 0)
			break;
		used += (size_t)n;
		/* A terminal gives one line: stop there, do not wait for EOF. */
		if (tty && memchr(buf, '\n', used) != NULL)
			break;
		if (used > max) {
			ret = client_fail(err, CLIENT_EXIT_INPUT, "too_long",
			                  "%s is longer than %zu bytes: give a "
			                  "single otpauth:// URI or base32 "
			                  "secret",
			                  what, max);
			goto fail;
		}
	}
	buf[used] = '\0';
	*out = buf;
	*len = used;
	*cap = room;
	return 0;
fail:
	input_secret_free(buf, room);
	return ret;
}

int client_secret_read_file(const char *path, size_t max, char **out,
                            size_t *len, size_t *cap, bool *exposed,
                            client_error *err)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int ret;

	*exposed = false;
	if (fd < 0)
		return client_fail(err, CLIENT_EXIT_INPUT, "io",
		                   "cannot open '%s': %s: check the file name",
		                   path, strerror(errno));
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    (st.st_mode & (S_IRGRP | S_IROTH)))
		*exposed = true;
	ret = client_secret_read_fd(fd, path, max, out, len, cap, err);
	close(fd);
	return ret;
}
