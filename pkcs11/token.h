/*
 * token.h: a connection to the token on a slot, for one operation.
 */
#ifndef SAFEID_SP11_TOKEN_H
#define SAFEID_SP11_TOKEN_H

#include "sp11.h"

typedef struct sp11_conn {
	safeid_pcsc *pcsc;
	const safeid_transport *t;
	bool in_tx; /* inside an exclusive transaction */
} sp11_conn;

/* Connect to the slot's reader, start an exclusive transaction when asked,
 * read info and, when serial is not NULL, check it is that token
 * (CKR_DEVICE_REMOVED otherwise).  With info == NULL nothing is read and
 * serial is not checked: the caller must check it on its own first read.
 * On error nothing is left open. */
CK_RV sp11_conn_open(CK_SLOT_ID id, const char *serial, bool exclusive,
                     sp11_conn *c, safeid_info *info);
void sp11_conn_close(sp11_conn *c);
/* True when err means the reply never came back: the command may or may
 * not have been carried out. */
bool sp11_answer_lost(int err);

#endif /* SAFEID_SP11_TOKEN_H */
