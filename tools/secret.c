/*
 * secret.c: reading secrets (URIs, base32 seeds) and keeping them private.
 *
 * Secrets come from stdin, a file or a QR code, never argv by default: argv
 * is visible to every user through /proc.  While the process holds one,
 * it cannot dump core and is not dumpable (so another user's debugger
 * cannot attach either).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "inputs.h"
#include "secret.h"

int tool_secrets_protect(void)
{
	struct rlimit rl = {0, 0};
	int ret = 0;

	if (setrlimit(RLIMIT_CORE, &rl) != 0)
		ret = -1;
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
		ret = -1;
	return ret;
}

void tool_chomp(char *s, size_t *len)
{
	while (*len > 0 && (s[*len - 1] == '\n' || s[*len - 1] == '\r' ||
	                    s[*len - 1] == ' ' || s[*len - 1] == '\t'))
		s[--*len] = '\0';
}

int tool_read_secret_fd(int fd, const char *what, size_t max, bool no_echo,
                        char **out, size_t *len, size_t *cap,
                        tool_error *err)
{
	struct termios old, quiet;
	bool restore = false, tty = isatty(fd) == 1;
	size_t used = 0, room = max + 2;
	char *buf = calloc(1, room);
	int ret = 0;

	*out = NULL;
	*len = 0;
	*cap = 0;
	if (buf == NULL)
		return tool_fail(err, EXIT_SETUP, "nomem", "out of memory");
	if (tty && no_echo && tcgetattr(fd, &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		restore = tcsetattr(fd, TCSAFLUSH, &quiet) == 0;
	}
	for (;;) {
		ssize_t n = read(fd, buf + used, room - 1 - used);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = tool_fail(err, EXIT_INPUT, "read",
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
			ret = tool_fail(err, EXIT_INPUT, "too_long",
			                "%s is longer than %zu bytes: give a single "
			                "otpauth:// URI or base32 secret",
			                what, max);
			goto fail;
		}
	}
	if (restore) {
		tcsetattr(fd, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	buf[used] = '\0';
	*out = buf;
	*len = used;
	*cap = room;
	return 0;
fail:
	if (restore)
		tcsetattr(fd, TCSAFLUSH, &old);
	input_secret_free(buf, room);
	return ret;
}

int tool_read_secret_file(const char *path, size_t max, char **out,
                          size_t *len, size_t *cap, tool_error *err)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return tool_fail(err, EXIT_INPUT, "io",
		                 "cannot open '%s': %s: check the file name", path,
		                 strerror(errno));
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    (st.st_mode & (S_IRGRP | S_IROTH)))
		fprintf(stderr,
		        "safeid-tool: warning: '%s' holds a secret but other "
		        "users can read it: run 'chmod 600 %s' or delete it after "
		        "the burn\n",
		        path, path);
	ret = tool_read_secret_fd(fd, path, max, false, out, len, cap, err);
	close(fd);
	return ret;
}
