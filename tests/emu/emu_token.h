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

typedef struct emu_token {
	/* persistent: what the state file holds */
	char serial[EMU_SERIAL_MAX + 1];
	uint8_t seed[EMU_SEED_MAX];
	size_t seedlen;         /* 0: no seed */
	unsigned hash;          /* EMU_HASH_* */
	unsigned step;          /* 30 or 60 */
	unsigned display;       /* wire value 0..3 */
	int64_t clock_base;     /* token time at host time clock_ref */
	int64_t clock_ref;      /* host time when the clock was last set */
	int32_t drift_ppm;      /* token clock runs fast by this many ppm */

	/* volatile: lost on power off / reset */
	bool authenticated;
	bool have_challenge;
	uint8_t challenge[8];
	bool locked;            /* fault: answer 6983 to every authenticate */

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

#endif
