/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The emulator's own crypto: SM4-ECB, the secure-messaging MAC and the
 * TOTP code a token displays.  Only OpenSSL primitives are shared with the
 * driver.
 */
#ifndef SAFEID_EMU_CRYPTO_H
#define SAFEID_EMU_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The family's public device key. */
extern const uint8_t emu_device_key[16];

/* SM4-ECB over len bytes (a multiple of 16); encrypt or decrypt. 0 on
 * success, -1 on failure. */
int emu_sm4_ecb(bool encrypt, const uint8_t *in, size_t len, uint8_t *out);
/* The same under another key (the Molto2's, derived from its customer key). */
int emu_sm4_ecb_key(const uint8_t key[16], bool encrypt, const uint8_t *in,
                    size_t len, uint8_t *out);

/* MAC of a secure command: input 80 INS P1 P2 Lc' || body, method-2 padded
 * unless already block aligned, SM4-CBC with IV 0, first 4 bytes of the last
 * block.  0 on success, -1 on failure. */
int emu_mac(uint8_t ins, uint8_t p1, uint8_t p2, const uint8_t *body,
            size_t bodylen, uint8_t mac[4]);
int emu_mac_key(const uint8_t key[16], uint8_t ins, uint8_t p1, uint8_t p2,
                const uint8_t *body, size_t bodylen, uint8_t mac[4]);

/* HOTP (RFC 4226) with 6 digits; hash 1 = SHA-1, 2 = SHA-256.  Returns the
 * code 0..999999, or -1 on failure. */
long emu_hotp6(unsigned hash, const uint8_t *key, size_t keylen,
               uint64_t counter);
/* The same with 4 to 10 digits (a 31-bit value modulo 10^digits). */
long emu_hotp(unsigned hash, const uint8_t *key, size_t keylen,
              uint64_t counter, unsigned digits);

#endif
