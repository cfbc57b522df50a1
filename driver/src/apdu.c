/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * APDU builders: pure functions from parameters to command bytes, checked
 * against the protocol document's known answers.
 */
#include <string.h>

#include "internal.h"

/* Seed buffer: up to 63 bytes, method-2 padded, so at most 64. */
#define SEED_BUF 64u

int sid_put(const uint8_t *apdu, size_t len, uint8_t *out, size_t outcap,
            size_t *outlen)
{
	if (out == NULL || outlen == NULL || outcap < len)
		return SAFEID_ERR_ARG;
	memcpy(out, apdu, len);
	*outlen = len;
	return SAFEID_OK;
}

bool sid_all_zero(const uint8_t *b, size_t n)
{
	uint8_t acc = 0;
	size_t i;

	/* no early exit: the time taken says nothing of a seed */
	for (i = 0; i < n; i++)
		acc |= b[i];
	return acc == 0;
}

int safeid_apdu_get_info(uint8_t *out, size_t outcap, size_t *outlen)
{
	static const uint8_t apdu[] = {0x80, 0x41, 0x00, 0x00,
	                               0x02, 0x02, 0x11};

	return sid_put(apdu, sizeof(apdu), out, outcap, outlen);
}

int safeid_apdu_get_challenge(uint8_t *out, size_t outcap, size_t *outlen)
{
	static const uint8_t apdu[] = {0x80, 0x4B, 0x08, 0x00, 0x01, 0x00};

	return sid_put(apdu, sizeof(apdu), out, outcap, outlen);
}

int safeid_apdu_authenticate(const uint8_t challenge[8], uint8_t *out,
                             size_t outcap, size_t *outlen)
{
	return sid_apdu_authenticate_key(sid_device_key, challenge, out, outcap,
	                                 outlen);
}

int sid_apdu_authenticate_key(const uint8_t key[16], const uint8_t challenge[8],
                              uint8_t *out, size_t outcap, size_t *outlen)
{
	uint8_t block[SID_SM4_BLOCK] = {0};
	int rc;

	if (challenge == NULL || out == NULL || outlen == NULL ||
	    outcap < 5 + SID_SM4_BLOCK)
		return SAFEID_ERR_ARG;
	memcpy(block, challenge, SID_CHALLENGE_LEN);
	out[0] = SID_CLA_PLAIN;
	out[1] = SID_INS_AUTH;
	out[2] = 0x00;
	out[3] = 0x00;
	out[4] = SID_SM4_BLOCK;
	rc = key != NULL ? sid_sm4_ecb_key(key, block, sizeof(block), out + 5)
	                 : SAFEID_ERR_ARG;
	if (rc == SAFEID_OK)
		*outlen = 5 + SID_SM4_BLOCK;
	return rc;
}

int sid_secure_apdu(const uint8_t key[16], uint8_t ins, uint8_t p1, uint8_t p2,
                    const uint8_t *body, size_t bodylen, uint8_t *out,
                    size_t outcap, size_t *outlen)
{
	size_t total = 5 + bodylen + SID_MAC_LEN;
	int rc;

	if (out == NULL || outlen == NULL || outcap < total ||
	    bodylen + SID_MAC_LEN > 255)
		return SAFEID_ERR_ARG;
	out[0] = SID_CLA_SECURE;
	out[1] = ins;
	out[2] = p1;
	out[3] = p2;
	out[4] = (uint8_t)(bodylen + SID_MAC_LEN);
	memcpy(out + 5, body, bodylen);
	rc = sid_sm4_mac_key(key, ins, p1, p2, body, bodylen,
	                     out + 5 + bodylen);
	if (rc != SAFEID_OK) {
		safeid_wipe(out, total);
		return rc;
	}
	*outlen = total;
	return SAFEID_OK;
}

int safeid_apdu_write_config(const safeid_config *cfg, uint8_t *out,
                             size_t outcap, size_t *outlen)
{
	uint8_t tlv[SID_CONFIG_TLV_LEN];
	int rc = sid_config_tlv(cfg, tlv);

	if (rc != SAFEID_OK)
		return rc;
	return sid_secure_apdu(sid_device_key, SID_INS_CONFIG, 0x00, 0x00, tlv,
	                       sizeof(tlv), out, outcap, outlen);
}

int safeid_apdu_write_seed(const uint8_t *seed, size_t seedlen, uint8_t *out,
                           size_t outcap, size_t *outlen)
{
	uint8_t plain[SEED_BUF];
	uint8_t enc[SEED_BUF];
	size_t len;
	int rc = SAFEID_ERR_SEED_LENGTH;

	memset(plain, 0, sizeof(plain));
	if (seedlen == 0 || seedlen > SAFEID_SEED_MAX)
		goto fail;
	rc = SAFEID_ERR_ARG;
	if (seed == NULL)
		goto fail;
	/* Zero-extend short seeds to 20 (HMAC pads keys with zeros anyway),
	 * then always pad, even a block-aligned seed. */
	memcpy(plain, seed, seedlen);
	len = seedlen < SAFEID_SEED_MIN_PAD ? SAFEID_SEED_MIN_PAD : seedlen;
	len = sid_pad_method2(plain, len, sizeof(plain));
	if (len == 0)
		goto fail;
	rc = sid_sm4_ecb(plain, len, enc);
	if (rc != SAFEID_OK)
		goto fail;
	rc = sid_secure_apdu(sid_device_key, SID_INS_SEED, 0x01, 0x00, enc, len,
	                     out, outcap, outlen);
fail:
	safeid_wipe(plain, sizeof(plain));
	safeid_wipe(enc, sizeof(enc));
	return rc;
}
