/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * m2.c: what a front end needs for a Token2 Molto2 besides the backend
 * (client.h, "multi-profile tokens"): the customer key from a file or
 * typed, the tries the token last reported kept between runs, and the
 * title an account gets on the display.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client.h"
#include "state_file.h"

void client_m2_key_free(client_m2_key *k)
{
	if (k->bytes != NULL)
		input_secret_free(k->bytes, k->cap);
	k->bytes = NULL;
	k->len = 0;
	k->cap = 0;
}

/* len bytes of text without one final newline (and a CR before it). */
static size_t line_len(const char *text, size_t len)
{
	if (len > 0 && text[len - 1] == '\n') {
		len--;
		if (len > 0 && text[len - 1] == '\r')
			len--;
	}
	return len;
}

int client_m2_key_take(client_m2_key *k, char *text, size_t len, size_t cap,
                       client_error *err)
{
	client_m2_key_free(k);
	len = line_len(text, len);
	if (len == 0) {
		input_secret_free(text, cap);
		return 0;
	}
	if (len > SAFEID_M2_CUSTOMER_KEY_MAX) {
		input_secret_free(text, cap);
		return client_fail(err, CLIENT_EXIT_INPUT, "customer_key",
		                   "the customer key typed is longer than %u "
		                   "bytes: a Molto2's key is 1 to %u bytes",
		                   SAFEID_M2_CUSTOMER_KEY_MAX,
		                   SAFEID_M2_CUSTOMER_KEY_MAX);
	}
	k->bytes = text;
	k->len = len;
	k->cap = cap;
	return 0;
}

/* Why the key file may not be used, or NULL. */
static const char *key_file_problem(const struct stat *st, char *why,
                                    size_t cap)
{
	if (!S_ISREG(st->st_mode)) {
		snprintf(why, cap, "it is %s, not a regular file",
		         input_file_kind(st->st_mode));
		return why;
	}
	if (st->st_uid != geteuid()) {
		snprintf(why, cap,
		         "it belongs to user %u, not to you (%u): "
		         "copy it to a file of your own with mode 0600",
		         (unsigned)st->st_uid, (unsigned)geteuid());
		return why;
	}
	if (st->st_mode & (S_IRWXG | S_IRWXO)) {
		snprintf(why, cap,
		         "other users may read or change it (mode "
		         "%04o): run chmod 600 on it",
		         (unsigned)(st->st_mode & 07777));
		return why;
	}
	if (st->st_size > (off_t)CLIENT_M2_KEY_FILE_MAX) {
		snprintf(why, cap,
		         "it holds %lld bytes; a customer key is 1 "
		         "to %u bytes",
		         (long long)st->st_size, SAFEID_M2_CUSTOMER_KEY_MAX);
		return why;
	}
	return NULL;
}

