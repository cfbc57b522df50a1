/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The Molto2 session over a scripted token: recognition, the tries and
 * the last-try rule, the per-profile info parser, and what each operation
 * reports when the token fails at every step.
 */
#include <string.h>

#include <safeid/molto2.h>

#include "fake.h"
#include "hex.h"
#include "unit.h"

#define SERIAL "826658719844499"
#define T_2026 1767225600u

static const uint8_t rfc20[] = "12345678901234567890";
static const uint8_t rfc32[] = "12345678901234567890123456789012";

/* ---- script helpers ---------------------------------------------------- */

/* A per-profile info reply (data + 9000). */
static void profile_reply(struct fake *f, bool seed, const char *title,
                          unsigned hash, unsigned step, unsigned digits)
{
	uint8_t b[35] = {0x95, 0x1F, 0x70, 0x1D};

	b[4] = seed || title != NULL ? 0x20 : 0x00;
	if (title != NULL)
		memcpy(b + 5, title, strlen(title));
	b[29] = (uint8_t)hash;
	b[30] = (uint8_t)step;
	b[31] = (uint8_t)digits;
	b[32] = seed ? 1 : 0;
	b[33] = 0x90;
	b[34] = 0x00;
	fake_reply_bytes(f, 0x41, b, sizeof(b));
}

static void empty_profile(struct fake *f)
{
	profile_reply(f, false, NULL, 0, 0, 0);
}

static void challenge(struct fake *f)
{
	fake_reply(f, 0x4B, "01020304050607089000");
}

static safeid_m2 *open_m2(struct fake *f, unsigned profiles)
{
	safeid_m2 *s = NULL;

	ck_assert_int_eq(safeid_m2_open(&f->tp, profiles, &s), SAFEID_OK);
	return s;
}

static void assert_sent(const struct fake *f, size_t i, const char *want)
{
	uint8_t w[FAKE_BUF];
	long n = hex_decode(want, w, sizeof(w));

	ck_assert_msg(n >= 0, "not hex: %s", want);
	ck_assert_msg(f->sentlen[i] == (size_t)n &&
	                      memcmp(f->sent[i], w, (size_t)n) == 0,
	              "APDU %zu is not %s", i, want);
}

/* ---- recognising the token ---------------------------------------------- */

START_TEST(family_from_reader_name)
{
	const safeid_family *m2 = safeid_family_molto2();
	const safeid_family *one = safeid_family_single();

	ck_assert_ptr_eq(safeid_family_for_reader(
				 "TOKEN2 Molto2 [CCID Interface] 00 00"),
	                 m2);
	ck_assert_ptr_eq(safeid_family_for_reader("token2 MOLTO2 00 01"), m2);
	ck_assert_ptr_eq(safeid_family_for_reader("Molto"), m2);
	/* TOKEN2 alone is a FIDO key or Token2's NFC reader */
	ck_assert_ptr_eq(
		safeid_family_for_reader("TOKEN2 FIDO2 Security Key 00 00"),
		one);
	ck_assert_ptr_eq(
		safeid_family_for_reader("TOKEN2 MFA NFC Reader 00 00"), one);
	ck_assert_ptr_eq(safeid_family_for_reader("HID OMNIKEY 5427 CK 00 00"),
	                 one);
	ck_assert_ptr_eq(safeid_family_for_reader(NULL), one);
	ck_assert_int_eq(m2->max_profiles, 100);
	ck_assert(m2->customer_key && m2->counts_tries && m2->titles &&
	          m2->clock_only_sync && m2->profile_info &&
	          m2->button_confirms);
	ck_assert(!one->customer_key && !one->titles && !one->clock_only_sync);
	ck_assert(safeid_family_digits_ok(m2, 4) &&
	          safeid_family_digits_ok(m2, 10));
	ck_assert(!safeid_family_digits_ok(m2, 7) &&
	          !safeid_family_digits_ok(m2, 40));
	ck_assert(safeid_family_digits_ok(one, 6) &&
	          !safeid_family_digits_ok(one, 8));
}
END_TEST

/* Every command recognition sends is a get info (INS 41): reads only. */
static void assert_reads_only(const struct fake *f)
{
	size_t i;

	for (i = 0; i < f->pos; i++)
		ck_assert_msg(f->sent[i][1] == 0x41, "APDU %zu is not a read",
		              i);
}

START_TEST(detect_molto2_by_name)
{
	struct fake f;
	safeid_detected d;

	fake_init(&f, true);
	fake_info(&f, SERIAL, T_2026);
	profile_reply(&f, true, "Token2", 1, 30, 6);
	empty_profile(&f);
	ck_assert_int_eq(safeid_detect(&f.tp, "TOKEN2 Molto2 00 00", &d),
	                 SAFEID_OK);
	ck_assert_ptr_eq(d.family, safeid_family_molto2());
	ck_assert_str_eq(d.info.serial, SERIAL);
	ck_assert_ptr_null(d.info.model);
	ck_assert_uint_eq(d.profiles, 100);
	ck_assert(d.profiles_known && d.by_reader_name);
	assert_sent(&f, 0, "8041000000");
	assert_sent(&f, 1, "804100000170");
	assert_sent(&f, 2, "804100630170");
	ck_assert_int_eq(f.begins, 1);
	ck_assert_int_eq(f.ends, 1);
	ck_assert_int_eq(f.unexpected, 0);
}
END_TEST

START_TEST(detect_molto2_v1)
{
	struct fake f;
	safeid_detected d;

	fake_init(&f, true);
	fake_info(&f, SERIAL, T_2026);
	empty_profile(&f);
	fake_reply(&f, 0x41, "6A86");
	ck_assert_int_eq(safeid_detect(&f.tp, "TOKEN2 Molto2 00 00", &d),
	                 SAFEID_OK);
	ck_assert_uint_eq(d.profiles, 50);
	ck_assert(!d.profiles_known);
}
END_TEST

START_TEST(detect_molto2_elsewhere)
{
	struct fake f;
	safeid_detected d;

	/* a Molto2 in a reader without the word: the single-profile get info
	 * is refused, the Molto2's answered */
	fake_init(&f, true);
	fake_reply(&f, 0x41, "6700");
	fake_info(&f, SERIAL, T_2026);
	empty_profile(&f);
	empty_profile(&f);
	ck_assert_int_eq(safeid_detect(&f.tp, "Virtual PCD 00 00", &d),
	                 SAFEID_OK);
	ck_assert_ptr_eq(d.family, safeid_family_molto2());
	ck_assert(!d.by_reader_name);
	assert_sent(&f, 0, "80410000020211");
	assert_sent(&f, 1, "8041000000");
	assert_reads_only(&f);
}
END_TEST

