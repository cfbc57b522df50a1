/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * m2press.c: the Molto2 commands the person confirms on the token with
 * its up-arrow button (▲): the customer key change (C_SetPIN) and the
 * factory reset (a vendor function), and the screen lock beside them.
 *
 * The token answers such a request with 9060 and carries it out when ▲
 * is pressed.  No command asks whether that happened, and any command
 * ends the wait, so the module sends nothing while the person is asked:
 * it calls the application's press handler if there is one
 * (safeid_pkcs11_set_press_handler), else it waits the whole bound,
 * SAFEID_PKCS11_BUTTON_TIMEOUT seconds (the token's display asks the
 * person meanwhile), giving up early only when the token leaves.  What
 * happened is then read from the token, as the core does it: a key change
 * by authenticating with the new key (the only check, which costs a try
 * when ▲ was not pressed; done only when the handler says pressed, or
 * without a handler once the bound passed), a reset by the profiles read
 * back.  The slot's lock is held throughout: other calls on the slot wait.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "m2op.h"

#define BUTTON_DEFAULT_S 60L
#define BUTTON_MAX_S 600L
/* How often the reader is looked at while waiting without a handler. */
#define LOOK_MS 100L

/* Under the module lock. */
static struct {
	safeid_pkcs11_press_fn fn;
	void *arg;
	long bound_ms;
} press;

void sp11_m2_press_configure(void)
{
	const char *v = getenv("SAFEID_PKCS11_BUTTON_TIMEOUT");
	char *end = NULL;
	long s = BUTTON_DEFAULT_S;

	if (v != NULL) {
		s = strtol(v, &end, 10);
		if (end == v || *end != '\0' || s < 1 || s > BUTTON_MAX_S) {
			sp11_debug(
				"SAFEID_PKCS11_BUTTON_TIMEOUT=\"%s\" is not "
				"1..%ld seconds; waiting %ld s for the token's "
				"button",
				v, BUTTON_MAX_S, BUTTON_DEFAULT_S);
			s = BUTTON_DEFAULT_S;
		}
	}
	press.fn = NULL;
	press.arg = NULL;
	press.bound_ms = s * 1000;
}

__attribute__((visibility("default"))) CK_RV safeid_pkcs11_set_press_handler(
	safeid_pkcs11_press_fn fn, void *arg)
{
	CK_RV rv = sp11_ready();

	if (rv != CKR_OK)
		return rv;
	sp11_module_lock();
	press.fn = fn;
	press.arg = fn != NULL ? arg : NULL;
	sp11_module_unlock();
	return CKR_OK;
}

/* What the core's press callback needs. */
struct press_ctx {
	const sp11_m2_op *op;
};

static void ms_sleep(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) != 0)
		;
}

/* The core's part: SAFEID_OK when the person (or the bound) says the
 * press may have happened, TIMEOUT when not, CANCELLED when they gave
 * up. */
static int press_wait(void *arg, safeid_m2_press what, long timeout_ms)
{
	const struct press_ctx *c = arg;
	safeid_pkcs11_press_fn fn;
	safeid_reader_state now;
	void *fn_arg;
	long long end;
	CK_RV rv;

	sp11_module_lock();
	fn = press.fn;
	fn_arg = press.arg;
	sp11_module_unlock();
	if (fn != NULL) {
		rv = fn(fn_arg, c->op->s->slot,
		        what == SAFEID_M2_PRESS_RESET
		                ? SAFEID_PKCS11_PRESS_RESET
		                : SAFEID_PKCS11_PRESS_KEY_CHANGE,
		        (CK_ULONG)timeout_ms);
		if (rv == CKR_OK)
			return SAFEID_OK;
		return rv == CKR_FUNCTION_CANCELED ? SAFEID_ERR_CANCELLED
		                                   : SAFEID_ERR_TIMEOUT;
	}
	sp11_debug("token %s: waiting %ld s for its up-arrow button (no "
	           "press handler, and nothing on the token tells when it is "
	           "pressed)",
	           c->op->s->serial, timeout_ms / 1000);
	end = sp11_mono_ms() + timeout_ms;
	while (sp11_mono_ms() < end) {
		ms_sleep(LOOK_MS);
		/* A token that left cannot take the press. */
		if (c->op->marked && sp11_reader_look(c->op->reader, &now) &&
		    (!now.usable || now.events != c->op->mark.events))
			return SAFEID_ERR_TIMEOUT;
	}
	return SAFEID_OK;
}

static long bound_ms(void)
{
	long ms;

	sp11_module_lock();
	ms = press.bound_ms > 0 ? press.bound_ms : BUTTON_DEFAULT_S * 1000;
	sp11_module_unlock();
	return ms;
}

