/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unit tests: Key URI parsing, base32, the burn plan check, account picking
 * and the error table.
 */
#include <stdlib.h>
#include <string.h>

#include "inputs.h"
#include "unit.h"

#define SECRET_B32 "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
#define SECRET_RAW "12345678901234567890"

static int parse1(const char *uri, input_account_list *l, input_error *e)
{
	return input_parse(uri, strlen(uri), "test URI", l, e);
}

static void assert_secret(const input_account *a, const char *raw)
{
	ck_assert_uint_eq(a->secret_len, strlen(raw));
	ck_assert_mem_eq(a->secret, raw, strlen(raw));
}

START_TEST(uri_label_with_issuer_prefix)
{
	input_account_list l = {0};
	input_error e = {0};
	input_plan_report r;

	ck_assert_int_eq(
		parse1("otpauth://totp/ACME%20Co:alice@example.com?secret=" SECRET_B32
	               "&issuer=ACME%20Co",
	               &l, &e),
		INPUT_OK);
	ck_assert_uint_eq(l.count, 1);
	ck_assert_int_eq(l.items[0].type, INPUT_OTP_TOTP);
	ck_assert_str_eq(l.items[0].issuer, "ACME Co");
	ck_assert_str_eq(l.items[0].name, "alice@example.com");
	assert_secret(&l.items[0], SECRET_RAW);
	ck_assert_int_eq(l.items[0].alg, INPUT_ALG_SHA1);
	ck_assert_uint_eq(l.items[0].digits, 6);
	ck_assert_uint_eq(l.items[0].period, 30);
	ck_assert_uint_eq(l.items[0].flags & INPUT_ACCT_ISSUER_MISMATCH, 0);
	ck_assert_int_eq(input_plan_check(&l.items[0], NULL, &r), INPUT_OK);
	ck_assert_uint_eq(r.errors, 0);
	ck_assert_uint_eq(r.warnings, 0);
	ck_assert_int_eq(r.hash, 1);
	ck_assert_uint_eq(r.step, 30);
	input_account_list_clear(&l);
	ck_assert_ptr_null(l.items);
}
END_TEST

START_TEST(uri_escaped_colon_and_space)
{
	input_account_list l = {0};
	input_error e = {0};

	ck_assert_int_eq(
		parse1("otpauth://totp/Example%3A%20alice?secret=" SECRET_B32,
	               &l, &e),
		INPUT_OK);
	ck_assert_str_eq(l.items[0].issuer, "Example");
	ck_assert_str_eq(l.items[0].name, "alice");
	/* '+' in a query value is a space; in the label it is itself */
	ck_assert_int_eq(parse1("otpauth://totp/a+b?secret=" SECRET_B32
	                        "&issuer=ACME+Co",
	                        &l, &e),
	                 INPUT_OK);
	ck_assert_str_eq(l.items[1].issuer, "ACME Co");
	ck_assert_str_eq(l.items[1].name, "a+b");
	input_account_list_clear(&l);
}
END_TEST

START_TEST(uri_secret_forms)
{
	static const char *const forms[] = {
		"otpauth://totp/x?secret=MFRGGZA%3D", /* padded */
		"otpauth://totp/x?secret=MFRGGZA",    /* unpadded */
		"otpauth://totp/x?secret=mfrggza",    /* lower case */
		"otpauth://totp/x?secret=MFRG%20GZA", /* spaced */
		"otpauth://totp/x?secret=mfrg+gza=",  /* '+' space, pad */
		"otpauth://totp/x?secret=MFRG-GZA",   /* dashes */
	};
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		input_account_list l = {0};
		input_error e = {0};
		ck_assert_msg(parse1(forms[i], &l, &e) == INPUT_OK,
		              "form %zu: %s", i, e.msg);
		assert_secret(&l.items[0], "abcd");
		input_account_list_clear(&l);
	}
}
END_TEST

START_TEST(uri_sha256_period60)
{
	input_account_list l = {0};
	input_error e = {0};
	input_plan_report r;

	ck_assert_int_eq(
		parse1("otpauth://totp/Example:bob?secret=JBSWY3DPEHPK3PXP&algorithm=sha256&period=60&digits=6",
	               &l, &e),
		INPUT_OK);
	ck_assert_int_eq(l.items[0].alg, INPUT_ALG_SHA256);
	ck_assert_uint_eq(l.items[0].period, 60);
	ck_assert_int_eq(input_plan_check(&l.items[0], NULL, &r), INPUT_OK);
	ck_assert_int_eq(r.hash, 2);
	ck_assert_uint_eq(r.step, 60);
	input_account_list_clear(&l);
}
END_TEST

