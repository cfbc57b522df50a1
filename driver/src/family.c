/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The token families as data, and recognising a token: the reader's name
 * says which family to ask first, the token's answers to reads decide.
 */
#include <ctype.h>
#include <stddef.h>
#include <string.h>

#include "internal.h"

#define DIGITS(n) (1u << (n))

static int single_auth_sw(uint16_t sw, int *tries)
{
	(void)tries;
	return safeid_sw_to_err(sw);
}

const struct sid_family sid_single = {
	.pub =
		{
			.id = SAFEID_FAMILY_SINGLE,
			.name = "single-profile",
			.max_profiles = 1,
			.digits_mask = DIGITS(6),
		},
	.get_info = {0x80, 0x41, 0x00, 0x00, 0x02, 0x02, 0x11},
	.get_info_len = 7,
	.challenge = {0x80, 0x4B, 0x08, 0x00, 0x01, 0x00},
	.challenge_len = 6,
	.auth_sw = single_auth_sw,
};

int safeid_m2_auth_sw(uint16_t sw, int *tries)
{
	/* 63 NN: a wrong key, NN tries left (a binary count, not ISO's
	 * 63CX); at 0 the token has locked itself. */
	if ((sw & 0xFF00u) == 0x6300u) {
		if (tries != NULL)
			*tries = (int)(sw & 0xFFu);
		return (sw & 0xFFu) == 0 ? SAFEID_ERR_LOCKED
		                         : SAFEID_ERR_WRONG_KEY;
	}
	/* A token that counts tries answers a wrong key with 63 NN, so a
	 * refusal without a count is the blocked state (ISO 7816-4 6983). */
	if (sw == 0x6983) {
		if (tries != NULL)
			*tries = 0;
		return SAFEID_ERR_LOCKED;
	}
	return safeid_sw_to_err(sw);
}

const struct sid_family sid_molto2 = {
	.pub =
		{
			.id = SAFEID_FAMILY_MOLTO2,
			.name = "Molto2",
			.max_profiles = SAFEID_M2_PROFILES,
			.customer_key = true,
			.counts_tries = true,
			.titles = true,
			.digits_mask =
				DIGITS(4) | DIGITS(6) | DIGITS(8) | DIGITS(10),
			.clock_only_sync = true,
			.profile_info = true,
			.button_confirms = true,
		},
	.get_info = {0x80, 0x41, 0x00, 0x00, 0x00},
	.get_info_len = 5,
	.challenge = {0x80, 0x4B, 0x08, 0x00, 0x00},
	.challenge_len = 5,
	.auth_sw = safeid_m2_auth_sw,
};

const safeid_family *safeid_family_single(void)
{
	return &sid_single.pub;
}

const safeid_family *safeid_family_molto2(void)
{
	return &sid_molto2.pub;
}

/* The family behind a public descriptor (the first member of ours). */
static const struct sid_family *family_of(const safeid_family *f)
{
	return f == &sid_molto2.pub ? &sid_molto2 : &sid_single;
}

/* Case-insensitive "contains". */
static bool contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle), i, j;

	for (i = 0; hay[i] != '\0'; i++) {
		for (j = 0; j < n && hay[i + j] != '\0'; j++)
			if (tolower((unsigned char)hay[i + j]) != needle[j])
				break;
		if (j == n)
			return true;
	}
	return false;
}

const safeid_family *safeid_family_for_reader(const char *reader)
{
	if (reader != NULL && contains(reader, "molto"))
		return &sid_molto2.pub;
	return &sid_single.pub;
}

bool safeid_family_digits_ok(const safeid_family *f, unsigned digits)
{
	return f != NULL && digits < 32 && (f->digits_mask & DIGITS(digits));
}

