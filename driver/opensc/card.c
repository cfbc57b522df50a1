/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * card.c: recognising the token and setting up the card object.
 *
 * With `card_drivers = safeid, internal;` OpenSC asks this driver first
 * about every card, so the probe must be harmless and precise: one get-info
 * APDU (plain class 80, no authentication, changes nothing on the token),
 * accepted only when the reply is well formed and the serial is ASCII
 * digits.  Any other answer (6D00, 6E00, a malformed reply) means "not
 * ours" and OpenSC goes on with its own drivers.  Cards matched through a
 * card_atr block of another driver never reach us: OpenSC matches
 * configured ATRs before it asks any driver's match_card().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sc-internal.h"

int safeid_sc_match_card(struct sc_card *card)
{
	safeid_sc_card *priv;
	safeid_transport t;
	safeid_info info;
	int r;

	safeid_sc_transport(card, &t);
	r = safeid_get_info(&t, &info);
	if (r != SAFEID_OK) {
		SAFEID_SC_LOG(card->ctx, "safeid: get-info probe: not ours (%s)",
		              safeid_errname(r));
		return 0;
	}
	SAFEID_SC_LOG(card->ctx, "safeid: get-info probe: token %s", info.serial);
	/* OpenSC calls init() right after a successful match: hand it the
	 * answer so that recognising the token costs one APDU, not two. */
	priv = calloc(1, sizeof(*priv));
	if (priv != NULL) {
		priv->info = info;
		card->drv_data = priv;
	}
	return 1;
}

/* "Token2 OTPC-P2-i programmable OTP token", or the family name when the
 * serial's prefix is not in the model table. */
static void card_name(const safeid_info *info, char *out, size_t cap)
{
	if (info->model != NULL)
		snprintf(out, cap, "Token2 %s programmable OTP token",
		         info->model->name);
	else
		snprintf(out, cap, "SafeID programmable OTP token");
}

/* The info match_card() read, or a fresh read when the card was matched
 * by a card_atr block (then match_card()'s answer was not decisive). */
static int take_info(struct sc_card *card, safeid_sc_card **out)
{
	safeid_sc_card *priv = card->drv_data;
	safeid_transport t;
	int r;

	card->drv_data = NULL;
	if (priv != NULL) {
		*out = priv;
		return SC_SUCCESS;
	}
	priv = calloc(1, sizeof(*priv));
	if (priv == NULL)
		return SC_ERROR_OUT_OF_MEMORY;
	safeid_sc_transport(card, &t);
	r = safeid_get_info(&t, &priv->info);
	if (r != SAFEID_OK) {
		SAFEID_SC_LOG(card->ctx,
		              "safeid: init: the card did not answer get info as a "
		              "token of this family (%s): %s",
		              safeid_errname(r), safeid_strerror(r));
		free(priv);
		return r == SAFEID_ERR_BAD_REPLY || r == SAFEID_ERR_INS ||
		               r == SAFEID_ERR_CLA || r == SAFEID_ERR_SW
		           ? SC_ERROR_INVALID_CARD
		           : safeid_sc_error(r);
	}
	*out = priv;
	return SC_SUCCESS;
}

int safeid_sc_init(struct sc_card *card)
{
	safeid_sc_card *priv = NULL;
	size_t n;
	int r;

	r = take_info(card, &priv);
	if (r != SC_SUCCESS)
		return r;
	card_name(&priv->info, priv->name, sizeof(priv->name));
	n = strlen(priv->info.serial);
	if (n > sizeof(card->serialnr.value))
		n = sizeof(card->serialnr.value);
	memset(&card->serialnr, 0, sizeof(card->serialnr));
	memcpy(card->serialnr.value, priv->info.serial, n);
	card->serialnr.len = n;
	card->type = SAFEID_SC_CARD_TYPE;
	card->name = priv->name;
	card->drv_data = priv;
	/* Short APDUs only, no secure messaging, nothing else announced. */
	card->caps = 0;
	return SC_SUCCESS;
}

int safeid_sc_finish(struct sc_card *card)
{
	free(card->drv_data);
	card->drv_data = NULL;
	return SC_SUCCESS;
}
