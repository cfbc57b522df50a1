/* SPDX-License-Identifier: BSD-2-Clause */
/* SM4, the secure-command MAC and HOTP for the token emulator. */
#include "emu_crypto.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

const uint8_t emu_device_key[16] = {
	0x8A, 0xD2, 0x06, 0x88, 0x3C, 0xA3, 0x69, 0x48,
	0x2A, 0xB2, 0x71, 0x82, 0xB6, 0xE8, 0x32, 0x24,
};

/* One SM4 pass without padding: ECB, or CBC with a zero IV. */
static int sm4_run(const EVP_CIPHER *cipher, const uint8_t key[16],
                   bool encrypt, const uint8_t *in, size_t len, uint8_t *out)
{
	static const uint8_t iv[16];
	EVP_CIPHER_CTX *ctx = NULL;
	int outl = 0, finl = 0, rc = -1;

	if (len % 16 != 0 || len > 4096)
		goto fail;
	ctx = EVP_CIPHER_CTX_new();
	if (ctx == NULL)
		goto fail;
	if (EVP_CipherInit_ex(ctx, cipher, NULL, key, iv, encrypt ? 1 : 0) != 1)
		goto fail;
	EVP_CIPHER_CTX_set_padding(ctx, 0);
	if (EVP_CipherUpdate(ctx, out, &outl, in, (int)len) != 1)
		goto fail;
	if (EVP_CipherFinal_ex(ctx, out + outl, &finl) != 1)
		goto fail;
	if ((size_t)outl + (size_t)finl != len)
		goto fail;
	rc = 0;
fail:
	EVP_CIPHER_CTX_free(ctx);
	return rc;
}

int emu_sm4_ecb(bool encrypt, const uint8_t *in, size_t len, uint8_t *out)
{
	return sm4_run(EVP_sm4_ecb(), emu_device_key, encrypt, in, len, out);
}

int emu_sm4_ecb_key(const uint8_t key[16], bool encrypt, const uint8_t *in,
                    size_t len, uint8_t *out)
{
	return sm4_run(EVP_sm4_ecb(), key, encrypt, in, len, out);
}

int emu_mac(uint8_t ins, uint8_t p1, uint8_t p2, const uint8_t *body,
            size_t bodylen, uint8_t mac[4])
{
	return emu_mac_key(emu_device_key, ins, p1, p2, body, bodylen, mac);
}

int emu_mac_key(const uint8_t key[16], uint8_t ins, uint8_t p1, uint8_t p2,
                const uint8_t *body, size_t bodylen, uint8_t mac[4])
{
	uint8_t buf[5 + 255 + 16];
	uint8_t enc[sizeof(buf)];
	size_t n = 0;
	int rc = -1;

	if (bodylen > 255)
		goto fail;
	buf[n++] = 0x80; /* the MAC covers class 80 although 84 is sent */
	buf[n++] = ins;
	buf[n++] = p1;
	buf[n++] = p2;
	buf[n++] = (uint8_t)bodylen;
	memcpy(buf + n, body, bodylen);
	n += bodylen;
	if (n % 16 != 0) {
		buf[n++] = 0x80;
		while (n % 16 != 0)
			buf[n++] = 0x00;
	}
	if (sm4_run(EVP_sm4_cbc(), key, true, buf, n, enc) != 0)
		goto fail;
	memcpy(mac, enc + n - 16, 4);
	rc = 0;
fail:
	/* the seed body passes through here encrypted; wipe it anyway */
	OPENSSL_cleanse(buf, sizeof(buf));
	OPENSSL_cleanse(enc, sizeof(enc));
	return rc;
}

long emu_hotp6(unsigned hash, const uint8_t *key, size_t keylen,
               uint64_t counter)
{
	return emu_hotp(hash, key, keylen, counter, 6);
}

long emu_hotp(unsigned hash, const uint8_t *key, size_t keylen,
              uint64_t counter, unsigned digits)
{
	uint8_t msg[8];
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	const EVP_MD *evp;
	uint32_t bin;
	unsigned off;
	long code = -1, mod = 1;

	if (digits < 4 || digits > 10)
		goto fail;
	if (hash == 1)
		evp = EVP_sha1();
	else if (hash == 2)
		evp = EVP_sha256();
	else
		goto fail;
	for (int i = 7; i >= 0; i--) {
		msg[i] = (uint8_t)(counter & 0xFFu);
		counter >>= 8;
	}
	if (HMAC(evp, key, (int)keylen, msg, sizeof(msg), md, &mdlen) == NULL ||
	    mdlen < 20)
		goto fail;
	/* dynamic truncation, RFC 4226 section 5.3 */
	off = md[mdlen - 1] & 0x0Fu;
	bin = ((uint32_t)(md[off] & 0x7Fu) << 24) |
	      ((uint32_t)md[off + 1] << 16) | ((uint32_t)md[off + 2] << 8) |
	      (uint32_t)md[off + 3];
	while (digits-- > 0)
		mod *= 10;
	code = (long)bin % mod;
fail:
	OPENSSL_cleanse(md, sizeof(md));
	return code;
}
