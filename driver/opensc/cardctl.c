/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cardctl.c: sc_card_ctl() for the token: the serial for OpenSC's tools and
 * the vendor calls (safeid-opensc.h) that give OpenSC applications the
 * token core.  The driver stays thin: the core does the protocol, and a
 * Molto2 call is one of the core's Molto2 operations in a session made
 * for it, so no customer key outlives the call.
 */
#include <string.h>

#include "safeid-opensc.h"
#include "osd.h"

static int get_serialnr(struct sc_card *card, void *arg)
{
	if (arg == NULL)
		return SC_ERROR_INVALID_ARGUMENTS;
	memcpy(arg, &card->serialnr, sizeof(card->serialnr));
	return SC_SUCCESS;
}

static bool is_molto2(const osd_card *priv)
{
	return priv != NULL && priv->det.family != NULL &&
	       priv->det.family->id == SAFEID_FAMILY_MOLTO2;
}

/* Get info in the card's family's form. */
static int get_info(struct sc_card *card, const safeid_transport *t,
                    struct safeid_cardctl_info *a)
{
	osd_card *priv = card->drv_data;
	safeid_m2 *s = NULL;

	if (is_molto2(priv)) {
		a->err = safeid_m2_open(t, priv->det.profiles, &s);
		if (a->err == SAFEID_OK)
			a->err = safeid_m2_get_info(s, &a->info);
		safeid_m2_free(&s);
	} else {
		a->err = safeid_get_info(t, &a->info);
	}
	if (a->err == SAFEID_OK && priv != NULL)
		priv->det.info = a->info;
	return osd_error(a->err);
}

static int burn(const safeid_transport *t, struct safeid_cardctl_burn *a)
{
	int r;

	r = safeid_burn(t, &a->cfg, a->seed, a->seedlen, NULL, NULL,
	                &a->report);
	return osd_error(r);
}

/* The single-profile calls. */
static int single_ctl(struct sc_card *card, const safeid_transport *t,
                      unsigned long request, void *arg)
{
	int *err = arg;

	if (is_molto2(card->drv_data)) {
		if (request == SAFEID_CARDCTL_AUTHENTICATE)
			*err = SAFEID_ERR_NOT_SUPPORTED;
		else if (request == SAFEID_CARDCTL_WRITE_CONFIG)
			((struct safeid_cardctl_config *)arg)->err =
				SAFEID_ERR_NOT_SUPPORTED;
		else if (request == SAFEID_CARDCTL_WRITE_SEED)
			((struct safeid_cardctl_seed *)arg)->err =
				SAFEID_ERR_NOT_SUPPORTED;
		else
			((struct safeid_cardctl_burn *)arg)->report.err =
				SAFEID_ERR_NOT_SUPPORTED;
		return SC_ERROR_NOT_SUPPORTED;
	}
	switch (request) {
	case SAFEID_CARDCTL_AUTHENTICATE:
		*err = safeid_authenticate(t);
		return osd_error(*err);
	case SAFEID_CARDCTL_WRITE_CONFIG: {
		struct safeid_cardctl_config *a = arg;

		a->err = safeid_write_config(t, &a->cfg);
		return osd_error(a->err);
	}
	case SAFEID_CARDCTL_WRITE_SEED: {
		struct safeid_cardctl_seed *a = arg;

		a->err = safeid_write_seed(t, a->seed, a->seedlen);
		return osd_error(a->err);
	}
	default:
		return burn(t, arg);
	}
}

/* A session for one call, with the caller's key and what it knows of the
 * tries. */
static int m2_session(struct sc_card *card, const safeid_transport *t,
                      const struct safeid_cardctl_m2_key *k, safeid_m2 **s)
{
	const osd_card *priv = card->drv_data;
	int r = safeid_m2_open(t, priv->det.profiles, s);

	if (r != SAFEID_OK || k == NULL)
		return r;
	if (k->key != NULL)
		r = safeid_m2_set_customer_key(*s, k->key, k->len);
	if (r == SAFEID_OK && k->tries_known >= 0)
		safeid_m2_set_tries_left(*s, k->tries_known);
	if (r == SAFEID_OK && k->last_try)
		safeid_m2_allow_last_try(*s);
	return r;
}

/* The result of a Molto2 call: the tries the token last told, the
 * session's key wiped. */
static int m2_done(safeid_m2 **s, struct safeid_cardctl_m2_key *k, int r)
{
	if (k != NULL)
		k->tries_left = *s != NULL ? safeid_m2_tries_left(*s) : -1;
	safeid_m2_free(s);
	return r;
}

static int m2_reads(safeid_m2 *s, unsigned long request, void *arg)
{
	if (request == SAFEID_CARDCTL_M2_PROFILE) {
		struct safeid_cardctl_m2_profile *a = arg;

		a->err = safeid_m2_read_profile(s, a->profile, &a->info);
		return a->err;
	}
	struct safeid_cardctl_m2_profiles *a = arg;

	a->err = safeid_m2_read_profiles(s, a->info, SAFEID_M2_PROFILES,
	                                 &a->count);
	return a->err;
}

/* The key of the call, for the calls that carry one. */
static struct safeid_cardctl_m2_key *m2_key_of(unsigned long request, void *arg)
{
	switch (request) {
	case SAFEID_CARDCTL_M2_BURN:
		return &((struct safeid_cardctl_m2_burn *)arg)->key;
	case SAFEID_CARDCTL_M2_SYNC:
		return &((struct safeid_cardctl_m2_sync *)arg)->key;
	case SAFEID_CARDCTL_M2_DELETE:
		return &((struct safeid_cardctl_m2_delete *)arg)->key;
	case SAFEID_CARDCTL_M2_SCREEN:
		return &((struct safeid_cardctl_m2_screen *)arg)->key;
	case SAFEID_CARDCTL_M2_CHANGE_KEY:
		return &((struct safeid_cardctl_m2_change_key *)arg)->key;
	default:
		return NULL;
	}
}

