/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unit tests of the emulator's Molto2: the known-answer APDUs go in, what
 * each profile then holds and shows is checked, and so are the tries, the
 * lock, the requests that wait for the up-arrow, and the state file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "emu_crypto.h"
#include "emu_state.h"
#include "emu_token.h"
#include "hex.h"
#include "unit.h"

#define NOW 1767225600 /* the known answers' clock T, as host time too */
#define SERIAL "826658719844499"

static const char auth_default[] = "80CE000010A01BA116091E6FBFDB95936C9A2E3F48";
static const char auth_newkey[] = "80CE000010C58D113338AE5BABB78225BABAF19DDE";
static const char newkey[] = "safeid-test-key!";

static int counting_challenge(uint8_t *buf, size_t len, void *arg)
{
	(void)arg;
	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(i + 1);
	return 0;
}

static void fresh(emu_token *t, unsigned profiles)
{
	ck_assert_int_eq(emu_m2_init(t, SERIAL, NOW, profiles, NULL, 0), 0);
	t->random = counting_challenge;
}

/* One APDU (hex) at host time now; the status word, the data in data. */
static unsigned apdu_at(emu_token *t, int64_t now, const char *hex,
                        uint8_t *data, size_t *dlen)
{
	uint8_t c[300], r[EMU_RAPDU_MAX];
	long clen = hex_decode(hex, c, sizeof(c));
	size_t rlen;

	ck_assert_msg(clen >= 0, "not hex: %s", hex);
	rlen = emu_token_handle(t, now, c, (size_t)clen, r);
	ck_assert_uint_ge(rlen, 2);
	if (data != NULL)
		memcpy(data, r, rlen - 2);
	if (dlen != NULL)
		*dlen = rlen - 2;
	return (unsigned)r[rlen - 2] << 8 | r[rlen - 1];
}

static unsigned apdu(emu_token *t, const char *hex)
{
	return apdu_at(t, NOW, hex, NULL, NULL);
}

/* get challenge (01..08), then the answer given */
static unsigned login(emu_token *t, const char *answer)
{
	uint8_t ch[8];
	size_t n = 0;

	ck_assert_uint_eq(apdu_at(t, NOW, "804B080000", ch, &n), 0x9000);
	ck_assert_uint_eq(n, 8);
	return apdu(t, answer);
}

static void assert_seed(const emu_token *t, unsigned p, const char *hex)
{
	uint8_t want[64];
	long n = hex_decode(hex, want, sizeof(want));

	ck_assert_uint_eq(t->m2.p[p].seedlen, (size_t)n);
	ck_assert(memcmp(t->m2.p[p].seed, want, (size_t)n) == 0);
}

START_TEST(factory_fresh)
{
	static const uint8_t factory_k[16] = {
		0x09, 0x92, 0x50, 0xFD, 0xB0, 0x17, 0xF4, 0x42,
		0xDA, 0x42, 0x9E, 0xCB, 0xBE, 0xE1, 0x7F, 0x79,
	};
	emu_token t;

	fresh(&t, 100);
	ck_assert_uint_eq(t.family, EMU_FAMILY_MOLTO2);
	ck_assert(memcmp(t.m2.key, factory_k, 16) == 0);
	ck_assert_uint_eq(t.m2.tries_left, EMU_M2_TRIES);
	/* profile 0 comes with a factory seed, "0. Token2" */
	ck_assert_uint_eq(t.m2.p[0].seedlen, 20);
	ck_assert_str_eq((const char *)t.m2.p[0].title, "Token2");
	ck_assert_uint_eq(t.m2.p[1].seedlen, 0);
	ck_assert_uint_eq(t.m2.p[99].flag, 0);
	/* another customer key: only its hash is kept */
	ck_assert_int_eq(emu_m2_init(&t, SERIAL, NOW, 50,
	                             (const uint8_t *)newkey, strlen(newkey)),
	                 0);
	ck_assert(memcmp(t.m2.key,
	                 "\x11\x18\x7D\x83\x98\x56\xA2\x8B\xD1\x19"
	                 "\x4D\x4D\xE9\xB1\xA6\xE0",
	                 16) == 0);
	ck_assert_uint_eq(t.m2.profiles, 50);
	ck_assert_int_ne(emu_m2_init(&t, SERIAL, NOW, 60, NULL, 0), 0);
	ck_assert_int_ne(emu_m2_init(&t, "12ab", NOW, 100, NULL, 0), 0);
}
END_TEST

