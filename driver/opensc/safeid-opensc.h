/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * safeid-opensc.h: the vendor card_ctl calls of the safeid OpenSC card
 * driver (safeid-opensc.so).
 *
 * An OpenSC application that has connected to a token with sc_connect_card()
 * reaches the token core through sc_card_ctl(card, SAFEID_CARDCTL_..., arg).
 * Each argument struct carries `err`, the core's safeid_err (see
 * <safeid/safeid.h>), so the caller can tell a person exactly what happened;
 * the sc_card_ctl() return value is the nearest OpenSC error code.
 *
 * Pointers the driver hands back (safeid_info.model, safeid_detected.family)
 * point into the driver module and stay valid only while the OpenSC context
 * that loaded it lives: copy what you need before sc_release_context().
 *
 * Two families answer (<safeid/molto2.h>): the single-profile tokens take
 * the calls GET_INFO to BURN; a Token2 Molto2 takes GET_INFO and the
 * SAFEID_CARDCTL_M2_* calls, each of which runs one of the core's Molto2
 * operations in a session of its own (its customer key derived for the
 * call and wiped after it).  DETECT says which family the card is; a call
 * for the other family answers SC_ERROR_NOT_SUPPORTED with err
 * SAFEID_ERR_NOT_SUPPORTED.
 */
#ifndef SAFEID_OPENSC_H
#define SAFEID_OPENSC_H

#include <stddef.h>
#include <stdint.h>

#include <safeid/molto2.h>

/* OpenSC builds card_ctl codes as (a << 24 | b << 16 | c << 8); "SID" is
 * not used by any OpenSC driver. */
#define SAFEID_CARDCTL_BASE 0x53494400UL

/* Read serial, model and clock.  arg: struct safeid_cardctl_info * */
#define SAFEID_CARDCTL_GET_INFO (SAFEID_CARDCTL_BASE + 1)
/* Get a challenge and answer it (never retried).  arg: int * (err) */
#define SAFEID_CARDCTL_AUTHENTICATE (SAFEID_CARDCTL_BASE + 2)
/* Write config and clock (authenticate first).
 * arg: struct safeid_cardctl_config * */
#define SAFEID_CARDCTL_WRITE_CONFIG (SAFEID_CARDCTL_BASE + 3)
/* Write the seed (authenticate and write the config first).
 * arg: struct safeid_cardctl_seed * */
#define SAFEID_CARDCTL_WRITE_SEED (SAFEID_CARDCTL_BASE + 4)
/* The whole burn in one exclusive sequence: info, authenticate, config,
 * seed, info again.  arg: struct safeid_cardctl_burn * */
#define SAFEID_CARDCTL_BURN (SAFEID_CARDCTL_BASE + 5)

/* The family, serial, clock and profile count, as recognised when the
 * card was connected.  arg: struct safeid_cardctl_detect * */
#define SAFEID_CARDCTL_DETECT (SAFEID_CARDCTL_BASE + 6)
/* Molto2: one profile's info, read without the key.
 * arg: struct safeid_cardctl_m2_profile * */
#define SAFEID_CARDCTL_M2_PROFILE (SAFEID_CARDCTL_BASE + 7)
/* Molto2: every profile's info.  arg: struct safeid_cardctl_m2_profiles * */
#define SAFEID_CARDCTL_M2_PROFILES (SAFEID_CARDCTL_BASE + 8)
/* Molto2: burn accounts into profiles (safeid_m2_burn).
 * arg: struct safeid_cardctl_m2_burn * */
#define SAFEID_CARDCTL_M2_BURN (SAFEID_CARDCTL_BASE + 9)
/* Molto2: set the clock of some or all profiles, seeds kept
 * (safeid_m2_sync).  arg: struct safeid_cardctl_m2_sync * */
#define SAFEID_CARDCTL_M2_SYNC (SAFEID_CARDCTL_BASE + 10)
/* Molto2: delete a profile's seed (safeid_m2_delete).
 * arg: struct safeid_cardctl_m2_delete * */
#define SAFEID_CARDCTL_M2_DELETE (SAFEID_CARDCTL_BASE + 11)
/* Molto2: screen lock or unlock.  arg: struct safeid_cardctl_m2_screen * */
#define SAFEID_CARDCTL_M2_SCREEN (SAFEID_CARDCTL_BASE + 12)
/* Molto2: change the customer key, waiting for ▲ (safeid_m2_change_key).
 * arg: struct safeid_cardctl_m2_change_key * */
