/* SPDX-License-Identifier: BSD-2-Clause */
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
	unsigned flags = isatty(fd) == 1 ? INPUT_READ_LINE : 0;
	input_buf b;
	int rc;

	*out = NULL;
	*len = 0;
	*cap = 0;
	rc = input_read_fd(fd, max, 0, flags, &b);
	if (rc == INPUT_ERR_NOMEM)
		return client_fail(err, CLIENT_EXIT_SETUP, "nomem",
		                   "out of memory");
	if (rc == INPUT_ERR_TOO_LONG)
		return client_fail(err, CLIENT_EXIT_INPUT, "too_long",
		                   "%s is longer than %zu bytes: give a single "
		                   "otpauth:// URI or base32 secret",
		                   what, max);
	if (rc != INPUT_OK)
		return client_fail(err, CLIENT_EXIT_INPUT, "read",
		                   "cannot read %s: %s", what, strerror(errno));
	*out = (char *)b.data;
	*len = b.len;
	*cap = b.cap;
	return 0;
}

int client_secret_read_file(const char *path, size_t max, char **out,
                            size_t *len, size_t *cap, bool *exposed,
                            client_error *err)
{
	unsigned mode = 0;
	input_buf b;
	int rc;

	*out = NULL;
	*len = 0;
	*cap = 0;
	*exposed = false;
	/* A regular file, or a pipe a program writes to (<(command)); a
	 * FIFO nobody writes to, a device or a directory is refused at
	 * once instead of blocking or reading for ever. */
	rc = input_read_file(path, max, INPUT_FILE_PIPE, &b, &mode);
	if (rc == INPUT_ERR_NOT_FILE)
		return client_fail(err, CLIENT_EXIT_INPUT, "not_file",
		                   "'%s' is %s, not a file; give a file, or "
		                   "pipe the text to standard input (--uri -)",
		                   path, input_file_kind(mode));
	if (rc == INPUT_ERR_EMPTY_INPUT)
		return client_fail(
			err, CLIENT_EXIT_INPUT, "empty_input",
			"'%s' is a pipe (FIFO) that gave nothing: no "
			"program writes to it; give a file, or pipe "
			"the text to standard input (--uri -)",
			path);
	if (rc == INPUT_ERR_IO && errno == ETIMEDOUT)
		return client_fail(err, CLIENT_EXIT_INPUT, "read",
		                   "nothing came through the pipe '%s' within "
		                   "%d s; check the program that writes to it",
		                   path, INPUT_PIPE_SECONDS);
	if (rc == INPUT_ERR_TOO_LONG)
		return client_fail(
			err, CLIENT_EXIT_INPUT, "too_long",
			"'%s' is longer than %zu bytes: give a single "
			"otpauth:// URI or base32 secret",
			path, max);
	if (rc == INPUT_ERR_NOMEM)
		return client_fail(err, CLIENT_EXIT_SETUP, "nomem",
		                   "out of memory");
	if (rc != INPUT_OK)
		return client_fail(err, CLIENT_EXIT_INPUT, "io",
		                   "cannot %s '%s': %s: check the file name",
		                   mode == 0 ? "open" : "read", path,
		                   strerror(errno));
	if (mode & (S_IRGRP | S_IROTH))
		*exposed = true;
	*out = (char *)b.data;
	*len = b.len;
	*cap = b.cap;
	return 0;
}