START_TEST(detect_single)
{
	struct fake f;
	safeid_detected d;

	/* Token2's NFC reader carries TOKEN2: a single-profile token */
	fake_init(&f, true);
	fake_info(&f, "8659632000001", T_2026);
	ck_assert_int_eq(
		safeid_detect(&f.tp, "TOKEN2 MFA NFC Reader 00 00", &d),
		SAFEID_OK);
	ck_assert_ptr_eq(d.family, safeid_family_single());
	ck_assert_uint_eq(d.profiles, 1);
	ck_assert_ptr_nonnull(d.info.model);
	ck_assert_uint_eq(f.pos, 1);
	assert_sent(&f, 0, "80410000020211");

	/* a single-profile card in a reader named Molto2: asked both ways */
	fake_init(&f, true);
	fake_reply(&f, 0x41, "6700");
	fake_info(&f, "8659622000001", T_2026);
	ck_assert_int_eq(safeid_detect(&f.tp, "TOKEN2 Molto2 00 00", &d),
	                 SAFEID_OK);
	ck_assert_ptr_eq(d.family, safeid_family_single());
	assert_reads_only(&f);
}
END_TEST

START_TEST(detect_neither)
{
	struct fake f;
	safeid_detected d;

	fake_init(&f, true);
	fake_reply(&f, 0x41, "6D00");
	fake_reply(&f, 0x41, "6D00");
	ck_assert_int_eq(safeid_detect(&f.tp, "Reader", &d),
	                 SAFEID_ERR_NOT_TOKEN);
	ck_assert_ptr_null(d.family);
	/* a Molto2 get info without a Molto2 profile answer is not one */
	fake_init(&f, true);
	fake_reply(&f, 0x41, "6700");
	fake_info(&f, SERIAL, T_2026);
	fake_reply(&f, 0x41, "6A86");
	ck_assert_int_ne(safeid_detect(&f.tp, "Reader", &d), SAFEID_OK);
	/* a card taken away ends it as such */
	fake_init(&f, true);
	fake_error(&f, 0x41, SAFEID_ERR_REMOVED);
	ck_assert_int_eq(safeid_detect(&f.tp, "TOKEN2 Molto2", &d),
	                 SAFEID_ERR_REMOVED);
	ck_assert_int_eq(f.ends, 1);
}
END_TEST

/* ---- per-profile info ---------------------------------------------------- */

START_TEST(parse_profile)
{
	uint8_t b[33] = {0x95, 0x1F, 0x70, 0x1D, 0x20, 'G',
	                 'i',  't',  'H',  'u',  'b'};
	safeid_m2_profile p;

	b[21] = 0x69;
	b[22] = 0x55;
	b[23] = 0xB9;
	b[24] = 0x00;
	b[29] = 2;
	b[30] = 60;
	b[31] = 8;
	b[32] = 1;
	ck_assert_int_eq(safeid_m2_parse_profile(b, sizeof(b), &p), SAFEID_OK);
	ck_assert(p.seed);
	ck_assert_str_eq(p.title, "GitHub");
	ck_assert_uint_eq(p.titlelen, 6);
	ck_assert_int_eq(p.hash, SAFEID_HASH_SHA256);
	ck_assert_uint_eq(p.step, 60);
	ck_assert_uint_eq(p.digits, 8);
	ck_assert_uint_eq(p.flag, 0x20);
	ck_assert_uint_eq(p.rtc, T_2026);
	/* a full 16-byte title field */
	memset(b + 5, 'A', 16);
	ck_assert_int_eq(safeid_m2_parse_profile(b, sizeof(b), &p), SAFEID_OK);
	ck_assert_uint_eq(p.titlelen, 16);
	/* an untouched profile reads as zeros */
	memset(b + 4, 0, sizeof(b) - 4);
	ck_assert_int_eq(safeid_m2_parse_profile(b, sizeof(b), &p), SAFEID_OK);
	ck_assert(!p.seed);
	ck_assert_uint_eq(p.titlelen, 0);
	ck_assert_int_eq(p.hash, 0);
	/* strict shape */
	ck_assert_int_eq(safeid_m2_parse_profile(b, 32, &p),
	                 SAFEID_ERR_BAD_REPLY);
	b[32] = 2;
	ck_assert_int_eq(safeid_m2_parse_profile(b, sizeof(b), &p),
	                 SAFEID_ERR_BAD_REPLY);
	b[32] = 0;
	b[1] = 0x1E;
	ck_assert_int_eq(safeid_m2_parse_profile(b, sizeof(b), &p),
	                 SAFEID_ERR_BAD_REPLY);
	ck_assert_int_eq(safeid_m2_parse_profile(NULL, 33, &p), SAFEID_ERR_ARG);
}
END_TEST

/* ---- authentication and the tries --------------------------------------- */

START_TEST(auth_status_words)
{
	int tries = -1;

	ck_assert_int_eq(safeid_m2_auth_sw(0x9000, &tries), SAFEID_OK);
	ck_assert_int_eq(safeid_m2_auth_sw(0x6305, &tries),
	                 SAFEID_ERR_WRONG_KEY);
	ck_assert_int_eq(tries, 5);
	/* NN is a binary count, not ISO's 63CX */
	ck_assert_int_eq(safeid_m2_auth_sw(0x63C2, &tries),
	                 SAFEID_ERR_WRONG_KEY);
	ck_assert_int_eq(tries, 0xC2);
	ck_assert_int_eq(safeid_m2_auth_sw(0x6300, &tries), SAFEID_ERR_LOCKED);
	ck_assert_int_eq(tries, 0);
	tries = 7;
	ck_assert_int_eq(safeid_m2_auth_sw(0x6983, &tries), SAFEID_ERR_LOCKED);
	ck_assert_int_eq(tries, 0);
	ck_assert_int_eq(safeid_m2_auth_sw(0x6A80, &tries),
	                 SAFEID_ERR_BAD_DATA);
	ck_assert_int_eq(safeid_m2_auth_sw(0x6D00, NULL), SAFEID_ERR_INS);
}
END_TEST