START_TEST(reads)
{
	uint8_t d[64];
	size_t n = 0;
	emu_token t;

	fresh(&t, 50);
	/* get info, with or without Le */
	ck_assert_uint_eq(apdu_at(&t, NOW, "8041000000", d, &n), 0x9000);
	ck_assert_uint_eq(n, 3 + 1 + 15 + 2 + 4);
	ck_assert_uint_eq(d[3], 15);
	ck_assert(memcmp(d + 4, SERIAL, 15) == 0);
	ck_assert_uint_eq(d[n - 1], 0x00); /* 6955B900 */
	ck_assert_uint_eq(d[n - 4], 0x69);
	ck_assert_uint_eq(apdu(&t, "80410000"), 0x9000);
	/* the single-profile forms are not this token's */
	ck_assert_uint_eq(apdu(&t, "80410000020211"), 0x6700);
	ck_assert_uint_eq(apdu(&t, "804B08000100"), 0x6700);
	/* a profile's info: 95 1F 70 1D ... */
	ck_assert_uint_eq(apdu_at(&t, NOW, "804100000170", d, &n), 0x9000);
	ck_assert_uint_eq(n, 33);
	ck_assert_uint_eq(d[0], 0x95);
	ck_assert_uint_eq(d[1], 0x1F);
	ck_assert_uint_eq(d[2], 0x70);
	ck_assert_uint_eq(d[3], 0x1D);
	ck_assert(memcmp(d + 5, "Token2", 7) == 0);
	ck_assert_uint_eq(d[29], 1);
	ck_assert_uint_eq(d[30], 30);
	ck_assert_uint_eq(d[31], 6);
	ck_assert_uint_eq(d[32], 1);
	/* an untouched profile reads as zeros */
	ck_assert_uint_eq(apdu_at(&t, NOW, "804100310170", d, &n), 0x9000);
	for (size_t i = 4; i < 33; i++)
		ck_assert_uint_eq(d[i], 0);
	/* with Le, as a real token: 6FFB; past the last profile: 6A86 */
	ck_assert_uint_eq(apdu(&t, "80410000017000"), 0x6FFB);
	ck_assert_uint_eq(apdu(&t, "804100320170"), 0x6A86);
	ck_assert_uint_eq(apdu(&t, "804100630170"), 0x6A86);
}
END_TEST

START_TEST(auth_and_tries)
{
	emu_token t;

	fresh(&t, 100);
	t.m2.tries_max = t.m2.tries_left = 3;
	ck_assert_uint_eq(apdu(&t, auth_default), 0x6985); /* no challenge */
	ck_assert_uint_eq(login(&t, auth_newkey), 0x6302);
	ck_assert(t.dirty);
	/* the challenge is single use */
	ck_assert_uint_eq(apdu(&t, auth_default), 0x6985);
	/* a good key refills the counter */
	ck_assert_uint_eq(login(&t, auth_default), 0x9000);
	ck_assert(t.authenticated);
	ck_assert_uint_eq(t.m2.tries_left, 3);
	ck_assert_uint_eq(login(&t, auth_newkey), 0x6302);
	ck_assert(!t.authenticated);
	ck_assert_uint_eq(login(&t, auth_newkey), 0x6301);
	ck_assert_uint_eq(login(&t, auth_newkey), 0x6300);
	ck_assert(t.m2.locked);
	/* locked: the right key does not help; reads still work */
	ck_assert_uint_eq(login(&t, auth_default), 0x6983);
	ck_assert_uint_eq(apdu(&t, "804100000170"), 0x9000);
	ck_assert_uint_eq(apdu(&t, "80E6000000"), 0x6983);
	t.m2.locked_sw = 0x6300;
	ck_assert_uint_eq(login(&t, auth_default), 0x6300);
	/* the factory reset is the way out */
	ck_assert_uint_eq(apdu(&t, "8056000000"), 0x9060);
	ck_assert_uint_eq(emu_m2_press_up(&t), EMU_M2_PENDING_RESET);
	ck_assert(!t.m2.locked);
	ck_assert_uint_eq(t.m2.tries_left, 3);
	ck_assert_uint_eq(login(&t, auth_default), 0x9000);
}
END_TEST

