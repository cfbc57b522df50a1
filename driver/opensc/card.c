/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * card.c: recognising the token and setting up the card object.
 *
 * With `card_drivers = safeid, internal;` OpenSC asks this driver first
 * about every card, so the probe must be harmless and precise: reads
 * only, nothing authenticated or written.  A Token2 Molto2 is a USB
 * reader of its own, named "TOKEN2 Molto2 ..." by the CCID driver, so the
 * reader's name decides which family is asked: in such a reader the core's
 * recognition (safeid_detect: the Molto2's get info and the info of its
 * first and last profiles, the single-profile get info if those fail);
 * in any other reader the single-profile get info alone, accepted only
 * when the reply is well formed and the serial is ASCII digits.  So a
 * card that is not a token costs one APDU, rejects it, and OpenSC goes on
 * with its own drivers.  Cards matched through a card_atr block of
 * another driver never reach us: OpenSC matches configured ATRs before
 * it asks any driver's match_card().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "osd.h"

int osd_detect(struct sc_card *card, safeid_detected *out)
{
	const char *reader = card->reader != NULL ? card->reader->name : NULL;

	const safeid_family *f = safeid_family_for_reader(reader);
	safeid_transport t;
	int r;

	osd_transport(card, &t);
	if (f->id == SAFEID_FAMILY_MOLTO2)
		return safeid_detect(&t, reader, out);
	memset(out, 0, sizeof(*out));
	r = safeid_get_info(&t, &out->info);
	if (r != SAFEID_OK)
		return r;
	out->family = f;
	out->profiles = 1;
	out->profiles_known = true;
	out->by_reader_name = true;
	return SAFEID_OK;
}

int osd_match_card(struct sc_card *card)
{
	osd_card *priv;
	safeid_detected det;
	int r;

	r = osd_detect(card, &det);
	if (r != SAFEID_OK) {
		OSD_LOG(card->ctx, "safeid: get-info probe: not ours (%s)",
		        safeid_errname(r));
		return 0;
	}
	OSD_LOG(card->ctx, "safeid: get-info probe: %s token %s",
	        det.family->name, det.info.serial);
	/* OpenSC calls init() right after a successful match: hand it the
	 * answer so that recognising the token is not done twice. */
	priv = calloc(1, sizeof(*priv));
	if (priv != NULL) {
		priv->det = det;
		card->drv_data = priv;
	}
	return 1;
}

/* "Token2 OTPC-P2-i programmable OTP token", "Token2 Molto2 programmable
 * OTP token (100 profiles)", or the family name when the serial's prefix
 * is not in the model table. */
static void card_name(const safeid_detected *d, char *out, size_t cap)
{
	if (d->family->id == SAFEID_FAMILY_MOLTO2)
		snprintf(out, cap,
		         "Token2 Molto2 programmable OTP token (%u profiles)",
		         d->profiles);
	else if (d->info.model != NULL)
		snprintf(out, cap, "Token2 %s programmable OTP token",
		         d->info.model->name);
	else
		snprintf(out, cap, "SafeID programmable OTP token");
}

/* What match_card() found, or a fresh recognition when the card was
 * matched by a card_atr block (then match_card()'s answer was not
 * decisive). */
static int take_info(struct sc_card *card, osd_card **out)
{
	osd_card *priv = card->drv_data;
	int r;

	card->drv_data = NULL;
	if (priv != NULL) {
		*out = priv;
		return SC_SUCCESS;
	}
	priv = calloc(1, sizeof(*priv));
	if (priv == NULL)
		return SC_ERROR_OUT_OF_MEMORY;
	r = osd_detect(card, &priv->det);
	if (r != SAFEID_OK) {
		OSD_LOG(card->ctx,
		        "safeid: init: the card did not answer get info as a "
		        "token of either family (%s): %s",
		        safeid_errname(r), safeid_strerror(r));
		free(priv);
		return r == SAFEID_ERR_BAD_REPLY || r == SAFEID_ERR_INS ||
		                       r == SAFEID_ERR_CLA ||
		                       r == SAFEID_ERR_SW ||
		                       r == SAFEID_ERR_NOT_TOKEN
		               ? SC_ERROR_INVALID_CARD
		               : osd_error(r);
	}
	*out = priv;
	return SC_SUCCESS;
}

int osd_init(struct sc_card *card)
{
	osd_card *priv = NULL;
	size_t n;
	int r;

	r = take_info(card, &priv);
	if (r != SC_SUCCESS)
		return r;
	card_name(&priv->det, priv->name, sizeof(priv->name));
	n = strlen(priv->det.info.serial);
	if (n > sizeof(card->serialnr.value))
		n = sizeof(card->serialnr.value);
	memset(&card->serialnr, 0, sizeof(card->serialnr));
	memcpy(card->serialnr.value, priv->det.info.serial, n);
	card->serialnr.len = n;
	card->type = OSD_CARD_TYPE;
	card->name = priv->name;
	card->drv_data = priv;
	/* Short APDUs only, no secure messaging, nothing else announced. */
	card->caps = 0;
	return SC_SUCCESS;
}

int osd_finish(struct sc_card *card)
{
	free(card->drv_data);
	card->drv_data = NULL;
	return SC_SUCCESS;
}