START_TEST(tries_count_down_to_the_lock)
{
	struct fake f;
	safeid_m2 *s;

	fake_init(&f, true);
	s = open_m2(&f, 100);
	ck_assert(safeid_m2_factory_key(s));
	ck_assert_int_eq(safeid_m2_tries_left(s), -1);
	challenge(&f);
	fake_reply(&f, 0xCE, "6302");
	ck_assert_int_eq(safeid_m2_authenticate(s), SAFEID_ERR_WRONG_KEY);
	ck_assert_int_eq(safeid_m2_tries_left(s), 2);
	/* the factory key's answer to challenge 0102..08 */
	assert_sent(&f, 1, "80CE000010A01BA116091E6FBFDB95936C9A2E3F48");
	assert_sent(&f, 0, "804B080000");
	challenge(&f);
	fake_reply(&f, 0xCE, "6301");
	ck_assert_int_eq(safeid_m2_authenticate(s), SAFEID_ERR_WRONG_KEY);
	ck_assert_int_eq(safeid_m2_tries_left(s), 1);
	/* one try left: nothing is sent without consent */
	ck_assert_int_eq(safeid_m2_authenticate(s), SAFEID_ERR_LAST_TRY);
	ck_assert_uint_eq(f.pos, 4);
	ck_assert_uint_eq(safeid_m2_apdus(s), 4);
	/* with consent, once */
	safeid_m2_allow_last_try(s);
	challenge(&f);
	fake_reply(&f, 0xCE, "6300");
	ck_assert_int_eq(safeid_m2_authenticate(s), SAFEID_ERR_LOCKED);
	ck_assert_int_eq(safeid_m2_tries_left(s), 0);
	ck_assert_int_eq(safeid_m2_authenticate(s), SAFEID_ERR_LOCKED);
	ck_assert_uint_eq(f.pos, 6);
	/* a locked token, asked anyway, answers as locked */
	safeid_m2_allow_last_try(s);
	challenge(&f);
	fake_reply(&f, 0xCE, "6983");
	ck_assert_int_eq(safeid_m2_authenticate(s), SAFEID_ERR_LOCKED);
	ck_assert_int_eq(f.unexpected, 0);
	safeid_m2_free(&s);
	ck_assert_ptr_null(s);
}
END_TEST

START_TEST(accepted_key_spends_no_try)
{
	struct fake f;
	safeid_m2 *s;

	fake_init(&f, false);
	s = open_m2(&f, 100);
	ck_assert_int_eq(safeid_m2_set_customer_key(
				 s, (const uint8_t *)"safeid-test-key!", 16),
	                 SAFEID_OK);
	ck_assert(!safeid_m2_factory_key(s));
	safeid_m2_set_tries_left(s, 1);
	safeid_m2_allow_last_try(s);
	challenge(&f);
	fake_reply(&f, 0xCE, "9000");
	ck_assert_int_eq(safeid_m2_authenticate(s), SAFEID_OK);
	assert_sent(&f, 1, "80CE000010C58D113338AE5BABB78225BABAF19DDE");
	/* whether success resets the counter is not public: unknown now */
	ck_assert_int_eq(safeid_m2_tries_left(s), -1);
	/* the same key again needs no consent */
	safeid_m2_set_tries_left(s, 1);
	challenge(&f);
	fake_reply(&f, 0xCE, "9000");
	ck_assert_int_eq(safeid_m2_authenticate(s), SAFEID_OK);
	/* another key does */
	ck_assert_int_eq(safeid_m2_set_customer_key(s, NULL, 0), SAFEID_OK);
	safeid_m2_set_tries_left(s, 1);
	ck_assert_int_eq(safeid_m2_authenticate(s), SAFEID_ERR_LAST_TRY);
	ck_assert_int_eq(safeid_m2_set_customer_key(s, (const uint8_t *)"", 0),
	                 SAFEID_ERR_CUSTOMER_KEY);
	safeid_m2_free(&s);
}
END_TEST

/* ---- burn ------------------------------------------------------------------ */

static safeid_m2_account account57(void)
{
	safeid_m2_account a = {
		.profile = 57,
		.cfg = {T_2026, SAFEID_HASH_SHA256, 60, 8, SAFEID_DISPLAY_30S},
		.seed = rfc32,
		.seedlen = 32,
		.title = (const uint8_t *)"GitHub",
		.titlelen = 6,
	};
	return a;
}

/* The whole burn of account57, cut at command `at` (-1: none) by a status
 * word (sw) or a lost answer (sw NULL). */
static void burn_script(struct fake *f, int at, const char *sw)
{
	static const int ins[] = {0x41, 0x41, 0x4B, 0xCE,
	                          0xC5, 0xD5, 0xD4, 0x41};
	int i;

	fake_init(f, true);
	for (i = 0; i < 8; i++) {
		if (i == at) {
			if (sw != NULL)
				fake_reply(f, ins[i], sw);
			else
				fake_error(f, ins[i], SAFEID_ERR_REMOVED);
			return;
		}
		if (i == 0)
			fake_info(f, SERIAL, T_2026);
		else if (i == 2)
			challenge(f);
		else if (i == 1)
			empty_profile(f);
		else if (i == 7)
			profile_reply(f, true, "GitHub", 2, 60, 8);
		else
			fake_reply(f, ins[i], "9000");
	}
}

START_TEST(burn_sends_the_known_answers)
{
	safeid_m2_account a = account57();
	safeid_m2_result res;
	safeid_m2_report rep;
	struct fake f;
	safeid_m2 *s;

	burn_script(&f, -1, NULL);
	s = open_m2(&f, 100);
	ck_assert_int_eq(safeid_m2_burn(s, &a, 1, 0, NULL, NULL, &rep, &res),
	                 SAFEID_OK);
	ck_assert_int_eq(rep.step, SAFEID_M2_STEP_DONE);
	ck_assert_uint_eq(rep.apdus, 8);
	ck_assert_uint_eq(rep.done, 1);
	ck_assert_str_eq(rep.info.serial, SERIAL);
	ck_assert_int_eq(res.seed, SAFEID_SEED_NEW);
	ck_assert_int_eq(res.title, SAFEID_SEED_NEW);
	ck_assert_int_eq(res.config, SAFEID_SEED_NEW);
	ck_assert(res.checked && !res.before.seed);
	ck_assert(res.confirmed && res.after.seed);
	assert_sent(&f, 0, "8041000000");
	assert_sent(&f, 1, "804100390170");
	assert_sent(
		&f, 4,
		"84C50139345D848C69EB8E884E7D20591FF89ADEFF381D65B0547F2F6AEDB2EE32AA2947E59D199F6663A6F7234F37AD5487AFF2724FB04C0C");
	assert_sent(&f, 5,
	            "84D5003914A54639FF517862971621718915C95B3EA6ED2E0F");
	assert_sent(
		&f, 6,
		"84D401391A81141F01010F046955B90086090A01020B01080D013C1176187C");
	assert_sent(&f, 7, "804100390170");
	ck_assert_int_eq(f.begins, 1);
	ck_assert_int_eq(f.ends, 1);
	ck_assert_int_eq(f.unexpected, 0);
	safeid_m2_free(&s);
}
END_TEST