#define SAFEID_CARDCTL_M2_CHANGE_KEY (SAFEID_CARDCTL_BASE + 13)
/* Molto2: factory reset, waiting for ▲ (safeid_m2_factory_reset).
 * arg: struct safeid_cardctl_m2_reset * */
#define SAFEID_CARDCTL_M2_RESET (SAFEID_CARDCTL_BASE + 14)
#define SAFEID_CARDCTL_LAST SAFEID_CARDCTL_M2_RESET

struct safeid_cardctl_info {
	safeid_info info; /* out */
	int err;          /* out: SAFEID_OK or a safeid_err */
};

struct safeid_cardctl_config {
	safeid_config cfg; /* in */
	int err;           /* out */
};

struct safeid_cardctl_seed {
	const uint8_t *seed; /* in: raw seed, owned and wiped by the caller */
	size_t seedlen;
	int err; /* out */
};

struct safeid_cardctl_burn {
	safeid_config cfg;   /* in */
	const uint8_t *seed; /* in: owned and wiped by the caller */
	size_t seedlen;
	safeid_burn_report report; /* out: step reached, seed state, info */
};

struct safeid_cardctl_detect {
	safeid_detected det; /* out */
	int err;             /* out */
};

/*
 * The customer key and the tries, in every Molto2 call that may
 * authenticate.  The token counts wrong keys and locks itself; only its
 * answer to a wrong key tells how many tries are left, so a caller that
 * kept that count gives it back (tries_known) and the core then refuses
 * to spend the last try unless last_try says the person agreed.
 */
struct safeid_cardctl_m2_key {
	const uint8_t *key; /* in: NULL = the factory key; owned and wiped
	                      * by the caller */
	size_t len;
	int tries_known; /* in: tries the token last reported, -1 none */
	bool last_try;   /* in: the person's consent to the last try */
	int tries_left;  /* out: as the token last said, -1 unknown */
};

struct safeid_cardctl_m2_profile {
	unsigned profile;       /* in */
	safeid_m2_profile info; /* out */
	int err;                /* out */
};

struct safeid_cardctl_m2_profiles {
	safeid_m2_profile info[SAFEID_M2_PROFILES]; /* out */
	size_t count;                               /* out: profiles read */
	int err;                                    /* out */
};

struct safeid_cardctl_m2_burn {
	struct safeid_cardctl_m2_key key;
	const safeid_m2_account *acc; /* in: n accounts (seeds owned by the
	                               * caller) */
	size_t n;
	unsigned flags;                 /* in: SAFEID_M2_OVERWRITE */
	safeid_m2_progress_fn progress; /* in: may be NULL */
	void *arg;
	safeid_m2_report report;   /* out */
	safeid_m2_result *results; /* out: n of them, the caller's array */
};

struct safeid_cardctl_m2_sync {
	struct safeid_cardctl_m2_key key;
	uint32_t clock;           /* in */
	const unsigned *profiles; /* in: NULL = every profile */
	size_t n;
	safeid_m2_progress_fn progress;
	void *arg;
	safeid_m2_report report;   /* out */
	safeid_m2_result *results; /* out: n (or the profile count) of them */
};

struct safeid_cardctl_m2_delete {
	struct safeid_cardctl_m2_key key;
	unsigned profile; /* in */
	safeid_m2_progress_fn progress;
	void *arg;
	safeid_m2_report report; /* out */
	safeid_m2_result result; /* out */
};

struct safeid_cardctl_m2_screen {
	struct safeid_cardctl_m2_key key;
	bool lock; /* in: true lock, false unlock */
	int err;   /* out */
};

struct safeid_cardctl_m2_change_key {
	struct safeid_cardctl_m2_key key;
	const uint8_t *new_key; /* in: owned and wiped by the caller */
	size_t new_len;
	unsigned flags;           /* in: SAFEID_M2_VERIFY */
	long press_ms;            /* in: <= 0: SAFEID_M2_PRESS_MS */
	safeid_m2_press_fn press; /* in: NULL = do not wait */
	void *press_arg;
	safeid_m2_press_report report; /* out */
};

struct safeid_cardctl_m2_reset {
	long press_ms;
	safeid_m2_press_fn press;
	void *press_arg;
	safeid_m2_press_report report; /* out */
};

#endif /* SAFEID_OPENSC_H */