START_TEST(keep_tries)
{
	emu_token t;

	fresh(&t, 100);
	t.m2.keep_tries = true;
	ck_assert_uint_eq(login(&t, auth_newkey), 0x6309);
	ck_assert_uint_eq(login(&t, auth_default), 0x9000);
	ck_assert_uint_eq(t.m2.tries_left, 9);
	ck_assert_uint_eq(login(&t, auth_newkey), 0x6308);
}
END_TEST

START_TEST(kat_writes)
{
	emu_token t;
	int64_t tt;

	fresh(&t, 100);
	/* secure commands need the authentication */
	ck_assert_uint_eq(apdu(&t, "84D401000C81060F046955B900A8406140"),
	                  0x6982);
	ck_assert_uint_eq(login(&t, auth_default), 0x9000);
	/* seeds: 20 bytes, 32 (a whole block more), 16, 63, 1 */
	ck_assert_uint_eq(
		apdu(&t,
	             "84C50163245D848C69EB8E884E7D20591FF89ADEFF31FD80354BF08248E60D457774BBF06EB0596B49"),
		0x9000);
	assert_seed(&t, 99, "3132333435363738393031323334353637383930");
	ck_assert_uint_eq(
		apdu(&t,
	             "84C50139345D848C69EB8E884E7D20591FF89ADEFF381D65B0547F2F6AEDB2EE32AA2947E59D199F6663A6F7234F37AD5487AFF2724FB04C0C"),
		0x9000);
	assert_seed(
		&t, 57,
		"3132333435363738393031323334353637383930313233343536373839303132");
	ck_assert_uint_eq(
		apdu(&t,
	             "84C501002458F751727A9C30811AD68CF580077DF09D199F6663A6F7234F37AD5487AFF2724FFC8A77"),
		0x9000);
	assert_seed(&t, 0, "0102030405060708090A0B0C0D0E0F10");
	ck_assert_uint_eq(
		apdu(&t,
	             "84C501014458F751727A9C30811AD68CF580077DF054707375E1EEE7DD5466E5C9D83FF2C04F4E0A5E8A1919C8BE9B4AEC1611E8ACFA14A7DA6DEC9662252561326B842A2C5D2AE843"),
		0x9000);
	ck_assert_uint_eq(t.m2.p[1].seedlen, 63);
	ck_assert_uint_eq(t.m2.p[1].seed[62], 0x3F);
	ck_assert_uint_eq(
		apdu(&t, "84C5010114F4494184AC4E1AAA2F86BB2581797E624AF0C2A0"),
		0x9000);
	assert_seed(&t, 1, "42");
	/* titles, kept in clear */
	ck_assert_uint_eq(
		apdu(&t, "84D5003914A54639FF517862971621718915C95B3EA6ED2E0F"),
		0x9000);
	ck_assert_str_eq((const char *)t.m2.p[57].title, "GitHub");
	ck_assert_uint_eq(
		apdu(&t, "84D500631403788E2E121D86FA4EC96AC8242306D8B807450C"),
		0x9000);
	ck_assert(memcmp(t.m2.p[99].title, "ABCDEFGHIJKL\0\0\0", 16) == 0);
	ck_assert_uint_eq(
		apdu(&t, "84D5000314E918CDD8703EB157C83F248F3BB7C1046C5422E7"),
		0x9000);
	ck_assert_str_eq((const char *)t.m2.p[3].title, "Caf\xC3\xA9 B\xC3\xA4"
	                                                "ck");
	/* configs */
	ck_assert_uint_eq(
		apdu(&t,
	             "84D401391A81141F01010F046955B90086090A01020B01080D013C1176187C"),
		0x9000);
	ck_assert_uint_eq(t.m2.p[57].hash, EMU_HASH_SHA256);
	ck_assert_uint_eq(t.m2.p[57].digits, 8);
	ck_assert_uint_eq(t.m2.p[57].step, 60);
	ck_assert_uint_eq(t.m2.p[57].display, 1);
	ck_assert_uint_eq(
		apdu(&t,
	             "84D401631A81141F01030F046955B90086090A01010B010A0D011E1A186C37"),
		0x9000);
	ck_assert_uint_eq(t.m2.p[99].digits, 10);
	ck_assert_uint_eq(t.m2.p[99].display, 3);
	/* profile 99: RFC 6238's seed, SHA-1, 10 digits, at T */
	ck_assert_int_eq(emu_m2_code(&t, 99, NOW, &tt), 452745690L);
	ck_assert_int_eq(tt, NOW);
	/* the all-zero seed clears the profile; its title and config stay */
	ck_assert_uint_eq(
		apdu(&t,
	             "84C501022414CC24B0CC984DA7612C0799D350E38C14CC24B0CC984DA7612C0799D350E38CB66DD5B3"),
		0x9000);
	ck_assert_uint_eq(t.m2.p[2].seedlen, 0);
	/* the clock only: seed, title and config stay */
	ck_assert_uint_eq(apdu_at(&t, NOW + 500,
	                          "84D401630C81060F046955B9009B870C5B", NULL,
	                          NULL),
	                  0x9000);
	ck_assert_int_eq(emu_m2_time(&t, 99, NOW + 500), NOW);
	ck_assert_uint_eq(t.m2.p[99].digits, 10);
	assert_seed(&t, 99, "3132333435363738393031323334353637383930");
	ck_assert(memcmp(t.m2.p[99].title, "ABCDEFGHIJKL", 12) == 0);
	/* a bad MAC, and a changed body under the known MAC */
	ck_assert_uint_eq(apdu(&t, "84D401630C81060F046955B9009B870C5C"),
	                  0x6988);
	ck_assert_uint_eq(
		apdu(&t,
	             "84D401001A81141F01000F046955B90086090A01010B01070D011EE96B88E9"),
		0x6988);
}
END_TEST