struct cut {
	int at;
	bool lost;
	safeid_m2_step step;
	int err; /* 0: any error */
	safeid_seed_state seed, title, config;
};

static const struct cut cuts[] = {
	{0, false, SAFEID_M2_STEP_INFO, SAFEID_ERR_WRONG_LENGTH,
         SAFEID_SEED_OLD, SAFEID_SEED_OLD, SAFEID_SEED_OLD},
	{0, true, SAFEID_M2_STEP_INFO, SAFEID_ERR_REMOVED, SAFEID_SEED_OLD,
         SAFEID_SEED_OLD, SAFEID_SEED_OLD},
	{1, false, SAFEID_M2_STEP_CHECK, SAFEID_ERR_WRONG_LENGTH,
         SAFEID_SEED_OLD, SAFEID_SEED_OLD, SAFEID_SEED_OLD},
	{1, true, SAFEID_M2_STEP_CHECK, SAFEID_ERR_REMOVED, SAFEID_SEED_OLD,
         SAFEID_SEED_OLD, SAFEID_SEED_OLD},
	{2, true, SAFEID_M2_STEP_AUTH, SAFEID_ERR_REMOVED, SAFEID_SEED_OLD,
         SAFEID_SEED_OLD, SAFEID_SEED_OLD},
	{3, false, SAFEID_M2_STEP_AUTH, SAFEID_ERR_WRONG_KEY, SAFEID_SEED_OLD,
         SAFEID_SEED_OLD, SAFEID_SEED_OLD},
	{3, true, SAFEID_M2_STEP_AUTH, SAFEID_ERR_REMOVED, SAFEID_SEED_OLD,
         SAFEID_SEED_OLD, SAFEID_SEED_OLD},
	{4, false, SAFEID_M2_STEP_SEED, SAFEID_ERR_WRONG_LENGTH,
         SAFEID_SEED_OLD, SAFEID_SEED_OLD, SAFEID_SEED_OLD},
	{4, true, SAFEID_M2_STEP_SEED, SAFEID_ERR_REMOVED, SAFEID_SEED_UNKNOWN,
         SAFEID_SEED_OLD, SAFEID_SEED_OLD},
	{5, false, SAFEID_M2_STEP_TITLE, SAFEID_ERR_WRONG_LENGTH,
         SAFEID_SEED_NEW, SAFEID_SEED_OLD, SAFEID_SEED_OLD},
	{5, true, SAFEID_M2_STEP_TITLE, SAFEID_ERR_REMOVED, SAFEID_SEED_NEW,
         SAFEID_SEED_UNKNOWN, SAFEID_SEED_OLD},
	{6, false, SAFEID_M2_STEP_CONFIG, SAFEID_ERR_WRONG_LENGTH,
         SAFEID_SEED_NEW, SAFEID_SEED_NEW, SAFEID_SEED_OLD},
	{6, true, SAFEID_M2_STEP_CONFIG, SAFEID_ERR_REMOVED, SAFEID_SEED_NEW,
         SAFEID_SEED_NEW, SAFEID_SEED_UNKNOWN},
	{7, false, SAFEID_M2_STEP_CONFIRM, SAFEID_ERR_WRONG_LENGTH,
         SAFEID_SEED_NEW, SAFEID_SEED_NEW, SAFEID_SEED_NEW},
	{7, true, SAFEID_M2_STEP_CONFIRM, SAFEID_ERR_REMOVED, SAFEID_SEED_NEW,
         SAFEID_SEED_NEW, SAFEID_SEED_NEW},
};

START_TEST(burn_fault_states)
{
	const struct cut *c = &cuts[_i];
	safeid_m2_account a = account57();
	safeid_m2_result res;
	safeid_m2_report rep;
	struct fake f;
	safeid_m2 *s;
	int rc;

	burn_script(&f, c->at, c->lost ? NULL : (c->at == 3 ? "6304" : "6700"));
	s = open_m2(&f, 100);
	rc = safeid_m2_burn(s, &a, 1, 0, NULL, NULL, &rep, &res);
	ck_assert_int_eq(rc, c->err);
	ck_assert_int_eq(rep.err, rc);
	ck_assert_int_ne(rep.step, SAFEID_M2_STEP_DONE);
	ck_assert_uint_eq(rep.done, 0);
	if (c->at == 1 || c->at >= 4) {
		ck_assert_int_eq(res.step, c->step);
		ck_assert_int_eq(res.err, rc);
	} else {
		ck_assert_int_eq(rep.step, c->step);
	}
	ck_assert_int_eq(res.seed, c->seed);
	ck_assert_int_eq(res.title, c->title);
	ck_assert_int_eq(res.config, c->config);
	if (c->at == 3 && !c->lost)
		ck_assert_int_eq(rep.tries_left, 4);
	ck_assert_uint_eq(f.pos, (size_t)c->at + 1);
	ck_assert_int_eq(f.ends, 1);
	safeid_m2_free(&s);
}
END_TEST

START_TEST(burn_refusals_before_sending)
{
	static const uint8_t zero[20];
	safeid_m2_account a;
	safeid_m2_account two[2];
	safeid_m2_result res[2];
	safeid_m2_report rep;
	struct fake f;
	safeid_m2 *s;

	fake_init(&f, true);
	s = open_m2(&f, 50);
	a = account57();
	ck_assert_int_eq(safeid_m2_burn(s, &a, 1, 0, NULL, NULL, &rep, res),
	                 SAFEID_ERR_PROFILE); /* 57 on a 50-profile token */
	a.profile = 3;
	a.seed = zero;
	a.seedlen = 20;
	ck_assert_int_eq(safeid_m2_burn(s, &a, 1, 0, NULL, NULL, &rep, res),
	                 SAFEID_ERR_ZERO_SEED);
	a = account57();
	a.profile = 3;
	a.titlelen = 13;
	a.title = (const uint8_t *)"ABCDEFGHIJKLM";
	ck_assert_int_eq(safeid_m2_burn(s, &a, 1, 0, NULL, NULL, &rep, res),
	                 SAFEID_ERR_TITLE);
	a.title = (const uint8_t *)"A\0B";
	a.titlelen = 3;
	ck_assert_int_eq(safeid_m2_burn(s, &a, 1, 0, NULL, NULL, &rep, res),
	                 SAFEID_ERR_TITLE);
	a = account57();
	a.profile = 3;
	a.cfg.digits = 7;
	ck_assert_int_eq(safeid_m2_burn(s, &a, 1, 0, NULL, NULL, &rep, res),
	                 SAFEID_ERR_DIGITS);
	a.cfg.digits = 6;
	a.seedlen = 64;
	ck_assert_int_eq(safeid_m2_burn(s, &a, 1, 0, NULL, NULL, &rep, res),
	                 SAFEID_ERR_SEED_LENGTH);
	/* a later account's mistake stops the whole batch before anything */
	two[0] = account57();
	two[0].profile = 1;
	two[1] = two[0];
	ck_assert_int_eq(safeid_m2_burn(s, two, 2, 0, NULL, NULL, &rep, res),
	                 SAFEID_ERR_ARG);
	ck_assert_uint_eq(f.pos, 0);
	ck_assert_int_eq(f.begins, 0);
	ck_assert_int_eq(res[0].seed, SAFEID_SEED_OLD);
	safeid_m2_free(&s);
}
END_TEST

