/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * token.h: a connection to the token on a slot, for one operation.
 */
#ifndef SAFEID_SP11_TOKEN_H
#define SAFEID_SP11_TOKEN_H

#include "sp11.h"

typedef struct sp11_conn {
	sp11_courier *k; /* the connection's thread (courier.c) */
	CK_SLOT_ID slot;
	/* The transport to use: inside an exclusive transaction one without
	 * begin and end (the core must not nest one), else base. */
	const safeid_transport *t;
	const safeid_transport *base;
	safeid_transport inner;
	bool in_tx;     /* inside an exclusive transaction */
	bool timed_out; /* kept by sp11_conn_close */
	int err;        /* the core's error of a failed sp11_conn_open */
} sp11_conn;

/* Connect to the slot's reader, start an exclusive transaction when asked,
 * recognise the token (safeid_detect, reads only) and, when serial is not
 * NULL, check it is that token (CKR_DEVICE_REMOVED otherwise).  With det
 * == NULL nothing is read and serial is not checked: the caller must
 * check it on its own first read.  Each exchange has the module's bound
 * (courier.c): one that passes it fails with SAFEID_ERR_TIMEOUT, and so
 * does every later one on the connection.  A slot whose earlier exchange
 * is still blocked gives CKR_DEVICE_ERROR at once.  On error nothing is
 * left open. */
CK_RV sp11_conn_open(CK_SLOT_ID id, const char *serial, bool exclusive,
                     sp11_conn *c, safeid_detected *det);
void sp11_conn_close(sp11_conn *c);
/* True when the operation ran past the bound: the token did not answer. */
bool sp11_conn_timed_out(const sp11_conn *c);
/* True when err means the reply never came back: the command may or may
 * not have been carried out. */
bool sp11_answer_lost(int err);

#endif /* SAFEID_SP11_TOKEN_H */