START_TEST(uri_missing_issuer_and_extras)
{
	input_account_list l = {0};
	input_error e = {0};

	ck_assert_int_eq(
		parse1("OtpAuth://TOTP/alice?secret=" SECRET_B32
	               "&image=https%3A%2F%2Fexample.com%2Flogo.png&color=red&&\n",
	               &l, &e),
		INPUT_OK);
	ck_assert_str_eq(l.items[0].issuer, "");
	ck_assert_str_eq(l.items[0].name, "alice");
	assert_secret(&l.items[0], SECRET_RAW);
	input_account_list_clear(&l);
}
END_TEST

START_TEST(uri_issuer_mismatch_warns)
{
	input_account_list l = {0};
	input_error e = {0};
	input_plan_report r;

	ck_assert_int_eq(parse1("otpauth://totp/Foo:alice?secret=" SECRET_B32
	                        "&issuer=Bar",
	                        &l, &e),
	                 INPUT_OK);
	ck_assert_str_eq(l.items[0].issuer, "Bar");
	ck_assert_uint_ne(l.items[0].flags & INPUT_ACCT_ISSUER_MISMATCH, 0);
	ck_assert_int_eq(input_plan_check(&l.items[0], NULL, &r), INPUT_OK);
	ck_assert_uint_eq(r.errors, 0);
	ck_assert_uint_eq(r.warnings, 1);
	ck_assert_int_eq(r.issues[0].code, INPUT_WARN_ISSUER_MISMATCH);
	ck_assert_int_eq(r.issues[0].severity, INPUT_SEV_WARNING);
	/* an empty issuer parameter says nothing: the label's prefix stands */
	ck_assert_int_eq(parse1("otpauth://totp/Foo:alice?secret=" SECRET_B32
	                        "&issuer=",
	                        &l, &e),
	                 INPUT_OK);
	ck_assert_str_eq(l.items[1].issuer, "Foo");
	ck_assert_uint_eq(l.items[1].flags & INPUT_ACCT_ISSUER_MISMATCH, 0);
	input_account_list_clear(&l);
}
END_TEST

START_TEST(plan_short_secret_warns_not_errs)
{
	input_account_list l = {0};
	input_error e = {0};
	input_plan_report r;

	/* 5 bytes "short" */
	ck_assert_int_eq(parse1("otpauth://totp/x?secret=ONUG64TU", &l, &e),
	                 INPUT_OK);
	ck_assert_int_eq(input_plan_check(&l.items[0], "the test account", &r),
	                 INPUT_OK);
	ck_assert_uint_eq(r.errors, 0);
	ck_assert_uint_eq(r.warnings, 1);
	ck_assert_int_eq(r.issues[0].code, INPUT_WARN_SECRET_SHORT);
	ck_assert_ptr_nonnull(strstr(r.issues[0].msg, "the test account"));
	ck_assert_ptr_nonnull(strstr(r.issues[0].msg, "5 bytes"));
	input_account_list_clear(&l);
}
END_TEST

START_TEST(plan_boundaries)
{
	uint8_t seed[64];
	input_account a;
	input_plan_report r;

	memset(seed, 0x5a, sizeof(seed));
	memset(&a, 0, sizeof(a));
	a.type = INPUT_OTP_TOTP;
	a.alg = INPUT_ALG_SHA1;
	a.digits = 6;
	a.period = 30;
	a.secret = seed;
	a.secret_len = 63;
	ck_assert_int_eq(input_plan_check(&a, NULL, &r), INPUT_OK);
	a.secret_len = 64;
	ck_assert_int_eq(input_plan_check(&a, NULL, &r), INPUT_ERR_SECRET_LONG);
	a.secret_len = 10;
	ck_assert_int_eq(input_plan_check(&a, NULL, &r), INPUT_OK);
	ck_assert_uint_eq(r.warnings, 0);
	a.secret_len = 9;
	ck_assert_int_eq(input_plan_check(&a, NULL, &r), INPUT_OK);
	ck_assert_uint_eq(r.warnings, 1);
	/* several problems: all are reported, the first is returned */
	a.secret_len = 20;
	a.type = INPUT_OTP_HOTP;
	a.alg = INPUT_ALG_SHA512;
	a.digits = 8;
	a.period = 45;
	ck_assert_int_eq(input_plan_check(&a, NULL, &r), INPUT_ERR_HOTP);
	ck_assert_uint_eq(r.errors, 4);
	a.secret = NULL;
	a.secret_len = 0;
	ck_assert_int_eq(input_plan_check(&a, NULL, &r), INPUT_ERR_NO_SECRET);
}
END_TEST