START_TEST(burn_occupied_and_readback)
{
	safeid_m2_account a = account57();
	safeid_m2_result res;
	safeid_m2_report rep;
	struct fake f;
	safeid_m2 *s;

	safeid_m2_account two[2];
	safeid_m2_result res2[2];

	/* an occupied profile refuses the whole batch: no key used, nothing
	 * written */
	two[0] = a;
	two[1] = a;
	two[1].profile = 58;
	fake_init(&f, true);
	fake_info(&f, SERIAL, T_2026);
	empty_profile(&f);
	profile_reply(&f, true, "Old", 1, 30, 6);
	s = open_m2(&f, 100);
	ck_assert_int_eq(safeid_m2_burn(s, two, 2, 0, NULL, NULL, &rep, res2),
	                 SAFEID_ERR_OCCUPIED);
	ck_assert_int_eq(res2[1].step, SAFEID_M2_STEP_CHECK);
	ck_assert_int_eq(res2[1].err, SAFEID_ERR_OCCUPIED);
	ck_assert(res2[1].checked && res2[1].before.seed);
	ck_assert_str_eq(res2[1].before.title, "Old");
	ck_assert(res2[0].checked && !res2[0].before.seed);
	ck_assert_int_eq(res2[0].seed, SAFEID_SEED_OLD);
	ck_assert_int_eq(res2[1].seed, SAFEID_SEED_OLD);
	ck_assert_uint_eq(f.pos, 3);
	safeid_m2_free(&s);

	/* overwrite: no check; the read back must show what was written */
	fake_init(&f, true);
	fake_info(&f, SERIAL, T_2026);
	challenge(&f);
	fake_reply(&f, 0xCE, "9000");
	fake_reply(&f, 0xC5, "9000");
	fake_reply(&f, 0xD5, "9000");
	fake_reply(&f, 0xD4, "9000");
	profile_reply(&f, true, "GitHub", 2, 60, 6);
	s = open_m2(&f, 100);
	ck_assert_int_eq(safeid_m2_burn(s, &a, 1, SAFEID_M2_OVERWRITE, NULL,
	                                NULL, &rep, &res),
	                 SAFEID_ERR_READBACK);
	ck_assert_int_eq(res.step, SAFEID_M2_STEP_CONFIRM);
	ck_assert(!res.checked && !res.confirmed);
	ck_assert_int_eq(res.seed, SAFEID_SEED_NEW);
	ck_assert_int_eq(f.unexpected, 0);
	safeid_m2_free(&s);
}
END_TEST

START_TEST(burn_many_in_one_session)
{
	safeid_m2_account a[3];
	safeid_m2_result res[3];
	safeid_m2_report rep;
	struct fake f;
	safeid_m2 *s;
	int i;

	for (i = 0; i < 3; i++) {
		a[i] = account57();
		a[i].profile = (unsigned)(10 + i);
		a[i].seed = rfc20;
		a[i].seedlen = 20;
		a[i].title = NULL;
		a[i].titlelen = 0;
	}
	fake_init(&f, true);
	fake_info(&f, SERIAL, T_2026);
	challenge(&f);
	fake_reply(&f, 0xCE, "9000");
	for (i = 0; i < 3; i++) {
		fake_reply(&f, 0xC5, "9000");
		fake_reply(&f, 0xD4, i == 1 ? "6A80" : "9000");
		if (i == 1)
			break;
		profile_reply(&f, true, NULL, 2, 60, 8);
	}
	s = open_m2(&f, 100);
	ck_assert_int_eq(safeid_m2_burn(s, a, 3, SAFEID_M2_OVERWRITE, NULL,
	                                NULL, &rep, res),
	                 SAFEID_ERR_BAD_DATA);
	ck_assert_uint_eq(rep.done, 1);
	ck_assert_int_eq(res[0].step, SAFEID_M2_STEP_DONE);
	ck_assert_int_eq(res[1].step, SAFEID_M2_STEP_CONFIG);
	ck_assert_int_eq(res[1].seed, SAFEID_SEED_NEW);
	ck_assert_int_eq(res[1].config, SAFEID_SEED_OLD);
	ck_assert_int_eq(res[2].step, SAFEID_M2_STEP_NONE);
	ck_assert_int_eq(res[2].seed, SAFEID_SEED_OLD);
	/* one authentication for them all */
	ck_assert_uint_eq(rep.apdus, 3 + 3 + 2);
	ck_assert_int_eq(f.unexpected, 0);
	safeid_m2_free(&s);
}
END_TEST

/* ---- sync, delete, screen -------------------------------------------------- */

START_TEST(sync_all_profiles)
{
	safeid_m2_result res[SAFEID_M2_PROFILES_V1];
	safeid_m2_report rep;
	struct fake f;
	safeid_m2 *s;
	unsigned i;

	fake_init(&f, true);
	fake_info(&f, SERIAL, T_2026);
	challenge(&f);
	fake_reply(&f, 0xCE, "9000");
	for (i = 0; i < SAFEID_M2_PROFILES_V1; i++)
		fake_reply(&f, 0xD4, i == 7 ? "6A86" : "9000");
	fake_info(&f, SERIAL, T_2026 + 1);
	s = open_m2(&f, SAFEID_M2_PROFILES_V1);
	ck_assert_int_eq(
		safeid_m2_sync(s, T_2026, NULL, 0, NULL, NULL, &rep, res),
		SAFEID_ERR_SW);
	/* the refusing profile does not stop the others */
	ck_assert_uint_eq(rep.done, SAFEID_M2_PROFILES_V1 - 1);
	ck_assert_int_eq(res[7].config, SAFEID_SEED_OLD);
	ck_assert_int_eq(res[7].err, SAFEID_ERR_SW);
	ck_assert_int_eq(res[8].config, SAFEID_SEED_NEW);
	ck_assert_int_eq(res[8].seed, SAFEID_SEED_OLD);
	ck_assert(rep.have_after);
	ck_assert_uint_eq(rep.after.clock, T_2026 + 1);
	/* the clock-only form, profile by profile */
	assert_sent(&f, 3, "84D401000C81060F046955B900A8406140");
	for (i = 3; i < 3 + SAFEID_M2_PROFILES_V1; i++) {
		ck_assert_uint_eq(f.sent[i][1], 0xD4);
		ck_assert_uint_eq(f.sent[i][3], i - 3);
		ck_assert_uint_eq(f.sent[i][4], 0x0C);
	}
	ck_assert_int_eq(f.unexpected, 0);
	safeid_m2_free(&s);
}
END_TEST

