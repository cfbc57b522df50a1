/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The Molto2's APDU builders: pure functions from parameters to command
 * bytes, checked against the known answers of the vendor's tests
 * (token2/molto2-tools), a third-party client's (token2/keyroost) and our
 * own (tests/core/test_molto2_apdu.c).
 */
#include <string.h>

#include <openssl/sha.h>

#include "internal.h"

#define CONFIG_TLV_LEN 22u
#define CLOCK_TLV_LEN 8u
#define KEY_BLOCK_LEN 32u
#define SEED_BUF 64u /* 63 bytes + 80, or 48..63 zero bytes + zeros */

static int profile_ok(unsigned profile)
{
	return profile < SAFEID_M2_PROFILES ? SAFEID_OK : SAFEID_ERR_PROFILE;
}

int safeid_m2_derive_key(const uint8_t *customer_key, size_t len,
                         uint8_t key[SAFEID_M2_KEY_LEN])
{
	uint8_t md[SHA_DIGEST_LENGTH];

	if (key == NULL)
		return SAFEID_ERR_ARG;
	if (customer_key == NULL || len == 0 ||
	    len > SAFEID_M2_CUSTOMER_KEY_MAX)
		return SAFEID_ERR_CUSTOMER_KEY;
	if (SHA1(customer_key, len, md) == NULL) {
		safeid_wipe(md, sizeof(md));
		return SAFEID_ERR_CRYPTO;
	}
	memcpy(key, md, SAFEID_M2_KEY_LEN);
	safeid_wipe(md, sizeof(md));
	return SAFEID_OK;
}

int safeid_m2_config_check(const safeid_m2_config *cfg)
{
	safeid_config one;
	int rc;

	if (cfg == NULL)
		return SAFEID_ERR_ARG;
	/* hash, step and display as the single-profile family has them */
	one.clock = cfg->clock;
	one.hash = cfg->hash;
	one.step = cfg->step;
	one.display = cfg->display;
	rc = sid_config_check(&one);
	if (rc == SAFEID_OK &&
	    !safeid_family_digits_ok(safeid_family_molto2(), cfg->digits))
		rc = SAFEID_ERR_DIGITS;
	return rc;
}

int safeid_m2_apdu_get_info(uint8_t *out, size_t outcap, size_t *outlen)
{
	return sid_put(sid_molto2.get_info, sid_molto2.get_info_len, out,
	               outcap, outlen);
}

int safeid_m2_apdu_get_challenge(uint8_t *out, size_t outcap, size_t *outlen)
{
	return sid_put(sid_molto2.challenge, sid_molto2.challenge_len, out,
	               outcap, outlen);
}

int safeid_m2_apdu_profile_info(unsigned profile, uint8_t *out, size_t outcap,
                                size_t *outlen)
{
	/* Case 3 without Le: a trailing Le gets 6FFB from a real token. */
	uint8_t apdu[] = {SID_CLA_PLAIN, SID_INS_GET_INFO, 0x00, 0x00, 0x01,
	                  0x70};
	int rc = profile_ok(profile);

	if (rc != SAFEID_OK)
		return rc;
	apdu[3] = (uint8_t)profile;
	return sid_put(apdu, sizeof(apdu), out, outcap, outlen);
}

int safeid_m2_apdu_authenticate(const uint8_t key[SAFEID_M2_KEY_LEN],
                                const uint8_t challenge[8], uint8_t *out,
                                size_t outcap, size_t *outlen)
{
	return sid_apdu_authenticate_key(key, challenge, out, outcap, outlen);
}

static void put_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

int safeid_m2_apdu_write_config(const uint8_t key[SAFEID_M2_KEY_LEN],
                                unsigned profile, const safeid_m2_config *cfg,
                                uint8_t *out, size_t outcap, size_t *outlen)
{
	uint8_t tlv[CONFIG_TLV_LEN];
	int rc = profile_ok(profile);

	if (rc == SAFEID_OK)
		rc = safeid_m2_config_check(cfg);
	if (rc != SAFEID_OK)
		return rc;
	if (key == NULL)
		return SAFEID_ERR_ARG;
	tlv[0] = 0x81;
	tlv[1] = 0x14;
	tlv[2] = 0x1F; /* display timeout */
	tlv[3] = 0x01;
	tlv[4] = (uint8_t)cfg->display;
	tlv[5] = 0x0F; /* clock */
	tlv[6] = 0x04;
	put_u32(tlv + 7, cfg->clock);
	tlv[11] = 0x86; /* OTP parameters */
	tlv[12] = 0x09;
	tlv[13] = 0x0A; /* hash */
	tlv[14] = 0x01;
	tlv[15] = (uint8_t)cfg->hash;
	tlv[16] = 0x0B; /* digits */
	tlv[17] = 0x01;
	tlv[18] = (uint8_t)cfg->digits;
	tlv[19] = 0x0D; /* time step */
	tlv[20] = 0x01;
	tlv[21] = (uint8_t)cfg->step;
	return sid_secure_apdu(key, SID_INS_CONFIG, 0x01, (uint8_t)profile, tlv,
	                       sizeof(tlv), out, outcap, outlen);
}

int safeid_m2_apdu_write_clock(const uint8_t key[SAFEID_M2_KEY_LEN],
                               unsigned profile, uint32_t clock, uint8_t *out,
                               size_t outcap, size_t *outlen)
{
	uint8_t tlv[CLOCK_TLV_LEN] = {0x81, 0x06, 0x0F, 0x04};
	int rc = profile_ok(profile);

	if (rc != SAFEID_OK)
		return rc;
	if (key == NULL)
		return SAFEID_ERR_ARG;
	put_u32(tlv + 4, clock);
	return sid_secure_apdu(key, SID_INS_CONFIG, 0x01, (uint8_t)profile, tlv,
	                       sizeof(tlv), out, outcap, outlen);
}

