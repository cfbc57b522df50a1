/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * users.c: the users a batch assigns to its tokens, in order, from a file
 * with one user per line or a CSV file with a header.  Every field must
 * come back from every server's parser as it was written, so what no
 * format can carry is refused here, before any token is touched.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "provision_int.h"

#define USERS_MAX 1000000u
#define LINE_MAX_BYTES 4096u

/* Columns of a CSV users file: index of each, -1 when absent. */
typedef struct columns {
	int user, resolver, realm, count;
} columns;

static int field_check(const client_users *u, size_t line, const char *what,
                       const char *v, size_t cap, client_error *err)
{
	size_t bad = 0, n = strlen(v);

	if (n >= cap)
		return client_fail(err, CLIENT_EXIT_INPUT, "users_long",
		                   "users file '%s' line %zu: the %s is longer "
		                   "than %zu bytes",
		                   u->path, line, what, cap - 1);
	if (!client_text_clean(v, &bad))
		return client_fail(err, CLIENT_EXIT_INPUT, "users_chars",
		                   "users file '%s' line %zu: the %s has a "
		                   "control character or invalid UTF-8 at byte "
		                   "%zu: save the file as UTF-8 text",
		                   u->path, line, what, bad + 1);
	if (n > 0 && (v[0] == ' ' || v[n - 1] == ' '))
		return client_fail(err, CLIENT_EXIT_INPUT, "users_space",
		                   "users file '%s' line %zu: the %s '%s' "
		                   "starts or ends with a space, which the "
		                   "servers' parsers drop or keep differently: "
		                   "remove it",
		                   u->path, line, what, v);
	if (strpbrk(v, "\";") != NULL)
		return client_fail(err, CLIENT_EXIT_INPUT, "users_quote",
		                   "users file '%s' line %zu: the %s '%s' "
		                   "holds a quote or ';', which the servers' "
		                   "importers do not understand: rename the "
		                   "user",
		                   u->path, line, what, v);
	return 0;
}

/* Split line at ',' in place into at most max fields. */
static int split(char *line, char **f, int max)
{
	int n = 0;

	f[n++] = line;
	for (char *p = line; *p != '\0'; p++)
		if (*p == ',') {
			*p = '\0';
			if (n == max)
				return -1;
			f[n++] = p + 1;
		}
	return n;
}

static int header_parse(client_users *u, char *line, columns *c,
                        client_error *err)
{
	char *f[16];
	int n = split(line, f, 16);

	c->user = c->resolver = c->realm = -1;
	c->count = n;
	for (int i = 0; i < n; i++) {
		if (strcasecmp(f[i], "user") == 0 ||
		    strcasecmp(f[i], "upn") == 0 ||
		    strcasecmp(f[i], "username") == 0)
			c->user = i;
		else if (strcasecmp(f[i], "resolver") == 0)
			c->resolver = i;
		else if (strcasecmp(f[i], "realm") == 0)
			c->realm = i;
	}
	if (n < 0 || c->user < 0)
		return client_fail(err, CLIENT_EXIT_INPUT, "users_header",
		                   "users file '%s': the first line has commas "
		                   "but no column 'user' (or 'upn'): give one "
		                   "user per line, or a CSV header such as "
		                   "'user,realm'",
		                   u->path);
	return 0;
}

static int user_add(client_users *u, size_t line, char **f, int n,
                    const columns *c, client_error *err)
{
	client_user *x;
	int ret;

	if (c != NULL && n != c->count)
		return client_fail(err, CLIENT_EXIT_INPUT, "users_columns",
		                   "users file '%s' line %zu has %d fields, "
		                   "the header %d: one user per line, no "
		                   "commas inside fields",
		                   u->path, line, n, c->count);
	if (u->count == USERS_MAX)
		return client_fail(err, CLIENT_EXIT_INPUT, "users_many",
		                   "users file '%s' has more than %u users: "
		                   "split the batch",
		                   u->path, USERS_MAX);
	x = &u->list[u->count];
	memset(x, 0, sizeof(*x));
	ret = field_check(u, line, "user", f[c != NULL ? c->user : 0],
	                  sizeof(x->name), err);
	if (ret == 0 && c != NULL && c->resolver >= 0)
		ret = field_check(u, line, "resolver", f[c->resolver],
		                  sizeof(x->resolver), err);
	if (ret == 0 && c != NULL && c->realm >= 0)
		ret = field_check(u, line, "realm", f[c->realm],
		                  sizeof(x->realm), err);
	if (ret != 0)
		return ret;
	snprintf(x->name, sizeof(x->name), "%s", f[c != NULL ? c->user : 0]);
	if (c != NULL && c->resolver >= 0)
		snprintf(x->resolver, sizeof(x->resolver), "%s",
		         f[c->resolver]);
	if (c != NULL && c->realm >= 0)
		snprintf(x->realm, sizeof(x->realm), "%s", f[c->realm]);
	if (x->name[0] == '\0')
		return client_fail(err, CLIENT_EXIT_INPUT, "users_empty",
		                   "users file '%s' line %zu: the user is "
		                   "empty",
		                   u->path, line);
	u->count++;
	return 0;
}