START_TEST(sync_lost_answer_stops)
{
	static const unsigned list[] = {0, 99, 57};
	safeid_m2_result res[3];
	safeid_m2_report rep;
	struct fake f;
	safeid_m2 *s;

	fake_init(&f, true);
	fake_info(&f, SERIAL, T_2026);
	challenge(&f);
	fake_reply(&f, 0xCE, "9000");
	fake_reply(&f, 0xD4, "9000");
	fake_error(&f, 0xD4, SAFEID_ERR_REMOVED);
	s = open_m2(&f, 100);
	ck_assert_int_eq(
		safeid_m2_sync(s, T_2026, list, 3, NULL, NULL, &rep, res),
		SAFEID_ERR_REMOVED);
	assert_sent(&f, 4, "84D401630C81060F046955B9009B870C5B");
	ck_assert_int_eq(res[0].config, SAFEID_SEED_NEW);
	ck_assert_int_eq(res[1].config, SAFEID_SEED_UNKNOWN);
	ck_assert_int_eq(res[2].config, SAFEID_SEED_OLD);
	ck_assert_int_eq(res[2].step, SAFEID_M2_STEP_NONE);
	ck_assert(!rep.have_after);
	ck_assert_uint_eq(f.pos, 5);
	safeid_m2_free(&s);
}
END_TEST

START_TEST(delete_seed)
{
	safeid_m2_result res;
	safeid_m2_report rep;
	struct fake f;
	safeid_m2 *s;

	/* an empty profile: nothing to delete, no key needed */
	fake_init(&f, true);
	fake_info(&f, SERIAL, T_2026);
	empty_profile(&f);
	s = open_m2(&f, 100);
	ck_assert_int_eq(safeid_m2_delete(s, 99, NULL, NULL, &rep, &res),
	                 SAFEID_OK);
	ck_assert(!res.before.seed);
	ck_assert_int_eq(res.seed, SAFEID_SEED_OLD);
	ck_assert_uint_eq(f.pos, 2);
	safeid_m2_free(&s);

	/* a full one: authenticate, delete, read back; the title stays */
	fake_init(&f, true);
	fake_info(&f, SERIAL, T_2026);
	profile_reply(&f, true, "Mail", 1, 30, 6);
	challenge(&f);
	fake_reply(&f, 0xCE, "9000");
	fake_reply(&f, 0xE6, "9000");
	profile_reply(&f, false, "Mail", 1, 30, 6);
	s = open_m2(&f, 100);
	ck_assert_int_eq(safeid_m2_delete(s, 99, NULL, NULL, &rep, &res),
	                 SAFEID_OK);
	assert_sent(&f, 4, "80E6006300");
	ck_assert_int_eq(res.seed, SAFEID_SEED_ERASED);
	ck_assert(res.confirmed && !res.after.seed);
	ck_assert_str_eq(res.after.title, "Mail");
	safeid_m2_free(&s);

	/* its answer lost: unknown */
	fake_init(&f, true);
	fake_info(&f, SERIAL, T_2026);
	profile_reply(&f, true, "Mail", 1, 30, 6);
	challenge(&f);
	fake_reply(&f, 0xCE, "9000");
	fake_error(&f, 0xE6, SAFEID_ERR_REMOVED);
	s = open_m2(&f, 100);
	ck_assert_int_eq(safeid_m2_delete(s, 99, NULL, NULL, &rep, &res),
	                 SAFEID_ERR_REMOVED);
	ck_assert_int_eq(res.seed, SAFEID_SEED_UNKNOWN);
	ck_assert_int_eq(res.step, SAFEID_M2_STEP_DELETE);
	safeid_m2_free(&s);

	/* 6A83: already empty when it came */
	fake_init(&f, true);
	fake_info(&f, SERIAL, T_2026);
	profile_reply(&f, true, NULL, 1, 30, 6);
	challenge(&f);
	fake_reply(&f, 0xCE, "9000");
	fake_reply(&f, 0xE6, "6A83");
	empty_profile(&f);
	s = open_m2(&f, 100);
	ck_assert_int_eq(safeid_m2_delete(s, 5, NULL, NULL, &rep, &res),
	                 SAFEID_OK);
	ck_assert_int_eq(res.seed, SAFEID_SEED_ERASED);
	ck_assert_int_eq(safeid_m2_delete(s, 100, NULL, NULL, &rep, &res),
	                 SAFEID_ERR_PROFILE);
	safeid_m2_free(&s);
}
END_TEST

START_TEST(screen_lock)
{
	struct fake f;
	safeid_m2 *s;

	fake_init(&f, true);
	challenge(&f);
	fake_reply(&f, 0xCE, "9000");
	fake_reply(&f, 0xD8, "9000");
	challenge(&f);
	fake_reply(&f, 0xCE, "9000");
	fake_reply(&f, 0xD8, "6D00");
	s = open_m2(&f, 100);
	ck_assert_int_eq(safeid_m2_screen(s, true), SAFEID_OK);
	assert_sent(&f, 2, "80D80C0200");
	ck_assert_int_eq(safeid_m2_screen(s, false), SAFEID_ERR_NOT_SUPPORTED);
	assert_sent(&f, 5, "80D80C020101");
	safeid_m2_free(&s);
}
END_TEST

/* ---- the commands that wait for ▲ -------------------------------------------- */

struct press_log {
	int answer;
	int calls;
	safeid_m2_press what;
	long timeout;
	size_t sent_before; /* APDUs the token had seen when the person was asked */
	const struct fake *f;
};

