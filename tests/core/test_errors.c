/* SPDX-License-Identifier: BSD-2-Clause */
/* Error table and status-word mapping. */
#include <string.h>

#include <safeid/safeid.h>

#include "unit.h"

START_TEST(every_code_has_name_and_sentence)
{
	int e, f;

	for (e = SAFEID_ERR_LAST; e <= SAFEID_OK; e++) {
		const char *name = safeid_errname(e);
		const char *text = safeid_strerror(e);

		ck_assert_ptr_nonnull(name);
		ck_assert_ptr_nonnull(text);
		ck_assert_msg(strncmp(name, "SAFEID_", 7) == 0, "code %d: %s",
		              e, name);
		ck_assert_msg(strstr(name, "UNKNOWN_CODE") == NULL,
		              "code %d has no entry", e);
		ck_assert_msg(strlen(text) > 10, "code %d: short text", e);
		ck_assert_msg(strstr(text, "unknown error code") == NULL,
		              "code %d", e);
		for (f = SAFEID_ERR_LAST; f < e; f++)
			ck_assert_str_ne(safeid_errname(f), name);
	}
}
END_TEST

START_TEST(unknown_codes_are_safe)
{
	ck_assert_str_eq(safeid_errname(-999), "SAFEID_ERR_UNKNOWN_CODE");
	ck_assert_ptr_nonnull(safeid_strerror(42));
	ck_assert_int_gt((int)strlen(safeid_strerror(SAFEID_ERR_LAST - 1)), 0);
}
END_TEST

START_TEST(sentences_say_what_to_do)
{
	ck_assert_ptr_nonnull(
		strstr(safeid_strerror(SAFEID_ERR_NO_SERVICE), "start pcscd"));
	ck_assert_ptr_nonnull(strstr(safeid_strerror(SAFEID_ERR_AUTH), "6983"));
	ck_assert_ptr_nonnull(
		strstr(safeid_strerror(SAFEID_ERR_AUTH), "do not retry"));
	ck_assert_ptr_nonnull(
		strstr(safeid_strerror(SAFEID_ERR_NO_READER), "reader"));
	ck_assert_ptr_nonnull(
		strstr(safeid_strerror(SAFEID_ERR_NO_TOKEN), "token"));
}
END_TEST

START_TEST(status_words)
{
	static const struct {
		uint16_t sw;
		int err;
	} map[] = {
		{0x9000, SAFEID_OK},
		{0x6983, SAFEID_ERR_AUTH},
		{0x63C2, SAFEID_ERR_AUTH},
		{0x6982, SAFEID_ERR_NOT_AUTHENTICATED},
		{0x6A80, SAFEID_ERR_BAD_DATA},
		{0x6700, SAFEID_ERR_WRONG_LENGTH},
		{0x6D00, SAFEID_ERR_INS},
		{0x6E00, SAFEID_ERR_CLA},
		{0x6F00, SAFEID_ERR_SW},
		{0x9001, SAFEID_ERR_SW},
		{0x6A82, SAFEID_ERR_SW},
		{0x0000, SAFEID_ERR_SW},
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		ck_assert_msg(safeid_sw_to_err(map[i].sw) == map[i].err,
		              "SW %04X -> %d, want %d", map[i].sw,
		              safeid_sw_to_err(map[i].sw), map[i].err);
}
END_TEST

START_TEST(wipe_clears)
{
	unsigned char buf[37];

	memset(buf, 0xA5, sizeof(buf));
	safeid_wipe(buf, sizeof(buf));
	for (size_t i = 0; i < sizeof(buf); i++)
		ck_assert_uint_eq(buf[i], 0);
	safeid_wipe(NULL, 10); /* must not crash */
}
END_TEST

Suite *suite_errors(void)
{
	Suite *s = suite_create("errors");
	TCase *tc = tcase_create("errors");

	tcase_add_test(tc, every_code_has_name_and_sentence);
	tcase_add_test(tc, unknown_codes_are_safe);
	tcase_add_test(tc, sentences_say_what_to_do);
	tcase_add_test(tc, status_words);
	tcase_add_test(tc, wipe_clears);
	suite_add_tcase(s, tc);
	return s;
}
