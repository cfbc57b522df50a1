/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The Molto2 session: the derived key, the tries the token last reported
 * and the rule that protects the last one, and the reads that need no key
 * (get info, per-profile info).
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int safeid_m2_open(const safeid_transport *t, unsigned profiles,
                   safeid_m2 **out)
{
	safeid_m2 *s;
	int rc;

	if (out == NULL)
		return SAFEID_ERR_ARG;
	*out = NULL;
	if (t == NULL || t->transmit == NULL ||
	    (profiles != SAFEID_M2_PROFILES &&
	     profiles != SAFEID_M2_PROFILES_V1))
		return SAFEID_ERR_ARG;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return SAFEID_ERR_NOMEM;
	s->t = t;
	sid_counting(&s->cnt, t, &s->apdus, &s->ct);
	s->profiles = profiles;
	s->tries = -1;
	rc = safeid_m2_set_customer_key(s, NULL, 0);
	if (rc != SAFEID_OK) {
		safeid_m2_free(&s);
		return rc;
	}
	*out = s;
	return SAFEID_OK;
}

void safeid_m2_free(safeid_m2 **sp)
{
	if (sp == NULL || *sp == NULL)
		return;
	safeid_wipe(*sp, sizeof(**sp));
	free(*sp);
	*sp = NULL;
}

unsigned safeid_m2_profiles(const safeid_m2 *s)
{
	return s != NULL ? s->profiles : 0;
}

int safeid_m2_set_customer_key(safeid_m2 *s, const uint8_t *key, size_t len)
{
	static const char factory[] = SAFEID_M2_FACTORY_KEY;
	uint8_t k[SAFEID_M2_KEY_LEN];
	int rc;

	if (s == NULL)
		return SAFEID_ERR_ARG;
	if (key == NULL)
		rc = safeid_m2_derive_key((const uint8_t *)factory,
		                          sizeof(factory) - 1, k);
	else
		rc = safeid_m2_derive_key(key, len, k);
	if (rc == SAFEID_OK) {
		memcpy(s->key, k, sizeof(k));
		s->factory_key =
			key == NULL || (len == sizeof(factory) - 1 &&
		                        memcmp(key, factory, len) == 0);
		/* a key not yet accepted by the token */
		s->key_accepted = false;
	}
	safeid_wipe(k, sizeof(k));
	return rc;
}

bool safeid_m2_factory_key(const safeid_m2 *s)
{
	return s != NULL && s->factory_key;
}

int safeid_m2_tries_left(const safeid_m2 *s)
{
	return s != NULL ? s->tries : -1;
}

void safeid_m2_set_tries_left(safeid_m2 *s, int tries)
{
	if (s != NULL)
		s->tries = tries < 0 ? -1 : tries;
}

void safeid_m2_allow_last_try(safeid_m2 *s)
{
	if (s != NULL)
		s->last_try_ok = true;
}

unsigned safeid_m2_apdus(const safeid_m2 *s)
{
	return s != NULL ? s->apdus : 0;
}

int sid_m2_begin(safeid_m2 *s)
{
	return s->t->begin != NULL ? s->t->begin(s->t->ctx) : SAFEID_OK;
}

void sid_m2_end(safeid_m2 *s)
{
	/* Releasing the lock cannot change what the token holds. */
	if (s->t->begin != NULL && s->t->end != NULL)
		(void)s->t->end(s->t->ctx);
}

int sid_m2_auth(safeid_m2 *s)
{
	bool consent = s->last_try_ok;
	int tries = s->tries, rc;

	/* The consent covers one attempt, whatever becomes of it. */
	s->last_try_ok = false;
	/* A key the token took in this session cannot be the wrong one, so
	 * it spends no try; any other key is held back at one try left. */
	if (!s->key_accepted && !consent && s->tries == 1)
		return SAFEID_ERR_LAST_TRY;
	if (!s->key_accepted && !consent && s->tries == 0)
		return SAFEID_ERR_LOCKED;
	rc = sid_authenticate(&sid_molto2, &s->ct, s->key, &tries);
	if (rc == SAFEID_OK) {
		/* Whether success resets the counter is not public. */
		s->key_accepted = true;
		s->tries = -1;
	} else if (rc == SAFEID_ERR_WRONG_KEY || rc == SAFEID_ERR_LOCKED) {
		s->key_accepted = false;
		s->tries = tries;
	}
	return rc;
}

