/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Single token operations over a transport.  Each sends its commands and
 * maps the answer; none retries (a second authentication attempt could
 * count towards locking the token).
 */
#include <string.h>

#include "internal.h"

int sid_command(const safeid_transport *t, const uint8_t *apdu, size_t alen,
                bool bare_sw, uint8_t *data, size_t *dlen, uint16_t *sw,
                bool *answered)
{
	int rc;

	*answered = false;
	*sw = 0;
	rc = safeid_transceive(t, apdu, alen, data, SAFEID_APDU_MAX, dlen, sw);
	if (rc != SAFEID_OK)
		return rc;
	if (bare_sw && *dlen != 0)
		return SAFEID_ERR_BAD_REPLY;
	*answered = true;
	return SAFEID_OK;
}

static int count_transmit(void *ctx, const uint8_t *capdu, size_t clen,
                          uint8_t *rapdu, size_t rcap, size_t *rlen)
{
	struct sid_counter *c = ctx;

	(*c->apdus)++;
	return c->inner->transmit(c->inner->ctx, capdu, clen, rapdu, rcap,
	                          rlen);
}

void sid_counting(struct sid_counter *c, const safeid_transport *inner,
                  unsigned *apdus, safeid_transport *out)
{
	c->inner = inner;
	c->apdus = apdus;
	out->ctx = c;
	out->transmit = count_transmit;
	out->begin = NULL;
	out->end = NULL;
}

/* sid_command, with the status word mapped. */
static int command(const safeid_transport *t, const uint8_t *apdu, size_t alen,
                   bool bare_sw, uint8_t *data, size_t *dlen, bool *answered)
{
	uint16_t sw;
	int rc = sid_command(t, apdu, alen, bare_sw, data, dlen, &sw, answered);

	return rc != SAFEID_OK ? rc : safeid_sw_to_err(sw);
}

int sid_get_info(const struct sid_family *f, const safeid_transport *t,
                 safeid_info *out)
{
	uint8_t data[SAFEID_APDU_MAX];
	size_t dlen = 0;
	bool answered;
	int rc;

	if (t == NULL || out == NULL)
		return SAFEID_ERR_ARG;
	memset(out, 0, sizeof(*out));
	rc = command(t, f->get_info, f->get_info_len, false, data, &dlen,
	             &answered);
	/* get info is the harmless probe: a card that does not know it is
	 * not one of ours. */
	if (rc == SAFEID_ERR_INS || rc == SAFEID_ERR_CLA)
		return SAFEID_ERR_NOT_TOKEN;
	if (rc != SAFEID_OK)
		return rc;
	return safeid_parse_info(data, dlen, out);
}

int safeid_get_info(const safeid_transport *t, safeid_info *out)
{
	return sid_get_info(&sid_single, t, out);
}

int sid_authenticate(const struct sid_family *f, const safeid_transport *t,
                     const uint8_t key[16], int *tries)
{
	uint8_t apdu[32];
	uint8_t data[SAFEID_APDU_MAX];
	size_t alen = 0, dlen = 0;
	uint16_t sw;
	bool answered;
	int rc;

	if (t == NULL)
		return SAFEID_ERR_ARG;
	rc = command(t, f->challenge, f->challenge_len, false, data, &dlen,
	             &answered);
	if (rc != SAFEID_OK)
		return rc;
	if (dlen != SID_CHALLENGE_LEN)
		return SAFEID_ERR_BAD_REPLY;
	rc = sid_apdu_authenticate_key(key, data, apdu, sizeof(apdu), &alen);
	if (rc != SAFEID_OK)
		return rc;
	rc = sid_command(t, apdu, alen, false, data, &dlen, &sw, &answered);
	if (rc != SAFEID_OK)
		return rc;
	rc = f->auth_sw(sw, tries);
	if (rc == SAFEID_OK && dlen != 0)
		return SAFEID_ERR_BAD_REPLY;
	return rc;
}

int safeid_authenticate(const safeid_transport *t)
{
	return sid_authenticate(&sid_single, t, sid_device_key, NULL);
}

int sid_write_config_ex(const safeid_transport *t, const safeid_config *cfg,
                        bool *answered)
{
	uint8_t apdu[64];
	uint8_t data[SAFEID_APDU_MAX];
	size_t alen = 0, dlen = 0;
	int rc;

	*answered = true;
	if (t == NULL || cfg == NULL)
		return SAFEID_ERR_ARG;
	rc = safeid_apdu_write_config(cfg, apdu, sizeof(apdu), &alen);
	if (rc != SAFEID_OK)
		return rc;
	return command(t, apdu, alen, true, data, &dlen, answered);
}

int sid_write_seed_ex(const safeid_transport *t, const uint8_t *seed,
                      size_t seedlen, bool *answered)
{
	uint8_t apdu[96];
	uint8_t data[SAFEID_APDU_MAX];
	size_t alen = 0, dlen = 0;
	int rc;

	*answered = true;
	if (seedlen == 0 || seedlen > SAFEID_SEED_MAX)
		return SAFEID_ERR_SEED_LENGTH;
	if (t == NULL || seed == NULL)
		return SAFEID_ERR_ARG;
	rc = safeid_apdu_write_seed(seed, seedlen, apdu, sizeof(apdu), &alen);
	if (rc == SAFEID_OK)
		rc = command(t, apdu, alen, true, data, &dlen, answered);
	safeid_wipe(apdu, sizeof(apdu));
	return rc;
}

int safeid_write_config(const safeid_transport *t, const safeid_config *cfg)
{
	bool answered;

	return sid_write_config_ex(t, cfg, &answered);
}

int safeid_write_seed(const safeid_transport *t, const uint8_t *seed,
                      size_t seedlen)
{
	bool answered;

	return sid_write_seed_ex(t, seed, seedlen, &answered);
}
