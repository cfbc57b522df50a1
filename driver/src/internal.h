/*
 * Internal helpers of the token core, shared between its files only.
 * Names start with sid_, never safeid_ (the public API, which the shared
 * library's version script lists by name).
 */
#ifndef SAFEID_INTERNAL_H
#define SAFEID_INTERNAL_H

#include "safeid/safeid.h"

/* Protocol bytes (token-protocol.md, "Commands"). */
#define SID_CLA_PLAIN 0x80u
#define SID_CLA_SECURE 0x84u
#define SID_INS_GET_INFO 0x41u
#define SID_INS_CHALLENGE 0x4Bu
#define SID_INS_AUTH 0xCEu
#define SID_INS_CONFIG 0xD4u
#define SID_INS_SEED 0xC5u
#define SID_INS_GET_RESPONSE 0xC0u

#define SID_SM4_BLOCK 16u
#define SID_MAC_LEN 4u
#define SID_CHALLENGE_LEN 8u
#define SID_CONFIG_TLV_LEN 19u

/* The family's device key: public, the same on every token. */
extern const uint8_t sid_device_key[16];

/* SM4-ECB encrypt len bytes (a multiple of 16) from in to out. */
int sid_sm4_ecb(const uint8_t *in, size_t len, uint8_t *out);
/* The 4-byte MAC of a secure command (SM4-CBC, IV 0, over
 * 80 INS P1 P2 Lc' || body, method-2 padded when not block aligned). */
int sid_sm4_mac(uint8_t ins, uint8_t p1, uint8_t p2, const uint8_t *body,
                size_t bodylen, uint8_t mac[SID_MAC_LEN]);
/* ISO/IEC 9797-1 method 2: append 80, then 00 up to a multiple of 16.
 * Returns the padded length, or 0 when cap is too small. */
size_t sid_pad_method2(uint8_t *buf, size_t len, size_t cap);

/* The config TLV (19 bytes).  SAFEID_ERR_CONFIG on unsupported values. */
int sid_config_tlv(const safeid_config *cfg, uint8_t tlv[SID_CONFIG_TLV_LEN]);
int sid_config_check(const safeid_config *cfg);

/*
 * A secure write whose outcome the caller must report truthfully:
 * *answered is false when the command may have reached the token but no
 * status word came back (the write may or may not have happened).
 */
int sid_write_config_ex(const safeid_transport *t, const safeid_config *cfg,
                        bool *answered);
int sid_write_seed_ex(const safeid_transport *t, const uint8_t *seed,
                      size_t seedlen, bool *answered);

#endif /* SAFEID_INTERNAL_H */
