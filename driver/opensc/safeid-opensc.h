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
 * Pointers the driver hands back (safeid_info.model) point into the driver
 * module and stay valid only while the OpenSC context that loaded it lives:
 * copy what you need before sc_release_context().
 */
#ifndef SAFEID_OPENSC_H
#define SAFEID_OPENSC_H

#include <stddef.h>
#include <stdint.h>

#include <safeid/safeid.h>

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
	int err;             /* out */
};

struct safeid_cardctl_burn {
	safeid_config cfg;          /* in */
	const uint8_t *seed;        /* in: owned and wiped by the caller */
	size_t seedlen;
	safeid_burn_report report;  /* out: step reached, seed state, info */
};

#endif /* SAFEID_OPENSC_H */
