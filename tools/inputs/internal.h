/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Helpers shared by the files of safeid_inputs; not part of the public API.
 */
#ifndef INPUTS_INTERNAL_H
#define INPUTS_INTERNAL_H

#include "inputs.h"

/* Fill *err (if given) with code and a formatted message; return code. */
int input_fail(input_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Name of the input for messages: `what` or "the input". */
const char *input_what(const char *what);

/* Append a fresh zeroed account to the list; NULL when out of memory. */
input_account *input_account_list_push(input_account_list *l);
/* Drop the accounts from index `keep` on (wiping them). */
void input_account_list_truncate(input_account_list *l, size_t keep);

/* Case-insensitive prefix test on a counted string. */
int input_has_prefix(const char *s, size_t len, const char *prefix);

/* Percent-decode s[0..len) into a new NUL-terminated heap string.  Rejects
 * bad escapes and NUL (raw or %00); `plus_space` maps '+' to ' ' (query
 * values).  *out is wiped+freed by the caller when it may hold a secret. */
int input_pct_decode(const char *s, size_t len, int plus_space, char **out,
                     size_t *outlen, const char *field, const char *what,
                     input_error *err);

/* input_read_fd on a non-blocking fd, ending with INPUT_ERR_IO and errno
 * ETIMEDOUT when no byte comes before deadline (CLOCK_MONOTONIC; NULL: no
 * deadline, for a blocking fd). */
struct timespec;
int input_read_fd_until(int fd, size_t max, size_t hint, unsigned flags,
                        const struct timespec *deadline, input_buf *b);
/* Milliseconds from now to deadline, 0 when it has passed. */
int input_ms_left(const struct timespec *deadline);

/* Grey image loading (image.c). */
typedef struct input_image {
	uint8_t *px; /* width*height bytes, 8-bit grey */
	unsigned width, height;
} input_image;
int input_image_load(const uint8_t *data, size_t len, const char *what,
                     input_image *out, input_error *err);
void input_image_free(input_image *img);

/* QR list append; takes ownership of nothing, copies text. */
int input_qr_list_push(input_qr_list *l, const char *text, size_t len, int x,
                       int y, int w, int h, int monitor);

#endif
