/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * safeid: the token core.
 *
 * Speaks the single-profile programmable OTP token protocol (SafeID/Diamond
 * class, ExcelSecu/Token2 family) over any transport given as a table of
 * functions.  Everything the PKCS#11 module, the OpenSC card driver and the
 * tool do with a token goes through this interface.
 *
 * Conventions: functions return SAFEID_OK (0) or a negative safeid_err;
 * safeid_strerror() gives the sentence for a person, safeid_errname() the
 * symbol.  Seeds are secrets: the core never logs them and wipes every buffer
 * that held one (or its padded/encrypted form) before returning.
 */
#ifndef SAFEID_SAFEID_H
#define SAFEID_SAFEID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <safeid/version.h> /* SAFEID_VERSION, generated */

#ifdef __cplusplus
extern "C" {
#endif

/* ---- errors ------------------------------------------------------------ */

typedef enum safeid_err {
	SAFEID_OK = 0,
	SAFEID_ERR_ARG = -1,        /* invalid argument (programming error) */
	SAFEID_ERR_NOMEM = -2,      /* out of memory */
	SAFEID_ERR_NO_SERVICE = -3, /* no PC/SC service: start pcscd */
	SAFEID_ERR_NO_READER = -4,  /* no reader attached */
	SAFEID_ERR_READER_UNKNOWN = -5, /* the named reader does not exist */
	SAFEID_ERR_NO_TOKEN = -6,       /* no token on the reader */
	SAFEID_ERR_BUSY = -7,           /* another program holds the reader */
	SAFEID_ERR_REMOVED = -8,     /* token removed / reset mid-operation */
	SAFEID_ERR_READER_GONE = -9, /* reader vanished or PC/SC service died */
	SAFEID_ERR_COMM = -10,       /* transmit failed otherwise */
	SAFEID_ERR_TIMEOUT = -11,    /* no answer / wait bound reached */
	SAFEID_ERR_BAD_REPLY = -12,  /* malformed reply (length, format) */
	SAFEID_ERR_NOT_TOKEN = -13, /* the card is not a token of this family */
	SAFEID_ERR_AUTH = -14,      /* 6983: auth refused, bad MAC or locked */
	SAFEID_ERR_BAD_DATA = -15,  /* 6A80 */
	SAFEID_ERR_WRONG_LENGTH = -16, /* 6700 */
	SAFEID_ERR_INS = -17,          /* 6D00 */
	SAFEID_ERR_CLA = -18,          /* 6E00 */
	SAFEID_ERR_SW = -19,           /* any other status word */
	SAFEID_ERR_SEED_LENGTH = -20,  /* seed empty or longer than 63 bytes */
	SAFEID_ERR_CONFIG = -21, /* hash/step/display value not supported */
	SAFEID_ERR_CRYPTO = -22, /* OpenSSL failure */
	SAFEID_ERR_NOT_AUTHENTICATED = -23, /* secure command before auth */
	SAFEID_ERR_INTERNAL = -24,
	SAFEID_ERR_CLOCK = -25,     /* confirm: token clock not as written */
	SAFEID_ERR_CANCELLED = -26, /* a wait was cancelled by the program */
	/* The Molto2 (safeid/molto2.h). */
	SAFEID_ERR_WRONG_KEY = -27, /* 63 NN: customer key refused, NN left */
	SAFEID_ERR_LOCKED = -28,    /* no tries left: the token is locked */
	SAFEID_ERR_LAST_TRY = -29, /* one try left: not tried without consent */
	SAFEID_ERR_PROFILE = -30,  /* profile number out of range */
	SAFEID_ERR_OCCUPIED = -31, /* the profile holds a seed already */
	SAFEID_ERR_TITLE = -32,    /* title not 1..12 bytes */
	SAFEID_ERR_DIGITS = -33,   /* digits not supported by the family */
	SAFEID_ERR_CUSTOMER_KEY = -34, /* customer key empty or too long */
	SAFEID_ERR_ZERO_SEED = -35,    /* all-zero seed: means "clear" */
	SAFEID_ERR_NOT_SUPPORTED =
		-36, /* the token does not know the command */
	SAFEID_ERR_READBACK =
		-37, /* profile read back differs from the write */
} safeid_err;

/* Lowest error code; every code from SAFEID_ERR_LAST to SAFEID_OK exists. */
#define SAFEID_ERR_LAST SAFEID_ERR_READBACK

/* Short symbol, e.g. "SAFEID_ERR_AUTH".  Never NULL. */
const char *safeid_errname(int err);
/* A sentence for a person naming what happened and what to do. Never NULL. */
const char *safeid_strerror(int err);
/* Map a status word to SAFEID_OK or an error. */
int safeid_sw_to_err(uint16_t sw);

/* ---- protocol constants ----------------------------------------------- */

#define SAFEID_SEED_MAX 63u     /* longest seed the token accepts */
#define SAFEID_SEED_MIN_PAD 20u /* shorter seeds are zero-extended to this */
#define SAFEID_SERIAL_MAX 32u   /* longest serial we accept in get info */
#define SAFEID_APDU_MAX 261u    /* short APDU buffer size (C or R) */

typedef enum safeid_hash {
	SAFEID_HASH_SHA1 = 1,
	SAFEID_HASH_SHA256 = 2,
} safeid_hash;

/* The token's display timeout; the enum value is the wire byte. */
typedef enum safeid_display {
	SAFEID_DISPLAY_15S = 0,
	SAFEID_DISPLAY_30S = 1,
	SAFEID_DISPLAY_60S = 2,
	SAFEID_DISPLAY_120S = 3,
} safeid_display;

/* Everything a config write sends.  step is 30 or 60 seconds. */
typedef struct safeid_config {
	uint32_t clock; /* Unix time, UTC, to set the token's clock to */
	safeid_hash hash;
	unsigned step; /* 30 or 60 */
	safeid_display display;
} safeid_config;

/* display seconds (15/30/60/120) <-> enum; return SAFEID_ERR_CONFIG if bad */
int safeid_display_from_seconds(unsigned seconds, safeid_display *out);
unsigned safeid_display_seconds(safeid_display d);

/* ---- models ------------------------------------------------------------ */

typedef struct safeid_model {
	const char *prefix;   /* serial prefix, e.g. "8659622" */
	const char *name;     /* e.g. "OTPC-P2-i" */
	bool restricted_sync; /* true: a config write erases the seed */
} safeid_model;

/* Longest-prefix match in the model table; NULL when the prefix is unknown
 * (treat an unknown model as restricted: the safe assumption). */
const safeid_model *safeid_model_lookup(const char *serial);
/* true when a config write on this serial's model erases the seed
 * (unknown models count as restricted). */
bool safeid_serial_restricted(const char *serial);

/* ---- get info ------------------------------------------------------------ */

typedef struct safeid_info {
	char serial[SAFEID_SERIAL_MAX + 1]; /* NUL-terminated ASCII digits */
	uint32_t clock;                     /* token clock, Unix time UTC */
	const safeid_model *model;          /* NULL when unknown */
} safeid_info;

/* Parse the data part (without SW) of a get-info reply.  Rejects a reply
 * whose length is not 3+1+N+2+4, an empty or overlong serial, or a serial
 * that is not all ASCII digits (SAFEID_ERR_BAD_REPLY). */
int safeid_parse_info(const uint8_t *data, size_t len, safeid_info *out);

/* ---- APDU builders (pure functions; unit-tested with known answers) ---- */

/* All write into out (capacity outcap) and set *outlen.  They return
 * SAFEID_ERR_ARG when out is too small. */
int safeid_apdu_get_info(uint8_t *out, size_t outcap, size_t *outlen);
int safeid_apdu_get_challenge(uint8_t *out, size_t outcap, size_t *outlen);
int safeid_apdu_authenticate(const uint8_t challenge[8], uint8_t *out,
                             size_t outcap, size_t *outlen);
int safeid_apdu_write_config(const safeid_config *cfg, uint8_t *out,
                             size_t outcap, size_t *outlen);
/* The output holds the encrypted seed: wipe it after use. */
int safeid_apdu_write_seed(const uint8_t *seed, size_t seedlen, uint8_t *out,
                           size_t outcap, size_t *outlen);

/* ---- transport ---------------------------------------------------------- */

/*
 * A transport moves one short APDU and its reply.  transmit() returns
 * SAFEID_OK with the full R-APDU (data + SW1 SW2) in rapdu, or an error
 * (SAFEID_ERR_REMOVED, _READER_GONE, _COMM, _TIMEOUT, ...).  T=0 61XX/6CXX
 * handling is done by the core (safeid_transceive), not by the transport.
 * begin/end (optional, may be NULL) bracket an exclusive sequence: while
 * it lasts no other program may send APDUs to the token.
 */
typedef struct safeid_transport {
	void *ctx;
	int (*transmit)(void *ctx, const uint8_t *capdu, size_t clen,
	                uint8_t *rapdu, size_t rcap, size_t *rlen);
	int (*begin)(void *ctx);
	int (*end)(void *ctx);
} safeid_transport;

/* Optional trace hook: called with each C-APDU header (at most 5 bytes;
 * never data), a command name ("get info", "write seed", ...) and its SW
 * (0 when no SW came back).  For --verbose.  Set to NULL to disable.  The
 * hook is process-wide: set it before starting threads that use the core. */
typedef void (*safeid_trace_fn)(void *arg, const char *what, const uint8_t *hdr,
                                size_t hdrlen, uint16_t sw);
void safeid_set_trace(safeid_trace_fn fn, void *arg);

/* Send one APDU, follow 61XX with GET RESPONSE and 6CXX with a resend,
 * split off the SW.  data receives the reply data (cap datacap). */
int safeid_transceive(const safeid_transport *t, const uint8_t *capdu,
                      size_t clen, uint8_t *data, size_t datacap,
                      size_t *datalen, uint16_t *sw);

/* ---- token operations ------------------------------------------------- */

int safeid_get_info(const safeid_transport *t, safeid_info *out);
/* Get a challenge and answer it.  Never retried: a 6983 ends it. */
int safeid_authenticate(const safeid_transport *t);
int safeid_write_config(const safeid_transport *t, const safeid_config *cfg);
int safeid_write_seed(const safeid_transport *t, const uint8_t *seed,
                      size_t seedlen);

/* ---- the composite burn ---------------------------------------------- */

typedef enum safeid_step {
	SAFEID_STEP_NONE = 0,
	SAFEID_STEP_INFO,    /* get info (serial, clock) */
	SAFEID_STEP_AUTH,    /* get challenge + authenticate */
	SAFEID_STEP_CONFIG,  /* write config (clock, hash, step, display) */
	SAFEID_STEP_SEED,    /* write seed */
	SAFEID_STEP_CONFIRM, /* get info again: read back the clock */
	SAFEID_STEP_DONE,
} safeid_step;

const char *safeid_step_name(safeid_step s); /* "read info", ... */

/* What the token holds after a burn attempt, as far as the host can know. */
typedef enum safeid_seed_state {
	SAFEID_SEED_OLD = 0, /* unchanged: nothing that writes was accepted */
	SAFEID_SEED_ERASED,  /* config written on a restricted model: no seed */
	SAFEID_SEED_NEW,     /* the new seed was accepted (9000) */
	SAFEID_SEED_UNKNOWN, /* a write was sent but its answer was lost */
} safeid_seed_state;

const char *safeid_seed_state_text(safeid_seed_state s);
/* Stable keyword for scripts and JSON: "old", "erased", "new", "unknown". */
const char *safeid_seed_state_name(safeid_seed_state s);

typedef struct safeid_burn_report {
	safeid_step step;       /* step reached (failed there, or DONE) */
	int err;                /* SAFEID_OK or the error at that step */
	safeid_seed_state seed; /* what the token now holds */
	bool config_written;    /* clock/hash/step/display now as requested */
	safeid_info before;     /* valid once step > INFO */
	safeid_info after;      /* valid when step == DONE */
	unsigned apdus;         /* APDUs sent (incl. GET RESPONSE) */
} safeid_burn_report;

/* Called as each step starts (err == 1) and ends (err == SAFEID_OK or error). */
typedef void (*safeid_progress_fn)(void *arg, safeid_step step, int err,
                                   const safeid_burn_report *sofar);

/*
 * info, authenticate, write config, write seed, info again; inside one
 * exclusive begin/end if the transport has them.  The seed is not copied
 * beyond the transient encrypted APDU, which is wiped.  Returns report->err.
 */
int safeid_burn(const safeid_transport *t, const safeid_config *cfg,
                const uint8_t *seed, size_t seedlen,
                safeid_progress_fn progress, void *arg,
                safeid_burn_report *report);

/*
 * Config-only write (clock sync): info, authenticate, write config, info
 * again, in one exclusive begin/end; SAFEID_STEP_SEED is skipped.  The
 * report's seed state is ERASED once a restricted (or unknown) model
 * accepted the config, UNKNOWN when its answer was lost there, else OLD.
 * Callers must have the user's consent before calling this on a
 * restricted model.  Returns report->err.
 */
int safeid_configure(const safeid_transport *t, const safeid_config *cfg,
                     safeid_progress_fn progress, void *arg,
                     safeid_burn_report *report);

/* ---- TOTP (RFC 6238), for expected codes and verification ------------ */

/* 4 or 6..10 digits; returns SAFEID_OK and the code in *code. */
int safeid_totp(const uint8_t *key, size_t keylen, safeid_hash hash,
                unsigned step, uint64_t unix_time, unsigned digits,
                uint32_t *code);

/* ---- secret hygiene ---------------------------------------------------- */

/* Wipe that the compiler may not remove (OPENSSL_cleanse). */
void safeid_wipe(void *p, size_t n);

/* ---- PC/SC transport ----------------------------------------------- */

typedef struct safeid_pcsc safeid_pcsc;

typedef struct safeid_reader_list {
	size_t count;
	char **names;  /* count reader names */
	bool *present; /* a card is present on reader i */
} safeid_reader_list;

/* Lists readers; NO_SERVICE when pcscd is not running.  An empty list is
 * SAFEID_OK with count 0 (callers say "no reader"). */
int safeid_pcsc_list(safeid_reader_list *out);
void safeid_pcsc_list_free(safeid_reader_list *l);

/* Select a reader by decimal index or by case-insensitive substring of its
 * name (an exact name wins over substrings).  NULL or "" = the only reader
 * (card or not: opening it then says NO_TOKEN), else the first reader with
 * a card.  *index receives the position in the list.  Errors: NO_READER
 * (empty list), READER_UNKNOWN (no match, index out of range), NO_TOKEN
 * (no spec, several readers, none with a card), ARG when a substring
 * matches several readers. */
int safeid_pcsc_pick(const safeid_reader_list *l, const char *spec,
                     size_t *index);

/* Connect (shared) to a reader with a card.  NO_TOKEN when empty. */
int safeid_pcsc_open(const char *reader, safeid_pcsc **out);
/* The transport: transmit, begin/end = SCardBeginTransaction/End. */
const safeid_transport *safeid_pcsc_transport(safeid_pcsc *p);
/* Disconnect (leave the card powered) and free; sets *p to NULL. */
void safeid_pcsc_close(safeid_pcsc **p);

/* Wait until a card is present on reader (or any reader when NULL, also
 * one plugged in while waiting) or the timeout (ms; <0 = forever) passes,
 * using SCardGetStatusChange (events, not polling).  Fills reader_out (cap
 * bytes; may be NULL) with the reader's name.  Errors: TIMEOUT, NO_READER
 * (any reader asked, none ever present), READER_UNKNOWN, NO_SERVICE. */
int safeid_pcsc_wait_card(const char *reader, long timeout_ms, char *reader_out,
                          size_t cap);

/* ---- watching readers (PC/SC) ------------------------------------------ */

/*
 * What PC/SC knows of a reader at one moment, learnt without connecting to
 * the card (so without an APDU).  pcsc-lite counts each reader's card
 * insertions and removals: while the count and the presence stay the
 * same, the card on the reader is the same one, untouched.
 */
typedef struct safeid_reader_state {
	bool known;      /* PC/SC knows the reader (false: unknown or gone) */
	bool present;    /* a card is in the reader, answering or not */
	bool usable;     /* a card is there and gave its ATR: open can work */
	bool empty;      /* PC/SC knows the reader is empty */
	unsigned events; /* the reader's card event count (16 bits, wraps) */
} safeid_reader_state;

/* The most readers one look or wait takes (pcsc-lite's own maximum). */
#define SAFEID_WATCH_MAX 16u

/*
 * A watch: one PC/SC context to list readers, look at them and wait for
 * them to change; set up on first use, and again when pcscd restarted
 * since.  Calls on a watch are serialised and a wait holds it, so a thread
 * that waits uses a watch of its own.
 */
typedef struct safeid_watch safeid_watch;

/* A new watch (no PC/SC call yet).  NOMEM. */
int safeid_watch_new(safeid_watch **out);
/* Release its PC/SC context and free it; sets *w to NULL. */
void safeid_watch_free(safeid_watch **w);
/* In the child after fork(): free the parent's watch without releasing
 * its PC/SC context, which belongs to the parent's connection to pcscd. */
void safeid_watch_forget(safeid_watch **w);

/* The readers with card presence, as safeid_pcsc_list, on the watch. */
int safeid_watch_list(safeid_watch *w, safeid_reader_list *out);
/* The states of n readers (n <= SAFEID_WATCH_MAX) now, without waiting.
 * A reader PC/SC does not know gets known = false; errors are about the
 * service (NO_SERVICE, ...). */
int safeid_watch_look(safeid_watch *w, const char *const *readers, size_t n,
                      safeid_reader_state *states);
/* Wait until the state of one of the n readers differs from states[], or
 * a reader is plugged in or out: SAFEID_OK, states[] then hold the states
 * now.  TIMEOUT when timeout_ms passed first, CANCELLED once
 * safeid_watch_cancel() was called.  timeout_ms < 0: no bound, and no
 * wake-up but PC/SC's events until then. */
int safeid_watch_wait(safeid_watch *w, const char *const *readers, size_t n,
                      safeid_reader_state *states, long timeout_ms);
/* From any thread: end the wait in progress on w, and every later one,
 * with CANCELLED (at once, or within half a second when the cancel comes
 * just before a bounded wait blocks; an unbounded wait is cancelled again
 * until it has ended, so then this returns after it).  w must live until
 * the waiter returned. */
void safeid_watch_cancel(safeid_watch *w);

#ifdef __cplusplus
}
#endif

#endif /* SAFEID_SAFEID_H */
