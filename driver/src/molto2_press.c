/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The two Molto2 commands the person confirms on the token: a customer
 * key change and a factory reset.  The token answers 9060 and carries the
 * request out only when its up-arrow button is pressed; no command asks
 * whether that happened.  So the core waits for the person (through the
 * caller, bounded, sending nothing meanwhile), then tells what the token
 * shows: for a reset the profiles read back; for a key change nothing,
 * unless the caller lets it spend a try on the new key.
 */
#include <string.h>

#include "internal.h"

#define APDU_BUF 64u
#define SW_AWAITING_BUTTON 0x9060u

/* What a ▲ command runs inside one begin/end. */
struct press_op {
	const uint8_t *new_key; /* key change */
	size_t len;
	unsigned flags;
	long press_ms;
	safeid_m2_press_fn press;
	void *arg;
	int (*steps)(safeid_m2 *s, const struct press_op *op,
	             safeid_m2_press_report *r);
};

static void press_start(safeid_m2 *s, safeid_m2_press_report *r)
{
	memset(r, 0, sizeof(*r));
	r->outcome = SAFEID_M2_NOT_SENT;
	r->step = SAFEID_M2_STEP_NONE;
	r->press = 1;
	r->tries_left = s != NULL ? s->tries : -1;
}

/* Send the built request; its outcome when it does not wait for ▲. */
static int send_request(safeid_m2 *s, const uint8_t *apdu, size_t alen,
                        safeid_m2_press_report *r)
{
	uint16_t sw = 0;
	bool answered = true;
	int rc;

	r->step = SAFEID_M2_STEP_REQUEST;
	rc = sid_m2_write(s, apdu, alen, &sw, &answered);
	if (!answered) {
		r->outcome = SAFEID_M2_LOST;
		return rc;
	}
	/* 9060: accepted, waits for the button.  A plain 9000 is taken the
	 * same way: nothing says the token carried it out without one. */
	if (sw == SW_AWAITING_BUTTON || sw == 0x9000) {
		r->outcome = SAFEID_M2_PENDING;
		return SAFEID_OK;
	}
	r->outcome = SAFEID_M2_REFUSED;
	return rc;
}

/* The person's part; SAFEID_OK when they say they pressed ▲. */
static int wait_press(const struct press_op *op, safeid_m2_press what,
                      safeid_m2_press_report *r)
{
	r->step = SAFEID_M2_STEP_PRESS;
	r->outcome = SAFEID_M2_UNCONFIRMED;
	r->press =
		op->press(op->arg, what,
	                  op->press_ms > 0 ? op->press_ms : SAFEID_M2_PRESS_MS);
	if (r->press != SAFEID_OK && r->press != SAFEID_ERR_TIMEOUT &&
	    r->press != SAFEID_ERR_CANCELLED)
		r->press = SAFEID_ERR_CANCELLED;
	return r->press;
}

/* Authenticate with the new key: the only check of a key change. */
static int verify_key(safeid_m2 *s, const uint8_t *new_key, size_t len,
                      safeid_m2_press_report *r)
{
	uint8_t old[SAFEID_M2_KEY_LEN];
	bool old_factory = s->factory_key, old_accepted = s->key_accepted;
	int rc;

	r->step = SAFEID_M2_STEP_VERIFY;
	memcpy(old, s->key, sizeof(old));
	rc = safeid_m2_set_customer_key(s, new_key, len);
	if (rc == SAFEID_OK)
		rc = sid_m2_auth(s);
	r->tries_left = s->tries;
	if (rc == SAFEID_OK) {
		r->outcome = SAFEID_M2_CONFIRMED;
		goto out;
	}
	if (rc == SAFEID_ERR_WRONG_KEY || rc == SAFEID_ERR_LOCKED)
		r->outcome = SAFEID_M2_NOT_DONE;
	/* The old key stays the token's; if the new one was refused, the
	 * old one is the key it took earlier in this session. */
	memcpy(s->key, old, sizeof(old));
	s->factory_key = old_factory;
	s->key_accepted = old_accepted && r->outcome == SAFEID_M2_NOT_DONE;
out:
	safeid_wipe(old, sizeof(old));
	return rc;
}

/* get info first: the card answers as a Molto2 before anything else */
static int info_step(safeid_m2 *s, safeid_m2_press_report *r)
{
	safeid_info info;

	r->step = SAFEID_M2_STEP_INFO;
	return sid_m2_info(s, &info);
}

static int change_steps(safeid_m2 *s, const struct press_op *op,
                        safeid_m2_press_report *r)
{
	uint8_t apdu[APDU_BUF];
	size_t alen = 0;
	int rc = info_step(s, r);

	if (rc != SAFEID_OK)
		return rc;
	r->step = SAFEID_M2_STEP_AUTH;
	rc = sid_m2_auth(s);
	r->tries_left = s->tries;
	if (rc != SAFEID_OK)
		return rc;
	rc = safeid_m2_apdu_change_key(s->key, op->new_key, op->len, apdu,
	                               sizeof(apdu), &alen);
	if (rc == SAFEID_OK)
		rc = send_request(s, apdu, alen, r);
	safeid_wipe(apdu, sizeof(apdu));
	if (rc != SAFEID_OK || op->press == NULL)
		return rc;
	rc = wait_press(op, SAFEID_M2_PRESS_KEY_CHANGE, r);
	/* Verify only once the person says they pressed: otherwise the try
	 * would be spent on a change that surely did not happen. */
	if (rc != SAFEID_OK || !(op->flags & SAFEID_M2_VERIFY))
		return rc;
	return verify_key(s, op->new_key, op->len, r);
}

