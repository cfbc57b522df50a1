/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unit tests of the emulator's token side: the protocol document's
 * known-answer APDUs go in, and what the token stores is checked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "emu_crypto.h"
#include "emu_report.h"
#include "emu_state.h"
#include "emu_token.h"
#include "hex.h"
#include "unit.h"

#define NOW 1767225000 /* host time used throughout */

static const char kat_auth[] = "80CE000010C1CD2CF40D508CEDC1274FF1AE4C19F1";
static const char kat_config[] =
	"84D400001781111F01010F046955B90086060A01020D013C1E7633CF";
static const char kat_seed20[] =
	"84C50100245E5856092FD3228D4D33EEE3DAAC4B55CE37D18D332B7AC6A40E8661FA23"
	"042AF47B0153";
static const char kat_seed32[] =
	"84C5010034B766BFF098C4EB0D7F67AB23463F6F12B830899CFE9DE292CD26D3C74392"
	"15CED219EFC9972FED9191DF027FD36A80B0B79E11E8";

/* Known-answer hex that must decode. */
static size_t unhex(const char *s, uint8_t *out, size_t cap)
{
	long n = hex_decode(s, out, cap);

	ck_assert_msg(n >= 0, "not hex of at most %zu bytes: %s", cap, s);
	return (size_t)n;
}

static int fixed_challenge(uint8_t *buf, size_t len, void *arg)
{
	(void)arg;
	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(i + 1);
	return 0;
}

/* Send hex APDU, return the status word; rapdu data copied to data. */
static unsigned send_hex(emu_token *t, const char *hex, uint8_t *data,
                         size_t *dlen)
{
	uint8_t c[300], r[EMU_RAPDU_MAX];
	size_t clen = unhex(hex, c, sizeof(c));
	size_t rlen = emu_token_handle(t, NOW, c, clen, r);
	ck_assert_uint_ge(rlen, 2);
	if (data != NULL)
		memcpy(data, r, rlen - 2);
	if (dlen != NULL)
		*dlen = rlen - 2;
	return (unsigned)r[rlen - 2] << 8 | r[rlen - 1];
}

static unsigned send_raw(emu_token *t, const uint8_t *c, size_t clen)
{
	uint8_t r[EMU_RAPDU_MAX];
	size_t rlen = emu_token_handle(t, NOW, c, clen, r);
	return (unsigned)r[rlen - 2] << 8 | r[rlen - 1];
}

static void fresh(emu_token *t, const char *serial)
{
	ck_assert_int_eq(emu_token_init(t, serial, NOW), 0);
	t->random = fixed_challenge;
}

static void authenticate(emu_token *t)
{
	uint8_t ch[8];
	size_t n = 0;
	ck_assert_uint_eq(send_hex(t, "804B08000100", ch, &n), 0x9000);
	ck_assert_uint_eq(n, 8);
	ck_assert_uint_eq(send_hex(t, kat_auth, NULL, NULL), 0x9000);
	ck_assert(t->authenticated);
}

/* A secure APDU with a correct MAC over an arbitrary body. */
static size_t secure_apdu(uint8_t ins, uint8_t p1, const uint8_t *body,
                          size_t blen, uint8_t *out)
{
	out[0] = 0x84;
	out[1] = ins;
	out[2] = p1;
	out[3] = 0x00;
	out[4] = (uint8_t)(blen + 4);
	memcpy(out + 5, body, blen);
	ck_assert_int_eq(emu_mac(ins, p1, 0, body, blen, out + 5 + blen), 0);
	return 5 + blen + 4;
}

START_TEST(auth_known_answer)
{
	emu_token t;
	fresh(&t, "8659632000001");
	authenticate(&t);
}
END_TEST

START_TEST(auth_wrong_answer)
{
	emu_token t;
	fresh(&t, "8659632000001");
	ck_assert_uint_eq(send_hex(&t, "804B08000100", NULL, NULL), 0x9000);
	ck_assert_uint_eq(send_hex(&t,
	                           "80CE00001000112233445566778899AABBCCDDEEFF",
	                           NULL, NULL),
	                  0x6983);
	ck_assert(!t.authenticated);
	/* the challenge was used up: the right answer now fails too */
	ck_assert_uint_eq(send_hex(&t, kat_auth, NULL, NULL), 0x6983);
}
END_TEST

START_TEST(auth_locked)
{
	emu_token t;
	fresh(&t, "8659632000001");
	t.locked = true;
	ck_assert_uint_eq(send_hex(&t, "804B08000100", NULL, NULL), 0x9000);
	ck_assert_uint_eq(send_hex(&t, kat_auth, NULL, NULL), 0x6983);
}
END_TEST

