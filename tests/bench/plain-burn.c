/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * plain-burn: the baseline of the burn benchmark.  The six APDUs of a burn
 * (get info, get challenge, authenticate, write config, write seed, get
 * info) sent through pcsc-lite with OpenSSL's SM4 and nothing else: no
 * core library, no PKCS#11, no input parsing.  What the tool spends beyond
 * this client's time is the tool's own overhead.
 *
 *   plain-burn --reader NAME [--hash sha1|sha256] [--step 30|60] < SEED_HEX
 *   plain-burn --selftest
 *
 * The seed comes as hex on stdin (never argv) and is wiped after use.
 * Prints "apdus=6 apdu_us=N" on success (N: first command sent to last
 * reply received); exit 1 on any failure, with the step that failed.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <PCSC/winscard.h>
#include <PCSC/wintypes.h>

#include "hex.h"

#define BLK 16
#define SEED_MAX 63
#define APDU_MAX 261

/* The family's public device key (token-protocol.md, "Crypto"). */
static const uint8_t dev_key[BLK] = {
	0x8A, 0xD2, 0x06, 0x88, 0x3C, 0xA3, 0x69, 0x48,
	0x2A, 0xB2, 0x71, 0x82, 0xB6, 0xE8, 0x32, 0x24,
};

/* SM4 over whole blocks; CBC with a zero IV when cbc is set. */
static int sm4(bool cbc, const uint8_t *in, size_t len, uint8_t *out)
{
	static const uint8_t iv[BLK];
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int n = 0, ok = 0;

	if (c == NULL)
		return -1;
	if (EVP_EncryptInit_ex(c, cbc ? EVP_sm4_cbc() : EVP_sm4_ecb(), NULL,
	                       dev_key, cbc ? iv : NULL) == 1 &&
	    EVP_CIPHER_CTX_set_padding(c, 0) == 1 &&
	    EVP_EncryptUpdate(c, out, &n, in, (int)len) == 1 &&
	    (size_t)n == len)
		ok = 1;
	EVP_CIPHER_CTX_free(c);
	return ok ? 0 : -1;
}

/* ISO/IEC 9797-1 method 2: 80 then zeros up to a block boundary. */
static size_t pad2(uint8_t *buf, size_t len)
{
	buf[len++] = 0x80;
	while (len % BLK != 0)
		buf[len++] = 0x00;
	return len;
}

/* 84 INS P1 P2 Lc | body | MAC over 80 INS P1 P2 len(body) | body. */
static int secure_apdu(uint8_t ins, uint8_t p1, const uint8_t *body,
                       size_t bodylen, uint8_t *out, size_t *outlen)
{
	uint8_t mac_in[5 + 64 + BLK], mac_out[5 + 64 + BLK];
	size_t n = 5 + bodylen;
	int rc;

	mac_in[0] = 0x80;
	mac_in[1] = ins;
	mac_in[2] = p1;
	mac_in[3] = 0x00;
	mac_in[4] = (uint8_t)bodylen;
	memcpy(mac_in + 5, body, bodylen);
	if (n % BLK != 0)
		n = pad2(mac_in, n);
	rc = sm4(true, mac_in, n, mac_out);
	memcpy(out, mac_in, 5 + bodylen);
	out[0] = 0x84;
	out[4] = (uint8_t)(bodylen + 4);
	memcpy(out + 5 + bodylen, mac_out + n - BLK, 4);
	*outlen = 5 + bodylen + 4;
	OPENSSL_cleanse(mac_in, sizeof(mac_in));
	OPENSSL_cleanse(mac_out, sizeof(mac_out));
	return rc;
}

static size_t config_apdu(uint32_t clock, uint8_t hash, uint8_t step,
                          uint8_t *out)
{
	uint8_t tlv[19] = {0x81, 0x11, 0x1F, 0x01, 0x01, 0x0F, 0x04, 0,    0, 0,
	                   0,    0x86, 0x06, 0x0A, 0x01, 0,    0x0D, 0x01, 0};
	size_t len = 0;

	tlv[7] = (uint8_t)(clock >> 24);
	tlv[8] = (uint8_t)(clock >> 16);
	tlv[9] = (uint8_t)(clock >> 8);
	tlv[10] = (uint8_t)clock;
	tlv[15] = hash;
	tlv[18] = step;
	if (secure_apdu(0xD4, 0x00, tlv, sizeof(tlv), out, &len) != 0)
		return 0;
	return len;
}

