/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Internal helpers of the token core, shared between its files only.
 * Names start with sid_, never safeid_ (the public API, which the shared
 * library's version script lists by name).
 */
#ifndef SAFEID_INTERNAL_H
#define SAFEID_INTERNAL_H

#include "safeid/molto2.h"
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
/* The Molto2's own commands (token-protocol.md, "The multi-profile sibling"). */
#define SID_INS_TITLE 0xD5u
#define SID_INS_DELETE 0xE6u
#define SID_INS_SET_KEY 0xD7u
#define SID_INS_RESET 0x56u
#define SID_INS_SCREEN 0xD8u

#define SID_SM4_BLOCK 16u
#define SID_MAC_LEN 4u
#define SID_CHALLENGE_LEN 8u
#define SID_CONFIG_TLV_LEN 19u

/* The family's device key: public, the same on every token. */
extern const uint8_t sid_device_key[16];

/* SM4-ECB encrypt len bytes (a multiple of 16) from in to out, under the
 * device key, or under key. */
int sid_sm4_ecb(const uint8_t *in, size_t len, uint8_t *out);
int sid_sm4_ecb_key(const uint8_t key[16], const uint8_t *in, size_t len,
                    uint8_t *out);
/* The 4-byte MAC of a secure command (SM4-CBC, IV 0, over
 * 80 INS P1 P2 Lc' || body, method-2 padded when not block aligned), under
 * the device key, or under key. */
int sid_sm4_mac(uint8_t ins, uint8_t p1, uint8_t p2, const uint8_t *body,
                size_t bodylen, uint8_t mac[SID_MAC_LEN]);
int sid_sm4_mac_key(const uint8_t key[16], uint8_t ins, uint8_t p1, uint8_t p2,
                    const uint8_t *body, size_t bodylen,
                    uint8_t mac[SID_MAC_LEN]);
/* The same MAC over a whole message (1..266 bytes) as it is. */
int sid_sm4_mac_raw(const uint8_t key[16], const uint8_t *msg, size_t len,
                    uint8_t mac[SID_MAC_LEN]);
/* Copy a fixed APDU of len bytes to out (ARG when outcap is too small). */
int sid_put(const uint8_t *apdu, size_t len, uint8_t *out, size_t outcap,
            size_t *outlen);
/* true when the n bytes are all zero (a Molto2's "clear" seed). */
bool sid_all_zero(const uint8_t *b, size_t n);
/* 80 CE 00 00 10 | SM4-ECB(challenge || 8 x 00) under key. */
int sid_apdu_authenticate_key(const uint8_t key[16], const uint8_t challenge[8],
                              uint8_t *out, size_t outcap, size_t *outlen);
/* 84 INS P1 P2 Lc | body | MAC under key, Lc counting body and MAC. */
int sid_secure_apdu(const uint8_t key[16], uint8_t ins, uint8_t p1, uint8_t p2,
                    const uint8_t *body, size_t bodylen, uint8_t *out,
                    size_t outcap, size_t *outlen);
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

/*
 * One command: send it, split off the status word.  Returns the transport's
 * error, or SAFEID_OK with *sw set (the caller maps it).  *answered is
 * false when no status word came back, or when a write (bare_sw) got data
 * with it: that is not our token's answer, so what it did is unknown
 * (SAFEID_ERR_BAD_REPLY).  data holds SAFEID_APDU_MAX bytes.
 */
int sid_command(const safeid_transport *t, const uint8_t *apdu, size_t alen,
                bool bare_sw, uint8_t *data, size_t *dlen, uint16_t *sw,
                bool *answered);

/*
 * A family as the core drives it: the public description, and the bytes
 * and rules in which the families differ.  The steps common to both (get
 * info, get challenge and authenticate) are written once over this.
 */
struct sid_family {
	safeid_family pub;
	uint8_t get_info[8];
	size_t get_info_len;
	uint8_t challenge[8];
	size_t challenge_len;
	/* The error an authenticate's status word means; *tries receives
	 * the tries left when the answer tells them, else stays as it is. */
	int (*auth_sw)(uint16_t sw, int *tries);
};

extern const struct sid_family sid_single;
extern const struct sid_family sid_molto2;

/* get info in the family's form, parsed (NOT_TOKEN when the card does
 * not know the command). */
int sid_get_info(const struct sid_family *f, const safeid_transport *t,
                 safeid_info *out);
/* get challenge, then its answer under key; never retried. */
int sid_authenticate(const struct sid_family *f, const safeid_transport *t,
                     const uint8_t key[16], int *tries);

/* A transport that counts the APDUs it passes on to inner (no begin/end:
 * the caller brackets the exchange on inner itself). */
struct sid_counter {
	const safeid_transport *inner;
	unsigned *apdus;
};
void sid_counting(struct sid_counter *c, const safeid_transport *inner,
                  unsigned *apdus, safeid_transport *out);

/*
 * A Molto2 session (molto2_session.c).  Commands go through ct, which
 * counts them; begin/end go to the caller's transport t.
 */
struct safeid_m2 {
	const safeid_transport *t;
	struct sid_counter cnt;
	safeid_transport ct;
	unsigned apdus;
	unsigned profiles;
	uint8_t key[SAFEID_M2_KEY_LEN];
	bool factory_key;
	bool key_accepted; /* this key authenticated in this session */
	bool last_try_ok;  /* consent for the next authentication */
	int tries;         /* as the token last said; -1 unknown */
};

/* Bracket an operation: the transport's begin/end when it has them. */
int sid_m2_begin(safeid_m2 *s);
void sid_m2_end(safeid_m2 *s);
/* The steps, inside a begin/end. */
int sid_m2_auth(safeid_m2 *s);
/* get info into report->info, then (auth) authenticate, each told to the
 * progress hook and kept as report->step. */
struct sid_m2_progress;
int sid_m2_open_steps(safeid_m2 *s, const struct sid_m2_progress *pg,
                      safeid_m2_report *report, bool auth);
/* The authenticate step alone, as above. */
int sid_m2_auth_step(safeid_m2 *s, const struct sid_m2_progress *pg,
                     safeid_m2_report *report);
int sid_m2_info(safeid_m2 *s, safeid_info *out);
int sid_m2_profile(safeid_m2 *s, unsigned profile, safeid_m2_profile *out);
/* Send a built write and map its status word (bare: no data expected);
 * *answered as sid_command. */
int sid_m2_write(safeid_m2 *s, const uint8_t *apdu, size_t alen, uint16_t *sw,
                 bool *answered);
/* Every profile's info (0..profiles-1) into held[] (seed present). */
int sid_m2_held(safeid_m2 *s, bool held[SAFEID_M2_PROFILES]);

/* Reports (molto2_report.c): made ready before anything is sent, and
 * each step's start (err 1) and end told to the caller's progress hook.
 * sid_m2_step_end returns rc. */
void sid_m2_report_start(safeid_m2 *s, safeid_m2_report *r);
void sid_m2_result_start(safeid_m2_result *res, unsigned profile);
struct sid_m2_progress {
	safeid_m2_progress_fn fn;
	void *arg;
};
void sid_m2_step_start(const struct sid_m2_progress *pg, int profile,
                       safeid_m2_step step);
int sid_m2_step_end(const struct sid_m2_progress *pg, int profile,
                    safeid_m2_step step, int rc);

#endif /* SAFEID_INTERNAL_H */