START_TEST(config_known_answer)
{
	emu_token t;
	fresh(&t, "8659632000001");
	authenticate(&t);
	ck_assert_uint_eq(send_hex(&t, kat_config, NULL, NULL), 0x9000);
	ck_assert_uint_eq(t.display, 1);
	ck_assert_uint_eq(t.hash, EMU_HASH_SHA256);
	ck_assert_uint_eq(t.step, 60);
	ck_assert_int_eq(t.clock_base, 1767225600);
	ck_assert_int_eq(t.clock_ref, NOW);
	ck_assert_int_eq(emu_token_time(&t, NOW + 10), 1767225610);
	ck_assert(t.dirty);
}
END_TEST

START_TEST(seed20_known_answer)
{
	emu_token t;
	fresh(&t, "8659632000001");
	authenticate(&t);
	ck_assert_uint_eq(send_hex(&t, kat_seed20, NULL, NULL), 0x9000);
	ck_assert_uint_eq(t.seedlen, 20);
	ck_assert_mem_eq(t.seed, "12345678901234567890", 20);
}
END_TEST

START_TEST(seed32_known_answer)
{
	emu_token t;
	uint8_t want[32];
	fresh(&t, "8659632000001");
	for (size_t i = 0; i < 32; i++)
		want[i] = (uint8_t)i;
	authenticate(&t);
	ck_assert_uint_eq(send_hex(&t, kat_seed32, NULL, NULL), 0x9000);
	ck_assert_uint_eq(t.seedlen, 32);
	ck_assert_mem_eq(t.seed, want, 32);
}
END_TEST

START_TEST(wrong_mac_rejected)
{
	emu_token t;
	uint8_t c[300];
	size_t n;
	fresh(&t, "8659632000001");
	authenticate(&t);
	n = unhex(kat_seed20, c, sizeof(c));
	c[n - 1] ^= 0x01;
	ck_assert_uint_eq(send_raw(&t, c, n), 0x6983);
	ck_assert_uint_eq(t.seedlen, 0);
	n = unhex(kat_config, c, sizeof(c));
	c[n - 4] ^= 0x80;
	ck_assert_uint_eq(send_raw(&t, c, n), 0x6983);
	ck_assert_uint_eq(t.step, 30);
}
END_TEST

START_TEST(unauthenticated_write_rejected)
{
	emu_token t;
	fresh(&t, "8659632000001");
	ck_assert_uint_eq(send_hex(&t, kat_config, NULL, NULL), 0x6983);
	ck_assert_uint_eq(send_hex(&t, kat_seed20, NULL, NULL), 0x6983);
	ck_assert_uint_eq(t.seedlen, 0);
	ck_assert(!t.dirty);
}
END_TEST

START_TEST(new_challenge_ends_auth)
{
	emu_token t;
	fresh(&t, "8659632000001");
	authenticate(&t);
	ck_assert_uint_eq(send_hex(&t, "804B08000100", NULL, NULL), 0x9000);
	ck_assert_uint_eq(send_hex(&t, kat_seed20, NULL, NULL), 0x6983);
	authenticate(&t);
	emu_token_power_event(&t);
	ck_assert_uint_eq(send_hex(&t, kat_seed20, NULL, NULL), 0x6983);
}
END_TEST

START_TEST(bad_tlv_rejected)
{
	/* each variant of the KAT body breaks one rule of the TLV */
	static const struct {
		size_t at;
		uint8_t value;
	} bad[] = {
		{0, 0x80},  {1, 0x12},  {2, 0x1E},  {4, 0x04},  {5, 0x0E},
		{6, 0x05},  {11, 0x87}, {13, 0x0B}, {15, 0x03}, {15, 0x00},
		{16, 0x0C}, {18, 0x20}, {18, 0x00},
	};
	emu_token t;
	uint8_t kat[64], body[19], c[64];
	fresh(&t, "8659632000001");
	unhex(kat_config, kat, sizeof(kat));
	authenticate(&t);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memcpy(body, kat + 5, 19);
		body[bad[i].at] = bad[i].value;
		size_t n = secure_apdu(0xD4, 0x00, body, 19, c);
		ck_assert_msg(send_raw(&t, c, n) == 0x6A80, "byte %zu = %02X",
		              bad[i].at, bad[i].value);
		ck_assert_uint_eq(t.step, 30);
		ck_assert(!t.dirty);
	}
	/* a body of another length is a wrong length, MAC or not */
	memcpy(body, kat + 5, 19);
	size_t n = secure_apdu(0xD4, 0x00, body, 18, c);
	ck_assert_uint_eq(send_raw(&t, c, n), 0x6700);
}
END_TEST

static void burn_seed20(emu_token *t)
{
	authenticate(t);
	ck_assert_uint_eq(send_hex(t, kat_seed20, NULL, NULL), 0x9000);
	ck_assert_uint_eq(t->seedlen, 20);
}