/* Seed: zero-filled to 20 bytes, method-2 padded, SM4-ECB, then MAC. */
static size_t seed_apdu(const uint8_t *seed, size_t seedlen, uint8_t *out)
{
	uint8_t plain[64] = {0}, enc[64];
	size_t n = seedlen < 20 ? 20 : seedlen, len = 0;

	memcpy(plain, seed, seedlen);
	n = pad2(plain, n);
	if (sm4(false, plain, n, enc) != 0 ||
	    secure_apdu(0xC5, 0x01, enc, n, out, &len) != 0)
		len = 0;
	OPENSSL_cleanse(plain, sizeof(plain));
	OPENSSL_cleanse(enc, sizeof(enc));
	return len;
}

static bool same_hex(const uint8_t *b, size_t len, const char *hex)
{
	uint8_t want[APDU_MAX];

	return hex_decode(hex, want, sizeof(want)) == (long)len &&
	       memcmp(b, want, len) == 0;
}

/* The known answers of token-protocol.md: proof that the encoding above is
 * the protocol's before any timing is trusted. */
static int selftest(void)
{
	static const uint8_t chal[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	uint8_t seed[32], out[APDU_MAX], blk[BLK] = {0};
	size_t len;
	int bad = 0;

	out[0] = 0x80;
	out[1] = 0xCE;
	out[2] = 0;
	out[3] = 0;
	out[4] = BLK;
	memcpy(blk, chal, 8);
	bad |= sm4(false, blk, BLK, out + 5) != 0 ||
	       !same_hex(out, 5 + BLK,
	                 "80CE000010C1CD2CF40D508CEDC1274FF1AE4C19F1");
	len = config_apdu(1767225600u, 0x02, 0x3C, out);
	bad |= !same_hex(out, len,
	                 "84D400001781111F01010F046955B90086060A01020D"
	                 "013C1E7633CF")
	       << 1;
	len = seed_apdu((const uint8_t *)"12345678901234567890", 20, out);
	bad |= !same_hex(out, len,
	                 "84C50100245E5856092FD3228D4D33EEE3DAAC4B55CE37"
	                 "D18D332B7AC6A40E8661FA23042AF47B0153")
	       << 2;
	for (size_t i = 0; i < sizeof(seed); i++)
		seed[i] = (uint8_t)i;
	len = seed_apdu(seed, sizeof(seed), out);
	bad |= !same_hex(out, len,
	                 "84C5010034B766BFF098C4EB0D7F67AB23463F6F12B83"
	                 "0899CFE9DE292CD26D3C7439215CED219EFC9972FED91"
	                 "91DF027FD36A80B0B79E11E8")
	       << 3;
	if (bad != 0) {
		fprintf(stderr,
		        "plain-burn: self-test failed (mask %d: 1 auth, 2 "
		        "config, 4 seed20, 8 seed32); fix the encoding before "
		        "trusting any figure\n",
		        bad);
		return 1;
	}
	printf("plain-burn: self-test passed (4 known answers)\n");
	return 0;
}

typedef struct link {
	SCARDCONTEXT ctx;
	SCARDHANDLE card;
	DWORD proto;
} link;

/* Sends one APDU; follows 61XX with GET RESPONSE (T=0 readers).  Fails on
 * any final status other than 9000. */
static int xfer(link *l, const char *step, const uint8_t *c, size_t clen,
                uint8_t *r, DWORD *rlen)
{
	const SCARD_IO_REQUEST *pci =
		l->proto == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0 : SCARD_PCI_T1;
	uint8_t getr[5] = {0x00, 0xC0, 0x00, 0x00, 0x00};
	DWORD cap = *rlen;
	LONG rv;

	rv = SCardTransmit(l->card, pci, c, (DWORD)clen, NULL, r, rlen);
	while (rv == SCARD_S_SUCCESS && *rlen == 2 && r[0] == 0x61) {
		getr[4] = r[1];
		*rlen = cap;
		rv = SCardTransmit(l->card, pci, getr, sizeof(getr), NULL, r,
		                   rlen);
	}
	if (rv != SCARD_S_SUCCESS) {
		fprintf(stderr, "plain-burn: %s: %s\n", step,
		        pcsc_stringify_error(rv));
		return -1;
	}
	if (*rlen < 2 || r[*rlen - 2] != 0x90 || r[*rlen - 1] != 0x00) {
		fprintf(stderr, "plain-burn: %s: status %02X%02X\n", step,
		        *rlen >= 2 ? r[*rlen - 2] : 0,
		        *rlen >= 2 ? r[*rlen - 1] : 0);
		return -1;
	}
	return 0;
}

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int burn(link *l, const uint8_t *seed, size_t seedlen, uint8_t hash,
                uint8_t step)
{
	static const uint8_t info[] = {0x80, 0x41, 0x00, 0x00,
	                               0x02, 0x02, 0x11};
	static const uint8_t chal[] = {0x80, 0x4B, 0x08, 0x00, 0x01, 0x00};
	uint8_t c[APDU_MAX], r[258], blk[BLK] = {0};
	DWORD rlen = sizeof(r);
	size_t clen;
	long long t0 = now_us();
	int ret = -1;

	if (xfer(l, "get info", info, sizeof(info), r, &rlen) != 0)
		goto fail;
	rlen = sizeof(r);
	if (xfer(l, "get challenge", chal, sizeof(chal), r, &rlen) != 0 ||
	    rlen != 10)
		goto fail;
	memcpy(blk, r, 8);
	c[0] = 0x80;
	c[1] = 0xCE;
	c[2] = 0x00;
	c[3] = 0x00;
	c[4] = BLK;
	rlen = sizeof(r);
	if (sm4(false, blk, BLK, c + 5) != 0 ||
	    xfer(l, "authenticate", c, 5 + BLK, r, &rlen) != 0)
		goto fail;
	clen = config_apdu((uint32_t)time(NULL), hash, step, c);
	rlen = sizeof(r);
	if (clen == 0 || xfer(l, "write config", c, clen, r, &rlen) != 0)
		goto fail;
	clen = seed_apdu(seed, seedlen, c);
	rlen = sizeof(r);
	if (clen == 0 || xfer(l, "write seed", c, clen, r, &rlen) != 0)
		goto fail;
	rlen = sizeof(r);
	if (xfer(l, "get info (after)", info, sizeof(info), r, &rlen) != 0)
		goto fail;
	printf("apdus=6 apdu_us=%lld\n", now_us() - t0);
	ret = 0;
fail:
	OPENSSL_cleanse(c, sizeof(c));
	return ret;
}

static int read_seed(uint8_t *seed, size_t *len)
{
	char line[2 * SEED_MAX + 4];
	int ret = -1;

	if (fgets(line, sizeof(line), stdin) != NULL) {
		long n = hex_decode(line, seed, SEED_MAX);

		*len = n > 0 ? (size_t)n : 0;
		ret = n > 0 ? 0 : -1;
	}
	OPENSSL_cleanse(line, sizeof(line));
	if (ret != 0)
		fprintf(stderr,
		        "plain-burn: stdin: expected the seed as 2 to 126 "
		        "hex digits on one line\n");
	return ret;
}

int main(int argc, char **argv)
{
	const char *reader = NULL;
	uint8_t seed[SEED_MAX], hash = 0x01, step = 0x1E;
	size_t seedlen = 0;
	link l = {0, 0, 0};
	LONG rv;
	int ret = 1;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--selftest") == 0)
			return selftest();
		if (strcmp(argv[i], "--reader") == 0 && i + 1 < argc)
			reader = argv[++i];
		else if (strcmp(argv[i], "--hash") == 0 && i + 1 < argc)
			hash = strcmp(argv[++i], "sha256") == 0 ? 0x02 : 0x01;
		else if (strcmp(argv[i], "--step") == 0 && i + 1 < argc)
			step = strcmp(argv[++i], "60") == 0 ? 0x3C : 0x1E;
		else {
			fprintf(stderr,
			        "usage: plain-burn --reader NAME [--hash "
			        "sha1|sha256] [--step 30|60] < SEED_HEX\n"
			        "       plain-burn --selftest\n");
			return 2;
		}
	}
	if (reader == NULL || read_seed(seed, &seedlen) != 0)
		goto fail;
	rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &l.ctx);
	if (rv != SCARD_S_SUCCESS) {
		fprintf(stderr, "plain-burn: PC/SC: %s; is pcscd running?\n",
		        pcsc_stringify_error(rv));
		goto fail;
	}
	rv = SCardConnect(l.ctx, reader, SCARD_SHARE_SHARED,
	                  SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, &l.card,
	                  &l.proto);
	if (rv != SCARD_S_SUCCESS) {
		fprintf(stderr, "plain-burn: reader '%s': %s\n", reader,
		        pcsc_stringify_error(rv));
		goto fail;
	}
	/* Held across the six APDUs, as any correct client does, so no other
	 * program gets between authenticate and the writes. */
	rv = SCardBeginTransaction(l.card);
	if (rv != SCARD_S_SUCCESS) {
		fprintf(stderr,
		        "plain-burn: reader '%s': begin transaction: %s\n",
		        reader, pcsc_stringify_error(rv));
		goto fail;
	}
	ret = burn(&l, seed, seedlen, hash, step) == 0 ? 0 : 1;
	(void)SCardEndTransaction(l.card, SCARD_LEAVE_CARD);
fail:
	OPENSSL_cleanse(seed, sizeof(seed));
	if (l.card != 0)
		(void)SCardDisconnect(l.card, SCARD_LEAVE_CARD);
	if (l.ctx != 0)
		(void)SCardReleaseContext(l.ctx);
	return ret;
}
