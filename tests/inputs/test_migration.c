/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unit tests: otpauth-migration:// exports.  Payloads are built here with
 * the protobuf-c code generated from our own migration.proto, encoded the
 * ways exporters do (standard base64 percent-encoded, URL-safe unpadded);
 * one fixed example guards against the test and the parser sharing a bug.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inputs.h"
#include "migration.pb-c.h"
#include "unit.h"

typedef SafeidMigration__MigrationPayload payload_t;
typedef SafeidMigration__MigrationPayload__OtpParameters otp_t;

static const char *b64_std =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char *b64_url =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Base64 of data; standard alphabet is percent-encoded as in a URL. */
static char *encode(const uint8_t *d, size_t n, int urlsafe)
{
	const char *al = urlsafe ? b64_url : b64_std;
	char *o = malloc(n * 4 + 16), *w = o;

	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)d[i] << 16;
		size_t k = n - i < 3 ? n - i : 3;
		if (k > 1)
			v |= (uint32_t)d[i + 1] << 8;
		if (k > 2)
			v |= d[i + 2];
		for (size_t j = 0; j < 4; j++) {
			char c;
			if (j > k) {
				if (urlsafe)
					break;
				w += sprintf(w, "%%3D");
				continue;
			}
			c = al[(v >> (18 - 6 * j)) & 63];
			if (!urlsafe && c == '+')
				w += sprintf(w, "%%2B");
			else if (!urlsafe && c == '/')
				w += sprintf(w, "%%2F");
			else
				*w++ = c;
		}
	}
	*w = '\0';
	return o;
}

static char *make_uri(otp_t **otps, size_t n, int urlsafe, int batch_size,
                      int batch_index)
{
	payload_t p = SAFEID_MIGRATION__MIGRATION_PAYLOAD__INIT;
	uint8_t *buf;
	size_t len;
	char *b64, *uri;

	p.n_otp_parameters = n;
	p.otp_parameters = otps;
	p.version = 1;
	p.batch_size = batch_size;
	p.batch_index = batch_index;
	p.batch_id = 42;
	len = safeid_migration__migration_payload__get_packed_size(&p);
	buf = malloc(len + 1);
	safeid_migration__migration_payload__pack(&p, buf);
	b64 = encode(buf, len, urlsafe);
	uri = malloc(strlen(b64) + 64);
	sprintf(uri, "otpauth-migration://offline?data=%s", b64);
	free(b64);
	free(buf);
	return uri;
}

static void set_otp(otp_t *o, const char *secret, const char *name,
                    const char *issuer, int alg, int digits, int type)
{
	safeid_migration__migration_payload__otp_parameters__init(o);
	o->secret.data = (uint8_t *)(uintptr_t)secret;
	o->secret.len = strlen(secret);
	o->name = (char *)(uintptr_t)name;
	o->issuer = (char *)(uintptr_t)issuer;
	o->algorithm = (SafeidMigration__MigrationPayload__Algorithm)alg;
	o->digits = (SafeidMigration__MigrationPayload__DigitCount)digits;
	o->type = (SafeidMigration__MigrationPayload__OtpType)type;
}

START_TEST(one_account)
{
	otp_t o, *list[1] = {&o};
	input_account_list l = {0};
	input_error e = {0};
	input_plan_report r;
	char *uri;

	set_otp(&o, "12345678901234567890", "alice@example.com", "ACME", 1, 1,
	        2);
	uri = make_uri(list, 1, _i, 1, 0);
	ck_assert_msg(input_parse(uri, strlen(uri), "export", &l, &e) == 0,
	              "%s", e.msg);
	ck_assert_uint_eq(l.count, 1);
	ck_assert_int_eq(l.items[0].type, INPUT_OTP_TOTP);
	ck_assert_str_eq(l.items[0].issuer, "ACME");
	ck_assert_str_eq(l.items[0].name, "alice@example.com");
	ck_assert_uint_eq(l.items[0].secret_len, 20);
	ck_assert_mem_eq(l.items[0].secret, "12345678901234567890", 20);
	ck_assert_int_eq(l.items[0].alg, INPUT_ALG_SHA1);
	ck_assert_uint_eq(l.items[0].digits, 6);
	ck_assert_uint_eq(l.items[0].period, 30);
	ck_assert_str_eq(l.items[0].source, "export, account 1 of 1");
	ck_assert_int_eq(input_plan_check(&l.items[0], NULL, &r), INPUT_OK);
	input_account_list_clear(&l);
	free(uri);
}
END_TEST

