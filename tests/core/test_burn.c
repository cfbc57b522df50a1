/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The composite burn over a scripted token failing at every step, for
 * restricted and unrestricted models: the step reached, the error and the
 * seed state must be the truth.
 */
#include <string.h>
#include <time.h>

#include <safeid/safeid.h>

#include "fake.h"
#include "hex.h"
#include "unit.h"

#define UNRESTRICTED "8659612000001"
#define RESTRICTED "8659622000001"

enum fail_kind {
	FAIL_SW,
	FAIL_LOST
};

static const uint8_t seed20[20] = "12345678901234567890";

/* The happy script, cut at command index `at` with a failure (at < 0: none). */
static void script(struct fake *f, const char *serial, uint32_t clock, int at,
                   enum fail_kind kind, const char *sw)
{
	static const int ins[] = {0x41, 0x4B, 0xCE, 0xD4, 0xC5, 0x41};
	int i;

	fake_init(f, true);
	for (i = 0; i < 6; i++) {
		if (i == at) {
			if (kind == FAIL_SW)
				fake_reply(f, ins[i], sw);
			else
				fake_error(f, ins[i], SAFEID_ERR_REMOVED);
			return;
		}
		if (i == 0 || i == 5)
			fake_info(f, serial, clock);
		else if (i == 1)
			fake_reply(f, 0x4B, "01020304050607089000");
		else
			fake_reply(f, ins[i], "9000");
	}
}

struct expect {
	int at;
	enum fail_kind kind;
	safeid_step step;
	safeid_seed_state restricted_seed;
	safeid_seed_state free_seed;
	bool config_written;
};

static const struct expect cases[] = {
	{0, FAIL_SW, SAFEID_STEP_INFO, SAFEID_SEED_OLD, SAFEID_SEED_OLD, false},
	{0, FAIL_LOST, SAFEID_STEP_INFO, SAFEID_SEED_OLD, SAFEID_SEED_OLD,
         false},
	{1, FAIL_SW, SAFEID_STEP_AUTH, SAFEID_SEED_OLD, SAFEID_SEED_OLD, false},
	{1, FAIL_LOST, SAFEID_STEP_AUTH, SAFEID_SEED_OLD, SAFEID_SEED_OLD,
         false},
	{2, FAIL_SW, SAFEID_STEP_AUTH, SAFEID_SEED_OLD, SAFEID_SEED_OLD, false},
	{2, FAIL_LOST, SAFEID_STEP_AUTH, SAFEID_SEED_OLD, SAFEID_SEED_OLD,
         false},
	{3, FAIL_SW, SAFEID_STEP_CONFIG, SAFEID_SEED_OLD, SAFEID_SEED_OLD,
         false},
	{3, FAIL_LOST, SAFEID_STEP_CONFIG, SAFEID_SEED_UNKNOWN, SAFEID_SEED_OLD,
         false},
	{4, FAIL_SW, SAFEID_STEP_SEED, SAFEID_SEED_ERASED, SAFEID_SEED_OLD,
         true},
	{4, FAIL_LOST, SAFEID_STEP_SEED, SAFEID_SEED_UNKNOWN,
         SAFEID_SEED_UNKNOWN, true},
	{5, FAIL_SW, SAFEID_STEP_CONFIRM, SAFEID_SEED_NEW, SAFEID_SEED_NEW,
         true},
	{5, FAIL_LOST, SAFEID_STEP_CONFIRM, SAFEID_SEED_NEW, SAFEID_SEED_NEW,
         true},
};

static safeid_config make_cfg(void)
{
	safeid_config cfg = {(uint32_t)time(NULL), SAFEID_HASH_SHA1, 30,
	                     SAFEID_DISPLAY_30S};
	return cfg;
}

