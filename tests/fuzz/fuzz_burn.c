/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The composite burn against a token that answers whatever the fuzzer
 * says: replies (and transport failures) come from the input, one per
 * APDU the core sends, including GET RESPONSE / 6CXX resends.  Whatever
 * happens, the burn report must tell the truth:
 *  - success means every step ran and the seed is new;
 *  - "new seed" only if a seed write was sent; "old seed" whenever no
 *    write was sent; "erased" only after a config write was sent;
 *  - no authenticate follows a 6983 answer to one (never retried);
 *  - the APDU count is the number of transmissions.
 */
#include <string.h>

#include <safeid/safeid.h>

#include "fuzz_common.h"
#include "fuzz_replay.h"

typedef struct replay {
	const uint8_t *d;
	size_t n, pos;
	unsigned sent, auth, config, seed;
	bool auth_refused; /* a 6983 was given to an authenticate */
} replay;

/* Input: per APDU, one length byte L then L reply bytes (data + SW);
 * L = 0xFF means "the transport fails" with the error chosen by the next
 * byte.  An exhausted input is a removed card. */
static int replay_transmit(void *ctx, const uint8_t *c, size_t clen, uint8_t *r,
                           size_t rcap, size_t *rlen)
{
	replay *p = ctx;
	size_t l = 0;
	int rc;

	FUZZ_CHECK(clen >= 4 && clen <= SAFEID_APDU_MAX);
	p->sent++;
	if (c[1] == 0xCE) {
		FUZZ_CHECK(!p->auth_refused);
		p->auth++;
	}
	if (c[1] == 0xD4)
		p->config++;
	if (c[1] == 0xC5)
		p->seed++;
	rc = fuzz_replay_answer(p->d, p->n, &p->pos, r, rcap, &l);
	if (rc != SAFEID_OK)
		return rc;
	if (c[1] == 0xCE && l >= 2 && r[l - 2] == 0x69 && r[l - 1] == 0x83)
		p->auth_refused = true;
	*rlen = l;
	return SAFEID_OK;
}

static int noop(void *ctx)
{
	(void)ctx;
	return SAFEID_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	replay rp;
	safeid_transport t = {&rp, replay_transmit, noop, noop};
	safeid_config cfg = {1767225600u, SAFEID_HASH_SHA1, 30,
	                     SAFEID_DISPLAY_30S};
	safeid_burn_report rep;
	uint8_t seed[SAFEID_SEED_MAX];
	size_t seedlen;
	bool configure;
	int rc;

	if (size < 2)
		return 0;
	/* byte 0: seed length and whether this is a clock-only write */
	seedlen = (size_t)(data[0] % SAFEID_SEED_MAX) + 1;
	configure = (data[0] & 0x80) != 0;
	cfg.hash = (data[1] & 1) ? SAFEID_HASH_SHA256 : SAFEID_HASH_SHA1;
	cfg.step = (data[1] & 2) ? 60 : 30;
	for (size_t i = 0; i < seedlen; i++)
		seed[i] = (uint8_t)(0x5A ^ i);
	memset(&rp, 0, sizeof(rp));
	rp.d = data + 2;
	rp.n = size - 2;
	memset(&rep, 0, sizeof(rep));

	if (configure)
		rc = safeid_configure(&t, &cfg, NULL, NULL, &rep);
	else
		rc = safeid_burn(&t, &cfg, seed, seedlen, NULL, NULL, &rep);

	FUZZ_CHECK(rc == rep.err);
	FUZZ_CHECK(rep.apdus == rp.sent);
	FUZZ_CHECK(safeid_step_name(rep.step) != NULL);
	FUZZ_CHECK(safeid_seed_state_text(rep.seed) != NULL);
	if (rc == SAFEID_OK) {
		FUZZ_CHECK(rep.step == SAFEID_STEP_DONE);
		FUZZ_CHECK(rep.config_written);
		FUZZ_CHECK(configure || rep.seed == SAFEID_SEED_NEW);
		FUZZ_CHECK(configure || rp.seed >= 1);
	} else {
		FUZZ_CHECK(rc < 0 && rep.step != SAFEID_STEP_DONE);
	}
	if (configure)
		FUZZ_CHECK(rp.seed == 0 && rep.seed != SAFEID_SEED_NEW);
	if (rep.seed == SAFEID_SEED_NEW)
		FUZZ_CHECK(rp.seed >= 1);
	if (rep.seed == SAFEID_SEED_ERASED)
		FUZZ_CHECK(rp.config >= 1);
	if (rp.config == 0 && rp.seed == 0)
		FUZZ_CHECK(rep.seed == SAFEID_SEED_OLD && !rep.config_written);
	if (rep.config_written)
		FUZZ_CHECK(rp.config >= 1);
	return 0;
}