/* A secure APDU built with the emulator's own crypto, for inputs the
 * known answers do not cover. */
static size_t build(const emu_token *t, uint8_t ins, uint8_t p1, uint8_t p2,
                    const uint8_t *plain, size_t len, bool encrypt,
                    uint8_t *out)
{
	out[0] = 0x84;
	out[1] = ins;
	out[2] = p1;
	out[3] = p2;
	out[4] = (uint8_t)(len + 4);
	if (encrypt)
		ck_assert_int_eq(
			emu_sm4_ecb_key(t->m2.key, true, plain, len, out + 5),
			0);
	else
		memcpy(out + 5, plain, len);
	ck_assert_int_eq(emu_mac_key(t->m2.key, ins, p1, p2, out + 5, len,
	                             out + 5 + len),
	                 0);
	return 5 + len + 4;
}

static unsigned send(emu_token *t, const uint8_t *c, size_t clen)
{
	uint8_t r[EMU_RAPDU_MAX];
	size_t rlen = emu_token_handle(t, NOW, c, clen, r);

	return (unsigned)r[rlen - 2] << 8 | r[rlen - 1];
}

START_TEST(codes_with_digits)
{
	static const uint8_t config[22] = {
		0x81, 0x14, 0x1F, 0x01, 0x01, 0x0F, 0x04, 0x69,
		0x55, 0xB9, 0x00, 0x86, 0x09, 0x0A, 0x01, 0x02,
		0x0B, 0x01, 0x08, 0x0D, 0x01, 0x3C,
	};
	uint8_t seed[32] = "12345678901234567890", c[128];
	emu_token t;
	int64_t tt;

	fresh(&t, 100);
	ck_assert_uint_eq(login(&t, auth_default), 0x9000);
	seed[20] = 0x80;
	ck_assert_uint_eq(
		send(&t, c, build(&t, 0xC5, 0x01, 5, seed, 32, true, c)),
		0x9000);
	ck_assert_uint_eq(
		send(&t, c, build(&t, 0xD4, 0x01, 5, config, 22, false, c)),
		0x9000);
	/* RFC 6238's SHA-1 seed with SHA-256, 60 s, 8 digits, at T */
	ck_assert_int_eq(emu_m2_code(&t, 5, NOW, &tt), 5578892L);
	/* RFC 6238's seed at T=59: 4, 6, 8, 10 digits */
	ck_assert_int_eq(emu_hotp(1, seed, 20, 59 / 30, 4), 7082L);
	ck_assert_int_eq(emu_hotp(1, seed, 20, 59 / 30, 6), 287082L);
	ck_assert_int_eq(emu_hotp(1, seed, 20, 59 / 30, 8), 94287082L);
	ck_assert_int_eq(emu_hotp(1, seed, 20, 59 / 30, 10), 1094287082L);
	ck_assert_int_eq(emu_hotp(1, seed, 20, NOW / 30, 4), 5690L);
	ck_assert_int_eq(emu_hotp(1, seed, 20, 59 / 30, 3), -1L);
	/* 7 digits, a 13-byte title: refused */
	{
		uint8_t bad[22], title[16] = "ABCDEFGHIJKLM";

		memcpy(bad, config, sizeof(bad));
		bad[18] = 7;
		ck_assert_uint_eq(
			send(&t, c,
		             build(&t, 0xD4, 0x01, 5, bad, 22, false, c)),
			0x6A80);
		title[13] = 0x80;
		ck_assert_uint_eq(
			send(&t, c,
		             build(&t, 0xD5, 0x00, 5, title, 16, true, c)),
			0x6A80);
	}
	ck_assert_uint_eq(t.m2.p[5].digits, 8);
}
END_TEST