/* ---- C_SetPIN -------------------------------------------------------------- */

/* The key change's outcome as a CK_RV. */
static CK_RV change_rv(sp11_m2_op *op, const safeid_m2_press_report *r)
{
	const char *serial = op->s->serial;
	safeid_info info;

	switch (r->outcome) {
	case SAFEID_M2_CONFIRMED:
		return CKR_OK;
	case SAFEID_M2_NOT_DONE:
		sp11_debug("token %s refused the new key: the up-arrow button "
		           "was not pressed in time; the old key stays (that "
		           "check spent a try: %d left)",
		           serial, r->tries_left);
		return CKR_FUNCTION_REJECTED;
	case SAFEID_M2_UNCONFIRMED:
		/* The handler says no press: end the token's wait with a read
		 * rather than spend a try to check. */
		(void)safeid_m2_get_info(op->m2, &info);
		sp11_debug("token %s: no press of the up-arrow button (%s); "
		           "the module ended the token's wait; the old key "
		           "stays unless the button was pressed before that",
		           serial, safeid_strerror(r->press));
		return r->press == SAFEID_ERR_CANCELLED ? CKR_FUNCTION_CANCELED
		                                        : CKR_FUNCTION_REJECTED;
	case SAFEID_M2_REFUSED:
		sp11_debug("token %s refused the key change: %s", serial,
		           safeid_strerror(r->err));
		return CKR_FUNCTION_REJECTED;
	default:
		break;
	}
	sp11_m2_key_debug(serial, r->err, r->tries_left);
	return sp11_m2_op_rv(op, r->err);
}

CK_RV sp11_m2_set_pin(const sp11_session *s, const CK_BYTE *old,
                      CK_ULONG oldlen, const CK_BYTE *new_pin, CK_ULONG newlen)
{
	safeid_m2_press_report r;
	struct press_ctx ctx;
	sp11_m2_op op;
	bool consent;
	CK_RV rv;
	int err;

	if (!(s->flags & CKF_RW_SESSION))
		return CKR_SESSION_READ_ONLY;
	if (old == NULL || new_pin == NULL)
		return CKR_ARGUMENTS_BAD;
	if (oldlen == 0 || oldlen > SAFEID_M2_CUSTOMER_KEY_MAX || newlen == 0 ||
	    newlen > SAFEID_M2_CUSTOMER_KEY_MAX)
		return CKR_PIN_LEN_RANGE;
	consent = sp11_m2_consent_take(s);
	rv = sp11_m2_op_begin(s, 0, &op);
	if (rv != CKR_OK)
		return rv;
	if (consent)
		safeid_m2_allow_last_try(op.m2);
	ctx.op = &op;
	err = safeid_m2_set_customer_key(op.m2, old, oldlen);
	if (err == SAFEID_OK)
		(void)safeid_m2_change_key(op.m2, new_pin, newlen,
		                           SAFEID_M2_VERIFY, bound_ms(),
		                           press_wait, &ctx, &r);
	else
		rv = CKR_GENERAL_ERROR;
	if (rv == CKR_OK)
		rv = change_rv(&op, &r);
	/* The login goes on with the key the token now has. */
	if (rv == CKR_OK && sp11_m2_logged_in(s->slot, s->epoch))
		rv = sp11_m2_login_keep(s, new_pin, newlen);
	sp11_m2_op_end(&op);
	return rv;
}

/* ---- the factory reset ----------------------------------------------------- */

static CK_ULONG outcome_cks(safeid_m2_outcome o)
{
	switch (o) {
	case SAFEID_M2_REFUSED:
		return CKS_SAFEID_PRESS_REFUSED;
	case SAFEID_M2_LOST:
		return CKS_SAFEID_PRESS_LOST;
	case SAFEID_M2_PENDING:
	case SAFEID_M2_UNCONFIRMED:
		return CKS_SAFEID_PRESS_UNCONFIRMED;
	case SAFEID_M2_CONFIRMED:
		return CKS_SAFEID_PRESS_CONFIRMED;
	case SAFEID_M2_NOT_DONE:
		return CKS_SAFEID_PRESS_NOT_DONE;
	case SAFEID_M2_PARTIAL:
		return CKS_SAFEID_PRESS_PARTIAL;
	case SAFEID_M2_NOT_SENT:
	default:
		return CKS_SAFEID_PRESS_NOT_SENT;
	}
}

/* Each profile that held a seed: gone (erased), still there (old), or
 * unknown when the request went out and nothing was read back. */