int safeid_m2_apdu_write_seed(const uint8_t key[SAFEID_M2_KEY_LEN],
                              unsigned profile, const uint8_t *seed,
                              size_t seedlen, uint8_t *out, size_t outcap,
                              size_t *outlen)
{
	uint8_t plain[SEED_BUF], enc[SEED_BUF];
	size_t len;
	int rc = profile_ok(profile);

	memset(plain, 0, sizeof(plain));
	if (rc != SAFEID_OK)
		goto fail;
	rc = SAFEID_ERR_SEED_LENGTH;
	if (seedlen == 0 || seedlen > SAFEID_SEED_MAX)
		goto fail;
	rc = SAFEID_ERR_ARG;
	if (seed == NULL || key == NULL)
		goto fail;
	memcpy(plain, seed, seedlen);
	/* 80 then zeros to the next boundary, a whole block when aligned;
	 * an all-zero seed gets zeros only, and is the "clear" form. */
	len = (seedlen / SID_SM4_BLOCK + 1) * SID_SM4_BLOCK;
	if (!sid_all_zero(seed, seedlen))
		plain[seedlen] = 0x80;
	rc = sid_sm4_ecb_key(key, plain, len, enc);
	if (rc != SAFEID_OK)
		goto fail;
	rc = sid_secure_apdu(key, SID_INS_SEED, 0x01, (uint8_t)profile, enc,
	                     len, out, outcap, outlen);
fail:
	safeid_wipe(plain, sizeof(plain));
	safeid_wipe(enc, sizeof(enc));
	return rc;
}

int safeid_m2_apdu_write_title(const uint8_t key[SAFEID_M2_KEY_LEN],
                               unsigned profile, const uint8_t *title,
                               size_t titlelen, uint8_t *out, size_t outcap,
                               size_t *outlen)
{
	uint8_t plain[SID_SM4_BLOCK] = {0}, enc[SID_SM4_BLOCK];
	int rc = profile_ok(profile);

	if (rc != SAFEID_OK)
		return rc;
	if (titlelen == 0 || titlelen > SAFEID_M2_TITLE_MAX)
		return SAFEID_ERR_TITLE;
	if (title == NULL || key == NULL)
		return SAFEID_ERR_ARG;
	memcpy(plain, title, titlelen);
	plain[titlelen] = 0x80;
	rc = sid_sm4_ecb_key(key, plain, sizeof(plain), enc);
	if (rc == SAFEID_OK)
		rc = sid_secure_apdu(key, SID_INS_TITLE, 0x00, (uint8_t)profile,
		                     enc, sizeof(enc), out, outcap, outlen);
	safeid_wipe(plain, sizeof(plain));
	return rc;
}

int safeid_m2_apdu_delete_seed(unsigned profile, uint8_t *out, size_t outcap,
                               size_t *outlen)
{
	uint8_t apdu[] = {SID_CLA_PLAIN, SID_INS_DELETE, 0x00, 0x00, 0x00};
	int rc = profile_ok(profile);

	if (rc != SAFEID_OK)
		return rc;
	apdu[3] = (uint8_t)profile;
	return sid_put(apdu, sizeof(apdu), out, outcap, outlen);
}

int safeid_m2_apdu_change_key(const uint8_t key[SAFEID_M2_KEY_LEN],
                              const uint8_t *new_key, size_t new_len,
                              uint8_t *out, size_t outcap, size_t *outlen)
{
	uint8_t plain[KEY_BLOCK_LEN] = {0}, enc[KEY_BLOCK_LEN];
	int rc;

	if (key == NULL)
		return SAFEID_ERR_ARG;
	/* 00 | K' | 80 | 14 x 00: only the new key's hash leaves the host */
	rc = safeid_m2_derive_key(new_key, new_len, plain + 1);
	if (rc != SAFEID_OK)
		goto fail;
	plain[1 + SAFEID_M2_KEY_LEN] = 0x80;
	rc = sid_sm4_ecb_key(key, plain, sizeof(plain), enc);
	if (rc == SAFEID_OK)
		rc = sid_secure_apdu(key, SID_INS_SET_KEY, 0x00, 0x00, enc,
		                     sizeof(enc), out, outcap, outlen);
fail:
	safeid_wipe(plain, sizeof(plain));
	safeid_wipe(enc, sizeof(enc));
	return rc;
}

int safeid_m2_apdu_factory_reset(uint8_t *out, size_t outcap, size_t *outlen)
{
	static const uint8_t apdu[] = {SID_CLA_PLAIN, SID_INS_RESET, 0x00, 0x00,
	                               0x00};

	return sid_put(apdu, sizeof(apdu), out, outcap, outlen);
}

int safeid_m2_apdu_screen(bool lock, uint8_t *out, size_t outcap,
                          size_t *outlen)
{
	static const uint8_t lock_apdu[] = {SID_CLA_PLAIN, SID_INS_SCREEN, 0x0C,
	                                    0x02, 0x00};
	static const uint8_t unlock_apdu[] = {
		SID_CLA_PLAIN, SID_INS_SCREEN, 0x0C, 0x02, 0x01, 0x01};

	return lock ? sid_put(lock_apdu, sizeof(lock_apdu), out, outcap, outlen)
	            : sid_put(unlock_apdu, sizeof(unlock_apdu), out, outcap,
	                      outlen);
}
