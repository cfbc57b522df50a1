/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * safeid: the token families, and the Token2 Molto2.
 *
 * The Molto2 is the single-profile family's multi-profile sibling (v1: 50
 * profiles, v2: 100), a USB CCID token reached through the same PC/SC
 * stack.  It speaks the same SM4 and MAC rule, but its key is derived from
 * a customer key that works like a PIN (wrong keys are counted, then the
 * token locks), every command names a profile, and two commands wait for
 * a press of the token's up-arrow button.
 *
 * A front end first recognises the token (safeid_detect): the family
 * descriptor says what the token can do, so callers test its fields, not
 * the family's name.  Single-profile tokens keep the functions of
 * safeid.h; a Molto2 is driven through a session (safeid_m2_*), which
 * holds the derived key and what the token last said about its tries.
 *
 * Conventions as in safeid.h: SAFEID_OK or a negative safeid_err.  Every
 * composite operation brackets its commands in one exclusive begin/end of
 * the transport and authenticates inside it when it needs to.  Seeds,
 * customer keys and derived keys are wiped from every buffer that held
 * them, on every path.
 */
#ifndef SAFEID_MOLTO2_H
#define SAFEID_MOLTO2_H

#include <safeid/safeid.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- families ------------------------------------------------------------ */

typedef enum safeid_family_id {
	SAFEID_FAMILY_SINGLE = 1, /* OTPC, miniOTP, C30x: one seed */
	SAFEID_FAMILY_MOLTO2 = 2, /* Token2 Molto2: 50 or 100 profiles */
} safeid_family_id;

/* What a family of tokens can do; data only, one constant per family. */
typedef struct safeid_family {
	safeid_family_id id;
	const char *name;      /* "single-profile", "Molto2" */
	unsigned max_profiles; /* 1; 100 (a v1 Molto2 has 50) */
	bool customer_key;     /* authentication needs the person's key */
	bool counts_tries;     /* wrong keys are counted, then it locks */
	bool titles;           /* profiles carry a title of 1..12 bytes */
	unsigned digits_mask;  /* bit n set: codes of n digits can be set */
	bool clock_only_sync;  /* the clock can be set without touching seeds */
	bool profile_info;    /* what a profile holds is readable without key */
	bool button_confirms; /* key change and reset wait for a press of ▲ */
} safeid_family;

const safeid_family *safeid_family_single(void);
const safeid_family *safeid_family_molto2(void);

/* The family a reader's name points to, without any APDU: the Molto2 when
 * the name contains "molto" in any case (a real one reads "TOKEN2 Molto2
 * [CCID Interface] 00 00"), else single-profile.  "TOKEN2" alone says
 * nothing: Token2's FIDO keys and its NFC reader carry it too. */
const safeid_family *safeid_family_for_reader(const char *reader);

/* true when the family can show codes of that many digits */
bool safeid_family_digits_ok(const safeid_family *f, unsigned digits);

/* A recognised token. */
typedef struct safeid_detected {
	const safeid_family *family;
	safeid_info info;    /* serial and clock (model: single-profile) */
	unsigned profiles;   /* 1, 50 or 100 */
	bool profiles_known; /* false: profile 99 did not answer, so 50 is
	                          * assumed and nothing past 49 is touched */
	bool by_reader_name; /* the family the reader's name pointed to */
} safeid_detected;

/*
 * Recognise the token on t from its own answers, sending only reads: the
 * get info of the family the reader's name points to (reader may be
 * NULL), and when the card does not answer it well, the other family's
 * get info.  A Molto2 must also answer the per-profile info of profile 0,
 * and profile 99's tells 100 profiles from 50.  Inside one begin/end.
 * NOT_TOKEN when neither family's answer comes; transport errors as they
 * are.
 */
int safeid_detect(const safeid_transport *t, const char *reader,
                  safeid_detected *out);

/* ---- Molto2: protocol constants and pure functions ---------------------- */

#define SAFEID_M2_PROFILES 100u /* v2; v1 has 50 */
#define SAFEID_M2_PROFILES_V1 50u
#define SAFEID_M2_TITLE_MAX 12u   /* bytes of a title we write */
#define SAFEID_M2_TITLE_FIELD 16u /* bytes of the title field read back */
#define SAFEID_M2_KEY_LEN 16u     /* the derived SM4 key */
#define SAFEID_M2_CUSTOMER_KEY_MAX 1024u
/* The factory customer key: public, it protects nothing. */
#define SAFEID_M2_FACTORY_KEY "TOKEN2MOLTO1-KEY"
/* How long a press of ▲ is waited for unless the caller says otherwise. */
#define SAFEID_M2_PRESS_MS 60000L

