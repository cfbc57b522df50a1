/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SM4 as the tokens use it: ECB for data, CBC with a zero IV for the MAC,
 * ISO/IEC 9797-1 method-2 padding.  OpenSSL 3 provides the cipher.  The
 * single-profile family's key is the public device key; the Molto2's is
 * derived from the customer key (molto2_apdu.c).
 */
#include <string.h>

#include <openssl/evp.h>

#include "internal.h"

/* Public and shared by the whole family: it authenticates the host to the
 * token and protects nothing from someone within NFC range. */
const uint8_t sid_device_key[16] = {
	0x8A, 0xD2, 0x06, 0x88, 0x3C, 0xA3, 0x69, 0x48,
	0x2A, 0xB2, 0x71, 0x82, 0xB6, 0xE8, 0x32, 0x24,
};

size_t sid_pad_method2(uint8_t *buf, size_t len, size_t cap)
{
	size_t padded = (len / SID_SM4_BLOCK + 1) * SID_SM4_BLOCK;

	if (padded > cap)
		return 0;
	buf[len] = 0x80;
	memset(buf + len + 1, 0, padded - len - 1);
	return padded;
}

/* One SM4 pass without OpenSSL padding; len must be block aligned. */
static int sm4_run(const EVP_CIPHER *cipher, const uint8_t key[16],
                   const uint8_t *in, size_t len, uint8_t *out)
{
	static const uint8_t zero_iv[SID_SM4_BLOCK];
	EVP_CIPHER_CTX *ctx = NULL;
	int outl = 0, finl = 0;
	int rc = SAFEID_ERR_CRYPTO;

	if (len == 0 || len % SID_SM4_BLOCK != 0 || len > 4096)
		return SAFEID_ERR_ARG;
	if (cipher == NULL)
		goto fail;
	ctx = EVP_CIPHER_CTX_new();
	if (ctx == NULL)
		goto fail;
	if (EVP_EncryptInit_ex(ctx, cipher, NULL, key, zero_iv) != 1 ||
	    EVP_CIPHER_CTX_set_padding(ctx, 0) != 1 ||
	    EVP_EncryptUpdate(ctx, out, &outl, in, (int)len) != 1 ||
	    EVP_EncryptFinal_ex(ctx, out + outl, &finl) != 1)
		goto fail;
	if ((size_t)outl + (size_t)finl != len)
		goto fail;
	rc = SAFEID_OK;
fail:
	EVP_CIPHER_CTX_free(ctx); /* frees and cleanses the key schedule */
	return rc;
}

int sid_sm4_ecb(const uint8_t *in, size_t len, uint8_t *out)
{
	return sm4_run(EVP_sm4_ecb(), sid_device_key, in, len, out);
}

int sid_sm4_ecb_key(const uint8_t key[16], const uint8_t *in, size_t len,
                    uint8_t *out)
{
	return sm4_run(EVP_sm4_ecb(), key, in, len, out);
}

int sid_sm4_mac(uint8_t ins, uint8_t p1, uint8_t p2, const uint8_t *body,
                size_t bodylen, uint8_t mac[SID_MAC_LEN])
{
	return sid_sm4_mac_key(sid_device_key, ins, p1, p2, body, bodylen, mac);
}

int sid_sm4_mac_raw(const uint8_t key[16], const uint8_t *msg, size_t len,
                    uint8_t mac[SID_MAC_LEN])
{
	uint8_t buf[5 + SAFEID_APDU_MAX + SID_SM4_BLOCK];
	uint8_t enc[sizeof(buf)];
	int rc = SAFEID_ERR_ARG;

	if (len == 0 || len > 5 + SAFEID_APDU_MAX || msg == NULL)
		goto fail;
	memcpy(buf, msg, len);
	if (len % SID_SM4_BLOCK != 0) {
		len = sid_pad_method2(buf, len, sizeof(buf));
		if (len == 0)
			goto fail;
	}
	rc = sm4_run(EVP_sm4_cbc(), key, buf, len, enc);
	if (rc != SAFEID_OK)
		goto fail;
	memcpy(mac, enc + len - SID_SM4_BLOCK, SID_MAC_LEN);
fail:
	/* The message may hold an encrypted seed: leave no copy behind. */
	safeid_wipe(buf, sizeof(buf));
	safeid_wipe(enc, sizeof(enc));
	return rc;
}

int sid_sm4_mac_key(const uint8_t key[16], uint8_t ins, uint8_t p1, uint8_t p2,
                    const uint8_t *body, size_t bodylen,
                    uint8_t mac[SID_MAC_LEN])
{
	/* header (5) + longest body */
	uint8_t buf[5 + SAFEID_APDU_MAX];
	size_t len = 5 + bodylen;
	int rc = SAFEID_ERR_ARG;

	if (bodylen > 255 || (bodylen > 0 && body == NULL))
		goto fail;
	/* The MAC covers class 80 although 84 is sent, and Lc' without the
	 * MAC itself. */
	buf[0] = SID_CLA_PLAIN;
	buf[1] = ins;
	buf[2] = p1;
	buf[3] = p2;
	buf[4] = (uint8_t)bodylen;
	if (bodylen > 0)
		memcpy(buf + 5, body, bodylen);
	rc = sid_sm4_mac_raw(key, buf, len, mac);
fail:
	/* The body may be an encrypted seed: leave no copy behind. */
	safeid_wipe(buf, sizeof(buf));
	return rc;
}
