/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * m2op.h: one operation on a session's Molto2, from the slot lock to the
 * disconnect (m2op.c).
 */
#ifndef SAFEID_SP11_M2OP_H
#define SAFEID_SP11_M2OP_H

#include "sp11.h"
#include "token.h"

typedef struct sp11_m2_op {
	const sp11_session *s;
	sp11_conn c;
	safeid_detected det; /* the token, read inside the transaction */
	safeid_m2 *m2;       /* the core's session on it */
	char reader[SP11_READER_MAX];
	safeid_reader_state mark; /* the reader before the operation */
	bool marked;
	int tries_given; /* what the module told the core */
} sp11_m2_op;

/* sp11_m2_op_begin flags */
#define SP11_M2_LOGIN 0x1u /* the application's login key (writes) */

/*
 * Reserve the token's record, take the slot's lock, connect in an
 * exclusive transaction, recognise the token (it must be the session's:
 * CKR_DEVICE_REMOVED otherwise), and open the core's session on it with
 * the tries the module knows and, with SP11_M2_LOGIN, the login's key
 * (CKR_USER_NOT_LOGGED_IN, before anything is sent, without a login).
 * On error nothing is held.
 */
CK_RV sp11_m2_op_begin(const sp11_session *s, unsigned flags, sp11_m2_op *op);
/* Remember the tries the core saw, end the transaction, disconnect,
 * unlock. */
void sp11_m2_op_end(sp11_m2_op *op);
/* A core error of the operation as a CK_RV: the token gone, no answer
 * within the bound, a garbled one (asking PC/SC whether the card left);
 * a refused key as CKR_PIN_INCORRECT / CKR_PIN_LOCKED. */
CK_RV sp11_m2_op_rv(sp11_m2_op *op, int err);
/* The debug line for a refused key (wrong, locked, last try held). */
void sp11_m2_key_debug(const char *serial, int err, int tries);

#endif /* SAFEID_SP11_M2OP_H */