START_TEST(three_accounts)
{
	otp_t a, b, c, *list[3] = {&a, &b, &c};
	input_account_list l = {0};
	input_error e = {0};
	size_t idx = 0;
	char *uri;

	/* name with the issuer repeated as prefix, as exporters write it */
	set_otp(&a, "12345678901234567890", "GitHub:alice", "GitHub", 1, 1, 2);
	/* 32-byte secret with bytes that base64 turns into '+' and '/' */
	set_otp(&b,
	        "\xfb\xff\xbf\xfb\xff\xbf\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a"
	        "\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a",
	        "bob", "Example", 2, 1, 2);
	/* no issuer field, issuer only in the name; unspecified enums */
	set_otp(&c, "abcdefghij", "Corp:carol", "", 0, 0, 0);
	uri = make_uri(list, 3, _i, 2, 1);
	ck_assert_msg(input_parse(uri, strlen(uri), "export", &l, &e) == 0,
	              "%s", e.msg);
	ck_assert_uint_eq(l.count, 3);
	ck_assert_str_eq(l.items[0].issuer, "GitHub");
	ck_assert_str_eq(l.items[0].name, "alice");
	ck_assert_str_eq(l.items[1].issuer, "Example");
	ck_assert_int_eq(l.items[1].alg, INPUT_ALG_SHA256);
	ck_assert_uint_eq(l.items[1].secret_len, 32);
	ck_assert_mem_eq(l.items[1].secret, "\xfb\xff\xbf\xfb\xff\xbf", 6);
	ck_assert_str_eq(l.items[2].issuer, "Corp");
	ck_assert_str_eq(l.items[2].name, "carol");
	ck_assert_int_eq(l.items[2].type, INPUT_OTP_TOTP);
	ck_assert_int_eq(l.items[2].alg, INPUT_ALG_SHA1);
	ck_assert_uint_ne(l.items[2].flags & INPUT_ACCT_ALG_DEFAULTED, 0);
	ck_assert_str_eq(l.items[2].source,
	                 "export, export part 2 of 2, account 3 of 3");
	ck_assert_int_eq(input_account_pick(&l, "corp", &idx, &e), 0);
	ck_assert_uint_eq(idx, 2);
	for (size_t i = 0; i < 3; i++) {
		input_plan_report r;
		ck_assert_int_eq(input_plan_check(&l.items[i], NULL, &r),
		                 INPUT_OK);
	}
	input_account_list_clear(&l);
	free(uri);
}
END_TEST

/* Written out by hand from the field layout, not by protobuf-c:
 * one account, secret "12345678901234567890", name "Example:alice",
 * issuer "Example", SHA1, six digits, TOTP; version 1, batch 1 of 1, id 7. */
START_TEST(fixed_example)
{
	static const char uri[] =
		"otpauth-migration://offline?data=CjQKFDEyMzQ1Njc4OTAxMjM0NTY3ODkwEg1FeGFtcGxl"
		"OmFsaWNlGgdFeGFtcGxlIAEoATACEAEYASAAKAc%3D";
	input_account_list l = {0};
	input_error e = {0};

	ck_assert_msg(input_parse(uri, strlen(uri), NULL, &l, &e) == 0, "%s",
	              e.msg);
	ck_assert_uint_eq(l.count, 1);
	ck_assert_str_eq(l.items[0].issuer, "Example");
	ck_assert_str_eq(l.items[0].name, "alice");
	ck_assert_mem_eq(l.items[0].secret, "12345678901234567890", 20);
	ck_assert_uint_eq(l.items[0].digits, 6);
	input_account_list_clear(&l);
}
END_TEST

START_TEST(eight_digits_and_hotp_flagged_by_plan)
{
	otp_t a, b, *list[2] = {&a, &b};
	input_account_list l = {0};
	input_error e = {0};
	input_plan_report r;
	char *uri;

	set_otp(&a, "12345678901234567890", "a", "X", 1, 2, 2);
	set_otp(&b, "12345678901234567890", "b", "X", 1, 1, 1);
	uri = make_uri(list, 2, 1, 1, 0);
	ck_assert_int_eq(input_parse(uri, strlen(uri), NULL, &l, &e), 0);
	ck_assert_int_eq(input_plan_check(&l.items[0], NULL, &r),
	                 INPUT_ERR_DIGITS);
	ck_assert_int_eq(input_plan_check(&l.items[1], NULL, &r),
	                 INPUT_ERR_HOTP);
	ck_assert_int_eq(input_text_check(uri, strlen(uri), "export", &e),
	                 INPUT_ERR_DIGITS);
	input_account_list_clear(&l);
	free(uri);
}
END_TEST

START_TEST(hostile_payloads)
{
	otp_t a, *list[1] = {&a};
	char longname[400];
	input_account_list l = {0};
	input_error e = {0};
	char *uri;

	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	set_otp(&a, "12345678901234567890", longname, "X", 1, 1, 2);
	uri = make_uri(list, 1, 1, 1, 0);
	ck_assert_int_eq(input_parse(uri, strlen(uri), NULL, &l, &e),
	                 INPUT_ERR_TOO_LONG);
	free(uri);
	set_otp(&a, "12345678901234567890", "a\x1b[2Jb", "X", 1, 1, 2);
	uri = make_uri(list, 1, 1, 1, 0);
	ck_assert_int_eq(input_parse(uri, strlen(uri), NULL, &l, &e),
	                 INPUT_ERR_PARAM);
	free(uri);
	set_otp(&a, "12345678901234567890", "a", "X", 1, 7, 2);
	uri = make_uri(list, 1, 1, 1, 0);
	ck_assert_int_eq(input_parse(uri, strlen(uri), NULL, &l, &e),
	                 INPUT_ERR_PARAM);
	free(uri);
	set_otp(&a, "12345678901234567890", "a", "X", 1, 1, 9);
	uri = make_uri(list, 1, 1, 1, 0);
	ck_assert_int_eq(input_parse(uri, strlen(uri), NULL, &l, &e),
	                 INPUT_ERR_TYPE);
	ck_assert_uint_eq(l.count, 0);
	free(uri);
	input_account_list_clear(&l);
}
END_TEST

Suite *suite_migration(void)
{
	Suite *s = suite_create("migration");
	TCase *t = tcase_create("core");

	tcase_add_loop_test(t, one_account, 0, 2); /* standard, URL-safe */
	tcase_add_loop_test(t, three_accounts, 0, 2);
	tcase_add_test(t, fixed_example);
	tcase_add_test(t, eight_digits_and_hotp_flagged_by_plan);
	tcase_add_test(t, hostile_payloads);
	suite_add_tcase(s, t);
	return s;
}
