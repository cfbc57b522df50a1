/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * THE MALFORMED LIST: every case of malformed.txt (expanded by make-cases
 * into files and index.tsv) must give its error class, a message naming
 * the problem (the case's keyword), and no trace of the secret.
 * uri cases are parsed and plan-checked as safeid-tool does before a burn;
 * image cases are decoded from the file, then each code checked likewise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "inputs.h"
#include "unit.h"

struct mcase {
	char name[64], expected[64], keyword[64], kind[16], path[512],
		secret[4096];
};

static struct mcase *cases;
static size_t ncases;

static void load_index(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[8192];

	if (f == NULL) {
		fprintf(stderr,
		        "test_malformed: cannot open %s; run make-cases first\n",
		        path);
		exit(EXIT_FAILURE);
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		struct mcase *c;
		char *save = NULL, *col[6];
		size_t k = 0;

		line[strcspn(line, "\n")] = '\0';
		for (char *p = strtok_r(line, "\t", &save); p && k < 6;
		     p = strtok_r(NULL, "\t", &save))
			col[k++] = p;
		if (k != 6) {
			fprintf(stderr, "test_malformed: bad index line\n");
			exit(EXIT_FAILURE);
		}
		cases = realloc(cases, (ncases + 1) * sizeof(*cases));
		c = &cases[ncases++];
		snprintf(c->name, sizeof(c->name), "%s", col[0]);
		snprintf(c->expected, sizeof(c->expected), "%s", col[1]);
		snprintf(c->keyword, sizeof(c->keyword), "%s", col[2]);
		snprintf(c->kind, sizeof(c->kind), "%s", col[3]);
		snprintf(c->path, sizeof(c->path), "%s", col[4]);
		snprintf(c->secret, sizeof(c->secret), "%s", col[5]);
	}
	fclose(f);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = malloc(1 << 20);
	ck_assert_ptr_nonnull(f);
	*len = fread(buf, 1, (1 << 20) - 1, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

static int contains_ci(const char *hay, const char *needle, size_t n)
{
	for (const char *p = hay; *p; p++)
		if (strncasecmp(p, needle, n) == 0)
			return 1;
	return 0;
}

/* No 8-character run of the secret may appear in the message. */
static void assert_no_secret(const struct mcase *c, const char *msg)
{
	size_t n = strlen(c->secret);

	if (strcmp(c->secret, "-") == 0)
		return;
	for (size_t i = 0; i + 8 <= n; i++)
		ck_assert_msg(
			!contains_ci(msg, c->secret + i, 8),
			"case %s: the message holds part of the secret: %s",
			c->name, msg);
}

static int run_image(const struct mcase *c, input_error *e)
{
	input_qr_list q = {0};
	int rc = input_qr_decode_file(c->path, &q, e);

	for (size_t i = 0; rc == INPUT_OK && i < q.count; i++) {
		char what[128];
		snprintf(what, sizeof(what), "QR code %zu of %s", i + 1,
		         c->name);
		rc = input_text_check(q.items[i].text, q.items[i].len, what, e);
	}
	input_qr_list_clear(&q);
	return rc;
}

START_TEST(malformed_case)
{
	const struct mcase *c = &cases[_i];
	input_error e = {0};
	int want = input_errcode(c->expected), rc;

	ck_assert_msg(want <= 0, "case %s: unknown expected code %s", c->name,
	              c->expected);
	if (strcmp(c->kind, "uri") == 0) {
		size_t len;
		char *text = slurp(c->path, &len);
		rc = input_text_check(text, len, "the test input", &e);
		free(text);
	} else {
		rc = run_image(c, &e);
	}
	ck_assert_msg(rc == want, "case %s: got %s (%s), expected %s", c->name,
	              input_errname(rc), e.msg, c->expected);
	ck_assert_int_eq(e.code, rc);
	ck_assert_msg(contains_ci(e.msg, c->keyword, strlen(c->keyword)),
	              "case %s: message lacks \"%s\": %s", c->name, c->keyword,
	              e.msg);
	ck_assert_msg(strlen(e.msg) >= 40, "case %s: message too terse: %s",
	              c->name, e.msg);
	assert_no_secret(c, e.msg);
	printf("%-20s %-32s %s\n", c->name, c->expected, e.msg);
}
END_TEST

static void free_cases(void)
{
	free(cases);
	cases = NULL;
	ncases = 0;
}

Suite *suite_malformed(void)
{
	Suite *s = suite_create("malformed");
	TCase *t = tcase_create("cases");

	load_index(unit_arg(1, "INDEX.tsv"));
	if (ncases < 40) {
		fprintf(stderr,
		        "test_malformed: only %zu cases; the list needs at least 40\n",
		        ncases);
		exit(EXIT_FAILURE);
	}
	printf("%zu malformed cases\n", ncases);
	tcase_set_timeout(t, 30);
	tcase_add_loop_test(t, malformed_case, 0, (int)ncases);
	tcase_add_unchecked_fixture(t, NULL, free_cases);
	suite_add_tcase(s, t);
	return s;
}
