/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The Molto2's answer parsers and what the core makes of any answers.
 * Byte 0 picks the subject:
 *   0  the per-profile info parser on the rest: a reply is rejected or
 *      gives exactly what its 33 bytes say;
 *   1  an authenticate's status word (bytes 1-2): 63 NN is NN tries left,
 *      locked at none; only 9000 is success;
 *   2+ an operation against a token that answers whatever the rest says
 *      (byte 1 sets the operation's options; fuzz_replay.h): recognition,
 *      a burn, a clock sync, a delete, a key change, a factory reset, an
 *      authentication with a kept count of tries.  Whatever comes back:
 *      - recognition sends reads only;
 *      - no secure write goes out before an authenticate answered 9000,
 *        and no authentication follows a refused one (never retried);
 *      - a profile part reported NEW had its write sent, and a report
 *        of success means every step ran;
 *      - a reset is confirmed only after every profile was read back.
 */
#include <string.h>

#include <safeid/molto2.h>

#include "fuzz_common.h"
#include "fuzz_replay.h"

#define PROFILES SAFEID_M2_PROFILES_V1 /* fewer reads per reset */

typedef struct replay {
	const uint8_t *d;
	size_t n, pos;
	unsigned sent, auths, reads, writes[256];
	uint8_t ins;       /* the command of the exchange in progress */
	uint8_t last_sw1;  /* its last answer's SW1 (61, 6C: more to come) */
	size_t data;       /* reply data of the exchange so far */
	bool authed;       /* an authenticate was answered 9000 */
	bool refused;      /* an authenticate was answered otherwise */
	bool non_read;     /* something other than INS 41 was sent */
	bool write_unauth; /* an 84 command before any 9000 to authenticate */
} replay;

static int replay_transmit(void *ctx, const uint8_t *c, size_t clen, uint8_t *r,
                           size_t rcap, size_t *rlen)
{
	replay *p = ctx;
	size_t l = 0;
	int rc;

	/* GET RESPONSE and a 6CXX resend belong to the command before */
	bool more = c[1] == 0xC0 ||
	            (c[1] == p->ins && p->last_sw1 == 0x6C && p->sent > 0);

	FUZZ_CHECK(clen >= 4 && clen <= SAFEID_APDU_MAX);
	p->sent++;
	if (c[1] != 0xC0)
		p->data =
			0; /* a new command, or a resend: the core starts over */
	if (!more) {
		p->ins = c[1];
		p->writes[c[1]] += c[0] == 0x84 ? 1 : 0;
		if (c[1] != 0x41)
			p->non_read = true;
		if (c[1] == 0x41)
			p->reads++;
		if (c[0] == 0x84 && !p->authed)
			p->write_unauth = true;
		if (c[1] == 0xCE) {
			/* after a refusal nothing authenticates again */
			FUZZ_CHECK(!p->refused);
			p->auths++;
		}
	}
	p->last_sw1 = 0;
	rc = fuzz_replay_answer(p->d, p->n, &p->pos, r, rcap, &l);
	if (rc != SAFEID_OK)
		return rc;
	if (l >= 2) {
		p->last_sw1 = r[l - 2];
		p->data += l - 2;
	}
	if (p->ins == 0xCE && l >= 2 && r[l - 2] != 0x61 && r[l - 2] != 0x6C) {
		/* the final answer; data with it is no success either */
		if (r[l - 2] == 0x90 && r[l - 1] == 0x00 && p->data == 0)
			p->authed = true;
		else
			p->refused = true;
	}
	*rlen = l;
	return SAFEID_OK;
}

static int noop(void *ctx)
{
	(void)ctx;
	return SAFEID_OK;
}

static void check_profile(const uint8_t *d, size_t n)
{
	safeid_m2_profile p;
	int rc;

	memset(&p, 0xA5, sizeof(p));
	rc = safeid_m2_parse_profile(d, n, &p);
	if (rc != SAFEID_OK) {
		FUZZ_CHECK(rc == SAFEID_ERR_BAD_REPLY);
		return;
	}
	FUZZ_CHECK(n == 33 && d[0] == 0x95 && d[1] == 0x1F && d[2] == 0x70 &&
	           d[3] == 0x1D);
	FUZZ_CHECK(p.seed == (d[32] == 1) && d[32] <= 1);
	FUZZ_CHECK(p.titlelen <= SAFEID_M2_TITLE_FIELD);
	FUZZ_CHECK(p.title[p.titlelen] == '\0');
	FUZZ_CHECK(memcmp(p.title, d + 5, p.titlelen) == 0);
	FUZZ_CHECK(memchr(p.title, 0, p.titlelen) == NULL);
	FUZZ_CHECK(p.titlelen == SAFEID_M2_TITLE_FIELD ||
	           d[5 + p.titlelen] == 0);
	FUZZ_CHECK(p.step == d[30] && p.digits == d[31] && p.flag == d[4]);
	FUZZ_CHECK(p.hash == 0 || p.hash == d[29]);
}

static void check_auth_sw(uint16_t sw)
{
	int tries = -7, e = safeid_m2_auth_sw(sw, &tries);

	FUZZ_CHECK(e <= SAFEID_OK && e >= SAFEID_ERR_LAST);
	FUZZ_CHECK((e == SAFEID_OK) == (sw == 0x9000));
	if ((sw & 0xFF00) == 0x6300) {
		FUZZ_CHECK(tries == (sw & 0xFF));
		FUZZ_CHECK(e == (tries == 0 ? SAFEID_ERR_LOCKED
		                            : SAFEID_ERR_WRONG_KEY));
	} else if (sw == 0x6983) {
		FUZZ_CHECK(tries == 0 && e == SAFEID_ERR_LOCKED);
	} else {
		FUZZ_CHECK(tries == -7);
		FUZZ_CHECK(e != SAFEID_ERR_WRONG_KEY && e != SAFEID_ERR_LOCKED);
	}
}

/* A part reported NEW had its write sent. */
static void check_result(const safeid_m2_result *res, const replay *rp)
{
	FUZZ_CHECK(safeid_m2_step_name(res->step) != NULL);
	if (res->seed == SAFEID_SEED_NEW)
		FUZZ_CHECK(rp->writes[0xC5] > 0);
	if (res->title == SAFEID_SEED_NEW)
		FUZZ_CHECK(rp->writes[0xD5] > 0);
	if (res->config == SAFEID_SEED_NEW)
		FUZZ_CHECK(rp->writes[0xD4] > 0);
	if (res->err == SAFEID_OK && res->step == SAFEID_M2_STEP_DONE)
		FUZZ_CHECK(res->confirmed || res->config == SAFEID_SEED_NEW);
}

static void run_burn(safeid_m2 *s, const replay *rp, uint8_t opt)
{
	static const uint8_t seed[20] = "12345678901234567890";
	safeid_m2_account a[2];
	safeid_m2_result res[2];
	safeid_m2_report r;
	size_t n = (opt & 1) + 1, i;
	int rc;

	for (i = 0; i < 2; i++) {
		memset(&a[i], 0, sizeof(a[i]));
		a[i].profile = (unsigned)i * 7;
		a[i].cfg.clock = 1767225600u;
		a[i].cfg.hash =
			(opt & 2) ? SAFEID_HASH_SHA256 : SAFEID_HASH_SHA1;
		a[i].cfg.step = 30;
		a[i].cfg.digits = 6;
		a[i].cfg.display = SAFEID_DISPLAY_30S;
		a[i].seed = seed;
		a[i].seedlen = sizeof(seed);
		a[i].title = (opt & 4) ? (const uint8_t *)"Mail" : NULL;
		a[i].titlelen = (opt & 4) ? 4 : 0;
	}
	rc = safeid_m2_burn(s, a, n, (opt & 8) ? SAFEID_M2_OVERWRITE : 0, NULL,
	                    NULL, &r, res);
	FUZZ_CHECK(rc == r.err);
	if (rc == SAFEID_OK) {
		FUZZ_CHECK(r.step == SAFEID_M2_STEP_DONE && r.done == n);
		for (i = 0; i < n; i++)
			FUZZ_CHECK(res[i].confirmed &&
			           res[i].seed == SAFEID_SEED_NEW);
	}
	for (i = 0; i < n; i++)
		check_result(&res[i], rp);
}

static void run_sync(safeid_m2 *s, const replay *rp)
{
	static safeid_m2_result res[PROFILES];
	safeid_m2_report r;
	size_t i;
	int rc = safeid_m2_sync(s, 1767225600u, NULL, 0, NULL, NULL, &r, res);

	FUZZ_CHECK(rc == r.err);
	FUZZ_CHECK(rp->writes[0xC5] == 0 && rp->writes[0xD5] == 0);
	for (i = 0; i < PROFILES; i++) {
		FUZZ_CHECK(res[i].seed == SAFEID_SEED_OLD);
		FUZZ_CHECK(res[i].title == SAFEID_SEED_OLD);
		check_result(&res[i], rp);
	}
	if (rc == SAFEID_OK)
		FUZZ_CHECK(r.done == PROFILES && rp->writes[0xD4] == PROFILES);
	FUZZ_CHECK(rp->writes[0xD4] <= PROFILES);
}

static int press(void *arg, safeid_m2_press what, long ms)
{
	const uint8_t *answer = arg;

	(void)what;
	FUZZ_CHECK(ms > 0);
	return *answer % 3 == 0   ? SAFEID_OK
	       : *answer % 3 == 1 ? SAFEID_ERR_TIMEOUT
	                          : SAFEID_ERR_CANCELLED;
}

static void run_press(safeid_m2 *s, const replay *rp, uint8_t opt, bool reset)
{
	static const uint8_t nk[] = "safeid-test-key!";
	safeid_m2_press_report r;
	int rc;

	if (reset)
		rc = safeid_m2_factory_reset(s, 0, (opt & 1) ? press : NULL,
		                             &opt, &r);
	else
		rc = safeid_m2_change_key(s, nk, 16,
		                          (opt & 2) ? SAFEID_M2_VERIFY : 0, 0,
		                          (opt & 1) ? press : NULL, &opt, &r);
	FUZZ_CHECK(rc == r.err);
	FUZZ_CHECK(safeid_m2_outcome_name(r.outcome) != NULL);
	if (r.outcome == SAFEID_M2_CONFIRMED && reset)
		FUZZ_CHECK(r.read_after && rp->reads >= 1 + 2 * PROFILES);
	if (r.outcome == SAFEID_M2_CONFIRMED && !reset)
		FUZZ_CHECK((opt & 2) && rp->auths == 2);
	if (r.outcome == SAFEID_M2_NOT_SENT)
		FUZZ_CHECK(rp->writes[0xD7] == 0);
	if (!reset)
		FUZZ_CHECK(rp->writes[0xD7] <= 1);
}

static void run_delete(safeid_m2 *s, const replay *rp)
{
	safeid_m2_result res;
	safeid_m2_report r;
	int rc = safeid_m2_delete(s, 3, NULL, NULL, &r, &res);

	FUZZ_CHECK(rc == r.err);
	if (res.checked && !res.before.seed)
		FUZZ_CHECK(rp->auths == 0);
	check_result(&res, rp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	replay rp;
	safeid_transport t = {&rp, replay_transmit, noop, noop};
	safeid_detected d;
	safeid_m2 *s = NULL;
	uint8_t mode, opt;

	if (size < 2)
		return 0;
	mode = data[0];
	if (mode == 0) {
		check_profile(data + 1, size - 1);
		return 0;
	}
	if (mode == 1) {
		if (size >= 3)
			check_auth_sw((uint16_t)(data[1] << 8 | data[2]));
		return 0;
	}
	opt = data[1];
	memset(&rp, 0, sizeof(rp));
	rp.d = data + 2;
	rp.n = size - 2;
	if (mode % 7 == 2) {
		int rc = safeid_detect(
			&t, (opt & 1) ? "TOKEN2 Molto2 00 00" : "Reader", &d);

		FUZZ_CHECK(!rp.non_read);
		if (rc == SAFEID_OK)
			FUZZ_CHECK(d.family != NULL &&
			           d.info.serial[0] != '\0');
		return 0;
	}
	FUZZ_CHECK(safeid_m2_open(&t, PROFILES, &s) == SAFEID_OK);
	switch (mode % 7) {
	case 3:
		run_burn(s, &rp, opt);
		break;
	case 4:
		run_sync(s, &rp);
		break;
	case 5:
		run_delete(s, &rp);
		break;
	case 6:
		run_press(s, &rp, opt, (opt & 4) != 0);
		break;
	default:
		/* a fuzzed count kept from an earlier session */
		safeid_m2_set_tries_left(s, opt % 4 == 0 ? -1 : opt % 4 - 1);
		(void)safeid_m2_authenticate(s);
		FUZZ_CHECK(rp.auths <= 1);
		if (opt % 4 == 1 || opt % 4 == 2)
			FUZZ_CHECK(rp.sent == 0);
		break;
	}
	FUZZ_CHECK(!rp.write_unauth);
	FUZZ_CHECK(safeid_m2_apdus(s) == rp.sent);
	safeid_m2_free(&s);
	return 0;
}