static int press_cb(void *arg, safeid_m2_press what, long timeout_ms)
{
	struct press_log *p = arg;

	p->calls++;
	p->what = what;
	p->timeout = timeout_ms;
	p->sent_before = p->f->pos;
	return p->answer;
}

static void key_change_script(struct fake *f, const char *verify)
{
	fake_init(f, true);
	fake_info(f, SERIAL, T_2026);
	challenge(f);
	fake_reply(f, 0xCE, "9000");
	fake_reply(f, 0xD7, "9060");
	if (verify != NULL) {
		challenge(f);
		fake_reply(f, 0xCE, verify);
	}
}

START_TEST(key_change)
{
	static const uint8_t nk[] = "safeid-test-key!";
	safeid_m2_press_report r;
	struct press_log pl;
	struct fake f;
	safeid_m2 *s;

	/* no wait asked for: pending */
	key_change_script(&f, NULL);
	s = open_m2(&f, 100);
	ck_assert_int_eq(safeid_m2_change_key(s, nk, 16, 0, 0, NULL, NULL, &r),
	                 SAFEID_OK);
	ck_assert_int_eq(r.outcome, SAFEID_M2_PENDING);
	assert_sent(
		&f, 3,
		"84D7000024924F3FCB652598DC95D5279A47660F128D4EF00F26363829099EC67095E340747E392E2D");
	ck_assert(safeid_m2_factory_key(s));
	safeid_m2_free(&s);

	/* pressed, not verified: the token cannot tell */
	key_change_script(&f, NULL);
	s = open_m2(&f, 100);
	memset(&pl, 0, sizeof(pl));
	pl.f = &f;
	ck_assert_int_eq(
		safeid_m2_change_key(s, nk, 16, 0, 0, press_cb, &pl, &r),
		SAFEID_OK);
	ck_assert_int_eq(r.outcome, SAFEID_M2_UNCONFIRMED);
	ck_assert_int_eq(pl.calls, 1);
	ck_assert_int_eq(pl.what, SAFEID_M2_PRESS_KEY_CHANGE);
	ck_assert_int_eq(pl.timeout, SAFEID_M2_PRESS_MS);
	ck_assert_uint_eq(pl.sent_before, 4);
	ck_assert_uint_eq(f.pos, 4); /* nothing sent after the request */
	safeid_m2_free(&s);

	/* pressed and verified: the new key is taken */
	key_change_script(&f, "9000");
	s = open_m2(&f, 100);
	memset(&pl, 0, sizeof(pl));
	pl.f = &f;
	ck_assert_int_eq(safeid_m2_change_key(s, nk, 16, SAFEID_M2_VERIFY, 5000,
	                                      press_cb, &pl, &r),
	                 SAFEID_OK);
	ck_assert_int_eq(r.outcome, SAFEID_M2_CONFIRMED);
	ck_assert_int_eq(pl.timeout, 5000);
	assert_sent(&f, 5, "80CE000010C58D113338AE5BABB78225BABAF19DDE");
	ck_assert(!safeid_m2_factory_key(s));
	safeid_m2_free(&s);

	/* not pressed, verified anyway: a try spent, the old key stays */
	key_change_script(&f, "6304");
	s = open_m2(&f, 100);
	memset(&pl, 0, sizeof(pl));
	pl.f = &f;
	ck_assert_int_eq(safeid_m2_change_key(s, nk, 16, SAFEID_M2_VERIFY, 0,
	                                      press_cb, &pl, &r),
	                 SAFEID_ERR_WRONG_KEY);
	ck_assert_int_eq(r.outcome, SAFEID_M2_NOT_DONE);
	ck_assert_int_eq(r.tries_left, 4);
	ck_assert(safeid_m2_factory_key(s));
	/* the old key, taken earlier in this session, still needs no consent */
	challenge(&f);
	fake_reply(&f, 0xCE, "9000");
	ck_assert_int_eq(safeid_m2_authenticate(s), SAFEID_OK);
	assert_sent(&f, 7, "80CE000010A01BA116091E6FBFDB95936C9A2E3F48");
	safeid_m2_free(&s);

	/* the person gave up: no verification is tried */
	key_change_script(&f, NULL);
	s = open_m2(&f, 100);
	memset(&pl, 0, sizeof(pl));
	pl.f = &f;
	pl.answer = SAFEID_ERR_TIMEOUT;
	ck_assert_int_eq(safeid_m2_change_key(s, nk, 16, SAFEID_M2_VERIFY, 0,
	                                      press_cb, &pl, &r),
	                 SAFEID_ERR_TIMEOUT);
	ck_assert_int_eq(r.outcome, SAFEID_M2_UNCONFIRMED);
	ck_assert_uint_eq(f.pos, 4);
	safeid_m2_free(&s);

	/* refused, and a bad new key refused before anything */
	fake_init(&f, true);
	fake_info(&f, SERIAL, T_2026);
	challenge(&f);
	fake_reply(&f, 0xCE, "9000");
	fake_reply(&f, 0xD7, "6A80");
	s = open_m2(&f, 100);
	ck_assert_int_eq(
		safeid_m2_change_key(s, nk, 16, 0, 0, press_cb, &pl, &r),
		SAFEID_ERR_BAD_DATA);
	ck_assert_int_eq(r.outcome, SAFEID_M2_REFUSED);
	ck_assert_int_eq(
		safeid_m2_change_key(s, nk, 0, 0, 0, press_cb, &pl, &r),
		SAFEID_ERR_CUSTOMER_KEY);
	ck_assert_int_eq(r.outcome, SAFEID_M2_NOT_SENT);
	ck_assert_uint_eq(f.pos, 4);
	safeid_m2_free(&s);
}
END_TEST

/* held: profiles with a seed, as a string of 0/1 per profile (50) */
static void held_script(struct fake *f, const char *held)
{
	size_t i;

	for (i = 0; i < SAFEID_M2_PROFILES_V1; i++)
		profile_reply(f, i < strlen(held) && held[i] == '1', NULL, 1,
		              30, 6);
}

