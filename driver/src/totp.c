/* SPDX-License-Identifier: BSD-2-Clause */
/* RFC 6238 TOTP (RFC 4226 truncation), for expected codes and checks. */
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "internal.h"

int safeid_totp(const uint8_t *key, size_t keylen, safeid_hash hash,
                unsigned step, uint64_t unix_time, unsigned digits,
                uint32_t *code)
{
	const EVP_MD *md;
	uint8_t msg[8];
	uint8_t mac[EVP_MAX_MD_SIZE];
	unsigned maclen = 0;
	uint64_t counter, mod = 1, bin;
	unsigned i, off;
	int rc = SAFEID_ERR_ARG;

	if (key == NULL || keylen == 0 || keylen > 1024 || code == NULL ||
	    step == 0 || digits < 4 || digits == 5 || digits > 10)
		goto fail;
	rc = SAFEID_ERR_CONFIG;
	if (hash == SAFEID_HASH_SHA1)
		md = EVP_sha1();
	else if (hash == SAFEID_HASH_SHA256)
		md = EVP_sha256();
	else
		goto fail;
	counter = unix_time / step;
	for (i = 0; i < 8; i++)
		msg[i] = (uint8_t)(counter >> (56 - 8 * i));
	rc = SAFEID_ERR_CRYPTO;
	if (md == NULL ||
	    HMAC(md, key, (int)keylen, msg, sizeof(msg), mac, &maclen) ==
	            NULL ||
	    maclen < 20)
		goto fail;
	off = mac[maclen - 1] & 0x0Fu;
	bin = ((uint64_t)(mac[off] & 0x7Fu) << 24) |
	      ((uint64_t)mac[off + 1] << 16) | ((uint64_t)mac[off + 2] << 8) |
	      (uint64_t)mac[off + 3];
	for (i = 0; i < digits; i++)
		mod *= 10;
	*code = (uint32_t)(bin % mod);
	rc = SAFEID_OK;
fail:
	/* The MAC is derived from the seed: wipe it too. */
	safeid_wipe(mac, sizeof(mac));
	return rc;
}