START_TEST(key_change_and_button)
{
	emu_token t;

	fresh(&t, 100);
	ck_assert_uint_eq(login(&t, auth_default), 0x9000);
	ck_assert_uint_eq(
		apdu(&t,
	             "84D7000024924F3FCB652598DC95D5279A47660F128D4EF00F26363829099EC67095E340747E392E2D"),
		0x9060);
	ck_assert_uint_eq(t.m2.pending, EMU_M2_PENDING_KEY);
	/* any other command cancels the waiting request */
	ck_assert_uint_eq(apdu(&t, "8041000000"), 0x9000);
	ck_assert_uint_eq(emu_m2_press_up(&t), EMU_M2_PENDING_NONE);
	ck_assert_uint_eq(login(&t, auth_newkey), 0x6309);
	/* so does a power-off */
	ck_assert_uint_eq(login(&t, auth_default), 0x9000);
	ck_assert_uint_eq(
		apdu(&t,
	             "84D7000024924F3FCB652598DC95D5279A47660F128D4EF00F26363829099EC67095E340747E392E2D"),
		0x9060);
	emu_token_power_event(&t);
	ck_assert_uint_eq(emu_m2_press_up(&t), EMU_M2_PENDING_NONE);
	/* pressed in time: the new key, and the old one refused */
	ck_assert_uint_eq(login(&t, auth_default), 0x9000);
	ck_assert_uint_eq(
		apdu(&t,
	             "84D7000024924F3FCB652598DC95D5279A47660F128D4EF00F26363829099EC67095E340747E392E2D"),
		0x9060);
	t.dirty = false;
	ck_assert_uint_eq(emu_m2_press_up(&t), EMU_M2_PENDING_KEY);
	ck_assert(t.dirty && !t.authenticated);
	ck_assert_uint_eq(login(&t, auth_newkey), 0x9000);
	ck_assert_uint_eq(login(&t, auth_default), 0x6309);
	/* and back, under the new key */
	ck_assert_uint_eq(login(&t, auth_newkey), 0x9000);
	ck_assert_uint_eq(
		apdu(&t,
	             "84D7000024F1931A924075DD7B9F26A43997E9ED079380A02FAA741E45355D7645DE2A77627F085C2E"),
		0x9060);
	ck_assert_uint_eq(emu_m2_press_up(&t), EMU_M2_PENDING_KEY);
	ck_assert_uint_eq(login(&t, auth_default), 0x9000);
}
END_TEST

START_TEST(delete_and_reset)
{
	emu_token t;

	fresh(&t, 100);
	/* delete works without the key, keeps the title; empty: 6A83 */
	ck_assert_uint_eq(apdu(&t, "80E6000000"), 0x9000);
	ck_assert_uint_eq(t.m2.p[0].seedlen, 0);
	ck_assert_str_eq((const char *)t.m2.p[0].title, "Token2");
	ck_assert_uint_eq(apdu(&t, "80E6000000"), 0x6A83);
	ck_assert_uint_eq(apdu(&t, "80E6006400"), 0x6A86);
	/* the reset waits for the button, then empties everything */
	ck_assert_uint_eq(login(&t, auth_default), 0x9000);
	ck_assert_uint_eq(
		apdu(&t, "84D5003914A54639FF517862971621718915C95B3EA6ED2E0F"),
		0x9000);
	ck_assert_uint_eq(apdu(&t, "8056000000"), 0x9060);
	ck_assert_uint_eq(t.m2.p[57].flag, 0x20);
	ck_assert_uint_eq(emu_m2_press_up(&t), EMU_M2_PENDING_RESET);
	ck_assert_uint_eq(t.m2.p[57].flag, 0);
	ck_assert_uint_eq(t.m2.p[57].title[0], 0);
	ck_assert_uint_eq(emu_m2_press_up(&t), EMU_M2_PENDING_NONE);
}
END_TEST