/* The SM4 key: the first 16 bytes of SHA-1(customer key).  Any length
 * from 1 to SAFEID_M2_CUSTOMER_KEY_MAX (else SAFEID_ERR_CUSTOMER_KEY).
 * key is a secret: wipe it after use. */
int safeid_m2_derive_key(const uint8_t *customer_key, size_t len,
                         uint8_t key[SAFEID_M2_KEY_LEN]);

/* Everything a profile's config write sends. */
typedef struct safeid_m2_config {
	uint32_t clock;   /* Unix time, UTC, for the profile's clock */
	safeid_hash hash; /* SHA-1 or SHA-256 (no SHA-512) */
	unsigned step;    /* 30 or 60 */
	unsigned digits;  /* 4, 6, 8 or 10 */
	safeid_display display;
} safeid_m2_config;

/* CONFIG, DIGITS or OK: checked before anything is sent. */
int safeid_m2_config_check(const safeid_m2_config *cfg);

/*
 * APDU builders (pure; unit-tested with the known answers).  All write
 * into out (capacity outcap), set *outlen, and return SAFEID_ERR_ARG when
 * out is too small, SAFEID_ERR_PROFILE for a profile over 99.  key is the
 * derived key.  Outputs holding a seed or key are secrets: wipe them.
 */
int safeid_m2_apdu_get_info(uint8_t *out, size_t outcap, size_t *outlen);
int safeid_m2_apdu_profile_info(unsigned profile, uint8_t *out, size_t outcap,
                                size_t *outlen);
int safeid_m2_apdu_get_challenge(uint8_t *out, size_t outcap, size_t *outlen);
int safeid_m2_apdu_authenticate(const uint8_t key[SAFEID_M2_KEY_LEN],
                                const uint8_t challenge[8], uint8_t *out,
                                size_t outcap, size_t *outlen);
int safeid_m2_apdu_write_config(const uint8_t key[SAFEID_M2_KEY_LEN],
                                unsigned profile, const safeid_m2_config *cfg,
                                uint8_t *out, size_t outcap, size_t *outlen);
/* The clock-only form: the profile's seed, title and config stay. */
int safeid_m2_apdu_write_clock(const uint8_t key[SAFEID_M2_KEY_LEN],
                               unsigned profile, uint32_t clock, uint8_t *out,
                               size_t outcap, size_t *outlen);
/* A seed of 1..63 bytes gets 80 then zeros up to the next 16-byte boundary
 * (an aligned seed gets a whole block more); an all-zero seed gets zeros
 * only, the form that clears the profile. */
int safeid_m2_apdu_write_seed(const uint8_t key[SAFEID_M2_KEY_LEN],
                              unsigned profile, const uint8_t *seed,
                              size_t seedlen, uint8_t *out, size_t outcap,
                              size_t *outlen);
/* title: 1..12 bytes (else SAFEID_ERR_TITLE), 80-padded to one block. */
int safeid_m2_apdu_write_title(const uint8_t key[SAFEID_M2_KEY_LEN],
                               unsigned profile, const uint8_t *title,
                               size_t titlelen, uint8_t *out, size_t outcap,
                               size_t *outlen);
int safeid_m2_apdu_delete_seed(unsigned profile, uint8_t *out, size_t outcap,
                               size_t *outlen);
/* Under the current key: 00 | SHA-1(new)[0..16] | 80 | 14 x 00. */
int safeid_m2_apdu_change_key(const uint8_t key[SAFEID_M2_KEY_LEN],
                              const uint8_t *new_key, size_t new_len,
                              uint8_t *out, size_t outcap, size_t *outlen);
int safeid_m2_apdu_factory_reset(uint8_t *out, size_t outcap, size_t *outlen);
int safeid_m2_apdu_screen(bool lock, uint8_t *out, size_t outcap,
                          size_t *outlen);

/* What one profile holds, as its info (read without the key) says. */
typedef struct safeid_m2_profile {
	unsigned number;
	bool seed; /* a seed is present */
	/* the title as stored: titlelen bytes before the first zero byte
	 * (0: none), NUL-terminated; not checked as UTF-8 */
	char title[SAFEID_M2_TITLE_FIELD + 1];
	size_t titlelen;
	safeid_hash hash; /* 0 when the byte is neither 1 nor 2 */
	unsigned step;    /* seconds as stored; 0 on an untouched profile */
	unsigned digits;  /* as stored; 0 on an untouched profile */
	uint8_t flag;     /* opaque: its meaning is not public */
	uint32_t rtc, timecfg; /* opaque: their meaning is not public */
} safeid_m2_profile;

