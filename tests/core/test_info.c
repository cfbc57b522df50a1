/* SPDX-License-Identifier: BSD-2-Clause */
/* The get-info parser, the model table and the get-info operation. */
#include <string.h>

#include <safeid/safeid.h>

#include "fake.h"
#include "unit.h"

/* hdr(3) N serial sep(2) time(4) */
static size_t info_bytes(uint8_t *b, const char *serial, size_t n_field,
                         uint32_t t)
{
	size_t n = strlen(serial), k = 0;

	b[k++] = 0x00;
	b[k++] = 0x7F;
	b[k++] = 0x80;
	b[k++] = (uint8_t)n_field;
	memcpy(b + k, serial, n);
	k += n;
	b[k++] = 0xFF;
	b[k++] = 0x01;
	b[k++] = (uint8_t)(t >> 24);
	b[k++] = (uint8_t)(t >> 16);
	b[k++] = (uint8_t)(t >> 8);
	b[k++] = (uint8_t)t;
	return k;
}

START_TEST(parse_good)
{
	uint8_t b[64];
	safeid_info info;
	size_t n = info_bytes(b, "8659622000123", 13, 1767225600u);

	ck_assert_int_eq(safeid_parse_info(b, n, &info), SAFEID_OK);
	ck_assert_str_eq(info.serial, "8659622000123");
	ck_assert_uint_eq(info.clock, 1767225600u);
	ck_assert_ptr_nonnull(info.model);
	ck_assert_str_eq(info.model->name, "OTPC-P2-i");
	ck_assert(info.model->restricted_sync);
}
END_TEST

START_TEST(parse_malformed)
{
	uint8_t b[128];
	safeid_info info;
	size_t n, i;
	char longser[40];

	/* short */
	n = info_bytes(b, "86596", 5, 1);
	for (i = 0; i < 10; i++)
		ck_assert_int_eq(safeid_parse_info(b, i, &info),
		                 SAFEID_ERR_BAD_REPLY);
	ck_assert_int_eq(safeid_parse_info(b, n - 1, &info),
	                 SAFEID_ERR_BAD_REPLY);
	/* trailing bytes */
	b[n] = 0x00;
	ck_assert_int_eq(safeid_parse_info(b, n + 1, &info),
	                 SAFEID_ERR_BAD_REPLY);
	/* N larger than the reply */
	n = info_bytes(b, "86596", 6, 1);
	ck_assert_int_eq(safeid_parse_info(b, n, &info), SAFEID_ERR_BAD_REPLY);
	n = info_bytes(b, "86596", 255, 1);
	ck_assert_int_eq(safeid_parse_info(b, n, &info), SAFEID_ERR_BAD_REPLY);
	/* N smaller than the serial (consistent length fails) */
	n = info_bytes(b, "86596", 4, 1);
	ck_assert_int_eq(safeid_parse_info(b, n, &info), SAFEID_ERR_BAD_REPLY);
	/* N = 0 with a well-formed length */
	n = info_bytes(b, "", 0, 1);
	ck_assert_uint_eq(n, 10);
	ck_assert_int_eq(safeid_parse_info(b, n, &info), SAFEID_ERR_BAD_REPLY);
	/* non-ASCII-digit serials */
	n = info_bytes(b, "8659A22", 7, 1);
	ck_assert_int_eq(safeid_parse_info(b, n, &info), SAFEID_ERR_BAD_REPLY);
	n = info_bytes(b, "8659\xC3\xA9", 6, 1);
	ck_assert_int_eq(safeid_parse_info(b, n, &info), SAFEID_ERR_BAD_REPLY);
	n = info_bytes(b, "865 622", 7, 1);
	ck_assert_int_eq(safeid_parse_info(b, n, &info), SAFEID_ERR_BAD_REPLY);
	/* overlong serial, length consistent */
	memset(longser, '1', 33);
	longser[33] = '\0';
	n = info_bytes(b, longser, 33, 1);
	ck_assert_int_eq(safeid_parse_info(b, n, &info), SAFEID_ERR_BAD_REPLY);
	longser[32] = '\0';
	n = info_bytes(b, longser, 32, 1);
	ck_assert_int_eq(safeid_parse_info(b, n, &info), SAFEID_OK);
	ck_assert_ptr_null(info.model);
	ck_assert_int_eq(safeid_parse_info(NULL, 5, &info), SAFEID_ERR_ARG);
}
END_TEST