static int m2_run(safeid_m2 *s, unsigned long request, void *arg)
{
	switch (request) {
	case SAFEID_CARDCTL_M2_BURN: {
		struct safeid_cardctl_m2_burn *a = arg;

		return safeid_m2_burn(s, a->acc, a->n, a->flags, a->progress,
		                      a->arg, &a->report, a->results);
	}
	case SAFEID_CARDCTL_M2_SYNC: {
		struct safeid_cardctl_m2_sync *a = arg;

		return safeid_m2_sync(s, a->clock, a->profiles, a->n,
		                      a->progress, a->arg, &a->report,
		                      a->results);
	}
	case SAFEID_CARDCTL_M2_DELETE: {
		struct safeid_cardctl_m2_delete *a = arg;

		return safeid_m2_delete(s, a->profile, a->progress, a->arg,
		                        &a->report, &a->result);
	}
	case SAFEID_CARDCTL_M2_SCREEN: {
		struct safeid_cardctl_m2_screen *a = arg;

		a->err = safeid_m2_screen(s, a->lock);
		return a->err;
	}
	case SAFEID_CARDCTL_M2_CHANGE_KEY: {
		struct safeid_cardctl_m2_change_key *a = arg;

		return safeid_m2_change_key(s, a->new_key, a->new_len, a->flags,
		                            a->press_ms, a->press, a->press_arg,
		                            &a->report);
	}
	case SAFEID_CARDCTL_M2_RESET: {
		struct safeid_cardctl_m2_reset *a = arg;

		return safeid_m2_factory_reset(s, a->press_ms, a->press,
		                               a->press_arg, &a->report);
	}
	default:
		return m2_reads(s, request, arg);
	}
}

/* Where a Molto2 call's error goes when the session cannot even start. */
static void m2_fail_early(unsigned long request, void *arg, int r)
{
	switch (request) {
	case SAFEID_CARDCTL_M2_PROFILE:
		((struct safeid_cardctl_m2_profile *)arg)->err = r;
		break;
	case SAFEID_CARDCTL_M2_PROFILES:
		((struct safeid_cardctl_m2_profiles *)arg)->err = r;
		break;
	case SAFEID_CARDCTL_M2_BURN:
		((struct safeid_cardctl_m2_burn *)arg)->report.err = r;
		break;
	case SAFEID_CARDCTL_M2_SYNC:
		((struct safeid_cardctl_m2_sync *)arg)->report.err = r;
		break;
	case SAFEID_CARDCTL_M2_DELETE:
		((struct safeid_cardctl_m2_delete *)arg)->report.err = r;
		break;
	case SAFEID_CARDCTL_M2_SCREEN:
		((struct safeid_cardctl_m2_screen *)arg)->err = r;
		break;
	case SAFEID_CARDCTL_M2_CHANGE_KEY:
		((struct safeid_cardctl_m2_change_key *)arg)->report.err = r;
		break;
	default:
		((struct safeid_cardctl_m2_reset *)arg)->report.err = r;
		break;
	}
}

static int m2_ctl(struct sc_card *card, const safeid_transport *t,
                  unsigned long request, void *arg)
{
	struct safeid_cardctl_m2_key *k = m2_key_of(request, arg);
	safeid_m2 *s = NULL;
	int r;

	if (k != NULL)
		k->tries_left = k->tries_known;
	if (!is_molto2(card->drv_data)) {
		m2_fail_early(request, arg, SAFEID_ERR_NOT_SUPPORTED);
		return SC_ERROR_NOT_SUPPORTED;
	}
	r = m2_session(card, t, k, &s);
	if (r != SAFEID_OK) {
		m2_fail_early(request, arg, r);
		return osd_error(m2_done(&s, NULL, r));
	}
	r = m2_run(s, request, arg);
	return osd_error(m2_done(&s, k, r));
}

int osd_card_ctl(struct sc_card *card, unsigned long request, void *arg)
{
	safeid_transport t;

	if (request == SC_CARDCTL_GET_SERIALNR)
		return get_serialnr(card, arg);
	if (request < SAFEID_CARDCTL_GET_INFO || request > SAFEID_CARDCTL_LAST)
		return SC_ERROR_NOT_SUPPORTED;
	if (arg == NULL)
		return SC_ERROR_INVALID_ARGUMENTS;
	osd_transport(card, &t);
	switch (request) {
	case SAFEID_CARDCTL_GET_INFO:
		return get_info(card, &t, arg);
	case SAFEID_CARDCTL_DETECT: {
		struct safeid_cardctl_detect *a = arg;
		const osd_card *priv = card->drv_data;

		a->err = priv != NULL ? SAFEID_OK : SAFEID_ERR_NOT_TOKEN;
		if (priv != NULL)
			a->det = priv->det;
		return osd_error(a->err);
	}
	case SAFEID_CARDCTL_AUTHENTICATE:
	case SAFEID_CARDCTL_WRITE_CONFIG:
	case SAFEID_CARDCTL_WRITE_SEED:
	case SAFEID_CARDCTL_BURN:
		return single_ctl(card, &t, request, arg);
	default:
		return m2_ctl(card, &t, request, arg);
	}
}
