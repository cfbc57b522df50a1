/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The one bounded reader for everything safeid reads whole: image files,
 * a screenshot command's output or file, URIs and secrets on standard
 * input or in a file.  What it reads may hold a secret (a seed, or a QR
 * code showing one), so a buffer it outgrows is wiped before it is freed,
 * and reading stops one byte past the bound instead of at the end of an
 * endless stream.  A file named on the command line is opened without
 * waiting (a FIFO without a writer would block open() for ever) and read
 * only when it is a regular file of bounded size.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

#define READ_FIRST_CAP 4096u

/* Move the bytes to a bigger buffer and wipe the old one (realloc would
 * leave a copy behind). */
static int read_grow(input_buf *b, size_t cap)
{
	uint8_t *n = malloc(cap);

	if (n == NULL)
		return INPUT_ERR_NOMEM;
	if (b->len > 0)
		memcpy(n, b->data, b->len);
	input_secret_free(b->data, b->cap);
	b->data = n;
	b->cap = cap;
	return INPUT_OK;
}

/* Milliseconds left until deadline (CLOCK_MONOTONIC), 0 when past. */
int input_ms_left(const struct timespec *deadline)
{
	struct timespec now;
	long long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (long long)(deadline->tv_sec - now.tv_sec) * 1000 +
	     (deadline->tv_nsec - now.tv_nsec) / 1000000;
	return ms <= 0 ? 0 : ms > 3600000 ? 3600000 : (int)ms;
}

/* Wait until fd can be read or the deadline passes (ETIMEDOUT). */
static int read_wait(int fd, const struct timespec *deadline)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	int n;

	if (deadline == NULL)
		return 0;
	do
		n = poll(&p, 1, input_ms_left(deadline));
	while (n < 0 && errno == EINTR);
	if (n == 0)
		errno = ETIMEDOUT;
	return n > 0 ? 0 : -1;
}

int input_read_fd(int fd, size_t max, size_t hint, unsigned flags, input_buf *b)
{
	return input_read_fd_until(fd, max, hint, flags, NULL, b);
}

int input_read_fd_until(int fd, size_t max, size_t hint, unsigned flags,
                        const struct timespec *deadline, input_buf *b)
{
	/* room for one byte past the bound (to see it) and the NUL */
	size_t limit = max + 2, cap = hint < max ? hint + 2 : limit;
	int rc, saved;

	memset(b, 0, sizeof(*b));
	if (cap < READ_FIRST_CAP)
		cap = READ_FIRST_CAP;
	if (cap > limit)
		cap = limit;
	if (read_grow(b, cap) != INPUT_OK)
		return INPUT_ERR_NOMEM;
	for (;;) {
		ssize_t n;

		if (b->len + 1 == b->cap &&
		    read_grow(b, b->cap > limit / 2 ? limit : b->cap * 2) !=
		            INPUT_OK) {
			rc = INPUT_ERR_NOMEM;
			goto fail;
		}
		n = read(fd, b->data + b->len, b->cap - 1 - b->len);
		if (n < 0 && errno == EINTR)
			continue;
		/* nothing yet from a non-blocking pipe: wait, bounded */
		if (n < 0 && errno == EAGAIN && deadline != NULL) {
			if (read_wait(fd, deadline) != 0) {
				rc = INPUT_ERR_IO;
				goto fail;
			}
			continue;
		}
		if (n < 0) {
			rc = INPUT_ERR_IO;
			goto fail;
		}
		if (n == 0)
			break;
		b->len += (size_t)n;
		if (b->len > max) {
			rc = INPUT_ERR_TOO_LONG;
			goto fail;
		}
		/* A terminal gives one line: stop there, do not wait for EOF. */
		if ((flags & INPUT_READ_LINE) &&
		    memchr(b->data + b->len - (size_t)n, '\n', (size_t)n) !=
		            NULL)
			break;
	}
	b->data[b->len] = '\0';
	return INPUT_OK;
fail:
	saved = errno;
	input_buf_free(b);
	errno = saved;
	return rc;
}

void input_buf_free(input_buf *b)
{
	input_secret_free(b->data, b->cap);
	memset(b, 0, sizeof(*b));
}

const char *input_file_kind(unsigned mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
		return "a regular file";
	case S_IFDIR:
		return "a directory";
	case S_IFIFO:
		return "a pipe (FIFO)";
	case S_IFCHR:
		return "a character device";
	case S_IFBLK:
		return "a block device";
	case S_IFSOCK:
		return "a socket";
	case S_IFLNK:
		return "a symbolic link";
	}
	return "not a regular file";
}

int input_read_file(const char *path, size_t max, unsigned flags, input_buf *b,
                    unsigned *mode)
{
	int oflags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
	struct stat st;
	int fd, rc, saved;

	memset(b, 0, sizeof(*b));
	if (mode != NULL)
		*mode = 0;
	if (flags & INPUT_FILE_NOFOLLOW)
		oflags |= O_NOFOLLOW;
	fd = open(path, oflags);
	if (fd < 0) {
		if (errno == ELOOP && (flags & INPUT_FILE_NOFOLLOW) &&
		    mode != NULL)
			*mode = S_IFLNK;
		return errno == ELOOP && (flags & INPUT_FILE_NOFOLLOW)
		               ? INPUT_ERR_NOT_FILE
		               : INPUT_ERR_IO;
	}
	if (fstat(fd, &st) != 0) {
		rc = INPUT_ERR_IO;
		goto done;
	}
	if (mode != NULL)
		*mode = (unsigned)st.st_mode;
	/* A pipe some program writes to (a shell's <(...)): read as it
	 * comes, for a bounded time.  With nothing writing to it, the first
	 * read ends at once with nothing. */
	if (S_ISFIFO(st.st_mode) && (flags & INPUT_FILE_PIPE)) {
		struct timespec deadline;

		clock_gettime(CLOCK_MONOTONIC, &deadline);
		deadline.tv_sec += INPUT_PIPE_SECONDS;
		rc = input_read_fd_until(fd, max, 0, 0, &deadline, b);
		if (rc == INPUT_OK && b->len == 0) {
			input_buf_free(b);
			rc = INPUT_ERR_EMPTY_INPUT;
		}
		goto done;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = INPUT_ERR_NOT_FILE;
		goto done;
	}
	/* Checked before a byte is read; the reader's bound catches a file
	 * that grows meanwhile. */
	if ((unsigned long long)st.st_size > max) {
		rc = INPUT_ERR_TOO_LONG;
		goto done;
	}
	rc = input_read_fd(fd, max, (size_t)st.st_size, 0, b);
done:
	saved = errno;
	close(fd);
	errno = saved;
	return rc;
}