START_TEST(models)
{
	static const struct {
		const char *serial;
		const char *name;
		bool restricted;
	} cases[] = {
		{"8659612000001", "OTPC-P1-i", false},
		{"8659622000001", "OTPC-P2-i", true},
		{"8659621000001", "OTPC-P2-i-NB", true},
		{"8659600000001", "miniOTP-2-i", false},
		{"8659601000001", "miniOTP-3-i", true},
		{"8659609000001", "miniOTP-3-i-NB", true},
		{"8659610000001", "C301-i", true},
		{"8659632000001", "C302-i", false},
		{"8659632", "C302-i", false},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const safeid_model *m = safeid_model_lookup(cases[i].serial);

		ck_assert_ptr_nonnull(m);
		ck_assert_str_eq(m->name, cases[i].name);
		ck_assert_int_eq(m->restricted_sync, cases[i].restricted);
		ck_assert_int_eq(safeid_serial_restricted(cases[i].serial),
		                 cases[i].restricted);
	}
	/* unknown: no model, and treated as restricted */
	ck_assert_ptr_null(safeid_model_lookup("1234567000001"));
	ck_assert_ptr_null(safeid_model_lookup("865961"));
	ck_assert_ptr_null(safeid_model_lookup(""));
	ck_assert_ptr_null(safeid_model_lookup(NULL));
	ck_assert(safeid_serial_restricted("1234567000001"));
	ck_assert(safeid_serial_restricted(NULL));
}
END_TEST

START_TEST(get_info_op)
{
	struct fake f;
	safeid_info info;

	fake_init(&f, false);
	fake_info(&f, "8659612000042", 1700000000u);
	ck_assert_int_eq(safeid_get_info(&f.tp, &info), SAFEID_OK);
	ck_assert_str_eq(info.serial, "8659612000042");
	ck_assert_uint_eq(info.clock, 1700000000u);
	ck_assert_uint_eq(f.sentlen[0], 7);
	ck_assert_int_eq(f.unexpected, 0);

	/* a card that does not know the command is not one of ours */
	fake_init(&f, false);
	fake_reply(&f, 0x41, "6D00");
	ck_assert_int_eq(safeid_get_info(&f.tp, &info), SAFEID_ERR_NOT_TOKEN);
	fake_init(&f, false);
	fake_reply(&f, 0x41, "6E00");
	ck_assert_int_eq(safeid_get_info(&f.tp, &info), SAFEID_ERR_NOT_TOKEN);
	/* a well-answered but malformed reply */
	fake_init(&f, false);
	fake_reply(&f, 0x41, "0102039000");
	ck_assert_int_eq(safeid_get_info(&f.tp, &info), SAFEID_ERR_BAD_REPLY);
	/* transport errors pass through */
	fake_init(&f, false);
	fake_error(&f, 0x41, SAFEID_ERR_REMOVED);
	ck_assert_int_eq(safeid_get_info(&f.tp, &info), SAFEID_ERR_REMOVED);
}
END_TEST

Suite *suite_info(void)
{
	Suite *s = suite_create("info");
	TCase *tc = tcase_create("info");

	tcase_add_test(tc, parse_good);
	tcase_add_test(tc, parse_malformed);
	tcase_add_test(tc, models);
	tcase_add_test(tc, get_info_op);
	suite_add_tcase(s, tc);
	return s;
}