START_TEST(parse_error_appends_nothing)
{
	input_account_list l = {0};
	input_error e = {0};

	ck_assert_int_eq(parse1("otpauth://totp/a?secret=" SECRET_B32, &l, &e),
	                 INPUT_OK);
	ck_assert_int_eq(parse1("otpauth://totp/b?secret=" SECRET_B32
	                        "&digits=x",
	                        &l, &e),
	                 INPUT_ERR_PARAM);
	ck_assert_uint_eq(l.count, 1);
	ck_assert_str_eq(l.items[0].name, "a");
	ck_assert_ptr_nonnull(strstr(e.msg, "test URI"));
	ck_assert_ptr_null(strstr(e.msg, SECRET_B32));
	input_account_list_clear(&l);
}
END_TEST

START_TEST(pick_accounts)
{
	input_account_list l = {0};
	input_error e = {0};
	size_t idx = 99;

	ck_assert_int_eq(
		parse1("otpauth://totp/GitHub:alice?secret=" SECRET_B32, &l,
	               &e),
		0);
	ck_assert_int_eq(input_account_pick(&l, NULL, &idx, &e), INPUT_OK);
	ck_assert_uint_eq(idx, 0);
	ck_assert_int_eq(
		parse1("otpauth://totp/GitLab:alice?secret=" SECRET_B32, &l,
	               &e),
		0);
	ck_assert_int_eq(
		parse1("otpauth://totp/Example:bob?secret=" SECRET_B32, &l, &e),
		0);
	ck_assert_int_eq(input_account_pick(&l, NULL, &idx, &e),
	                 INPUT_ERR_AMBIGUOUS);
	ck_assert_ptr_nonnull(strstr(e.msg, "2. GitLab: alice"));
	ck_assert_int_eq(input_account_pick(&l, "2", &idx, &e), INPUT_OK);
	ck_assert_uint_eq(idx, 1);
	ck_assert_int_eq(input_account_pick(&l, "4", &idx, &e),
	                 INPUT_ERR_NO_MATCH);
	ck_assert_int_eq(input_account_pick(&l, "0", &idx, &e),
	                 INPUT_ERR_NO_MATCH);
	ck_assert_int_eq(input_account_pick(&l, "github", &idx, &e), INPUT_OK);
	ck_assert_uint_eq(idx, 0);
	ck_assert_int_eq(input_account_pick(&l, "BOB", &idx, &e), INPUT_OK);
	ck_assert_uint_eq(idx, 2);
	ck_assert_int_eq(input_account_pick(&l, "alice", &idx, &e),
	                 INPUT_ERR_AMBIGUOUS);
	ck_assert_int_eq(input_account_pick(&l, "nobody", &idx, &e),
	                 INPUT_ERR_NO_MATCH);
	input_account_list_clear(&l);
}
END_TEST

/* RFC 4648 section 10 vectors. */
START_TEST(base32_rfc_vectors)
{
	static const char *const in[] = {"",     "f",     "fo",    "foo",
	                                 "foob", "fooba", "foobar"};
	static const char *const out[] = {
		"",         "MY======", "MZXQ====",        "MZXW6===",
		"MZXW6YQ=", "MZXW6YTB", "MZXW6YTBOI======"};
	for (size_t i = 0; i < 7; i++) {
		char *enc = NULL;
		uint8_t *dec = NULL;
		size_t n = 0;
		ck_assert_int_eq(input_base32_encode((const uint8_t *)in[i],
		                                     strlen(in[i]), true, &enc),
		                 0);
		ck_assert_str_eq(enc, out[i]);
		ck_assert_int_eq(input_base32_decode(out[i], strlen(out[i]),
		                                     &dec, &n, NULL),
		                 0);
		ck_assert_uint_eq(n, strlen(in[i]));
		if (n > 0)
			ck_assert_mem_eq(dec, in[i], n);
		input_secret_free(enc, strlen(enc));
		input_secret_free(dec, n);
	}
}
END_TEST

START_TEST(base32_round_trips)
{
	uint8_t buf[80];
	unsigned s = 12345;

	for (size_t len = 0; len <= sizeof(buf); len++) {
		for (int pad = 0; pad < 2; pad++) {
			char *enc = NULL;
			uint8_t *dec = NULL;
			size_t n = 0;
			for (size_t i = 0; i < len; i++) {
				s = s * 1103515245u + 12345u;
				buf[i] = (uint8_t)(s >> 16);
			}
			ck_assert_int_eq(
				input_base32_encode(buf, len, pad != 0, &enc),
				0);
			if (!pad)
				ck_assert_ptr_null(strchr(enc, '='));
			/* lower case must decode the same */
			for (char *p = enc; *p; p++)
				if (*p >= 'A' && *p <= 'Z' &&
				    (p - enc) % 3 == 0)
					*p = (char)(*p - 'A' + 'a');
			ck_assert_int_eq(input_base32_decode(enc, strlen(enc),
			                                     &dec, &n, NULL),
			                 0);
			ck_assert_uint_eq(n, len);
			if (len > 0)
				ck_assert_mem_eq(dec, buf, len);
			input_secret_free(enc, strlen(enc));
			input_secret_free(dec, n);
		}
	}
}
END_TEST