static void record_reset(const sp11_m2_op *op, const safeid_m2_press_report *r)
{
	sp11_m2_prof rec;
	unsigned p;
	bool sent = r->outcome != SAFEID_M2_NOT_SENT &&
	            r->outcome != SAFEID_M2_REFUSED;

	for (p = 0; sent && p < op->det.profiles; p++) {
		if (!r->held_before[p])
			continue;
		sp11_m2_prof_get(op->s->serial, p, &rec);
		if (!r->read_after)
			rec.seed_state = CKS_SAFEID_SEED_UNKNOWN;
		else if (!r->held_after[p])
			rec.seed_state = CKS_SAFEID_SEED_ERASED;
		if (!r->read_after || !r->held_after[p])
			rec.made = false;
		sp11_m2_prof_put(op->s->serial, p, &rec);
	}
}

static CK_RV reset_rv(sp11_m2_op *op, const safeid_m2_press_report *r)
{
	switch (r->outcome) {
	case SAFEID_M2_CONFIRMED:
		return CKR_OK;
	case SAFEID_M2_NOT_DONE:
	case SAFEID_M2_REFUSED:
		sp11_debug("token %s: the factory reset did not happen (%s); "
		           "every seed is still there",
		           op->s->serial, safeid_m2_outcome_text(r->outcome));
		return CKR_FUNCTION_REJECTED;
	case SAFEID_M2_UNCONFIRMED:
	case SAFEID_M2_PARTIAL:
		sp11_debug("token %s: %s (%u seeds before, %u after)",
		           op->s->serial, safeid_m2_outcome_text(r->outcome),
		           r->seeds_before, r->seeds_after);
		return CKR_FUNCTION_FAILED;
	default:
		return sp11_m2_op_rv(op, r->err != SAFEID_OK ? r->err
		                                             : SAFEID_ERR_SW);
	}
}

__attribute__((visibility("default"))) CK_RV safeid_pkcs11_factory_reset(
	CK_SESSION_HANDLE session, CK_ULONG *outcome)
{
	safeid_m2_press_report r;
	struct press_ctx ctx;
	sp11_session s;
	sp11_m2_op op;
	CK_RV rv = sp11_session_enter(session, &s);

	if (outcome != NULL)
		*outcome = CKS_SAFEID_PRESS_NOT_SENT;
	if (rv != CKR_OK)
		return rv;
	if (!s.m2)
		return CKR_FUNCTION_NOT_SUPPORTED;
	if (!(s.flags & CKF_RW_SESSION))
		return CKR_SESSION_READ_ONLY;
	/* No login: the reset needs no key. */
	rv = sp11_m2_op_begin(&s, 0, &op);
	if (rv != CKR_OK)
		return rv;
	ctx.op = &op;
	sp11_write_starting();
	(void)safeid_m2_factory_reset(op.m2, bound_ms(), press_wait, &ctx, &r);
	record_reset(&op, &r);
	if (outcome != NULL)
		*outcome = outcome_cks(r.outcome);
	rv = reset_rv(&op, &r);
	/* Back to the factory key: no login holds (the core forgot the
	 * count, and op_end the module's). */
	if (r.outcome == SAFEID_M2_CONFIRMED)
		sp11_m2_logout_slot(s.slot);
	sp11_m2_op_end(&op);
	return rv;
}

/* ---- the screen lock ------------------------------------------------------- */

__attribute__((visibility("default"))) CK_RV safeid_pkcs11_screen(
	CK_SESSION_HANDLE session, CK_BBOOL lock)
{
	sp11_session s;
	sp11_m2_op op;
	CK_RV rv = sp11_session_enter(session, &s);
	int err;

	if (rv != CKR_OK)
		return rv;
	if (!s.m2)
		return CKR_FUNCTION_NOT_SUPPORTED;
	if (lock != CK_TRUE && lock != CK_FALSE)
		return CKR_ARGUMENTS_BAD;
	if (!(s.flags & CKF_RW_SESSION))
		return CKR_SESSION_READ_ONLY;
	rv = sp11_m2_op_begin(&s, SP11_M2_LOGIN, &op);
	if (rv != CKR_OK)
		return rv;
	err = safeid_m2_screen(op.m2, lock == CK_TRUE);
	if (err == SAFEID_ERR_WRONG_KEY || err == SAFEID_ERR_LOCKED ||
	    err == SAFEID_ERR_LAST_TRY) {
		sp11_m2_key_debug(s.serial, err, safeid_m2_tries_left(op.m2));
		sp11_m2_logout_slot(s.slot);
		rv = CKR_USER_NOT_LOGGED_IN;
	} else {
		rv = sp11_m2_op_rv(&op, err);
		if (err == SAFEID_ERR_NOT_SUPPORTED)
			sp11_debug("token %s does not know the screen lock "
			           "(firmware 2.1 or later has it)",
			           s.serial);
	}
	sp11_m2_op_end(&op);
	return rv;
}
