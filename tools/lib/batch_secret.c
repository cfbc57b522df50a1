/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * batch_secret.c: the secret of a batch, read from a file so it never
 * shows in the process list.  One trailing newline is dropped and nothing
 * else is changed, so every reader of the file (this tool, the server's
 * import form, python-pskc) derives the same key from it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "provision_int.h"

static int psk_parse(client_batch_secret *s, const uint8_t *buf, size_t len,
                     client_error *err)
{
	size_t i;

	if (len != 2 * CLIENT_PSK_BYTES)
		return client_fail(err, CLIENT_EXIT_INPUT, "psk_length",
		                   "%s holds %zu characters; a pre-shared key "
		                   "is exactly 32 hex digits (16 bytes): make "
		                   "one with 'openssl rand -hex 16 > FILE'",
		                   s->source, len);
	for (i = 0; i < len; i++)
		if (client_hex_digit(buf[i]) < 0)
			return client_fail(err, CLIENT_EXIT_INPUT, "psk_hex",
			                   "%s is not hex: character %zu is "
			                   "not 0-9 or a-f; a pre-shared key "
			                   "is exactly 32 hex digits: make one "
			                   "with 'openssl rand -hex 16 > FILE'",
			                   s->source, i + 1);
	s->data = OPENSSL_malloc(CLIENT_PSK_BYTES);
	if (s->data == NULL)
		return client_fail(err, CLIENT_EXIT_SETUP, "nomem",
		                   "out of memory");
	for (i = 0; i < CLIENT_PSK_BYTES; i++)
		s->data[i] = (uint8_t)(client_hex_digit(buf[2 * i]) << 4 |
		                       client_hex_digit(buf[2 * i + 1]));
	s->len = CLIENT_PSK_BYTES;
	return 0;
}

static int password_parse(client_batch_secret *s, const uint8_t *buf,
                          size_t len, client_error *err)
{
	size_t i, n;
	bool ascii = true;

	if (len == 0)
		return client_fail(err, CLIENT_EXIT_INPUT, "password_empty",
		                   "%s is empty: write the batch password into "
		                   "it (6 or more characters)",
		                   s->source);
	if (len < 6)
		return client_fail(err, CLIENT_EXIT_INPUT, "password_short",
		                   "%s holds a password of %zu bytes: use 6 or "
		                   "more characters (LinOTP refuses shorter "
		                   "ones)",
		                   s->source, len);
	for (i = 0; i < len; i += n) {
		n = client_utf8_len(buf + i, len - i);
		if (n == 0 || buf[i] < 0x20 || buf[i] == 0x7f)
			return client_fail(err, CLIENT_EXIT_INPUT,
			                   "password_chars",
			                   "%s: byte %zu of the password is a "
			                   "control character, a line break or "
			                   "not UTF-8: a password is one line "
			                   "of text",
			                   s->source, i + 1);
		if (n > 1)
			ascii = false;
	}
	s->ascii_6_64 = ascii && len <= 64;
	s->data = OPENSSL_malloc(len);
	if (s->data == NULL)
		return client_fail(err, CLIENT_EXIT_SETUP, "nomem",
		                   "out of memory");
	memcpy(s->data, buf, len);
	s->len = len;
	return 0;
}

int client_batch_secret_load(client_batch_secret *s, client_secret_kind kind,
                             const char *path, client_error *err)
{
	uint8_t buf[CLIENT_PASSWORD_MAX + 3];
	struct stat st;
	ssize_t got;
	size_t len = 0;
	int fd, ret;

	memset(s, 0, sizeof(*s));
	s->kind = kind;
	snprintf(s->source, sizeof(s->source), "%s file '%s'",
	         kind == CLIENT_SECRET_PSK ? "pre-shared key" : "password",
	         path);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return client_fail(err, CLIENT_EXIT_INPUT, "secret_open",
		                   "cannot open the %s: %s: check the name",
		                   s->source, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return client_fail(err, CLIENT_EXIT_INPUT, "secret_type",
		                   "the %s is not a regular file: give a file "
		                   "that holds the secret",
		                   s->source);
	}
	while (len < sizeof(buf)) {
		got = read(fd, buf + len, sizeof(buf) - len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		len += (size_t)got;
	}
	close(fd);
	if (len == sizeof(buf)) {
		ret = client_fail(err, CLIENT_EXIT_INPUT, "secret_long",
		                  "the %s is longer than %u bytes: it should "
		                  "hold one line, the secret",
		                  s->source, CLIENT_PASSWORD_MAX);
		goto out;
	}
	if (len > 0 && buf[len - 1] == '\n')
		len--;
	if (len > 0 && buf[len - 1] == '\r')
		len--;
	if (kind == CLIENT_SECRET_PSK)
		ret = psk_parse(s, buf, len, err);
	else
		ret = password_parse(s, buf, len, err);
out:
	OPENSSL_cleanse(buf, sizeof(buf));
	if (ret != 0)
		client_batch_secret_free(s);
	return ret;
}

void client_batch_secret_free(client_batch_secret *s)
{
	if (s->data != NULL)
		OPENSSL_clear_free(s->data, s->len);
	s->data = NULL;
	s->len = 0;
}
