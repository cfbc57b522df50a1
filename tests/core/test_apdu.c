/* SPDX-License-Identifier: BSD-2-Clause */
/* APDU builders against the protocol document's known answers. */
#include <string.h>

#include <openssl/evp.h>
#include <safeid/safeid.h>

#include "fake.h"
#include "hex.h"
#include "unit.h"

static void assert_hex(const uint8_t *b, size_t n, const char *want)
{
	uint8_t w[FAKE_BUF];
	long wn = hex_decode(want, w, sizeof(w));

	ck_assert_int_eq((long)n, wn);
	ck_assert_msg(memcmp(b, w, n) == 0, "bytes differ from %s", want);
}

START_TEST(plain_commands)
{
	uint8_t out[64];
	size_t n = 0;

	ck_assert_int_eq(safeid_apdu_get_info(out, sizeof(out), &n), SAFEID_OK);
	assert_hex(out, n, "80410000020211");
	ck_assert_int_eq(safeid_apdu_get_challenge(out, sizeof(out), &n),
	                 SAFEID_OK);
	assert_hex(out, n, "804B08000100");
	ck_assert_int_eq(safeid_apdu_get_info(out, 6, &n), SAFEID_ERR_ARG);
}
END_TEST

START_TEST(kat_authenticate)
{
	static const uint8_t ch[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	uint8_t out[64];
	size_t n = 0;

	ck_assert_int_eq(safeid_apdu_authenticate(ch, out, sizeof(out), &n),
	                 SAFEID_OK);
	assert_hex(out, n, "80CE000010C1CD2CF40D508CEDC1274FF1AE4C19F1");
	ck_assert_int_eq(safeid_apdu_authenticate(ch, out, 20, &n),
	                 SAFEID_ERR_ARG);
}
END_TEST

START_TEST(kat_config)
{
	safeid_config cfg = {1767225600u, SAFEID_HASH_SHA256, 60,
	                     SAFEID_DISPLAY_30S};
	uint8_t out[64];
	size_t n = 0;

	ck_assert_int_eq(safeid_apdu_write_config(&cfg, out, sizeof(out), &n),
	                 SAFEID_OK);
	assert_hex(out, n,
	           "84D400001781111F01010F046955B90086060A01020D013C1E7633CF");
}
END_TEST

START_TEST(config_rejects_bad_values)
{
	safeid_config cfg = {1767225600u, SAFEID_HASH_SHA1, 45,
	                     SAFEID_DISPLAY_30S};
	uint8_t out[64];
	size_t n = 0;

	ck_assert_int_eq(safeid_apdu_write_config(&cfg, out, sizeof(out), &n),
	                 SAFEID_ERR_CONFIG);
	cfg.step = 30;
	cfg.hash = (safeid_hash)3;
	ck_assert_int_eq(safeid_apdu_write_config(&cfg, out, sizeof(out), &n),
	                 SAFEID_ERR_CONFIG);
	cfg.hash = SAFEID_HASH_SHA1;
	cfg.display = (safeid_display)4;
	ck_assert_int_eq(safeid_apdu_write_config(&cfg, out, sizeof(out), &n),
	                 SAFEID_ERR_CONFIG);
	cfg.display = SAFEID_DISPLAY_120S;
	ck_assert_int_eq(safeid_apdu_write_config(&cfg, out, sizeof(out), &n),
	                 SAFEID_OK);
	ck_assert_uint_eq(out[5 + 4], 0x03);  /* display byte */
	ck_assert_uint_eq(out[5 + 15], 0x01); /* SHA-1 */
	ck_assert_uint_eq(out[5 + 18], 0x1E); /* 30 s */
}
END_TEST

START_TEST(display_conversions)
{
	static const unsigned secs[] = {15, 30, 60, 120};
	safeid_display d;
	unsigned i;

	for (i = 0; i < 4; i++) {
		ck_assert_int_eq(safeid_display_from_seconds(secs[i], &d),
		                 SAFEID_OK);
		ck_assert_int_eq((int)d, (int)i);
		ck_assert_uint_eq(safeid_display_seconds(d), secs[i]);
	}
	ck_assert_int_eq(safeid_display_from_seconds(45, &d),
	                 SAFEID_ERR_CONFIG);
	ck_assert_int_eq(safeid_display_from_seconds(0, &d), SAFEID_ERR_CONFIG);
	ck_assert_uint_eq(safeid_display_seconds((safeid_display)9), 0);
}
END_TEST

START_TEST(kat_seed_20)
{
	uint8_t seed[20], out[128];
	size_t n = 0;

	memcpy(seed, "12345678901234567890", 20);
	ck_assert_int_eq(safeid_apdu_write_seed(seed, 20, out, sizeof(out), &n),
	                 SAFEID_OK);
	assert_hex(
		out, n,
		"84C50100245E5856092FD3228D4D33EEE3DAAC4B55CE37D18D332B7AC6A40E8661FA23042AF47B0153");
}
END_TEST

START_TEST(kat_seed_32)
{
	uint8_t seed[32], out[128];
	size_t n = 0, i;

	for (i = 0; i < 32; i++)
		seed[i] = (uint8_t)i;
	ck_assert_int_eq(safeid_apdu_write_seed(seed, 32, out, sizeof(out), &n),
	                 SAFEID_OK);
	assert_hex(
		out, n,
		"84C5010034B766BFF098C4EB0D7F67AB23463F6F12B830899CFE9DE292CD26D3C7439215CED219EFC9972FED9191DF027FD36A80B0B79E11E8");
}
END_TEST

/* Decrypt the body independently and check the padding layout. */
static void check_plain(const uint8_t *enc, size_t enclen, const uint8_t *seed,
                        size_t seedlen)
{
	static const uint8_t key[16] = {0x8A, 0xD2, 0x06, 0x88, 0x3C, 0xA3,
	                                0x69, 0x48, 0x2A, 0xB2, 0x71, 0x82,
	                                0xB6, 0xE8, 0x32, 0x24};
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	uint8_t plain[128];
	int l1 = 0, l2 = 0;
	size_t ext = seedlen < 20 ? 20 : seedlen, i;

	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(EVP_DecryptInit_ex(c, EVP_sm4_ecb(), NULL, key, NULL),
	                 1);
	EVP_CIPHER_CTX_set_padding(c, 0);
	ck_assert_int_eq(EVP_DecryptUpdate(c, plain, &l1, enc, (int)enclen), 1);
	ck_assert_int_eq(EVP_DecryptFinal_ex(c, plain + l1, &l2), 1);
	EVP_CIPHER_CTX_free(c);
	ck_assert_uint_eq((size_t)(l1 + l2), enclen);
	ck_assert_int_eq(memcmp(plain, seed, seedlen), 0);
	for (i = seedlen; i < ext; i++)
		ck_assert_uint_eq(plain[i], 0);
	ck_assert_uint_eq(plain[ext], 0x80);
	for (i = ext + 1; i < enclen; i++)
		ck_assert_uint_eq(plain[i], 0);
}

START_TEST(seed_padding_boundaries)
{
	static const struct {
		size_t len;
		int rc;
		uint8_t lc;
	} cases[] = {
		{1, SAFEID_OK, 0x24},
		{19, SAFEID_OK, 0x24},
		{20, SAFEID_OK, 0x24},
		{31, SAFEID_OK, 0x24},
		{32, SAFEID_OK, 0x34},
		{47, SAFEID_OK, 0x34},
		{48, SAFEID_OK, 0x44},
		{63, SAFEID_OK, 0x44},
		{64, SAFEID_ERR_SEED_LENGTH, 0},
		{0, SAFEID_ERR_SEED_LENGTH, 0},
	};
	uint8_t seed[64], out[128];
	size_t i, j, n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (j = 0; j < sizeof(seed); j++)
			seed[j] = (uint8_t)(0xC0 + j);
		n = 0;
		memset(out, 0xEE, sizeof(out));
		ck_assert_int_eq(safeid_apdu_write_seed(seed, cases[i].len, out,
		                                        sizeof(out), &n),
		                 cases[i].rc);
		if (cases[i].rc != SAFEID_OK) {
			ck_assert_uint_eq(n, 0);
			continue;
		}
		ck_assert_uint_eq(out[4], cases[i].lc);
		ck_assert_uint_eq(n, 5u + cases[i].lc);
		check_plain(out + 5, cases[i].lc - 4u, seed, cases[i].len);
	}
	/* too small an output buffer: refused, not overrun */
	ck_assert_int_eq(safeid_apdu_write_seed(seed, 20, out, 40, &n),
	                 SAFEID_ERR_ARG);
	ck_assert_int_eq(safeid_apdu_write_seed(NULL, 20, out, sizeof(out), &n),
	                 SAFEID_ERR_ARG);
}
END_TEST

Suite *suite_apdu(void)
{
	Suite *s = suite_create("apdu");
	TCase *tc = tcase_create("apdu");

	tcase_add_test(tc, plain_commands);
	tcase_add_test(tc, kat_authenticate);
	tcase_add_test(tc, kat_config);
	tcase_add_test(tc, config_rejects_bad_values);
	tcase_add_test(tc, display_conversions);
	tcase_add_test(tc, kat_seed_20);
	tcase_add_test(tc, kat_seed_32);
	tcase_add_test(tc, seed_padding_boundaries);
	suite_add_tcase(s, tc);
	return s;
}
