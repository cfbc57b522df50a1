/* SPDX-License-Identifier: BSD-2-Clause */
/* Choosing a reader by index, by part of its name, or by default. */
#include <safeid/safeid.h>

#include "unit.h"

static char n0[] = "Virtual PCD 00 00";
static char n1[] = "Virtual PCD 00 01";
static char n2[] = "HID Global OMNIKEY 5427 CK [OMNIKEY 5427 CK] 01 00";

START_TEST(pick)
{
	char *names[] = {n0, n1, n2};
	bool present[] = {false, true, false};
	safeid_reader_list l = {3, names, present};
	safeid_reader_list empty = {0, NULL, NULL};
	size_t i = 99;

	ck_assert_int_eq(safeid_pcsc_pick(&l, "2", &i), SAFEID_OK);
	ck_assert_uint_eq(i, 2);
	ck_assert_int_eq(safeid_pcsc_pick(&l, "omnikey", &i), SAFEID_OK);
	ck_assert_uint_eq(i, 2);
	ck_assert_int_eq(safeid_pcsc_pick(&l, "pcd 00 01", &i), SAFEID_OK);
	ck_assert_uint_eq(i, 1);
	ck_assert_int_eq(safeid_pcsc_pick(&l, "Virtual PCD 00 00", &i),
	                 SAFEID_OK);
	ck_assert_uint_eq(i, 0);
	ck_assert_int_eq(safeid_pcsc_pick(&l, "virtual", &i), SAFEID_ERR_ARG);
	ck_assert_int_eq(safeid_pcsc_pick(&l, "acs", &i),
	                 SAFEID_ERR_READER_UNKNOWN);
	ck_assert_int_eq(safeid_pcsc_pick(&l, "3", &i),
	                 SAFEID_ERR_READER_UNKNOWN);
	ck_assert_int_eq(safeid_pcsc_pick(&l, "99999999999999999999", &i),
	                 SAFEID_ERR_READER_UNKNOWN);
	/* default: the first reader with a card */
	ck_assert_int_eq(safeid_pcsc_pick(&l, NULL, &i), SAFEID_OK);
	ck_assert_uint_eq(i, 1);
	ck_assert_int_eq(safeid_pcsc_pick(&l, "", &i), SAFEID_OK);
	ck_assert_uint_eq(i, 1);
	present[1] = false;
	ck_assert_int_eq(safeid_pcsc_pick(&l, NULL, &i), SAFEID_ERR_NO_TOKEN);
	/* one reader: it, card or not (the caller then says "no token") */
	l.count = 1;
	ck_assert_int_eq(safeid_pcsc_pick(&l, NULL, &i), SAFEID_OK);
	ck_assert_uint_eq(i, 0);
	ck_assert_int_eq(safeid_pcsc_pick(&empty, NULL, &i),
	                 SAFEID_ERR_NO_READER);
	ck_assert_int_eq(safeid_pcsc_pick(&empty, "0", &i),
	                 SAFEID_ERR_NO_READER);
	ck_assert_int_eq(safeid_pcsc_pick(NULL, "0", &i), SAFEID_ERR_ARG);
}
END_TEST

START_TEST(list_free_is_safe)
{
	safeid_reader_list l = {0, NULL, NULL};

	safeid_pcsc_list_free(&l);
	safeid_pcsc_list_free(NULL);
	ck_assert_uint_eq(l.count, 0);
}
END_TEST

Suite *suite_pick(void)
{
	Suite *s = suite_create("pick");
	TCase *tc = tcase_create("pick");

	tcase_add_test(tc, pick);
	tcase_add_test(tc, list_free_is_safe);
	suite_add_tcase(s, tc);
	return s;
}
