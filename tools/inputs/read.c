/*
 * The one bounded reader for everything safeid reads whole: image files,
 * a screenshot command's output or file, URIs and secrets on standard
 * input or in a file.  What it reads may hold a secret (a seed, or a QR
 * code showing one), so a buffer it outgrows is wiped before it is freed,
 * and reading stops one byte past the bound instead of at the end of an
 * endless stream.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
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

int input_read_fd(int fd, size_t max, size_t hint, unsigned flags,
                  input_buf *b)
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
		    memchr(b->data + b->len - (size_t)n, '\n', (size_t)n) != NULL)
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