static safeid_m2_outcome reset_case(const char *before, const char *after,
                                    int press, int *rc)
{
	safeid_m2_press_report r;
	struct press_log pl;
	struct fake f;
	safeid_m2 *s;

	fake_init(&f, true);
	fake_info(&f, SERIAL, T_2026);
	held_script(&f, before);
	fake_reply(&f, 0x56, "9060");
	held_script(&f, after);
	s = open_m2(&f, SAFEID_M2_PROFILES_V1);
	memset(&pl, 0, sizeof(pl));
	pl.f = &f;
	pl.answer = press;
	*rc = safeid_m2_factory_reset(s, 0, press_cb, &pl, &r);
	ck_assert_int_eq(pl.what, SAFEID_M2_PRESS_RESET);
	ck_assert_uint_eq(pl.sent_before, 2 + SAFEID_M2_PROFILES_V1);
	assert_sent(&f, 1 + SAFEID_M2_PROFILES_V1, "8056000000");
	ck_assert(r.read_after);
	ck_assert_uint_eq(r.apdus, 2 + 2 * SAFEID_M2_PROFILES_V1);
	ck_assert_int_eq(f.unexpected, 0);
	if (r.outcome == SAFEID_M2_CONFIRMED)
		ck_assert(safeid_m2_factory_key(s));
	safeid_m2_free(&s);
	return r.outcome;
}

START_TEST(reset_verdicts)
{
	int rc;

	ck_assert_int_eq(reset_case("1001", "", SAFEID_OK, &rc),
	                 SAFEID_M2_CONFIRMED);
	ck_assert_int_eq(rc, SAFEID_OK);
	/* a factory seed back in profile 0 is still a reset */
	ck_assert_int_eq(reset_case("1001", "1", SAFEID_OK, &rc),
	                 SAFEID_M2_CONFIRMED);
	ck_assert_int_eq(reset_case("1", "", SAFEID_OK, &rc),
	                 SAFEID_M2_CONFIRMED);
	/* nothing changed: not done */
	ck_assert_int_eq(reset_case("1001", "1001", SAFEID_ERR_TIMEOUT, &rc),
	                 SAFEID_M2_NOT_DONE);
	ck_assert_int_eq(rc, SAFEID_ERR_TIMEOUT);
	ck_assert_int_eq(reset_case("1001", "1001", SAFEID_OK, &rc),
	                 SAFEID_M2_NOT_DONE);
	ck_assert_int_eq(rc, SAFEID_ERR_READBACK);
	ck_assert_int_eq(reset_case("10011", "1001", SAFEID_OK, &rc),
	                 SAFEID_M2_PARTIAL);
	/* nothing to tell by */
	ck_assert_int_eq(reset_case("", "", SAFEID_OK, &rc),
	                 SAFEID_M2_UNCONFIRMED);
	ck_assert_int_eq(rc, SAFEID_OK);
	ck_assert_int_eq(reset_case("1", "1", SAFEID_OK, &rc),
	                 SAFEID_M2_UNCONFIRMED);
}
END_TEST

START_TEST(reset_without_wait)
{
	safeid_m2_press_report r;
	struct fake f;
	safeid_m2 *s;

	fake_init(&f, true);
	fake_info(&f, SERIAL, T_2026);
	held_script(&f, "1");
	fake_reply(&f, 0x56, "9060");
	s = open_m2(&f, SAFEID_M2_PROFILES_V1);
	ck_assert_int_eq(safeid_m2_factory_reset(s, 0, NULL, NULL, &r),
	                 SAFEID_OK);
	ck_assert_int_eq(r.outcome, SAFEID_M2_PENDING);
	ck_assert_uint_eq(r.seeds_before, 1);
	ck_assert(!r.read_after);
	safeid_m2_free(&s);

	/* the request's answer lost */
	fake_init(&f, true);
	fake_info(&f, SERIAL, T_2026);
	held_script(&f, "1");
	fake_error(&f, 0x56, SAFEID_ERR_REMOVED);
	s = open_m2(&f, SAFEID_M2_PROFILES_V1);
	ck_assert_int_eq(safeid_m2_factory_reset(s, 0, NULL, NULL, &r),
	                 SAFEID_ERR_REMOVED);
	ck_assert_int_eq(r.outcome, SAFEID_M2_LOST);
	safeid_m2_free(&s);
}
END_TEST

START_TEST(names_and_sentences)
{
	int i;

	for (i = SAFEID_M2_STEP_NONE; i <= SAFEID_M2_STEP_DONE; i++)
		ck_assert_str_ne(safeid_m2_step_name((safeid_m2_step)i),
		                 "unknown step");
	for (i = SAFEID_M2_NOT_SENT; i <= SAFEID_M2_PARTIAL; i++) {
		ck_assert_str_ne(safeid_m2_outcome_name((safeid_m2_outcome)i),
		                 "unknown");
		ck_assert_int_gt((int)strlen(safeid_m2_outcome_text(
					 (safeid_m2_outcome)i)),
		                 10);
	}
	ck_assert_str_eq(safeid_m2_outcome_name((safeid_m2_outcome)99),
	                 "unknown");
	ck_assert_ptr_nonnull(
		strstr(safeid_m2_part_text(SAFEID_SEED_ERASED), "deleted"));
	ck_assert_ptr_nonnull(
		strstr(safeid_m2_part_text(SAFEID_SEED_UNKNOWN), "lost"));
	ck_assert_ptr_nonnull(
		strstr(safeid_m2_part_text(SAFEID_SEED_NEW), "accepted"));
	ck_assert_str_eq(safeid_m2_part_text((safeid_seed_state)9),
	                 "unknown state");
}
END_TEST

Suite *suite_molto2_ops(void)
{
	Suite *s = suite_create("molto2_ops");
	TCase *tc = tcase_create("molto2_ops");

	tcase_add_test(tc, family_from_reader_name);
	tcase_add_test(tc, detect_molto2_by_name);
	tcase_add_test(tc, detect_molto2_v1);
	tcase_add_test(tc, detect_molto2_elsewhere);
	tcase_add_test(tc, detect_single);
	tcase_add_test(tc, detect_neither);
	tcase_add_test(tc, parse_profile);
	tcase_add_test(tc, auth_status_words);
	tcase_add_test(tc, tries_count_down_to_the_lock);
	tcase_add_test(tc, accepted_key_spends_no_try);
	tcase_add_test(tc, burn_sends_the_known_answers);
	tcase_add_loop_test(tc, burn_fault_states, 0,
	                    (int)(sizeof(cuts) / sizeof(cuts[0])));
	tcase_add_test(tc, burn_refusals_before_sending);
	tcase_add_test(tc, burn_occupied_and_readback);
	tcase_add_test(tc, burn_many_in_one_session);
	tcase_add_test(tc, sync_all_profiles);
	tcase_add_test(tc, sync_lost_answer_stops);
	tcase_add_test(tc, delete_seed);
	tcase_add_test(tc, screen_lock);
	tcase_add_test(tc, key_change);
	tcase_add_test(tc, reset_verdicts);
	tcase_add_test(tc, reset_without_wait);
	tcase_add_test(tc, names_and_sentences);
	suite_add_tcase(s, tc);
	return s;
}