/* Parse the data of a per-profile info reply: exactly 33 bytes,
 * 95 1F 70 1D, then flag, title[16], rtc[4], timecfg[4], hash, step,
 * digits, seed present (00 or 01).  Else SAFEID_ERR_BAD_REPLY. */
int safeid_m2_parse_profile(const uint8_t *data, size_t len,
                            safeid_m2_profile *out);

/*
 * What an authenticate's status word means on a Molto2: 9000 OK; 63 NN
 * WRONG_KEY with NN tries left (SW2 as a binary number), or LOCKED when
 * NN is 0; 6983 LOCKED (*tries 0); anything else the mapped error.
 * *tries receives NN when the answer tells it.
 */
int safeid_m2_auth_sw(uint16_t sw, int *tries);

/* ---- Molto2: the session --------------------------------------------------- */

/* One token over one transport: the derived key (the factory key until
 * set), the tries the token last reported, the APDUs sent. */
typedef struct safeid_m2 safeid_m2;

/* profiles: 50 or 100 (safeid_detected.profiles).  NOMEM, ARG. */
int safeid_m2_open(const safeid_transport *t, unsigned profiles,
                   safeid_m2 **out);
/* Wipe the key and free; sets *s to NULL. */
void safeid_m2_free(safeid_m2 **s);
unsigned safeid_m2_profiles(const safeid_m2 *s);

/* Use this customer key from now on (key NULL: the factory key).  The
 * key is derived at once and not kept; CUSTOMER_KEY when its length is
 * not 1..1024. */
int safeid_m2_set_customer_key(safeid_m2 *s, const uint8_t *key, size_t len);
/* true while the key in use is the factory one (it protects nothing) */
bool safeid_m2_factory_key(const safeid_m2 *s);

/* The tries left as the token last said (63 NN, or 0 once it answered as
 * locked), -1 when unknown: no command reads the counter without trying.
 * A caller that kept the count from an earlier session gives it back with
 * safeid_m2_set_tries_left. */
int safeid_m2_tries_left(const safeid_m2 *s);
void safeid_m2_set_tries_left(safeid_m2 *s, int tries);
/* The person's consent to use what may be the last try (or to try a token
 * believed locked): good for the next authentication only. */
void safeid_m2_allow_last_try(safeid_m2 *s);

/*
 * Get a challenge and answer it with the session's key; never retried.
 * When the token last said one try is left (or none), nothing is sent and
 * SAFEID_ERR_LAST_TRY (or LOCKED) comes back, unless the caller allowed
 * the last try or this key was already accepted in this session.  63 NN:
 * WRONG_KEY, the tries in safeid_m2_tries_left.
 */
int safeid_m2_authenticate(safeid_m2 *s);

/* APDUs sent by the session so far (GET RESPONSEs included). */
unsigned safeid_m2_apdus(const safeid_m2 *s);

/* get info in the Molto2's form (serial, clock). */
int safeid_m2_get_info(safeid_m2 *s, safeid_info *out);
/* One profile's info, without the key. */
int safeid_m2_read_profile(safeid_m2 *s, unsigned profile,
                           safeid_m2_profile *out);
/* Every profile's info (0..profiles-1) into out[cap], in one begin/end;
 * *n receives how many were read (all of them on SAFEID_OK). */
int safeid_m2_read_profiles(safeid_m2 *s, safeid_m2_profile *out, size_t cap,
                            size_t *n);

/* ---- Molto2: what happened --------------------------------------------------- */

typedef enum safeid_m2_step {
	SAFEID_M2_STEP_NONE = 0, /* parameters checked, nothing sent */
	SAFEID_M2_STEP_INFO,     /* get info */
	SAFEID_M2_STEP_AUTH,     /* get challenge + authenticate */
	SAFEID_M2_STEP_CHECK,    /* profile info: is it free? */
	SAFEID_M2_STEP_SEED,     /* write seed */
	SAFEID_M2_STEP_TITLE,    /* write title */
	SAFEID_M2_STEP_CONFIG,   /* write config (with the clock) */
	SAFEID_M2_STEP_CLOCK,    /* write the clock only */
	SAFEID_M2_STEP_DELETE,   /* delete seed */
	SAFEID_M2_STEP_CONFIRM,  /* profile info read back */
	SAFEID_M2_STEP_REQUEST,  /* key change or factory reset sent */
	SAFEID_M2_STEP_PRESS,    /* waiting for ▲ */
	SAFEID_M2_STEP_VERIFY,   /* after a key change: authenticate with it */
	SAFEID_M2_STEP_SCREEN,   /* screen lock or unlock */
	SAFEID_M2_STEP_DONE,
} safeid_m2_step;

