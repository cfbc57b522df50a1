/*
 * test_lib.c: the parts of safeid-tool's library that need no token: the
 * JSON writer (escaping, nesting), reader picking, and the burn record
 * (round trip, permissions, damaged files).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
	json_str(j, "bad", "a\xff" "b\xc3");
	json_null(j, "n");
}

START_TEST(json_escaping)
{
	char *s = json_of(fill_escapes);

	ck_assert_str_eq(s, "{\"q\":\"a\\\"b\\\\c\",\"ctl\":\"x\\n\\u0001y\","
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
	json_str(j, "c1_bidi", "\xc2\x9b" "2J\xe2\x80\xae" "txt");
}

START_TEST(json_hostile_utf8)
{
	char *s = json_of(fill_hostile);

	for (const char *p = s; *p != '\0'; p++)
		ck_assert_msg((unsigned char)*p < 0x80, "non-ASCII byte in %s", s);
	/* one U+FFFD for each maximal bad part, as Unicode recommends */
	ck_assert_str_eq(s, "{\"overlong\":\"\\uFFFD\\uFFFD\\uFFFD\\uFFFD\\uFFFD"
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
	r = json_render(j, "unknown", 6, "timeout", "no answer \x1b[2J");
	ck_assert_str_eq(r, "{\"command\":\"burn\",\"plan\":{\"account\":"
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
		snprintf(slots[i].reader, sizeof(slots[i].reader), "%s", names[i]);
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
	ck_assert_int_eq(client_slot_pick(&l, NULL, &e), 1);   /* the one token */
	ck_assert_int_eq(client_slot_pick(&l, "2", &e), 2);    /* index */
	ck_assert_int_eq(client_slot_pick(&l, "acr122", &e), 0); /* any case */
	ck_assert_int_eq(client_slot_pick(&l, "7", &e), -1);
	ck_assert_int_eq(e.exit_code, CLIENT_EXIT_USAGE);
	ck_assert_ptr_nonnull(strstr(e.msg, "Virtual PCD 00 01"));
	ck_assert_int_eq(client_slot_pick(&l, "virtual", &e), -1); /* ambiguous */
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

START_TEST(record_round_trip)
{
	char dir[] = "/tmp/safeid-tool-unit.XXXXXX", sub[128], path[4200];
	client_record r, back;
	client_error e;
	struct stat st;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(sub, sizeof(sub), "%s/a/b", dir);
	memset(&r, 0, sizeof(r));
	snprintf(r.serial, sizeof(r.serial), "8659622000001");
	snprintf(r.model, sizeof(r.model), "OTPC-P2-i");
	snprintf(r.account, sizeof(r.account), "bob\nhash=SHA256");
	snprintf(r.issuer, sizeof(r.issuer), "Example");
	r.hash = SAFEID_HASH_SHA1;
	r.step = 60;
	r.display = 120;
	r.time = 1767225600;
	ck_assert_int_eq(client_record_save(sub, &r, path, sizeof(path), &e), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0600);
	ck_assert_int_eq(stat(sub, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0700);

	ck_assert_int_eq(client_record_load(sub, "8659622000001", &back, path,
	                                    sizeof(path), &e), 0);
	/* A newline in the account cannot smuggle in another key. */
	ck_assert_str_eq(back.account, "bob?hash=SHA256");
	ck_assert_int_eq(back.hash, SAFEID_HASH_SHA1);
	ck_assert_uint_eq(back.step, 60);
	ck_assert_uint_eq(back.display, 120);
	ck_assert_int_eq(back.time, 1767225600);

	ck_assert_int_eq(client_record_load(sub, "8659632000009", &back, path,
	                                    sizeof(path), &e), 1);

	/* A serial that is not a plain file name never becomes a path. */
	snprintf(r.serial, sizeof(r.serial), "../evil");
	ck_assert_int_eq(client_record_save(sub, &r, path, sizeof(path), &e),
	                 CLIENT_EXIT_RECORD);
	ck_assert_int_eq(client_record_load(sub, "../evil", &back, path,
	                                    sizeof(path), &e), 1);

	/* A damaged record is refused, not half-trusted. */
	snprintf(path, sizeof(path), "%s/8659622000001.burn", sub);
	{
		FILE *f = fopen(path, "w");

		ck_assert_ptr_nonnull(f);
		fputs("serial=8659622000001\nhash=SHA1\nstep=45\ndisplay=30\n", f);
		fclose(f);
	}
	ck_assert_int_eq(client_record_load(sub, "8659622000001", &back, path,
	                                    sizeof(path), &e), CLIENT_EXIT_SETUP);
	ck_assert_ptr_nonnull(strstr(e.msg, "damaged"));
	unlink(path);
	rmdir(sub);
	snprintf(sub, sizeof(sub), "%s/a", dir);
	rmdir(sub);
	rmdir(dir);
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
	tcase_add_test(tc, record_round_trip);
	suite_add_tcase(s, tc);
	return s;
}
