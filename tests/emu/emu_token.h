/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The token side of the single-profile OTP token protocol, written apart
 * from driver/ on purpose: the emulator shares nothing with the driver's
 * encoding code but OpenSSL, so a protocol bug cannot hide by being on both
 * sides.  emu_token_handle() is a pure function of (state, time, C-APDU):
 * unit tests and fuzzers drive it without sockets.
 */
#ifndef SAFEID_EMU_TOKEN_H
#define SAFEID_EMU_TOKEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EMU_SERIAL_MAX 32u
#define EMU_SEED_MAX 63u
#define EMU_SEED_MIN 20u
#define EMU_RAPDU_MAX 258u

#define EMU_HASH_SHA1 1u
#define EMU_HASH_SHA256 2u

/* Status words the token answers (see the protocol document). */
#define EMU_SW_OK 0x9000u
#define EMU_SW_AUTH 0x6983u
#define EMU_SW_DATA 0x6A80u
#define EMU_SW_LENGTH 0x6700u
#define EMU_SW_INS 0x6D00u
#define EMU_SW_CLA 0x6E00u

/* The Molto2 mode (emu_molto2.c): see tests/harness/README.md for the
 * choices made where the protocol is not public. */
#define EMU_FAMILY_SINGLE 0u
#define EMU_FAMILY_MOLTO2 1u
#define EMU_M2_PROFILES 100u
#define EMU_M2_TITLE_FIELD 16u
#define EMU_M2_TRIES 10u         /* wrong keys before the lock, by default */
#define EMU_M2_LOCKED_SW 0x6983u /* a locked token's answer, by default */

#define EMU_M2_PENDING_NONE 0u
#define EMU_M2_PENDING_KEY 1u
#define EMU_M2_PENDING_RESET 2u

typedef struct emu_m2_profile {
	uint8_t seed[EMU_SEED_MAX];
	size_t seedlen;                    /* 0: no seed */
	uint8_t title[EMU_M2_TITLE_FIELD]; /* zero-padded; all zero: none */
	unsigned hash, digits, step;       /* 0 until a config write */
	unsigned display;                  /* wire value 0..3 */
	int64_t clock_base, clock_ref;     /* the profile's own clock */
	uint32_t timecfg;                  /* the time last written to it */
	uint8_t flag; /* 20 once written, as seen on hardware */
} emu_m2_profile;

typedef struct emu_m2 {
	/* persistent */
	unsigned profiles; /* 50 or 100 */
	uint8_t key[16];   /* SHA-1(customer key)[0..16] */
	unsigned tries_max, tries_left;
	bool locked;        /* out of tries: only a reset helps */
	unsigned locked_sw; /* what a locked token answers */
	bool keep_tries;    /* success does not refill the tries */
	bool screen_cmd;    /* knows screen lock (firmware 2.1+) */
	bool screen_locked;
	emu_m2_profile p[EMU_M2_PROFILES];
	/* volatile: a request waiting for the up-arrow button */
	unsigned pending;
	uint8_t pending_key[16];
} emu_m2;

typedef struct emu_token {
	/* persistent: what the state file holds */
	unsigned family; /* EMU_FAMILY_* */
	char serial[EMU_SERIAL_MAX + 1];
	uint8_t seed[EMU_SEED_MAX];
	size_t seedlen;     /* 0: no seed */
	unsigned hash;      /* EMU_HASH_* */
	unsigned step;      /* 30 or 60 */
	unsigned display;   /* wire value 0..3 */
	int64_t clock_base; /* token time at host time clock_ref */
	int64_t clock_ref;  /* host time when the clock was last set */
	int32_t drift_ppm;  /* token clock runs fast by this many ppm */

	/* volatile: lost on power off / reset */
	bool authenticated;
	bool have_challenge;
	uint8_t challenge[8];
	bool locked; /* fault: answer 6983 to every authenticate */

	/* the Molto2's profiles and key (family EMU_FAMILY_MOLTO2) */
	emu_m2 m2;

	/* set by the handler when the persistent part changed */
	bool dirty;

	/* challenge source; NULL means OpenSSL's RAND_bytes */
	int (*random)(uint8_t *buf, size_t len, void *arg);
	void *random_arg;
} emu_token;

/* A factory-fresh token: no seed, SHA-1, 30 s, display 30 s, clock = now. */
int emu_token_init(emu_token *t, const char *serial, int64_t now);

/* Wipe the seed and every other secret held in t. */
void emu_token_wipe(emu_token *t);

/* Power off, power on, reset: authentication and challenge are lost. */
void emu_token_power_event(emu_token *t);

/* The token's clock (Unix seconds) at host time now, drift included. */
int64_t emu_token_time(const emu_token *t, int64_t now);

/* Model name from the serial prefix ("unknown" when not in the table) and
 * whether a config write erases the seed (unknown prefixes: yes). */
const char *emu_token_model(const char *serial);
bool emu_token_restricted(const char *serial);

/* true when serial is 1..EMU_SERIAL_MAX ASCII digits */
bool emu_serial_valid(const char *serial);

/*
 * Execute one C-APDU at host time now and write the R-APDU (data + SW) into
 * rapdu (at least EMU_RAPDU_MAX bytes).  Returns the R-APDU length (>= 2).
 */
size_t emu_token_handle(emu_token *t, int64_t now, const uint8_t *capdu,
                        size_t clen, uint8_t *rapdu);

/* The data of a get-info reply, hdr[3] | N | serial | 0F 04 | time[4],
 * into r; its length. */
size_t emu_token_info_data(const emu_token *t, int64_t now,
                           const uint8_t hdr[3], uint8_t *r);
/* A fresh challenge in t->challenge (the authentication ends); 0 or -1. */
int emu_token_new_challenge(emu_token *t);

/* A clock that was base at host time ref, running fast by drift ppm. */
int64_t emu_clock_at(int64_t base, int64_t ref, int32_t drift, int64_t now);

/* ---- the Molto2 (emu_molto2.c) ---- */

/* A factory-fresh Molto2: profiles 50 or 100, the customer key (NULL:
 * the factory one), profile 0 holding a factory seed titled "Token2" as a
 * real one does, every other profile untouched.  -1 on a bad argument. */
int emu_m2_init(emu_token *t, const char *serial, int64_t now,
                unsigned profiles, const uint8_t *customer_key, size_t len);
/* SHA-1(customer key)[0..16]; -1 when len is 0. */
int emu_m2_derive(const uint8_t *customer_key, size_t len, uint8_t key[16]);
size_t emu_m2_handle(emu_token *t, int64_t now, const uint8_t *capdu,
                     size_t clen, uint8_t *rapdu);
/* The up-arrow button: carry out the waiting request.  Returns the
 * request it carried out (EMU_M2_PENDING_*), NONE when nothing waited. */
unsigned emu_m2_press_up(emu_token *t);
/* Profile p's clock at host time now. */
int64_t emu_m2_time(const emu_token *t, unsigned p, int64_t now);
/* The code profile p shows at host time now; -1 without a seed. */
long emu_m2_code(const emu_token *t, unsigned p, int64_t now,
                 int64_t *token_time);

#endif
