/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_lib.c: the parts of safeid-tool's library that need no token: the
 * JSON writer (escaping, nesting) and reader picking (the burn record:
 * test_record.c).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "json.h"
#include "unit.h"

static char *json_of(void (*fill)(json_out *))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	json_out j;

	ck_assert_ptr_nonnull(f);
	json_begin(&j, f);
	fill(&j);
	json_end(&j);
	fclose(f);
	return buf;
}

static void fill_escapes(json_out *j)
{
	json_str(j, "q", "a\"b\\c");
	json_str(j, "ctl", "x\n\x01y");
	json_str(j, "utf8", "caf\xc3\xa9");
	json_str(j, "bad",
	         "a\xff"
	         "b\xc3");
	json_null(j, "n");
}

START_TEST(json_escaping)
{
	char *s = json_of(fill_escapes);

	ck_assert_str_eq(s,
	                 "{\"q\":\"a\\\"b\\\\c\",\"ctl\":\"x\\n\\u0001y\","
	                 "\"utf8\":\"caf\\u00E9\",\"bad\":\"a\\uFFFDb\\uFFFD\","
	                 "\"n\":null}\n");
	free(s);
}
END_TEST

/* What a strict UTF-8 reader refuses must not pass: overlong forms,
 * surrogates, values past U+10FFFF, cut sequences; and what acts on a
 * terminal (C1, bidirectional overrides) travels escaped. */
static void fill_hostile(json_out *j)
{
	json_str(j, "overlong", "\xc0\xaf\xe0\x80\xaf\xf0\x80\x80\xaf");
	json_str(j, "surrogate", "\xed\xa0\x80\xed\xbf\xbf");
	json_str(j, "too_big", "\xf4\x90\x80\x80");
	json_str(j, "cut", "\xe2\x80");
	json_str(j, "c1_bidi",
	         "\xc2\x9b"
	         "2J\xe2\x80\xae"
	         "txt");
}

START_TEST(json_hostile_utf8)
{
	char *s = json_of(fill_hostile);

	for (const char *p = s; *p != '\0'; p++)
		ck_assert_msg((unsigned char)*p < 0x80, "non-ASCII byte in %s",
		              s);
	/* one U+FFFD for each maximal bad part, as Unicode recommends */
	ck_assert_str_eq(
		s,
		"{\"overlong\":\"\\uFFFD\\uFFFD\\uFFFD\\uFFFD\\uFFFD"
		"\\uFFFD\\uFFFD\\uFFFD\\uFFFD\",\"surrogate\":\"\\uFFFD\\uFFFD"
		"\\uFFFD\\uFFFD\\uFFFD\\uFFFD\",\"too_big\":\"\\uFFFD\\uFFFD"
		"\\uFFFD\\uFFFD\",\"cut\":\"\\uFFFD\",\"c1_bidi\":"
		"\"\\u009B2J\\u202Etxt\"}\n");
	free(s);
}
END_TEST

static void fill_partial(json_out *j)
{
	char *r;

	json_str(j, "command", "burn");
	json_obj(j, "plan");
	json_str(j, "account", "al\xffice");
	/* the watchdog's ending, made while a level is open */
	r = json_render(j, "unknown", NULL, 6, "timeout", "no answer \x1b[2J");
	ck_assert_str_eq(
		r, "{\"command\":\"burn\",\"plan\":{\"account\":"
		   "\"al\\uFFFDice\"},\"seed_state\":\"unknown\",\"ok\":false,"
		   "\"exit_code\":6,\"error\":{\"code\":\"timeout\","
		   "\"message\":\"no answer \\u001B[2J\"}}\n");
	free(r);
}

START_TEST(json_render_whole)
{
	char *s = json_of(fill_partial);

	/* the render changed nothing */
	ck_assert_str_eq(s, "{\"command\":\"burn\",\"plan\":{\"account\":"
	                    "\"al\\uFFFDice\"}}\n");
	free(s);
}
END_TEST

static void fill_nested(json_out *j)
{
	json_int(j, "a", -5);
	json_arr(j, "list");
	json_obj(j, NULL);
	json_uint(j, "i", 1);
	json_bool(j, "t", true);
	json_close(j);
	json_str(j, NULL, "s");
	json_close(j);
	json_obj(j, "o");
	json_bool(j, "f", false);
	/* left open: json_end closes it */
}

START_TEST(json_nesting)
{
	char *s = json_of(fill_nested);

	ck_assert_str_eq(s, "{\"a\":-5,\"list\":[{\"i\":1,\"t\":true},\"s\"],"
	                    "\"o\":{\"f\":false}}\n");
	free(s);
}
END_TEST

static client_slot slots[3];

static client_slot_list make_list(size_t n, const bool *present)
{
	static const char *names[] = {"ACS ACR122U 00 00", "Virtual PCD 00 00",
	                              "Virtual PCD 00 01"};
	client_slot_list l = {n, slots};

	memset(slots, 0, sizeof(slots));
	for (size_t i = 0; i < n; i++) {
		snprintf(slots[i].reader, sizeof(slots[i].reader), "%s",
		         names[i]);
		slots[i].present = present[i];
	}
	return l;
}

START_TEST(pick_slots)
{
	const bool one[] = {false, true, false}, two[] = {true, true, false};
	client_error e;
	client_slot_list l;

	l = make_list(0, one);
	ck_assert_int_eq(client_slot_pick(&l, NULL, &e), -1);
	ck_assert_int_eq(e.exit_code, CLIENT_EXIT_NO_TOKEN);

	l = make_list(3, one);
	ck_assert_int_eq(client_slot_pick(&l, NULL, &e), 1); /* the one token */
	ck_assert_int_eq(client_slot_pick(&l, "2", &e), 2);  /* index */
	ck_assert_int_eq(client_slot_pick(&l, "acr122", &e), 0); /* any case */
	ck_assert_int_eq(client_slot_pick(&l, "7", &e), -1);
	ck_assert_int_eq(e.exit_code, CLIENT_EXIT_USAGE);
	ck_assert_ptr_nonnull(strstr(e.msg, "Virtual PCD 00 01"));
	ck_assert_int_eq(client_slot_pick(&l, "virtual", &e),
	                 -1); /* ambiguous */
	ck_assert_str_eq(e.code, "reader_ambiguous");
	ck_assert_int_eq(client_slot_pick(&l, "nothing", &e), -1);
	ck_assert_str_eq(e.code, "reader_unknown");

	l = make_list(3, two);
	ck_assert_int_eq(client_slot_pick(&l, NULL, &e), -1); /* two tokens */
	ck_assert_int_eq(e.exit_code, CLIENT_EXIT_USAGE);
	l = make_list(3, (const bool[]){false, false, false});
	ck_assert_int_eq(client_slot_pick(&l, "", &e), -1);
	ck_assert_int_eq(e.exit_code, CLIENT_EXIT_NO_TOKEN);
}
END_TEST

Suite *suite_lib(void)
{
	Suite *s = suite_create("lib");
	TCase *tc = tcase_create("units");

	tcase_add_test(tc, json_escaping);
	tcase_add_test(tc, json_hostile_utf8);
	tcase_add_test(tc, json_render_whole);
	tcase_add_test(tc, json_nesting);
	tcase_add_test(tc, pick_slots);
	suite_add_tcase(s, tc);
	return s;
}
