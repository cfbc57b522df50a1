/* SPDX-License-Identifier: BSD-2-Clause */
/* T=0 handling, the trace hook and the single operations over a fake. */
#include <string.h>

#include <safeid/safeid.h>

#include "fake.h"
#include "hex.h"
#include "unit.h"

static const uint8_t get_info[] = {0x80, 0x41, 0x00, 0x00, 0x02, 0x02, 0x11};

START_TEST(plain_reply)
{
	struct fake f;
	uint8_t data[64];
	size_t n = 0;
	uint16_t sw = 0;

	fake_init(&f, false);
	fake_reply(&f, 0x41, "AABB9000");
	ck_assert_int_eq(safeid_transceive(&f.tp, get_info, 7, data,
	                                   sizeof(data), &n, &sw),
	                 SAFEID_OK);
	ck_assert_uint_eq(sw, 0x9000);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(data[0], 0xAA);
	/* an error SW is returned as such, not as a transport error */
	fake_init(&f, false);
	fake_reply(&f, 0x41, "6A80");
	ck_assert_int_eq(safeid_transceive(&f.tp, get_info, 7, data,
	                                   sizeof(data), &n, &sw),
	                 SAFEID_OK);
	ck_assert_uint_eq(sw, 0x6A80);
	ck_assert_uint_eq(n, 0);
	/* a reply without a status word */
	fake_init(&f, false);
	fake_reply(&f, 0x41, "90");
	ck_assert_int_eq(safeid_transceive(&f.tp, get_info, 7, data,
	                                   sizeof(data), &n, &sw),
	                 SAFEID_ERR_BAD_REPLY);
	/* more data than the caller can take */
	fake_init(&f, false);
	fake_reply(&f, 0x41, "0102039000");
	ck_assert_int_eq(
		safeid_transceive(&f.tp, get_info, 7, data, 2, &n, &sw),
		SAFEID_ERR_BAD_REPLY);
}
END_TEST

START_TEST(get_response_61xx)
{
	struct fake f;
	uint8_t data[64];
	size_t n = 0;
	uint16_t sw = 0;

	fake_init(&f, false);
	fake_reply(&f, 0x41, "6104");
	fake_reply(&f, 0xC0, "0102610A");
	fake_reply(&f, 0xC0, "03049000");
	ck_assert_int_eq(safeid_transceive(&f.tp, get_info, 7, data,
	                                   sizeof(data), &n, &sw),
	                 SAFEID_OK);
	ck_assert_uint_eq(sw, 0x9000);
	ck_assert_uint_eq(n, 4);
	ck_assert_uint_eq(data[3], 0x04);
	ck_assert_int_eq(f.unexpected, 0);
	ck_assert_uint_eq(f.sentlen[1], 5);
	ck_assert_int_eq(memcmp(f.sent[1], "\x00\xC0\x00\x00\x04", 5), 0);
	ck_assert_int_eq(memcmp(f.sent[2], "\x00\xC0\x00\x00\x0A", 5), 0);
}
END_TEST

START_TEST(get_response_bounded)
{
	struct fake f;
	uint8_t data[64];
	size_t n = 0;
	uint16_t sw = 0;
	int i;

	fake_init(&f, false);
	fake_reply(&f, 0x41, "6101");
	for (i = 0; i < 12; i++)
		fake_reply(&f, 0xC0, "6101");
	ck_assert_int_eq(safeid_transceive(&f.tp, get_info, 7, data,
	                                   sizeof(data), &n, &sw),
	                 SAFEID_ERR_BAD_REPLY);
	ck_assert_uint_le(f.pos, 8);
}
END_TEST

START_TEST(resend_6cxx)
{
	static const uint8_t case2[] = {0x80, 0x4B, 0x08, 0x00, 0x00};
	struct fake f;
	uint8_t data[64];
	size_t n = 0;
	uint16_t sw = 0;

	/* case 4: Le appended */
	fake_init(&f, false);
	fake_reply(&f, 0x41, "6C12");
	fake_reply(&f, 0x41, "AA9000");
	ck_assert_int_eq(safeid_transceive(&f.tp, get_info, 7, data,
	                                   sizeof(data), &n, &sw),
	                 SAFEID_OK);
	ck_assert_uint_eq(sw, 0x9000);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(f.sentlen[1], 8);
	ck_assert_int_eq(
		memcmp(f.sent[1], "\x80\x41\x00\x00\x02\x02\x11\x12", 8), 0);
	/* case 2: Le replaced */
	fake_init(&f, false);
	fake_reply(&f, 0x4B, "6C08");
	fake_reply(&f, 0x4B, "01020304050607089000");
	ck_assert_int_eq(
		safeid_transceive(&f.tp, case2, 5, data, sizeof(data), &n, &sw),
		SAFEID_OK);
	ck_assert_uint_eq(n, 8);
	ck_assert_uint_eq(f.sentlen[1], 5);
	ck_assert_uint_eq(f.sent[1][4], 0x08);
	/* a second 6CXX is not followed again */
	fake_init(&f, false);
	fake_reply(&f, 0x41, "6C12");
	fake_reply(&f, 0x41, "6C13");
	fake_reply(&f, 0x41, "9000");
	ck_assert_int_eq(safeid_transceive(&f.tp, get_info, 7, data,
	                                   sizeof(data), &n, &sw),
	                 SAFEID_OK);
	ck_assert_uint_eq(sw, 0x6C13);
	ck_assert_uint_eq(f.pos, 2);
}
END_TEST

struct trace_log {
	int calls;
	size_t maxlen;
	uint16_t last_sw;
	char last_what[32];
};