int safeid_m2_authenticate(safeid_m2 *s)
{
	int rc;

	if (s == NULL)
		return SAFEID_ERR_ARG;
	rc = sid_m2_begin(s);
	if (rc != SAFEID_OK)
		return rc;
	rc = sid_m2_auth(s);
	sid_m2_end(s);
	return rc;
}

int sid_m2_info(safeid_m2 *s, safeid_info *out)
{
	int rc = sid_get_info(&sid_molto2, &s->ct, out);

	/* The serial's prefix names single-profile models only. */
	out->model = NULL;
	return rc;
}

int safeid_m2_get_info(safeid_m2 *s, safeid_info *out)
{
	int rc;

	if (s == NULL || out == NULL)
		return SAFEID_ERR_ARG;
	memset(out, 0, sizeof(*out));
	rc = sid_m2_begin(s);
	if (rc != SAFEID_OK)
		return rc;
	rc = sid_m2_info(s, out);
	sid_m2_end(s);
	return rc;
}

int sid_m2_profile(safeid_m2 *s, unsigned profile, safeid_m2_profile *out)
{
	uint8_t apdu[8], data[SAFEID_APDU_MAX];
	size_t alen = 0, dlen = 0;
	uint16_t sw;
	bool answered;
	int rc;

	memset(out, 0, sizeof(*out));
	if (profile >= s->profiles)
		return SAFEID_ERR_PROFILE;
	rc = safeid_m2_apdu_profile_info(profile, apdu, sizeof(apdu), &alen);
	if (rc == SAFEID_OK)
		rc = sid_command(&s->ct, apdu, alen, false, data, &dlen, &sw,
		                 &answered);
	if (rc == SAFEID_OK)
		rc = safeid_sw_to_err(sw);
	if (rc == SAFEID_OK)
		rc = safeid_m2_parse_profile(data, dlen, out);
	out->number = profile;
	return rc;
}

int safeid_m2_read_profile(safeid_m2 *s, unsigned profile,
                           safeid_m2_profile *out)
{
	int rc;

	if (s == NULL || out == NULL)
		return SAFEID_ERR_ARG;
	if (profile >= s->profiles) {
		memset(out, 0, sizeof(*out));
		return SAFEID_ERR_PROFILE;
	}
	rc = sid_m2_begin(s);
	if (rc != SAFEID_OK)
		return rc;
	rc = sid_m2_profile(s, profile, out);
	sid_m2_end(s);
	return rc;
}

int safeid_m2_read_profiles(safeid_m2 *s, safeid_m2_profile *out, size_t cap,
                            size_t *n)
{
	unsigned p;
	int rc;

	if (n != NULL)
		*n = 0;
	if (s == NULL || out == NULL || n == NULL)
		return SAFEID_ERR_ARG;
	if (cap < s->profiles)
		return SAFEID_ERR_ARG;
	rc = sid_m2_begin(s);
	if (rc != SAFEID_OK)
		return rc;
	for (p = 0; p < s->profiles; p++) {
		rc = sid_m2_profile(s, p, &out[p]);
		if (rc != SAFEID_OK)
			break;
		*n = p + 1;
	}
	sid_m2_end(s);
	return rc;
}

int sid_m2_held(safeid_m2 *s, bool held[SAFEID_M2_PROFILES])
{
	safeid_m2_profile p;
	unsigned i;
	int rc;

	memset(held, 0, SAFEID_M2_PROFILES * sizeof(held[0]));
	for (i = 0; i < s->profiles; i++) {
		rc = sid_m2_profile(s, i, &p);
		if (rc != SAFEID_OK)
			return rc;
		held[i] = p.seed;
	}
	return SAFEID_OK;
}

int sid_m2_write(safeid_m2 *s, const uint8_t *apdu, size_t alen, uint16_t *sw,
                 bool *answered)
{
	uint8_t data[SAFEID_APDU_MAX];
	size_t dlen = 0;
	int rc = sid_command(&s->ct, apdu, alen, true, data, &dlen, sw,
	                     answered);

	return rc != SAFEID_OK ? rc : safeid_sw_to_err(*sw);
}