const char *safeid_m2_step_name(safeid_m2_step s); /* "write title", ... */

/* What one profile holds after an operation, part by part, as far as
 * the host can know.  Each part's state is OLD (nothing that changes it
 * was accepted), NEW (its write answered 9000), ERASED (the seed, after
 * a delete) or UNKNOWN (a write was sent and its answer was lost). */
typedef struct safeid_m2_result {
	unsigned profile;
	safeid_m2_step step; /* reached: failed there, or DONE */
	int err;
	safeid_seed_state seed;
	safeid_seed_state title;
	safeid_seed_state config; /* hash, step, digits, display, clock */
	bool checked;             /* before holds the profile's info */
	safeid_m2_profile before;
	bool confirmed; /* after holds the read back, as written */
	safeid_m2_profile after;
} safeid_m2_result;

/* A sentence for what a profile holds of a part (seed, title, config) in
 * state s, e.g. "as written (the token accepted it)".  Never NULL. */
const char *safeid_m2_part_text(safeid_seed_state s);

/* The session-level part of an operation. */
typedef struct safeid_m2_report {
	safeid_m2_step step; /* the step reached (DONE at the end) */
	int err;             /* the first error, or SAFEID_OK */
	safeid_info info;    /* valid once step > INFO */
	safeid_info after;   /* sync: get info at the end, when read */
	bool have_after;
	int tries_left; /* as safeid_m2_tries_left after the step */
	size_t done;    /* profiles whose operation completed */
	unsigned apdus; /* APDUs this operation sent */
} safeid_m2_report;

/* Called as each step starts (err == 1) and ends (SAFEID_OK or error);
 * profile is -1 for the session's own steps. */
typedef void (*safeid_m2_progress_fn)(void *arg, int profile,
                                      safeid_m2_step step, int err);

/* ---- Molto2: operations ------------------------------------------------------ */

/* One account for safeid_m2_burn. */
typedef struct safeid_m2_account {
	unsigned profile;
	safeid_m2_config cfg;
	const uint8_t *seed; /* 1..63 bytes, not all zero */
	size_t seedlen;
	const uint8_t *title; /* NULL / 0: the profile keeps its title */
	size_t titlelen;      /* 1..12 bytes (cut by the caller) */
} safeid_m2_account;

/* safeid_m2_burn flags */
#define SAFEID_M2_OVERWRITE \
	0x1u /* write over an occupied profile (no
                                  * CHECK read before it) */

/*
 * Burn n accounts in one begin/end with one authentication: get info;
 * unless OVERWRITE, read every profile's info first, and an occupied one
 * ends it with SAFEID_ERR_OCCUPIED before the key is used or anything is
 * written; authenticate; then per account write the seed, the title, the
 * config, and read the profile back (READBACK when seed present, hash,
 * step, digits or title differ).  The vendor's order (seed, title,
 * config) is the one seen working on hardware; the config write does not
 * touch the seed.  Every account's values are checked before anything is
 * sent.  Stops at the first failure: results[i] (n of them) say what each
 * profile holds; those not reached stay OLD.  Returns report->err.
 */
int safeid_m2_burn(safeid_m2 *s, const safeid_m2_account *acc, size_t n,
                   unsigned flags, safeid_m2_progress_fn progress, void *arg,
                   safeid_m2_report *report, safeid_m2_result *results);

/*
 * Set the clock of the listed profiles (profiles NULL: every one of the
 * token's) to clock with the clock-only form, which leaves seeds, titles
 * and configs as they are: get info, authenticate, one write per
 * profile, get info again (report->after; not checked: whether a
 * profile's clock write moves the clock get info shows is not public).
 * A profile that refuses is noted and the others are still synced; a lost
 * answer stops it.  results holds n entries (profiles NULL: the token's
 * profile count).  Returns report->err.
 */
int safeid_m2_sync(safeid_m2 *s, uint32_t clock, const unsigned *profiles,
                   size_t n, safeid_m2_progress_fn progress, void *arg,
                   safeid_m2_report *report, safeid_m2_result *results);

/*
 * Delete a profile's seed (its title and config stay): get info, read the
 * profile (one without a seed is left alone: SAFEID_OK, result->before.seed
 * false, no key used), authenticate, delete (6A83, already empty, is
 * fine), read the profile back.  Returns report->err.
 */
int safeid_m2_delete(safeid_m2 *s, unsigned profile,
                     safeid_m2_progress_fn progress, void *arg,
                     safeid_m2_report *report, safeid_m2_result *result);

