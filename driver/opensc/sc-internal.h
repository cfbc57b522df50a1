/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sc-internal.h: what the files of the safeid OpenSC card driver share.
 */
#ifndef SAFEID_SC_INTERNAL_H
#define SAFEID_SC_INTERNAL_H

#include <safeid/safeid.h>

#include "opensc-abi.h"

/* Card type in a range no OpenSC driver uses ("SID" << 8). */
#define SAFEID_SC_CARD_TYPE 0x534944

/* Per-card state, in card->drv_data. */
typedef struct safeid_sc_card {
	char name[96];       /* card->name points here */
	safeid_info info;    /* as read by init() */
} safeid_sc_card;

/* Log through OpenSC's debug log (opensc.conf debug = 3).  Never pass
 * secrets: only headers, status words, serials and error names. */
#define SAFEID_SC_LOG(ctx, ...) \
	sc_do_log((ctx), SC_LOG_DEBUG_NORMAL, __FILE__, __LINE__, __func__, \
	          __VA_ARGS__)

/* A safeid_transport over sc_transmit_apdu() on this card; begin/end are
 * sc_lock()/sc_unlock(). */
void safeid_sc_transport(struct sc_card *card, safeid_transport *out);
/* The nearest OpenSC error code for a safeid_err. */
int safeid_sc_error(int err);

int safeid_sc_match_card(struct sc_card *card);
int safeid_sc_init(struct sc_card *card);
int safeid_sc_finish(struct sc_card *card);
int safeid_sc_card_ctl(struct sc_card *card, unsigned long request, void *arg);

#endif /* SAFEID_SC_INTERNAL_H */
