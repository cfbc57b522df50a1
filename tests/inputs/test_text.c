/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Text from outside on its way to a terminal: strict UTF-8 decoding (the
 * cases of the Unicode standard's table of ill-formed sequences) and the
 * one escaping function every front end shows names and messages with.
 */
#include <string.h>

#include "inputs.h"
#include "unit.h"

static const char *esc(const char *s, size_t cap)
{
	static char buf[512];

	return input_text_escape(s, strlen(s), buf, cap);
}

START_TEST(utf8_strict)
{
	static const struct {
		const char *s;
		size_t len;
		uint32_t cp;
	} cases[] = {
		{"A", 1, 'A'},
		{"\xc3\xa9", 2, 0xe9},
		{"\xe2\x80\xae", 3, 0x202e},
		{"\xf0\x9f\x98\x80", 4, 0x1f600},
		{"\xf4\x8f\xbf\xbf", 4, 0x10ffff},
		{"\xc0\xaf", 1, INPUT_UTF8_BAD},         /* overlong */
		{"\xe0\x80\xaf", 1, INPUT_UTF8_BAD},     /* overlong */
		{"\xf0\x8f\xbf\xbf", 1, INPUT_UTF8_BAD}, /* overlong */
		{"\xed\xa0\x80", 1, INPUT_UTF8_BAD},     /* surrogate */
		{"\xf4\x90\x80\x80", 1, INPUT_UTF8_BAD}, /* past U+10FFFF */
		{"\xf5\x80", 1, INPUT_UTF8_BAD},
		{"\x80", 1, INPUT_UTF8_BAD},
		{"\xe2\x80", 2, INPUT_UTF8_BAD}, /* cut short */
		{"\xf0\x9f\x98"
	         "A",
	         3, INPUT_UTF8_BAD},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t cp = 0;
		size_t n = input_utf8_next(cases[i].s, strlen(cases[i].s), &cp);

		ck_assert_msg(n == cases[i].len && cp == cases[i].cp,
		              "case %zu: length %zu code %x", i, n, cp);
	}
}
END_TEST

START_TEST(escape_shows_what_acts)
{
	ck_assert_str_eq(esc("plain ASCII: a-z", 512), "plain ASCII: a-z");
	ck_assert_str_eq(esc("M\xc3\xbcller \xe6\x97\xa5\xe6\x9c\xac", 512),
	                 "M\xc3\xbcller \xe6\x97\xa5\xe6\x9c\xac");
	/* C0, DEL, C1 (U+009B is CSI on some terminals) */
	ck_assert_str_eq(esc("a\x1b[2Jb\x7f\xc2\x9b"
	                     "31m",
	                     512),
	                 "a\\x1b[2Jb\\x7f\\u009b31m");
	/* bidirectional overrides and isolates, invisible characters */
	ck_assert_str_eq(esc("evil\xe2\x80\xaegpj.exe", 512),
	                 "evil\\u202egpj.exe");
	ck_assert_str_eq(
		esc("\xe2\x81\xa6x\xe2\x81\xa9\xe2\x80\x8b\xef\xbb\xbf", 512),
		"\\u2066x\\u2069\\u200b\\ufeff");
	ck_assert_str_eq(esc("\xe2\x80\xa8\xd8\x9c\xf3\xa0\x80\x81", 512),
	                 "\\u2028\\u061c\\U000e0001");
	/* bytes that are not UTF-8, each shown */
	ck_assert_str_eq(esc("a\xff"
	                     "b\xed\xa0\x80\xe2\x80",
	                     512),
	                 "a\\xffb\\xed\\xa0\\x80\\xe2\\x80");
}
END_TEST

START_TEST(escape_twice_is_once)
{
	const char *raw = "x\x1b\xe2\x80\xae\xff\\y";
	char once[128], twice[128];

	input_text_escape(raw, strlen(raw), once, sizeof(once));
	input_text_escape(once, strlen(once), twice, sizeof(twice));
	ck_assert_str_eq(once, twice);
}
END_TEST

START_TEST(escape_cuts_whole_characters)
{
	/* fits exactly: whole */
	ck_assert_str_eq(esc("abcde", 6), "abcde");
	/* one more: cut with "..." */
	ck_assert_str_eq(esc("abcdef", 6), "ab...");
	/* never half of a UTF-8 character or of an escape */
	ck_assert_str_eq(esc("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 8),
	                 "\xc3\xa9\xc3\xa9...");
	ck_assert_str_eq(esc("\x1b\x1b\x1b", 9), "\\x1b...");
	ck_assert_str_eq(esc("abc", 1), "");
}
END_TEST

Suite *suite_text(void)
{
	Suite *s = suite_create("text");
	TCase *t = tcase_create("escape");

	tcase_add_test(t, utf8_strict);
	tcase_add_test(t, escape_shows_what_acts);
	tcase_add_test(t, escape_twice_is_once);
	tcase_add_test(t, escape_cuts_whole_characters);
	suite_add_tcase(s, t);
	return s;
}