static void trace_cb(void *arg, const char *what, const uint8_t *hdr,
                     size_t hdrlen, uint16_t sw)
{
	struct trace_log *t = arg;

	(void)hdr;
	t->calls++;
	if (hdrlen > t->maxlen)
		t->maxlen = hdrlen;
	t->last_sw = sw;
	strncpy(t->last_what, what, sizeof(t->last_what) - 1);
}

START_TEST(trace_sees_headers_only)
{
	struct fake f;
	struct trace_log log;
	uint8_t seed[20];

	memset(&log, 0, sizeof(log));
	memset(seed, 0x5A, sizeof(seed));
	safeid_set_trace(trace_cb, &log);
	fake_init(&f, false);
	fake_reply(&f, 0xC5, "9000");
	ck_assert_int_eq(safeid_write_seed(&f.tp, seed, sizeof(seed)),
	                 SAFEID_OK);
	safeid_set_trace(NULL, NULL);
	ck_assert_int_eq(log.calls, 1);
	ck_assert_uint_eq(log.maxlen, 5);
	ck_assert_uint_eq(log.last_sw, 0x9000);
	ck_assert_str_eq(log.last_what, "write seed");
	/* disabled: no more calls */
	fake_init(&f, false);
	fake_reply(&f, 0xC5, "9000");
	ck_assert_int_eq(safeid_write_seed(&f.tp, seed, sizeof(seed)),
	                 SAFEID_OK);
	ck_assert_int_eq(log.calls, 1);
}
END_TEST

START_TEST(authenticate_kat_and_no_retry)
{
	struct fake f;

	fake_init(&f, false);
	fake_reply(&f, 0x4B, "01020304050607089000");
	fake_reply(&f, 0xCE, "9000");
	ck_assert_int_eq(safeid_authenticate(&f.tp), SAFEID_OK);
	ck_assert_uint_eq(f.sentlen[1], 21);
	{
		uint8_t want[32];
		size_t n = (size_t)hex_decode(
			"80CE000010C1CD2CF40D508CEDC1274FF1AE4C19F1", want,
			sizeof(want));

		ck_assert_uint_eq(n, 21);
		ck_assert_int_eq(memcmp(f.sent[1], want, n), 0);
	}
	/* 6983: stop at once, nothing more sent */
	fake_init(&f, false);
	fake_reply(&f, 0x4B, "01020304050607089000");
	fake_reply(&f, 0xCE, "6983");
	fake_reply(&f, -1, "9000");
	fake_reply(&f, -1, "9000");
	ck_assert_int_eq(safeid_authenticate(&f.tp), SAFEID_ERR_AUTH);
	ck_assert_uint_eq(f.pos, 2);
	/* a challenge of the wrong size is not answered */
	fake_init(&f, false);
	fake_reply(&f, 0x4B, "010203040506079000");
	ck_assert_int_eq(safeid_authenticate(&f.tp), SAFEID_ERR_BAD_REPLY);
	ck_assert_uint_eq(f.pos, 1);
	/* locked token refusing the challenge */
	fake_init(&f, false);
	fake_reply(&f, 0x4B, "6983");
	ck_assert_int_eq(safeid_authenticate(&f.tp), SAFEID_ERR_AUTH);
	ck_assert_uint_eq(f.pos, 1);
}
END_TEST

START_TEST(write_ops)
{
	struct fake f;
	uint8_t seed[64];
	safeid_config cfg = {1767225600u, SAFEID_HASH_SHA256, 60,
	                     SAFEID_DISPLAY_30S};

	memset(seed, 1, sizeof(seed));
	/* bad lengths: nothing is sent */
	fake_init(&f, false);
	ck_assert_int_eq(safeid_write_seed(&f.tp, seed, 64),
	                 SAFEID_ERR_SEED_LENGTH);
	ck_assert_int_eq(safeid_write_seed(&f.tp, seed, 0),
	                 SAFEID_ERR_SEED_LENGTH);
	ck_assert_uint_eq(f.pos + (size_t)f.unexpected, 0);
	fake_reply(&f, 0xC5, "6A80");
	ck_assert_int_eq(safeid_write_seed(&f.tp, seed, 63),
	                 SAFEID_ERR_BAD_DATA);
	ck_assert_uint_eq(f.sentlen[0], 5 + 0x44);
	/* config */
	fake_init(&f, false);
	fake_reply(&f, 0xD4, "9000");
	ck_assert_int_eq(safeid_write_config(&f.tp, &cfg), SAFEID_OK);
	ck_assert_uint_eq(f.sentlen[0], 28);
	fake_init(&f, false);
	fake_reply(&f, 0xD4, "6700");
	ck_assert_int_eq(safeid_write_config(&f.tp, &cfg),
	                 SAFEID_ERR_WRONG_LENGTH);
	cfg.step = 90;
	fake_init(&f, false);
	ck_assert_int_eq(safeid_write_config(&f.tp, &cfg), SAFEID_ERR_CONFIG);
	ck_assert_uint_eq(f.pos + (size_t)f.unexpected, 0);
}
END_TEST

Suite *suite_transceive(void)
{
	Suite *s = suite_create("transceive");
	TCase *tc = tcase_create("transceive");

	tcase_add_test(tc, plain_reply);
	tcase_add_test(tc, get_response_61xx);
	tcase_add_test(tc, get_response_bounded);
	tcase_add_test(tc, resend_6cxx);
	tcase_add_test(tc, trace_sees_headers_only);
	tcase_add_test(tc, authenticate_kat_and_no_retry);
	tcase_add_test(tc, write_ops);
	suite_add_tcase(s, tc);
	return s;
}