START_TEST(restricted_model_erases_seed)
{
	emu_token t;
	fresh(&t, "8659622000001"); /* OTPC-P2-i: restricted sync */
	ck_assert(emu_token_restricted(t.serial));
	burn_seed20(&t);
	ck_assert_uint_eq(send_hex(&t, kat_config, NULL, NULL), 0x9000);
	ck_assert_uint_eq(t.seedlen, 0);
	/* unknown prefixes are treated as restricted */
	ck_assert(emu_token_restricted("1234567"));
}
END_TEST

START_TEST(unrestricted_model_keeps_seed)
{
	emu_token t;
	fresh(&t, "8659632000001"); /* C302-i */
	ck_assert(!emu_token_restricted(t.serial));
	burn_seed20(&t);
	ck_assert_uint_eq(send_hex(&t, kat_config, NULL, NULL), 0x9000);
	ck_assert_uint_eq(t.seedlen, 20);
	ck_assert_mem_eq(t.seed, "12345678901234567890", 20);
}
END_TEST

/* Encrypt plain (a multiple of 16) and send it as a seed body. */
static unsigned send_seed_plain(emu_token *t, const uint8_t *plain, size_t n)
{
	uint8_t enc[64], c[100];
	ck_assert_int_eq(emu_sm4_ecb(true, plain, n, enc), 0);
	return send_raw(t, c, secure_apdu(0xC5, 0x01, enc, n, c));
}

START_TEST(padding_errors_rejected)
{
	emu_token t;
	uint8_t p[64];
	fresh(&t, "8659632000001");
	authenticate(&t);
	/* no 80 marker at all */
	memset(p, 0x11, 32);
	ck_assert_uint_eq(send_seed_plain(&t, p, 32), 0x6A80);
	/* last non-zero byte is not 80 */
	memset(p, 0x00, 32);
	memset(p, 0x31, 20);
	p[20] = 0x81;
	ck_assert_uint_eq(send_seed_plain(&t, p, 32), 0x6A80);
	/* all zero */
	memset(p, 0x00, 32);
	ck_assert_uint_eq(send_seed_plain(&t, p, 32), 0x6A80);
	/* padding longer than a block: the seed was not padded by method 2 */
	memset(p, 0x00, 48);
	memset(p, 0x31, 20);
	p[20] = 0x80;
	ck_assert_uint_eq(send_seed_plain(&t, p, 48), 0x6A80);
	/* body not a multiple of 16, or too short / long */
	ck_assert_uint_eq(send_seed_plain(&t, p, 16), 0x6A80);
	ck_assert_uint_eq(t.seedlen, 0);
	/* the right shape is accepted */
	memset(p, 0x00, 32);
	memset(p, 0x31, 20);
	p[20] = 0x80;
	ck_assert_uint_eq(send_seed_plain(&t, p, 32), 0x9000);
	ck_assert_uint_eq(t.seedlen, 20);
}
END_TEST

START_TEST(status_words)
{
	emu_token t;
	fresh(&t, "8659632000001");
	ck_assert_uint_eq(send_hex(&t, "8041000003021100", NULL, NULL), 0x6700);
	ck_assert_uint_eq(send_hex(&t, "80410000020211FF", NULL, NULL), 0x6700);
	ck_assert_uint_eq(send_hex(&t, "804B080000", NULL, NULL), 0x6700);
	ck_assert_uint_eq(send_hex(&t,
	                           "80CE00000F000102030405060708090A0B0C0D0E",
	                           NULL, NULL),
	                  0x6700);
	ck_assert_uint_eq(send_hex(&t, "80420000020211", NULL, NULL), 0x6D00);
	ck_assert_uint_eq(send_hex(&t, "8400000000", NULL, NULL), 0x6D00);
	ck_assert_uint_eq(send_hex(&t, "00A4040000", NULL, NULL), 0x6E00);
	ck_assert_uint_eq(send_hex(&t, "804100", NULL, NULL), 0x6700);
}
END_TEST

START_TEST(get_info_layout)
{
	emu_token t;
	uint8_t d[64];
	size_t n = 0;
	uint32_t clock;
	fresh(&t, "8659632000001");
	t.clock_base = 1767225600;
	ck_assert_uint_eq(send_hex(&t, "80410000020211", d, &n), 0x9000);
	ck_assert_uint_eq(n, 3 + 1 + 13 + 2 + 4);
	ck_assert_uint_eq(d[3], 13);
	ck_assert_mem_eq(d + 4, "8659632000001", 13);
	clock = (uint32_t)d[19] << 24 | (uint32_t)d[20] << 16 |
	        (uint32_t)d[21] << 8 | d[22];
	ck_assert_uint_eq(clock, 1767225600);
}
END_TEST