START_TEST(screen_lock)
{
	emu_token t;

	fresh(&t, 100);
	ck_assert_uint_eq(apdu(&t, "80D80C0200"), 0x6982);
	ck_assert_uint_eq(login(&t, auth_default), 0x9000);
	ck_assert_uint_eq(apdu(&t, "80D80C0200"), 0x9000);
	ck_assert(t.m2.screen_locked);
	ck_assert_uint_eq(apdu(&t, "80D80C020101"), 0x9000);
	ck_assert(!t.m2.screen_locked);
	t.m2.screen_cmd = false;
	ck_assert_uint_eq(apdu(&t, "80D80C0200"), 0x6D00);
}
END_TEST

START_TEST(state_round_trip)
{
	char path[] = "/tmp/safeid-emu-m2-XXXXXX", err[512];
	emu_token a, b;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	close(fd);
	fresh(&a, 100);
	a.m2.tries_max = 5;
	a.m2.tries_left = 2;
	a.m2.locked_sw = 0x6300;
	a.m2.keep_tries = true;
	a.m2.screen_cmd = false;
	for (unsigned p = 1; p < EMU_M2_PROFILES; p++) {
		emu_m2_profile *q = &a.m2.p[p];

		q->seedlen = 63;
		memset(q->seed, (int)p, 63);
		memset(q->title, 'A' + (int)(p % 26), 12);
		q->hash = 2;
		q->digits = 10;
		q->step = 60;
		q->display = 3;
		q->clock_base = NOW + p;
		q->clock_ref = NOW - (int64_t)p;
		q->timecfg = NOW + p;
		q->flag = 0x20;
	}
	ck_assert_int_eq(emu_state_save(path, &a, err, sizeof(err)), 0);
	ck_assert_int_eq(emu_state_load(path, &b, err, sizeof(err)), 0);
	ck_assert_uint_eq(b.family, EMU_FAMILY_MOLTO2);
	ck_assert_str_eq(b.serial, SERIAL);
	ck_assert(memcmp(&a.m2.p, &b.m2.p, sizeof(a.m2.p)) == 0);
	ck_assert(memcmp(a.m2.key, b.m2.key, 16) == 0);
	ck_assert_uint_eq(b.m2.profiles, 100);
	ck_assert_uint_eq(b.m2.tries_max, 5);
	ck_assert_uint_eq(b.m2.tries_left, 2);
	ck_assert_uint_eq(b.m2.locked_sw, 0x6300);
	ck_assert(b.m2.keep_tries && !b.m2.screen_cmd && !b.m2.locked);
	/* a file that breaks the rules is refused, naming it */
	{
		FILE *f = fopen(path, "a");

		ck_assert_ptr_nonnull(f);
		fputs("tries_left=9\n", f);
		fclose(f);
	}
	ck_assert_int_ne(emu_state_load(path, &b, err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(strstr(err, path));
	unlink(path);
}
END_TEST

Suite *suite_molto2(void)
{
	Suite *s = suite_create("molto2");
	TCase *tc = tcase_create("molto2");

	tcase_add_test(tc, factory_fresh);
	tcase_add_test(tc, reads);
	tcase_add_test(tc, auth_and_tries);
	tcase_add_test(tc, keep_tries);
	tcase_add_test(tc, kat_writes);
	tcase_add_test(tc, codes_with_digits);
	tcase_add_test(tc, key_change_and_button);
	tcase_add_test(tc, delete_and_reset);
	tcase_add_test(tc, screen_lock);
	tcase_add_test(tc, state_round_trip);
	suite_add_tcase(s, tc);
	return s;
}