static int run_press(safeid_m2 *s, const struct press_op *op,
                     safeid_m2_press_report *r)
{
	unsigned start = s->apdus;
	int rc = sid_m2_begin(s);

	if (rc == SAFEID_OK) {
		rc = op->steps(s, op, r);
		sid_m2_end(s);
	}
	if (rc == SAFEID_OK && (r->outcome == SAFEID_M2_CONFIRMED ||
	                        r->outcome == SAFEID_M2_NOT_DONE))
		r->step = SAFEID_M2_STEP_DONE;
	r->err = rc;
	r->apdus = s->apdus - start;
	return rc;
}

int safeid_m2_change_key(safeid_m2 *s, const uint8_t *new_key, size_t len,
                         unsigned flags, long press_ms,
                         safeid_m2_press_fn press, void *arg,
                         safeid_m2_press_report *r)
{
	struct press_op op = {new_key, len, flags,       press_ms,
	                      press,   arg, change_steps};
	uint8_t check[SAFEID_M2_KEY_LEN];
	int rc;

	if (r == NULL)
		return SAFEID_ERR_ARG;
	press_start(s, r);
	if (s == NULL) {
		r->err = SAFEID_ERR_ARG;
		return r->err;
	}
	/* A bad new key is refused before the token is touched. */
	rc = safeid_m2_derive_key(new_key, len, check);
	safeid_wipe(check, sizeof(check));
	if (rc != SAFEID_OK) {
		r->err = rc;
		return rc;
	}
	return run_press(s, &op, r);
}

static unsigned count_held(const bool held[SAFEID_M2_PROFILES], unsigned from,
                           unsigned to)
{
	unsigned n = 0;

	for (; from < to; from++)
		n += held[from] ? 1 : 0;
	return n;
}

/*
 * What the profiles say about a reset.  Whether a reset puts the factory
 * seed back into profile 0 is not public, so profile 0 decides only when
 * it is the only one that held a seed, and it went.
 */
static safeid_m2_outcome reset_verdict(const safeid_m2_press_report *r,
                                       unsigned profiles)
{
	unsigned before = count_held(r->held_before, 1, profiles);
	unsigned after = count_held(r->held_after, 1, profiles);
	unsigned gone = 0, p;

	for (p = 1; p < profiles; p++)
		gone += r->held_before[p] && !r->held_after[p] ? 1 : 0;
	if (before > 0) {
		if (after == 0)
			return SAFEID_M2_CONFIRMED;
		if (gone == 0 && after == before &&
		    r->held_before[0] == r->held_after[0])
			return SAFEID_M2_NOT_DONE;
		return SAFEID_M2_PARTIAL;
	}
	if (after > 0)
		return SAFEID_M2_PARTIAL; /* a seed came: not a reset */
	if (r->held_before[0] && !r->held_after[0])
		return SAFEID_M2_CONFIRMED;
	return SAFEID_M2_UNCONFIRMED;
}

static int reset_steps(safeid_m2 *s, const struct press_op *op,
                       safeid_m2_press_report *r)
{
	uint8_t apdu[APDU_BUF];
	size_t alen = 0;
	int rc = info_step(s, r);

	if (rc != SAFEID_OK)
		return rc;
	r->step = SAFEID_M2_STEP_CHECK;
	rc = sid_m2_held(s, r->held_before);
	if (rc != SAFEID_OK)
		return rc;
	r->seeds_before = count_held(r->held_before, 0, s->profiles);
	/* No key: a factory reset is the way back from a lost or locked one. */
	rc = safeid_m2_apdu_factory_reset(apdu, sizeof(apdu), &alen);
	if (rc == SAFEID_OK)
		rc = send_request(s, apdu, alen, r);
	if (rc != SAFEID_OK || op->press == NULL)
		return rc;
	/* Whatever the person answers, the profiles tell what happened. */
	(void)wait_press(op, SAFEID_M2_PRESS_RESET, r);
	r->step = SAFEID_M2_STEP_CONFIRM;
	rc = sid_m2_held(s, r->held_after);
	if (rc != SAFEID_OK)
		return rc;
	r->read_after = true;
	r->seeds_after = count_held(r->held_after, 0, s->profiles);
	r->outcome = reset_verdict(r, s->profiles);
	if (r->outcome == SAFEID_M2_CONFIRMED) {
		/* The token is back to the factory key and a fresh counter. */
		rc = safeid_m2_set_customer_key(s, NULL, 0);
		s->tries = -1;
		r->tries_left = -1;
		return rc;
	}
	if (r->outcome == SAFEID_M2_UNCONFIRMED)
		return r->press == SAFEID_OK ? SAFEID_OK : r->press;
	return r->press != SAFEID_OK ? r->press : SAFEID_ERR_READBACK;
}

int safeid_m2_factory_reset(safeid_m2 *s, long press_ms,
                            safeid_m2_press_fn press, void *arg,
                            safeid_m2_press_report *r)
{
	struct press_op op = {NULL, 0, 0, press_ms, press, arg, reset_steps};

	if (r == NULL)
		return SAFEID_ERR_ARG;
	press_start(s, r);
	if (s == NULL) {
		r->err = SAFEID_ERR_ARG;
		return r->err;
	}
	return run_press(s, &op, r);
}
