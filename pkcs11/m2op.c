/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * m2op.c: the frame of every operation on a Molto2.  As for the
 * single-profile family (burn.c, clock.c), each operation connects,
 * works inside one exclusive PC/SC transaction and disconnects, under
 * the slot's lock; the token is recognised again inside the transaction,
 * so nothing is written to a token the session was not opened on.  The
 * core's session (safeid_m2) lives for the one operation: the module
 * gives it the tries count it remembers (so the core keeps the last try
 * back) and takes back what the token told.
 */
#include <stdio.h>
#include <string.h>

#include "m2op.h"

/* How long to wait, after a broken reply, for PC/SC to say whether the
 * card left; only on that failure path. */
#define LEFT_BOUND_MS 3000

CK_RV sp11_m2_op_begin(const sp11_session *s, unsigned flags, sp11_m2_op *op)
{
	CK_RV rv;
	int err;

	memset(op, 0, sizeof(*op));
	op->s = s;
	/* A write needs the key: say so before anything is sent. */
	if ((flags & SP11_M2_LOGIN) && !sp11_m2_logged_in(s->slot, s->epoch)) {
		sp11_debug("token %s: log in first (C_Login with the customer "
		           "key as the user PIN)",
		           s->serial);
		return CKR_USER_NOT_LOGGED_IN;
	}
	rv = sp11_m2_reserve(s->serial);
	if (rv != CKR_OK)
		return rv;
	sp11_m2_refresh(s->serial);
	if (sp11_slot_reader(s->slot, op->reader, sizeof(op->reader)) !=
	            CKR_OK ||
	    sp11_slot_lock(s->slot) != CKR_OK)
		return CKR_DEVICE_REMOVED;
	op->marked = sp11_reader_look(op->reader, &op->mark);
	rv = sp11_conn_open(s->slot, s->serial, true, &op->c, &op->det);
	if (rv == CKR_TOKEN_NOT_PRESENT || rv == CKR_TOKEN_NOT_RECOGNIZED)
		rv = CKR_DEVICE_REMOVED;
	if (rv != CKR_OK)
		goto fail;
	rv = CKR_DEVICE_REMOVED;
	if (!sp11_is_m2(&op->det))
		goto close;
	err = safeid_m2_open(op->c.t, op->det.profiles, &op->m2);
	rv = err == SAFEID_ERR_NOMEM ? CKR_HOST_MEMORY : CKR_GENERAL_ERROR;
	if (err != SAFEID_OK)
		goto close;
	op->tries_given = sp11_m2_tries(s->serial);
	safeid_m2_set_tries_left(op->m2, op->tries_given);
	if (flags & SP11_M2_LOGIN) {
		rv = sp11_m2_login_use(s, op->m2);
		if (rv != CKR_OK)
			goto close;
	}
	return CKR_OK;
close:
	safeid_m2_free(&op->m2);
	sp11_conn_close(&op->c);
fail:
	sp11_slot_unlock(s->slot);
	return rv;
}

void sp11_m2_op_end(sp11_m2_op *op)
{
	int tries = safeid_m2_tries_left(op->m2);

	/* What the token told (63 NN, or a good key that forgets it). */
	if (tries != op->tries_given)
		sp11_m2_tries_put(op->s->serial, tries);
	safeid_m2_free(&op->m2);
	sp11_conn_close(&op->c);
	sp11_slot_unlock(op->s->slot);
}

void sp11_m2_key_debug(const char *serial, int err, int tries)
{
	if (err == SAFEID_ERR_WRONG_KEY)
		sp11_debug("token %s refused the customer key (the user PIN): "
		           "%d tries left before it locks itself",
		           serial, tries);
	else if (err == SAFEID_ERR_LOCKED)
		sp11_debug("token %s is locked (too many wrong customer keys); "
		           "only a factory reset (safeid_pkcs11_factory_reset, "
		           "which erases every profile) opens it",
		           serial);
	else if (err == SAFEID_ERR_LAST_TRY)
		sp11_debug("token %s has one try left: a wrong key now locks "
		           "it, and only a factory reset opens it again; the "
		           "module does not spend that try unless the "
		           "application passes on the person's consent "
		           "(safeid_pkcs11_allow_last_try); nothing was sent",
		           serial);
}

CK_RV sp11_m2_op_rv(sp11_m2_op *op, int err)
{
	if (err == SAFEID_OK)
		return CKR_OK;
	if (sp11_conn_timed_out(&op->c))
		return CKR_DEVICE_ERROR;
	switch (err) {
	case SAFEID_ERR_NOMEM:
		return CKR_HOST_MEMORY;
	case SAFEID_ERR_REMOVED:
	case SAFEID_ERR_NO_TOKEN:
	case SAFEID_ERR_READER_GONE:
	case SAFEID_ERR_COMM:
		/* The token answered inside this transaction: a broken link
		 * is its leaving (see burn.c). */
		return CKR_DEVICE_REMOVED;
	case SAFEID_ERR_BAD_REPLY:
	case SAFEID_ERR_TIMEOUT:
		return !op->marked || sp11_reader_left(op->reader, &op->mark,
		                                       LEFT_BOUND_MS)
		               ? CKR_DEVICE_REMOVED
		               : CKR_DEVICE_ERROR;
	case SAFEID_ERR_WRONG_KEY:
		return CKR_PIN_INCORRECT;
	case SAFEID_ERR_LOCKED:
	case SAFEID_ERR_LAST_TRY:
		return CKR_PIN_LOCKED;
	case SAFEID_ERR_NOT_SUPPORTED:
		return CKR_FUNCTION_NOT_SUPPORTED;
	default:
		return CKR_DEVICE_ERROR;
	}
}