START_TEST(base32_rejects)
{
	static const struct {
		const char *in;
		size_t len;
		int code;
	} bad[] = {
		{"MZXW6YT1", 8, INPUT_ERR_BASE32}, /* 1 is not base32 */
		{"MZXW6YT8", 8, INPUT_ERR_BASE32},
		{"MZXW6YT!", 8, INPUT_ERR_BASE32},
		{"M", 1, INPUT_ERR_BASE32}, /* 5 bits: no byte */
		{"MZX", 3, INPUT_ERR_BASE32},
		{"MZXW6Y", 6, INPUT_ERR_BASE32},
		{"MZ=XW", 5, INPUT_ERR_BASE32}, /* data after padding */
		{"MZ\0XW6YTB", 9, INPUT_ERR_NUL},
		{"MZXW6YT\xc3\xa9", 9, INPUT_ERR_BASE32},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		input_error e = {0};
		uint8_t *dec = (uint8_t *)&e;
		size_t n = 77;
		ck_assert_int_eq(input_base32_decode(bad[i].in, bad[i].len,
		                                     &dec, &n, &e),
		                 bad[i].code);
		ck_assert_int_eq(e.code, bad[i].code);
		ck_assert_ptr_null(dec);
		ck_assert_uint_eq(n, 0);
		ck_assert_uint_gt(strlen(e.msg), 20);
	}
}
END_TEST

START_TEST(error_table)
{
	for (int c = 0; c >= -100; c--) {
		const char *n = input_errname(c);
		ck_assert_ptr_nonnull(n);
		ck_assert_ptr_nonnull(input_strerror(c));
		if (strcmp(n, "INPUT_ERR_UNKNOWN_CODE") != 0)
			ck_assert_int_eq(input_errcode(n), c);
	}
	ck_assert_str_eq(input_errname(INPUT_ERR_HOTP), "INPUT_ERR_HOTP");
	ck_assert_int_eq(input_errcode("no such name"), 1);
	ck_assert(input_is_not_otp(INPUT_ERR_FIDO));
	ck_assert(!input_is_not_otp(INPUT_ERR_HOTP));
}
END_TEST

START_TEST(wipe_clears)
{
	volatile unsigned char buf[32];
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = 0xa5;
	input_wipe((void *)buf, sizeof(buf));
	for (size_t i = 0; i < sizeof(buf); i++)
		ck_assert_uint_eq(buf[i], 0);
}
END_TEST

START_TEST(label_for_listing)
{
	input_account_list l = {0};
	char lab[64];

	ck_assert_int_eq(parse1("otpauth://totp/ACME:alice?secret=" SECRET_B32,
	                        &l, NULL),
	                 0);
	ck_assert_int_eq(parse1("otpauth://totp/?secret=" SECRET_B32, &l, NULL),
	                 0);
	input_account_label(&l.items[0], lab, sizeof(lab));
	ck_assert_str_eq(lab, "ACME: alice");
	input_account_label(&l.items[1], lab, sizeof(lab));
	ck_assert_str_eq(lab, "(unnamed account)");
	input_account_list_clear(&l);
}
END_TEST

Suite *suite_otpauth(void)
{
	Suite *s = suite_create("otpauth");
	TCase *t = tcase_create("core");

	tcase_add_test(t, uri_label_with_issuer_prefix);
	tcase_add_test(t, uri_escaped_colon_and_space);
	tcase_add_test(t, uri_secret_forms);
	tcase_add_test(t, uri_sha256_period60);
	tcase_add_test(t, uri_missing_issuer_and_extras);
	tcase_add_test(t, uri_issuer_mismatch_warns);
	tcase_add_test(t, plan_short_secret_warns_not_errs);
	tcase_add_test(t, plan_boundaries);
	tcase_add_test(t, parse_error_appends_nothing);
	tcase_add_test(t, pick_accounts);
	tcase_add_test(t, base32_rfc_vectors);
	tcase_add_test(t, base32_round_trips);
	tcase_add_test(t, base32_rejects);
	tcase_add_test(t, error_table);
	tcase_add_test(t, wipe_clears);
	tcase_add_test(t, label_for_listing);
	suite_add_tcase(s, t);
	return s;
}
