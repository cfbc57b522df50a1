/* SPDX-License-Identifier: BSD-2-Clause */
/* TOTP against the RFC 6238 appendix B vectors. */
#include <string.h>

#include <safeid/safeid.h>

#include "unit.h"

static const struct {
	uint64_t t;
	uint32_t sha1, sha256;
} vectors[] = {
	{59ull, 94287082u, 46119246u},
	{1111111109ull, 7081804u, 68084774u},
	{1111111111ull, 14050471u, 67062674u},
	{1234567890ull, 89005924u, 91819424u},
	{2000000000ull, 69279037u, 90698825u},
	{20000000000ull, 65353130u, 77737706u},
};

START_TEST(rfc6238)
{
	const uint8_t *k1 = (const uint8_t *)"12345678901234567890";
	const uint8_t *k256 =
		(const uint8_t *)"12345678901234567890123456789012";
	uint32_t code;
	size_t i;

	for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		ck_assert_int_eq(safeid_totp(k1, 20, SAFEID_HASH_SHA1, 30,
		                             vectors[i].t, 8, &code),
		                 SAFEID_OK);
		ck_assert_uint_eq(code, vectors[i].sha1);
		ck_assert_int_eq(safeid_totp(k256, 32, SAFEID_HASH_SHA256, 30,
		                             vectors[i].t, 8, &code),
		                 SAFEID_OK);
		ck_assert_uint_eq(code, vectors[i].sha256);
		ck_assert_int_eq(safeid_totp(k1, 20, SAFEID_HASH_SHA1, 30,
		                             vectors[i].t, 6, &code),
		                 SAFEID_OK);
		ck_assert_uint_eq(code, vectors[i].sha1 % 1000000u);
	}
}
END_TEST

START_TEST(zero_extension_and_step)
{
	uint8_t k[20] = {0x01, 0x02, 0x03};
	uint32_t a, b;

	/* a short key and its zero extension to 20 give the same codes */
	ck_assert_int_eq(
		safeid_totp(k, 3, SAFEID_HASH_SHA1, 30, 1767225600u, 6, &a),
		SAFEID_OK);
	ck_assert_int_eq(
		safeid_totp(k, 20, SAFEID_HASH_SHA1, 30, 1767225600u, 6, &b),
		SAFEID_OK);
	ck_assert_uint_eq(a, b);
	/* 60 s steps: t and t+59 within one window share a code */
	ck_assert_int_eq(
		safeid_totp(k, 20, SAFEID_HASH_SHA256, 60, 1767225600u, 6, &a),
		SAFEID_OK);
	ck_assert_int_eq(
		safeid_totp(k, 20, SAFEID_HASH_SHA256, 60, 1767225659u, 6, &b),
		SAFEID_OK);
	ck_assert_uint_eq(a, b);
}
END_TEST

START_TEST(bad_arguments)
{
	uint8_t k[20] = {0};
	uint32_t c;

	ck_assert_int_eq(safeid_totp(k, 20, SAFEID_HASH_SHA1, 30, 0, 5, &c),
	                 SAFEID_ERR_ARG);
	ck_assert_int_eq(safeid_totp(k, 20, SAFEID_HASH_SHA1, 30, 0, 11, &c),
	                 SAFEID_ERR_ARG);
	ck_assert_int_eq(safeid_totp(k, 20, SAFEID_HASH_SHA1, 0, 0, 6, &c),
	                 SAFEID_ERR_ARG);
	ck_assert_int_eq(safeid_totp(k, 0, SAFEID_HASH_SHA1, 30, 0, 6, &c),
	                 SAFEID_ERR_ARG);
	ck_assert_int_eq(safeid_totp(k, 20, (safeid_hash)7, 30, 0, 6, &c),
	                 SAFEID_ERR_CONFIG);
	ck_assert_int_eq(safeid_totp(k, 20, SAFEID_HASH_SHA1, 30, 0, 10, &c),
	                 SAFEID_OK);
}
END_TEST

Suite *suite_totp(void)
{
	Suite *s = suite_create("totp");
	TCase *tc = tcase_create("totp");

	tcase_add_test(tc, rfc6238);
	tcase_add_test(tc, zero_extension_and_step);
	tcase_add_test(tc, bad_arguments);
	suite_add_tcase(s, tc);
	return s;
}