static int name_cmp(const void *a, const void *b)
{
	const client_user *x = *(client_user *const *)a;
	const client_user *y = *(client_user *const *)b;

	return strcasecmp(x->name, y->name);
}

static int duplicates_find(client_users *u, client_error *err)
{
	client_user **v;
	int ret = 0;

	if (u->count < 2)
		return 0;
	v = calloc(u->count, sizeof(*v));
	if (v == NULL)
		return client_fail(err, CLIENT_EXIT_SETUP, "nomem",
		                   "out of memory");
	for (size_t i = 0; i < u->count; i++)
		v[i] = &u->list[i];
	qsort(v, u->count, sizeof(*v), name_cmp);
	for (size_t i = 1; i < u->count && ret == 0; i++)
		if (strcasecmp(v[i - 1]->name, v[i]->name) == 0)
			ret = client_fail(err, CLIENT_EXIT_INPUT,
			                  "users_duplicate",
			                  "users file '%s' names '%s' twice: "
			                  "one token per user; remove the "
			                  "second",
			                  u->path, v[i]->name);
	free(v);
	return ret;
}

int client_users_load(client_users *u, const char *path, client_error *err)
{
	char *line = NULL, *f[16];
	size_t cap = 0, lineno = 0, room = 0;
	bool first = true;
	columns c;
	ssize_t n;
	FILE *fp;
	int ret = 0, nf;

	memset(u, 0, sizeof(*u));
	snprintf(u->path, sizeof(u->path), "%s", path);
	fp = fopen(path, "re");
	if (fp == NULL)
		return client_fail(err, CLIENT_EXIT_INPUT, "users_open",
		                   "cannot open users file '%s': %s: check the "
		                   "name",
		                   path, strerror(errno));
	c.user = -1;
	while (ret == 0 && (n = getline(&line, &cap, fp)) >= 0) {
		lineno++;
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		if (n > 0 && line[n - 1] == '\r')
			line[--n] = '\0';
		if (lineno == 1 && (unsigned char)line[0] == 0xef &&
		    (unsigned char)line[1] == 0xbb &&
		    (unsigned char)line[2] == 0xbf)
			memmove(line, line + 3, (size_t)n - 2);
		if (line[0] == '\0')
			continue;
		if ((size_t)n > LINE_MAX_BYTES) {
			ret = client_fail(err, CLIENT_EXIT_INPUT, "users_long",
			                  "users file '%s' line %zu is longer "
			                  "than %u bytes",
			                  path, lineno, LINE_MAX_BYTES);
			break;
		}
		if (first && strchr(line, ',') != NULL) {
			first = false;
			ret = header_parse(u, line, &c, err);
			continue;
		}
		first = false;
		if (u->count == room) {
			size_t nroom = room == 0 ? 64 : room * 2;
			client_user *nl = realloc(u->list, nroom * sizeof(*nl));

			if (nl == NULL) {
				ret = client_fail(err, CLIENT_EXIT_SETUP,
				                  "nomem", "out of memory");
				break;
			}
			u->list = nl;
			room = nroom;
		}
		if (c.user < 0) {
			if (strchr(line, ',') != NULL) {
				ret = client_fail(err, CLIENT_EXIT_INPUT,
				                  "users_columns",
				                  "users file '%s' line %zu "
				                  "has a comma, the first line "
				                  "none: one user per line, or "
				                  "a CSV header first",
				                  path, lineno);
				break;
			}
			f[0] = line;
			ret = user_add(u, lineno, f, 1, NULL, err);
		} else {
			nf = split(line, f, 16);
			ret = user_add(u, lineno, f, nf, &c, err);
		}
	}
	free(line);
	fclose(fp);
	if (ret == 0 && u->count == 0)
		ret = client_fail(err, CLIENT_EXIT_INPUT, "users_none",
		                  "users file '%s' names no user: one user per "
		                  "line",
		                  path);
	if (ret == 0)
		ret = duplicates_find(u, err);
	if (ret != 0)
		client_users_free(u);
	return ret;
}

void client_users_free(client_users *u)
{
	free(u->list);
	u->list = NULL;
	u->count = 0;
}