static void run_case(const struct expect *e, const char *serial,
                     bool restricted)
{
	struct fake f;
	safeid_burn_report r;
	safeid_config cfg = make_cfg();
	int want_err =
		e->kind == FAIL_LOST ? SAFEID_ERR_REMOVED : SAFEID_ERR_BAD_DATA;
	int rc;

	script(&f, serial, cfg.clock, e->at, e->kind, "6A80");
	rc = safeid_burn(&f.tp, &cfg, seed20, sizeof(seed20), NULL, NULL, &r);
	ck_assert_msg(rc == want_err, "at %d kind %d %s: rc %d", e->at, e->kind,
	              serial, rc);
	ck_assert_int_eq(r.err, rc);
	ck_assert_msg(r.step == e->step, "at %d: step %d want %d", e->at,
	              r.step, e->step);
	ck_assert_msg(
		r.seed == (restricted ? e->restricted_seed : e->free_seed),
		"at %d kind %d %s: seed %d", e->at, e->kind, serial, r.seed);
	ck_assert_int_eq(r.config_written, e->config_written);
	ck_assert_uint_eq(r.apdus, (unsigned)e->at + 1);
	/* nothing is sent after a failure, and the lock is always released */
	ck_assert_uint_eq(f.pos, (size_t)e->at + 1);
	ck_assert_int_eq(f.unexpected, 0);
	ck_assert_int_eq(f.begins, 1);
	ck_assert_int_eq(f.ends, 1);
}

START_TEST(fail_at_each_step)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		run_case(&cases[i], UNRESTRICTED, false);
		run_case(&cases[i], RESTRICTED, true);
		/* an unknown model counts as restricted */
		run_case(&cases[i], "1234567000001", true);
	}
}
END_TEST

START_TEST(locked_token_stops_at_auth)
{
	struct fake f;
	safeid_burn_report r;
	safeid_config cfg = make_cfg();

	script(&f, RESTRICTED, cfg.clock, 2, FAIL_SW, "6983");
	fake_reply(&f, -1, "9000"); /* a retry would find this */
	ck_assert_int_eq(safeid_burn(&f.tp, &cfg, seed20, 20, NULL, NULL, &r),
	                 SAFEID_ERR_AUTH);
	ck_assert_int_eq(r.step, SAFEID_STEP_AUTH);
	ck_assert_int_eq(r.seed, SAFEID_SEED_OLD);
	ck_assert_uint_eq(f.pos, 3);
}
END_TEST

START_TEST(garbage_answer_to_a_write)
{
	struct fake f;
	safeid_burn_report r;
	safeid_config cfg = make_cfg();

	/* data where a bare status word belongs: what the token did is unknown */
	script(&f, UNRESTRICTED, cfg.clock, 4, FAIL_SW, "DEADBEEF9000");
	ck_assert_int_eq(safeid_burn(&f.tp, &cfg, seed20, 20, NULL, NULL, &r),
	                 SAFEID_ERR_BAD_REPLY);
	ck_assert_int_eq(r.step, SAFEID_STEP_SEED);
	ck_assert_int_eq(r.seed, SAFEID_SEED_UNKNOWN);
	script(&f, RESTRICTED, cfg.clock, 3, FAIL_SW, "DEADBEEF9000");
	ck_assert_int_eq(safeid_burn(&f.tp, &cfg, seed20, 20, NULL, NULL, &r),
	                 SAFEID_ERR_BAD_REPLY);
	ck_assert_int_eq(r.step, SAFEID_STEP_CONFIG);
	ck_assert_int_eq(r.seed, SAFEID_SEED_UNKNOWN);
	ck_assert(!r.config_written);
	script(&f, RESTRICTED, cfg.clock, 2, FAIL_SW, "DEADBEEF9000");
	ck_assert_int_eq(safeid_burn(&f.tp, &cfg, seed20, 20, NULL, NULL, &r),
	                 SAFEID_ERR_BAD_REPLY);
	ck_assert_int_eq(r.step, SAFEID_STEP_AUTH);
	ck_assert_int_eq(r.seed, SAFEID_SEED_OLD);
}
END_TEST

struct progress_log {
	int n;
	safeid_step step[16];
	int err[16];
};

static void progress_cb(void *arg, safeid_step step, int err,
                        const safeid_burn_report *sofar)
{
	struct progress_log *p = arg;

	ck_assert_ptr_nonnull(sofar);
	if (p->n < 16) {
		p->step[p->n] = step;
		p->err[p->n] = err;
	}
	p->n++;
}

