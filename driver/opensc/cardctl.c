/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cardctl.c: sc_card_ctl() for the token: the serial for OpenSC's tools and
 * the vendor calls (safeid-opensc.h) that give OpenSC applications the
 * token core.  The driver stays thin: the core does the protocol.
 */
#include <string.h>

#include "safeid-opensc.h"
#include "sc-internal.h"

static int get_serialnr(struct sc_card *card, void *arg)
{
	if (arg == NULL)
		return SC_ERROR_INVALID_ARGUMENTS;
	memcpy(arg, &card->serialnr, sizeof(card->serialnr));
	return SC_SUCCESS;
}

static int get_info(struct sc_card *card, const safeid_transport *t,
                    struct safeid_cardctl_info *a)
{
	safeid_sc_card *priv = card->drv_data;

	a->err = safeid_get_info(t, &a->info);
	if (a->err == SAFEID_OK && priv != NULL)
		priv->info = a->info;
	return safeid_sc_error(a->err);
}

static int burn(const safeid_transport *t, struct safeid_cardctl_burn *a)
{
	int r;

	r = safeid_burn(t, &a->cfg, a->seed, a->seedlen, NULL, NULL, &a->report);
	return safeid_sc_error(r);
}

int safeid_sc_card_ctl(struct sc_card *card, unsigned long request, void *arg)
{
	safeid_transport t;
	int *err = arg;

	if (request == SC_CARDCTL_GET_SERIALNR)
		return get_serialnr(card, arg);
	if (request < SAFEID_CARDCTL_GET_INFO || request > SAFEID_CARDCTL_BURN)
		return SC_ERROR_NOT_SUPPORTED;
	if (arg == NULL)
		return SC_ERROR_INVALID_ARGUMENTS;
	safeid_sc_transport(card, &t);
	switch (request) {
	case SAFEID_CARDCTL_GET_INFO:
		return get_info(card, &t, arg);
	case SAFEID_CARDCTL_AUTHENTICATE:
		*err = safeid_authenticate(&t);
		return safeid_sc_error(*err);
	case SAFEID_CARDCTL_WRITE_CONFIG: {
		struct safeid_cardctl_config *a = arg;

		a->err = safeid_write_config(&t, &a->cfg);
		return safeid_sc_error(a->err);
	}
	case SAFEID_CARDCTL_WRITE_SEED: {
		struct safeid_cardctl_seed *a = arg;

		a->err = safeid_write_seed(&t, a->seed, a->seedlen);
		return safeid_sc_error(a->err);
	}
	default:
		return burn(&t, arg);
	}
}
