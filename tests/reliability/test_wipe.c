/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Seed buffers are wiped, and the wipe is not optimised away.
 *
 * The functions under test live in other translation units (static
 * libraries), and every buffer is read back through a volatile pointer
 * after the wipe.  free() is wrapped at link time (-Wl,--wrap=free) so the
 * helpers that wipe-then-free are checked at the moment memory goes back
 * to the allocator: the bytes must already be zero then.
 */
#include <stdlib.h>
#include <string.h>

#include <safeid/safeid.h>

#include "inputs.h"
#include "unit.h"

#define MARK 0xA5

void __real_free(void *p);
void __wrap_free(void *p);

/* The one pointer whose contents must be zero when it is freed. */
static void *watched;
static size_t watched_len;
static int watched_freed, watched_dirty;

void __wrap_free(void *p)
{
	if (p != NULL && p == watched) {
		const volatile unsigned char *b = p;

		watched_freed++;
		for (size_t i = 0; i < watched_len; i++)
			if (b[i] != 0)
				watched_dirty++;
		watched = NULL;
	}
	__real_free(p);
}

static void watch(void *p, size_t n)
{
	watched = p;
	watched_len = n;
	watched_freed = 0;
	watched_dirty = 0;
}

static size_t nonzero(const void *p, size_t n)
{
	const volatile unsigned char *b = p;
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += b[i] != 0;
	return k;
}

/* The wipe reached through a volatile function pointer: the compiler
 * cannot know what is called, so it cannot drop the call either way; the
 * direct call below is the one that matters. */
static void (*volatile wipe_fn)(void *, size_t) = safeid_wipe;

START_TEST(core_wipe_heap)
{
	size_t n = 4096;
	unsigned char *buf = malloc(n);

	ck_assert_ptr_nonnull(buf);
	memset(buf, MARK, n);
	safeid_wipe(buf, n);
	ck_assert_uint_eq(nonzero(buf, n), 0);
	memset(buf, MARK, n);
	wipe_fn(buf, n);
	ck_assert_uint_eq(nonzero(buf, n), 0);
	free(buf);
}
END_TEST

START_TEST(core_wipe_zero_length)
{
	unsigned char b[4] = {1, 2, 3, 4};

	safeid_wipe(b, 0);
	safeid_wipe(NULL, 0);
	ck_assert_uint_eq(b[0], 1);
}
END_TEST

START_TEST(inputs_secret_free_wipes_before_free)
{
	size_t n = 63;
	unsigned char *buf = malloc(n);

	ck_assert_ptr_nonnull(buf);
	memset(buf, MARK, n);
	watch(buf, n);
	input_secret_free(buf, n);
	ck_assert_int_eq(watched_freed, 1);
	ck_assert_int_eq(watched_dirty, 0);
}
END_TEST

START_TEST(inputs_wipe)
{
	unsigned char b[32];

	memset(b, MARK, sizeof(b));
	input_wipe(b, sizeof(b));
	ck_assert_uint_eq(nonzero(b, sizeof(b)), 0);
}
END_TEST

/* A parsed account's secret is wiped when the account is cleared. */
START_TEST(inputs_account_clear_wipes_secret)
{
	static const char uri[] =
		"otpauth://totp/Rel:wipe?secret=KNAUMRKJIRGUCUSLIVJDIMRUGJNFUWS2";
	input_account_list l = {0};
	input_error err;

	ck_assert_int_eq(input_parse(uri, strlen(uri), "test", &l, &err),
	                 INPUT_OK);
	ck_assert_uint_eq(l.count, 1);
	ck_assert_uint_eq(l.items[0].secret_len, 20);
	ck_assert_int_eq(memcmp(l.items[0].secret, "SAFEIDMARKER4242ZZZZ", 20),
	                 0);
	watch(l.items[0].secret, l.items[0].secret_len);
	input_account_list_clear(&l);
	ck_assert_int_eq(watched_freed, 1);
	ck_assert_int_eq(watched_dirty, 0);
}
END_TEST

/* base32 output is a secret: released with input_secret_free. */
START_TEST(inputs_base32_output_wiped)
{
	static const char b32[] = "KNAUMRKJIRGUCUSLIVJDIMRUGJNFUWS2";
	input_error err;
	uint8_t *out = NULL;
	size_t len = 0;

	ck_assert_int_eq(
		input_base32_decode(b32, strlen(b32), &out, &len, &err),
		INPUT_OK);
	ck_assert_uint_eq(len, 20);
	watch(out, len);
	input_secret_free(out, len);
	ck_assert_int_eq(watched_freed, 1);
	ck_assert_int_eq(watched_dirty, 0);
}
END_TEST

/* The encrypted seed APDU builder leaves no plaintext in its output. */
START_TEST(core_seed_apdu_holds_no_plaintext)
{
	static const uint8_t seed[20] = "SAFEIDMARKER4242ZZZZ";
	uint8_t out[SAFEID_APDU_MAX];
	size_t len = 0;

	ck_assert_int_eq(safeid_apdu_write_seed(seed, sizeof(seed), out,
	                                        sizeof(out), &len),
	                 SAFEID_OK);
	ck_assert_uint_eq(len, 5 + 32 + 4);
	for (size_t i = 0; i + 4 <= len; i++)
		ck_assert_int_ne(memcmp(out + i, seed, 4), 0);
	safeid_wipe(out, sizeof(out));
	ck_assert_uint_eq(nonzero(out, sizeof(out)), 0);
}
END_TEST

/* Run with CK_FORK=no (tests/reliability/CMakeLists.txt): the free()
 * wrapper's bookkeeping lives in the test process. */
Suite *suite_wipe(void)
{
	Suite *s = suite_create("wipe");
	TCase *tc = tcase_create("wipe");

	tcase_add_test(tc, core_wipe_heap);
	tcase_add_test(tc, core_wipe_zero_length);
	tcase_add_test(tc, inputs_secret_free_wipes_before_free);
	tcase_add_test(tc, inputs_wipe);
	tcase_add_test(tc, inputs_account_clear_wipes_secret);
	tcase_add_test(tc, inputs_base32_output_wiped);
	tcase_add_test(tc, core_seed_apdu_holds_no_plaintext);
	suite_add_tcase(s, tc);
	return s;
}