START_TEST(success_and_progress)
{
	struct fake f;
	safeid_burn_report r;
	safeid_config cfg = make_cfg();
	struct progress_log log;
	int i;

	memset(&log, 0, sizeof(log));
	script(&f, RESTRICTED, cfg.clock + 1, -1, FAIL_SW, NULL);
	ck_assert_int_eq(
		safeid_burn(&f.tp, &cfg, seed20, 20, progress_cb, &log, &r),
		SAFEID_OK);
	ck_assert_int_eq(r.step, SAFEID_STEP_DONE);
	ck_assert_int_eq(r.seed, SAFEID_SEED_NEW);
	ck_assert(r.config_written);
	ck_assert_str_eq(r.before.serial, RESTRICTED);
	ck_assert_str_eq(r.after.serial, RESTRICTED);
	ck_assert_str_eq(r.before.model->name, "OTPC-P2-i");
	ck_assert_uint_eq(r.after.clock, cfg.clock + 1);
	ck_assert_uint_eq(r.apdus, 6);
	ck_assert_int_eq(f.begins, 1);
	ck_assert_int_eq(f.ends, 1);
	/* start (1) and end (0) for each of five steps, then DONE */
	ck_assert_int_eq(log.n, 11);
	for (i = 0; i < 5; i++) {
		ck_assert_int_eq(log.step[2 * i], SAFEID_STEP_INFO + i);
		ck_assert_int_eq(log.err[2 * i], 1);
		ck_assert_int_eq(log.step[2 * i + 1], SAFEID_STEP_INFO + i);
		ck_assert_int_eq(log.err[2 * i + 1], SAFEID_OK);
	}
	ck_assert_int_eq(log.step[10], SAFEID_STEP_DONE);
	/* the seed APDU carried the known-answer encryption */
	{
		uint8_t want[64];
		size_t n = (size_t)hex_decode(
			"84C50100245E5856092FD3228D4D33EEE3DAAC4B55CE37D18D332B7AC6A40E8661FA23042AF47B0153",
			want, sizeof(want));

		ck_assert_uint_eq(f.sentlen[4], n);
		ck_assert_int_eq(memcmp(f.sent[4], want, n), 0);
	}
}
END_TEST

START_TEST(confirm_checks_clock_and_serial)
{
	struct fake f;
	safeid_burn_report r;
	safeid_config cfg = make_cfg();

	/* the clock did not take the written value */
	script(&f, UNRESTRICTED, cfg.clock, 5, FAIL_SW, "9000");
	f.nsteps--;
	fake_info(&f, UNRESTRICTED, cfg.clock - 3600);
	ck_assert_int_eq(safeid_burn(&f.tp, &cfg, seed20, 20, NULL, NULL, &r),
	                 SAFEID_ERR_CLOCK);
	ck_assert_int_eq(r.step, SAFEID_STEP_CONFIRM);
	ck_assert_int_eq(r.seed, SAFEID_SEED_NEW);
	/* another token answers the confirmation */
	script(&f, UNRESTRICTED, cfg.clock, 5, FAIL_SW, "9000");
	f.nsteps--;
	fake_info(&f, "8659612000002", cfg.clock);
	ck_assert_int_eq(safeid_burn(&f.tp, &cfg, seed20, 20, NULL, NULL, &r),
	                 SAFEID_ERR_REMOVED);
	ck_assert_int_eq(r.step, SAFEID_STEP_CONFIRM);
}
END_TEST

START_TEST(refused_before_touching_token)
{
	struct fake f;
	safeid_burn_report r;
	safeid_config cfg = make_cfg();
	uint8_t seed[64];

	memset(seed, 7, sizeof(seed));
	script(&f, UNRESTRICTED, cfg.clock, -1, FAIL_SW, NULL);
	ck_assert_int_eq(safeid_burn(&f.tp, &cfg, seed, 64, NULL, NULL, &r),
	                 SAFEID_ERR_SEED_LENGTH);
	ck_assert_int_eq(r.step, SAFEID_STEP_NONE);
	ck_assert_int_eq(r.seed, SAFEID_SEED_OLD);
	ck_assert_int_eq(safeid_burn(&f.tp, &cfg, seed, 0, NULL, NULL, &r),
	                 SAFEID_ERR_SEED_LENGTH);
	cfg.step = 45;
	ck_assert_int_eq(safeid_burn(&f.tp, &cfg, seed, 20, NULL, NULL, &r),
	                 SAFEID_ERR_CONFIG);
	ck_assert_int_eq(safeid_burn(NULL, &cfg, seed, 20, NULL, NULL, &r),
	                 SAFEID_ERR_ARG);
	ck_assert_int_eq(safeid_burn(&f.tp, &cfg, seed, 20, NULL, NULL, NULL),
	                 SAFEID_ERR_ARG);
	ck_assert_uint_eq(f.pos, 0);
	ck_assert_int_eq(f.begins, 0);
	/* the reader lock cannot be taken */
	cfg = make_cfg();
	f.begin_err = SAFEID_ERR_REMOVED;
	ck_assert_int_eq(safeid_burn(&f.tp, &cfg, seed, 20, NULL, NULL, &r),
	                 SAFEID_ERR_REMOVED);
	ck_assert_int_eq(r.step, SAFEID_STEP_INFO);
	ck_assert_uint_eq(f.pos, 0);
	ck_assert_int_eq(f.ends, 0);
}
END_TEST