int client_m2_key_file(const char *path, const char *what, client_m2_key *k,
                       client_error *err)
{
	char why[200];
	struct stat st;
	size_t cap = CLIENT_M2_KEY_FILE_MAX + 1, len = 0;
	char *buf;
	ssize_t n;
	int fd, ret = 0;

	client_m2_key_free(k);
	/* Never blocks on a FIFO or a device: their type is refused next. */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return client_fail(err, CLIENT_EXIT_INPUT, "customer_key",
		                   "%s '%s' cannot be opened: %s; check the "
		                   "file name",
		                   what, path, strerror(errno));
	why[0] = '\0';
	if (fstat(fd, &st) != 0)
		snprintf(why, sizeof(why), "%s", strerror(errno));
	else
		(void)key_file_problem(&st, why, sizeof(why));
	if (why[0] != '\0') {
		close(fd);
		return client_fail(err, CLIENT_EXIT_INPUT, "customer_key",
		                   "%s '%s' is not used: %s", what, path, why);
	}
	buf = calloc(1, cap);
	if (buf == NULL) {
		close(fd);
		return client_fail(err, CLIENT_EXIT_SETUP, "nomem",
		                   "out of memory");
	}
	while (len < cap) {
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = client_fail(err, CLIENT_EXIT_INPUT,
			                  "customer_key",
			                  "%s '%s' cannot be read: %s", what,
			                  path, strerror(errno));
			break;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (ret == 0 && len > CLIENT_M2_KEY_FILE_MAX)
		ret = client_fail(err, CLIENT_EXIT_INPUT, "customer_key",
		                  "%s '%s' grew past %u bytes while it was "
		                  "read; a customer key is 1 to %u bytes",
		                  what, path, CLIENT_M2_KEY_FILE_MAX,
		                  SAFEID_M2_CUSTOMER_KEY_MAX);
	len = line_len(buf, len);
	if (ret == 0 && (len == 0 || len > SAFEID_M2_CUSTOMER_KEY_MAX))
		ret = client_fail(err, CLIENT_EXIT_INPUT, "customer_key",
		                  "%s '%s' holds %s; a customer key is 1 to %u "
		                  "bytes (one final newline is not part of it)",
		                  what, path, len == 0 ? "nothing" : "too much",
		                  SAFEID_M2_CUSTOMER_KEY_MAX);
	if (ret != 0) {
		input_secret_free(buf, cap);
		return ret;
	}
	k->bytes = buf;
	k->len = len;
	k->cap = cap;
	return 0;
}

/* ---- the tries count ----------------------------------------------------- */

#define TRIES_FILE_MAX 64

static int tries_name(const char *state_dir, const char *serial, char *dir,
                      size_t dircap, char *name, size_t namecap)
{
	if (client_record_dir(state_dir, dir, dircap) != 0 ||
	    !client_record_serial_ok(serial))
		return -1;
	snprintf(name, namecap, "%s.tries", serial);
	return 0;
}

/* "tries_left=N\n", N 0..255, nothing else. */
static int tries_parse(const char *buf, size_t len, int *tries)
{
	static const char key[] = "tries_left=";
	size_t k = sizeof(key) - 1, i;
	int v = 0;

	if (len < k + 2 || memcmp(buf, key, k) != 0 || buf[len - 1] != '\n')
		return -1;
	for (i = k; i < len - 1; i++) {
		if (buf[i] < '0' || buf[i] > '9' || i - k >= 3)
			return -1;
		v = v * 10 + (buf[i] - '0');
	}
	if (i == k || v > 255 || (buf[k] == '0' && i - k > 1))
		return -1;
	*tries = v;
	return 0;
}

int client_tries_load(const char *state_dir, const char *serial, int *tries,
                      client_error *err)
{
	char dir[4096], name[SAFEID_SERIAL_MAX + 8], buf[TRIES_FILE_MAX + 1];
	char why[160];
	size_t len = 0;
	int dfd, rc;

	*tries = -1;
	if (tries_name(state_dir, serial, dir, sizeof(dir), name,
	               sizeof(name)) != 0)
		return 0;
	dfd = client_state_dir_open(dir, "the Molto2 tries counts", err);
	if (dfd < 0)
		return errno == ENOENT ? 0 : err->exit_code;
	rc = client_state_file_read(dfd, name, buf, sizeof(buf), &len, why,
	                            sizeof(why));
	close(dfd);
	if (rc == 1)
		return 0;
	if (rc == 0 && len > TRIES_FILE_MAX)
		snprintf(why, sizeof(why), "it is longer than %d bytes",
		         TRIES_FILE_MAX);
	else if (rc == 0 && tries_parse(buf, len, tries) != 0)
		snprintf(why, sizeof(why),
		         "it is not one line "
		         "'tries_left=N' with N from 0 to 255");
	else if (rc == 0)
		return 0;
	*tries = -1;
	return client_fail(err, CLIENT_EXIT_INPUT, "tries_file",
	                   "the tries count '%s/%s' of token %s is not used: "
	                   "%s. Delete it (rm '%s/%s'); the tool then does not "
	                   "know how many wrong customer keys the token still "
	                   "takes, so make sure of the key first",
	                   dir, name, serial, why, dir, name);
}

int client_tries_save(const char *state_dir, const char *serial, int tries)
{
	char dir[4096], name[SAFEID_SERIAL_MAX + 8], path[4200], text[32];
	int n;

	if (tries_name(state_dir, serial, dir, sizeof(dir), name,
	               sizeof(name)) != 0)
		return ENOENT;
	if (tries < 0) {
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		return unlink(path) == 0 || errno == ENOENT ? 0 : errno;
	}
	n = snprintf(text, sizeof(text), "tries_left=%d\n",
	             tries > 255 ? 255 : tries);
	return client_state_file_write(dir, name, text, (size_t)n);
}

/* ---- titles -------------------------------------------------------------- */

size_t client_m2_title(const input_account *a, const char *text,
                       char out[SAFEID_M2_TITLE_MAX + 1], bool *cut)
{
	char whole[INPUT_FIELD_MAX + 1];
	const char *src = text;
	size_t n;

	if (src == NULL)
		src = a->issuer[0] != '\0' ? a->issuer : a->name;
	/* the title is shown on the token's display: nothing that is not
	 * printable text goes there */
	client_record_name_copy(whole, sizeof(whole), src);
	client_record_name_copy(out, SAFEID_M2_TITLE_MAX + 1, whole);
	n = strlen(out);
	*cut = n < strlen(whole);
	return n;
}