/* Screen lock (lock true) or unlock; firmware 2.1 or later.  A token that
 * does not know the command gives SAFEID_ERR_NOT_SUPPORTED. */
int safeid_m2_screen(safeid_m2 *s, bool lock);

/* ---- Molto2: the commands that wait for ▲ ----------------------------------- */

typedef enum safeid_m2_press {
	SAFEID_M2_PRESS_KEY_CHANGE = 1,
	SAFEID_M2_PRESS_RESET,
} safeid_m2_press;

/*
 * The caller's part of a ▲ wait: tell the person to press ▲ on the token
 * (what says which request), and return SAFEID_OK once they say they did,
 * SAFEID_ERR_TIMEOUT when timeout_ms passed first, SAFEID_ERR_CANCELLED
 * when they gave up.  Nothing goes to the token meanwhile: whether a
 * command cancels the waiting request is not public.
 */
typedef int (*safeid_m2_press_fn)(void *arg, safeid_m2_press what,
                                  long timeout_ms);

typedef enum safeid_m2_outcome {
	SAFEID_M2_NOT_SENT = 0, /* the request never reached the token */
	SAFEID_M2_REFUSED,      /* the token refused the request */
	SAFEID_M2_LOST,         /* the request's answer was lost */
	SAFEID_M2_PENDING,      /* accepted (9060); no ▲ wait was asked for */
	SAFEID_M2_UNCONFIRMED,  /* ▲ asked for; the token gives no way to
	                          * tell whether it happened */
	SAFEID_M2_CONFIRMED,    /* it happened, as the token showed */
	SAFEID_M2_NOT_DONE,     /* it did not happen, as the token showed */
	SAFEID_M2_PARTIAL,      /* reset: some seeds went, others stayed */
} safeid_m2_outcome;

/* "confirmed", ...; and a sentence for a person. */
const char *safeid_m2_outcome_name(safeid_m2_outcome o);
const char *safeid_m2_outcome_text(safeid_m2_outcome o);

typedef struct safeid_m2_press_report {
	safeid_m2_outcome outcome;
	safeid_m2_step step; /* reached */
	int err;             /* what ended it, or SAFEID_OK */
	int press;           /* the press callback's answer; 1: not called */
	int tries_left;
	/* reset: which profiles held a seed before and after */
	bool held_before[SAFEID_M2_PROFILES];
	bool held_after[SAFEID_M2_PROFILES];
	unsigned seeds_before, seeds_after;
	bool read_after; /* held_after was read completely */
	unsigned apdus;
} safeid_m2_press_report;

/* safeid_m2_change_key flag: after the wait, authenticate with the new
 * key.  That is the only check the protocol has, and it costs a try when
 * the change did not happen: only with the person's consent. */
#define SAFEID_M2_VERIFY 0x2u

/*
 * Change the customer key: get info, authenticate with the current key,
 * send the new key's hash; the token answers 9060 and commits only when
 * the person presses ▲.  press NULL: returns then (PENDING).  Else press
 * is called with press_ms (<= 0: SAFEID_M2_PRESS_MS) and the outcome is
 * UNCONFIRMED, or with SAFEID_M2_VERIFY, CONFIRMED (the session uses the
 * new key from then on) or NOT_DONE (the old key stays; a try was spent).
 * Returns r->err.
 */
int safeid_m2_change_key(safeid_m2 *s, const uint8_t *new_key, size_t len,
                         unsigned flags, long press_ms,
                         safeid_m2_press_fn press, void *arg,
                         safeid_m2_press_report *r);

/*
 * Factory reset (needs no key; erases every profile, puts back the
 * factory customer key): get info, read every profile's info, send the
 * reset (9060), wait for ▲ as above (press NULL: PENDING), read every
 * profile's info again.  Whether a reset puts the factory seed back into
 * profile 0 is not public, so: CONFIRMED when seeds went and none is left
 * but possibly profile 0's; NOT_DONE when every seed is still there;
 * PARTIAL when some went and others stayed; UNCONFIRMED when nothing
 * tells (no seed before, or only profile 0's, still there).  On CONFIRMED
 * the session uses the factory key and forgets the tries.  r->err: OK on
 * CONFIRMED and UNCONFIRMED (the person said pressed), else the person's
 * answer (TIMEOUT, CANCELLED) or READBACK.  Returns r->err.
 */
int safeid_m2_factory_reset(safeid_m2 *s, long press_ms,
                            safeid_m2_press_fn press, void *arg,
                            safeid_m2_press_report *r);

#ifdef __cplusplus
}
#endif

#endif /* SAFEID_MOLTO2_H */