START_TEST(drift_and_offset)
{
	emu_token t;
	fresh(&t, "8659632000001");
	t.clock_ref = 0;
	t.clock_base = 100;
	t.drift_ppm = 100;
	ck_assert_int_eq(emu_token_time(&t, 1000000), 1000100 + 100);
	t.drift_ppm = -100;
	ck_assert_int_eq(emu_token_time(&t, 1000000), 999900 + 100);
}
END_TEST

START_TEST(state_round_trip)
{
	char dir[] = "/tmp/emu-test-XXXXXX", path[64], err[512];
	emu_token a, b;
	struct stat st;
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/state", dir);
	fresh(&a, "8659622000042");
	burn_seed20(&a);
	a.hash = EMU_HASH_SHA256;
	a.step = 60;
	a.display = 3;
	a.clock_base = 1767225600;
	a.clock_ref = 1767225000;
	a.drift_ppm = -25;
	ck_assert_msg(emu_state_save(path, &a, err, sizeof(err)) == 0, "%s",
	              err);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0600);
	ck_assert_msg(emu_state_load(path, &b, err, sizeof(err)) == 0, "%s",
	              err);
	ck_assert_str_eq(b.serial, "8659622000042");
	ck_assert_uint_eq(b.seedlen, 20);
	ck_assert_mem_eq(b.seed, "12345678901234567890", 20);
	ck_assert_uint_eq(b.hash, EMU_HASH_SHA256);
	ck_assert_uint_eq(b.step, 60);
	ck_assert_uint_eq(b.display, 3);
	ck_assert_int_eq(b.clock_base, 1767225600);
	ck_assert_int_eq(b.clock_ref, 1767225000);
	ck_assert_int_eq(b.drift_ppm, -25);
	/* a damaged file is refused with a message naming it */
	FILE *f = fopen(path, "a");
	ck_assert_ptr_nonnull(f);
	fputs("step=45\n", f);
	fclose(f);
	ck_assert_int_eq(emu_state_load(path, &b, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, path));
	unlink(path);
	rmdir(dir);
}
END_TEST

/* RFC 6238 appendix B, truncated to the token's 6 digits. */
START_TEST(totp_rfc6238)
{
	static const struct {
		int64_t t;
		const char *sha1, *sha256;
	} v[] = {
		{59, "287082", "119246"},
		{1111111109, "081804", "084774"},
		{1111111111, "050471", "062674"},
		{1234567890, "005924", "819424"},
		{2000000000, "279037", "698825"},
		{20000000000, "353130", "737706"},
	};
	emu_token t;
	char got[8];
	int64_t tt;
	fresh(&t, "8659632000001");
	t.clock_base = 0;
	t.clock_ref = 0;
	t.step = 30;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		t.hash = EMU_HASH_SHA1;
		memcpy(t.seed, "12345678901234567890", 20);
		t.seedlen = 20;
		snprintf(got, sizeof(got), "%06ld",
		         emu_report_code(&t, v[i].t, &tt));
		ck_assert_str_eq(got, v[i].sha1);
		ck_assert_int_eq(tt, v[i].t);
		t.hash = EMU_HASH_SHA256;
		memcpy(t.seed, "12345678901234567890123456789012", 32);
		t.seedlen = 32;
		snprintf(got, sizeof(got), "%06ld",
		         emu_report_code(&t, v[i].t, &tt));
		ck_assert_str_eq(got, v[i].sha256);
	}
	t.seedlen = 0;
	ck_assert_int_eq(emu_report_code(&t, 59, &tt), -1);
}
END_TEST

Suite *suite_token(void)
{
	Suite *s = suite_create("token");
	TCase *tc = tcase_create("token");
	tcase_add_test(tc, auth_known_answer);
	tcase_add_test(tc, auth_wrong_answer);
	tcase_add_test(tc, auth_locked);
	tcase_add_test(tc, config_known_answer);
	tcase_add_test(tc, seed20_known_answer);
	tcase_add_test(tc, seed32_known_answer);
	tcase_add_test(tc, wrong_mac_rejected);
	tcase_add_test(tc, unauthenticated_write_rejected);
	tcase_add_test(tc, new_challenge_ends_auth);
	tcase_add_test(tc, bad_tlv_rejected);
	tcase_add_test(tc, restricted_model_erases_seed);
	tcase_add_test(tc, unrestricted_model_keeps_seed);
	tcase_add_test(tc, padding_errors_rejected);
	tcase_add_test(tc, status_words);
	tcase_add_test(tc, get_info_layout);
	tcase_add_test(tc, drift_and_offset);
	tcase_add_test(tc, state_round_trip);
	tcase_add_test(tc, totp_rfc6238);
	suite_add_tcase(s, tc);
	return s;
}