/* Config-only: info, challenge, auth, config, info (no seed command). */
static void config_script(struct fake *f, const char *serial, uint32_t clock,
                          int lost_at)
{
	fake_init(f, true);
	fake_info(f, serial, clock);
	fake_reply(f, 0x4B, "01020304050607089000");
	fake_reply(f, 0xCE, "9000");
	if (lost_at == 3) {
		fake_error(f, 0xD4, SAFEID_ERR_TIMEOUT);
		return;
	}
	fake_reply(f, 0xD4, "9000");
	fake_info(f, serial, clock);
}

START_TEST(configure_only)
{
	struct fake f;
	safeid_burn_report r;
	safeid_config cfg = make_cfg();

	config_script(&f, RESTRICTED, cfg.clock, -1);
	ck_assert_int_eq(safeid_configure(&f.tp, &cfg, NULL, NULL, &r),
	                 SAFEID_OK);
	ck_assert_int_eq(r.step, SAFEID_STEP_DONE);
	ck_assert_int_eq(r.seed, SAFEID_SEED_ERASED);
	ck_assert(r.config_written);
	ck_assert_uint_eq(r.apdus, 5);
	ck_assert_int_eq(f.unexpected, 0);
	config_script(&f, UNRESTRICTED, cfg.clock, -1);
	ck_assert_int_eq(safeid_configure(&f.tp, &cfg, NULL, NULL, &r),
	                 SAFEID_OK);
	ck_assert_int_eq(r.seed, SAFEID_SEED_OLD);
	config_script(&f, RESTRICTED, cfg.clock, 3);
	ck_assert_int_eq(safeid_configure(&f.tp, &cfg, NULL, NULL, &r),
	                 SAFEID_ERR_TIMEOUT);
	ck_assert_int_eq(r.step, SAFEID_STEP_CONFIG);
	ck_assert_int_eq(r.seed, SAFEID_SEED_UNKNOWN);
	ck_assert_int_eq(f.ends, 1);
	config_script(&f, UNRESTRICTED, cfg.clock, 3);
	ck_assert_int_eq(safeid_configure(&f.tp, &cfg, NULL, NULL, &r),
	                 SAFEID_ERR_TIMEOUT);
	ck_assert_int_eq(r.seed, SAFEID_SEED_OLD);
}
END_TEST

START_TEST(names_and_texts)
{
	int s;

	for (s = SAFEID_STEP_NONE; s <= SAFEID_STEP_DONE; s++)
		ck_assert_str_ne(safeid_step_name((safeid_step)s),
		                 "unknown step");
	ck_assert_str_eq(safeid_step_name(SAFEID_STEP_SEED), "write seed");
	for (s = SAFEID_SEED_OLD; s <= SAFEID_SEED_UNKNOWN; s++)
		ck_assert_str_ne(safeid_seed_state_text((safeid_seed_state)s),
		                 "unknown seed state");
	ck_assert_str_eq(safeid_seed_state_name(SAFEID_SEED_OLD), "old");
	ck_assert_str_eq(safeid_seed_state_name(SAFEID_SEED_ERASED), "erased");
	ck_assert_str_eq(safeid_seed_state_name(SAFEID_SEED_NEW), "new");
	ck_assert_str_eq(safeid_seed_state_name(SAFEID_SEED_UNKNOWN),
	                 "unknown");
	ck_assert_str_eq(safeid_seed_state_name((safeid_seed_state)9),
	                 "unknown");
}
END_TEST

Suite *suite_burn(void)
{
	Suite *s = suite_create("burn");
	TCase *tc = tcase_create("burn");

	tcase_add_test(tc, fail_at_each_step);
	tcase_add_test(tc, locked_token_stops_at_auth);
	tcase_add_test(tc, garbage_answer_to_a_write);
	tcase_add_test(tc, success_and_progress);
	tcase_add_test(tc, confirm_checks_clock_and_serial);
	tcase_add_test(tc, refused_before_touching_token);
	tcase_add_test(tc, configure_only);
	tcase_add_test(tc, names_and_texts);
	suite_add_tcase(s, tc);
	return s;
}
