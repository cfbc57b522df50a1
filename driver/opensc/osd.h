/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * osd.h: what the files of the safeid OpenSC card driver share.
 */
#ifndef SAFEID_OSD_H
#define SAFEID_OSD_H

#include <safeid/molto2.h>

#include "opensc-abi.h"

/* Card type in a range no OpenSC driver uses ("SID" << 8). */
#define OSD_CARD_TYPE 0x534944

/* Per-card state, in card->drv_data. */
typedef struct osd_card {
	char name[96];       /* card->name points here */
	safeid_detected det; /* family, serial, clock, profiles: as
	                      * recognised by match_card() or init() */
} osd_card;

/* Recognise the card (card.c says how); reads only. */
int osd_detect(struct sc_card *card, safeid_detected *out);

/* Log through OpenSC's debug log (opensc.conf debug = 3).  Never pass
 * secrets: only headers, status words, serials and error names. */
#define OSD_LOG(ctx, ...)                                                   \
	sc_do_log((ctx), SC_LOG_DEBUG_NORMAL, __FILE__, __LINE__, __func__, \
	          __VA_ARGS__)

/* A safeid_transport over sc_transmit_apdu() on this card; begin/end are
 * sc_lock()/sc_unlock(). */
void osd_transport(struct sc_card *card, safeid_transport *out);
/* The nearest OpenSC error code for a safeid_err. */
int osd_error(int err);

int osd_match_card(struct sc_card *card);
int osd_init(struct sc_card *card);
int osd_finish(struct sc_card *card);
int osd_card_ctl(struct sc_card *card, unsigned long request, void *arg);

#endif /* SAFEID_OSD_H */