/* Does the card answer this profile's info as a Molto2 does? */
static int m2_profile_probe(const safeid_transport *t, unsigned profile)
{
	uint8_t apdu[8], data[SAFEID_APDU_MAX];
	size_t alen = 0, dlen = 0;
	safeid_m2_profile p;
	uint16_t sw;
	bool answered;
	int rc;

	rc = safeid_m2_apdu_profile_info(profile, apdu, sizeof(apdu), &alen);
	if (rc == SAFEID_OK)
		rc = sid_command(t, apdu, alen, false, data, &dlen, &sw,
		                 &answered);
	if (rc != SAFEID_OK)
		return rc;
	rc = safeid_sw_to_err(sw);
	if (rc != SAFEID_OK)
		return rc;
	return safeid_m2_parse_profile(data, dlen, &p);
}

/* A transport failure ends recognition; a status word or a malformed
 * answer only means "not this family". */
static bool transport_error(int rc)
{
	return rc == SAFEID_ERR_REMOVED || rc == SAFEID_ERR_READER_GONE ||
	       rc == SAFEID_ERR_COMM || rc == SAFEID_ERR_TIMEOUT ||
	       rc == SAFEID_ERR_NOMEM || rc == SAFEID_ERR_ARG ||
	       rc == SAFEID_ERR_BUSY || rc == SAFEID_ERR_NO_TOKEN;
}

/* Ask the card as family f: SAFEID_OK and out filled when it answers as
 * one of f's tokens. */
static int try_family(const struct sid_family *f, const safeid_transport *t,
                      safeid_detected *out)
{
	int rc = sid_get_info(f, t, &out->info);

	if (rc != SAFEID_OK)
		return rc;
	out->family = &f->pub;
	out->profiles = 1;
	out->profiles_known = true;
	if (f != &sid_molto2)
		return SAFEID_OK;
	/* The serial's prefix names single-profile models only. */
	out->info.model = NULL;
	rc = m2_profile_probe(t, 0);
	if (rc != SAFEID_OK)
		return rc;
	/* How a 50-profile token answers for profile 99 is not public:
	 * anything but a good answer means 50, unconfirmed. */
	rc = m2_profile_probe(t, SAFEID_M2_PROFILES - 1);
	if (transport_error(rc))
		return rc;
	out->profiles =
		rc == SAFEID_OK ? SAFEID_M2_PROFILES : SAFEID_M2_PROFILES_V1;
	out->profiles_known = rc == SAFEID_OK;
	return SAFEID_OK;
}

static int detect(const safeid_transport *t, const char *reader,
                  safeid_detected *out)
{
	const struct sid_family *first =
		family_of(safeid_family_for_reader(reader));
	const struct sid_family *second =
		first == &sid_molto2 ? &sid_single : &sid_molto2;
	int rc, rc2;

	rc = try_family(first, t, out);
	if (rc == SAFEID_OK) {
		out->by_reader_name = true;
		return SAFEID_OK;
	}
	if (transport_error(rc))
		return rc;
	/* Both get info forms are reads: asking the other family's costs
	 * nothing and finds a token in a reader with an unexpected name. */
	memset(out, 0, sizeof(*out));
	rc2 = try_family(second, t, out);
	if (rc2 == SAFEID_OK || transport_error(rc2))
		return rc2;
	memset(out, 0, sizeof(*out));
	return rc == SAFEID_ERR_BAD_REPLY || rc2 == SAFEID_ERR_BAD_REPLY
	               ? SAFEID_ERR_BAD_REPLY
	               : SAFEID_ERR_NOT_TOKEN;
}

int safeid_detect(const safeid_transport *t, const char *reader,
                  safeid_detected *out)
{
	int rc;

	if (t == NULL || t->transmit == NULL || out == NULL)
		return SAFEID_ERR_ARG;
	memset(out, 0, sizeof(*out));
	if (t->begin != NULL) {
		rc = t->begin(t->ctx);
		if (rc != SAFEID_OK)
			return rc;
	}
	rc = detect(t, reader, out);
	if (t->begin != NULL && t->end != NULL)
		(void)t->end(t->ctx);
	return rc;
}
