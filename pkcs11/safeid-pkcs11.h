/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * safeid-pkcs11.h: vendor extensions of the safeid PKCS#11 module.
 *
 * Include after a PKCS#11 header (p11-kit/pkcs11.h).  Every value here is
 * CKA_VENDOR_DEFINED | 0x5AF1xxxx so it cannot collide with the standard.
 *
 * Slots and tokens: one slot per PC/SC reader.  A card on the reader is a
 * present token (CKF_TOKEN_PRESENT); a card not of this family answers
 * C_GetTokenInfo and C_OpenSession with CKR_TOKEN_NOT_RECOGNIZED.  When
 * the token leaves the reader, every session opened on it is closed
 * (CKR_SESSION_HANDLE_INVALID, also once it is back) and its object
 * handles with them.  Sessions have no limit but memory.
 *
 * A token that does not answer holds no call longer than
 * SAFEID_PKCS11_TIMEOUT seconds (environment, 1..3600, default 10): the
 * call then fails with CKR_DEVICE_ERROR, and so does every token call on
 * that reader until the exchange ends (the token taken away).  (p11-kit's
 * "x-init-reserved" would need C_Initialize to take a non-NULL pReserved,
 * which PKCS#11 forbids; the module keeps to the standard.)
 *
 * Interfaces (PKCS#11 3.0): "PKCS 11" 3.0 (the default), "PKCS 11" 2.40
 * (the list C_GetFunctionList gives) and SAFEID_PKCS11_VENDOR_INTERFACE.
 * None is CKF_INTERFACE_FORK_SAFE: after fork() the child finds the module
 * not initialised and calls C_Initialize itself.
 *
 * Objects on a token:
 *   - CKO_HW_FEATURE / CKH_CLOCK: CKA_VALUE is the token clock as
 *     "YYYYMMDDhhmmss00" (UTC).  C_SetAttributeValue of CKA_VALUE sets it;
 *     the template may carry the configuration (CKA_OTP_TIME_INTERVAL,
 *     CKA_SAFEID_HASH, CKA_SAFEID_DISPLAY_TIMEOUT) and, on a restricted-sync
 *     model, must carry CKA_SAFEID_ERASE_SEED = CK_TRUE, or the write is
 *     refused with CKR_FUNCTION_REJECTED.
 *   - The seed slot, CKO_OTP_KEY / CKK_HOTP labelled "totp" until burned.
 *     CKA_VALUE is never readable.  C_CreateObject of a CKO_OTP_KEY (or
 *     CKO_SECRET_KEY / CKK_GENERIC_SECRET: SHA-1, 30 s) burns the seed
 *     (config, then seed).  A CKO_SECRET_KEY may also be typed CKK_AES,
 *     the only secret-key type besides DES3 that pkcs11-tool 0.23 writes
 *     ("--key-type AES:20"); the bytes of CKA_VALUE are the seed either
 *     way.  The template may carry CKA_OTP_TIME_INTERVAL (30/60),
 *     CKA_OTP_LENGTH (6), CKA_OTP_FORMAT (decimal) and the vendor
 *     attributes below.  The seed slot then reads back as the template
 *     made it: its class, key type, CKA_LABEL, CKA_ID, dates, usage flags,
 *     allowed mechanisms, OTP identifiers and CKA_VALUE_LEN, which the
 *     module keeps because the token cannot (also for later processes of
 *     the same user, in $XDG_STATE_HOME/safeid-pkcs11/, never the seed).
 *     Values the seed slot cannot have are CKR_TEMPLATE_INCONSISTENT:
 *     CKA_TOKEN false, CKA_PRIVATE, CKA_MODIFIABLE, CKA_COPYABLE,
 *     CKA_DESTROYABLE, CKA_EXTRACTABLE or CKA_TRUSTED true, CKA_SENSITIVE
 *     false (pkcs11-tool: give --sensitive); attributes only the token sets
 *     are CKR_ATTRIBUTE_READ_ONLY.  It cannot be destroyed, copied or
 *     modified (CKR_ACTION_PROHIBITED; CKR_SESSION_READ_ONLY first in a
 *     read-only session).
 *   - Reading the seed slot: CKA_OTP_TIME_INTERVAL, CKA_SAFEID_HASH and
 *     CKA_SAFEID_DISPLAY_TIMEOUT are known after a burn or clock write by
 *     the module (in this process or an earlier one) or from safeid-tool's
 *     burn record of the token, the newer of the two; until then they read
 *     0, CK_UNAVAILABLE_INFORMATION and 0.  A write since by anything else
 *     is not known.
 *   - The token has no PIN: C_Login answers CKR_USER_PIN_NOT_INITIALIZED,
 *     C_Logout CKR_USER_NOT_LOGGED_IN.  No random numbers:
 *     C_GenerateRandom and C_SeedRandom answer CKR_RANDOM_NO_RNG.
 *   - Labels: the clock object is "clock", the seed slot "totp" unless
 *     made with another.
 *   - A token that leaves the reader during a burn or clock write gives
 *     CKR_DEVICE_REMOVED (never CKR_OK); CKA_SAFEID_SEED_STATE then says
 *     what it holds once it is back, and safeid_pkcs11_seed_state() (below)
 *     says it at once, while the token is still away.  With
 *     SAFEID_PKCS11_DEBUG set in the environment the module explains
 *     refusals and failures on stderr (never with seed bytes).
 *
 * The Token2 Molto2 (50 or 100 profiles, a customer key that works like
 * a PIN) is one token in its slot, recognised from its own answers to
 * reads (the reader's name, containing "molto", says which family to ask
 * first).  Everything above holds for the single-profile family
 * unchanged; for a Molto2:
 *   - Token info: label "Molto2 SERIAL" (the serial alone when both do
 *     not fit), manufacturer "Token2", model "Molto2 100" or "Molto2 50"
 *     (the profile count; a token that does not answer for profile 99 is
 *     taken as 50, and nothing past 49 is touched).  Flags: CLOCK_ON_TOKEN,
 *     TOKEN_INITIALIZED, LOGIN_REQUIRED, USER_PIN_INITIALIZED, and from
 *     the tries counter as far as the token has told it (it tells only on
 *     a wrong key, "63 NN"): USER_PIN_COUNT_LOW after a wrong key since
 *     the last good one, USER_PIN_FINAL_TRY at one try left,
 *     USER_PIN_LOCKED at none.  A good key forgets the count (whether the
 *     token refills it is not public).  The module remembers the count per
 *     token for later sessions and, in the state folder below, for later
 *     processes.  ulMinPinLen 1, ulMaxPinLen 1024.
 *   - The customer key is the user PIN (bytes as given; the factory key
 *     is "TOKEN2MOLTO1-KEY", which protects nothing).  C_Login(CKU_USER)
 *     authenticates at once: a wrong key spends a try, as a wrong PIN
 *     does, and gives CKR_PIN_INCORRECT; a locked token CKR_PIN_LOCKED.
 *     At one try left (known to the module) the module sends nothing and
 *     answers CKR_PIN_LOCKED (USER_PIN_FINAL_TRY set, USER_PIN_LOCKED not)
 *     unless the application passed on the person's consent with
 *     safeid_pkcs11_allow_last_try() first: a wrong key then locks the
 *     token, and only a factory reset, which erases every profile, opens
 *     it again.  The login is the application's, for all its sessions on
 *     that token, until C_Logout, the last session's close or the token's
 *     leaving; the key is held until then in memory kept out of core
 *     dumps (and locked against swapping where the system allows).  CKU_SO: CKR_USER_PIN_NOT_INITIALIZED (the token has no SO
 *     PIN; the factory reset needs none).
 *   - Objects: the clock object as above, and one CKO_OTP_KEY / CKK_HOTP
 *     object per profile that holds a seed, public (listed and read
 *     without login: a profile's info needs no key).  CKA_ID: the profile
 *     number as one byte (pkcs11-tool --id takes hex: profile 57 is
 *     --id 39); CKA_LABEL: the title the token holds (up to 16 bytes);
 *     CKA_OTP_LENGTH: digits (4, 6, 8, 10); CKA_OTP_TIME_INTERVAL: step;
 *     CKA_SAFEID_HASH; CKA_SAFEID_PROFILE; CKA_VALUE never readable
 *     (sensitive, never extractable); CKA_DESTROYABLE true.  A profile the
 *     module burned reads back with the class, key type, CKA_VALUE_LEN
 *     and usage flags its template gave (CKO_SECRET_KEY as pkcs11-tool
 *     --write-object makes it, so --delete-object --type secrkey finds
 *     it) as long as the token shows what the module wrote there (seed,
 *     title, hash, digits, step), also for later processes of the user.
 *     C_FindObjectsInit reads every profile afresh; attribute reads use
 *     what it read while the same card stays untouched on the reader.
 *   - C_CreateObject (logged in, read-write session; else
 *     CKR_USER_NOT_LOGGED_IN / CKR_SESSION_READ_ONLY) of a CKO_OTP_KEY or
 *     CKO_SECRET_KEY burns one profile: CKA_ID (one byte, below the
 *     profile count) names it, without CKA_ID the first free profile
 *     (CKR_DEVICE_MEMORY when none is free).  CKA_VALUE the seed (1..63
 *     bytes, not all zero), CKA_OTP_LENGTH the digits (default 6),
 *     CKA_OTP_TIME_INTERVAL the step (30, 60; default 30), CKA_SAFEID_HASH
 *     (default SHA-1), CKA_SAFEID_DISPLAY_TIMEOUT, CKA_LABEL the title (at
 *     most 12 bytes kept: a longer label is cut at a UTF-8 character
 *     boundary; not UTF-8 or with a zero byte: CKR_ATTRIBUTE_VALUE_INVALID;
 *     without CKA_LABEL the profile keeps its title).  A profile that
 *     holds a seed is refused with CKR_TEMPLATE_INCONSISTENT, nothing
 *     written, unless CKA_SAFEID_OVERWRITE is CK_TRUE.  The order on the
 *     token is seed, title, config, then the profile is read back
 *     (CKR_DEVICE_ERROR when it does not read as written).
 *   - C_DestroyObject of a profile (logged in, read-write session) deletes
 *     its seed; the title and config stay (the object is gone: no seed).
 *   - C_SetAttributeValue of the clock object's CKA_VALUE (logged in)
 *     sets every profile's clock with the clock-only write, which keeps
 *     seeds, titles and configs; nothing is erased, so no consent is
 *     asked (CKA_SAFEID_ERASE_SEED is accepted and ignored), and a
 *     configuration in the template (CKA_SAFEID_HASH, ...) is
 *     CKR_TEMPLATE_INCONSISTENT: that write cannot set one.  A profile
 *     that refuses does not stop the others; the call then fails with
 *     CKR_FUNCTION_FAILED.
 *   - C_SetPIN (read-write session) authenticates with the old key (as
 *     C_Login: CKR_PIN_INCORRECT, CKR_PIN_LOCKED, the last try kept back),
 *     sends the new one (1..1024 bytes, else CKR_PIN_LEN_RANGE), and the
 *     token waits for its up-arrow button (▲) before it takes it.  No
 *     command tells whether ▲ was pressed, and any command ends the wait,
 *     so the module sends nothing while it waits: with a press handler
 *     (safeid_pkcs11_set_press_handler) it asks the application, else it
 *     waits SAFEID_PKCS11_BUTTON_TIMEOUT seconds (environment, 1..600,
 *     default 60; the token's display asks the person meanwhile).  Then
 *     it authenticates with the new key, the only check there is:
 *     CKR_OK when the token takes it (the login, if any, goes on with the
 *     new key); CKR_FUNCTION_REJECTED when it refuses it (no press: the
 *     old key stays, and that check spent a try).  When the handler says
 *     no press came (or CKR_FUNCTION_CANCELED: the person gave up) the
 *     module does not spend the try: it ends the token's wait with a read
 *     and answers CKR_FUNCTION_REJECTED (CKR_FUNCTION_CANCELED); the old
 *     key stays, unless ▲ was pressed all the same before that read.
 *     Other tries and codes as C_Login.
 *   - A token that leaves during a write gives CKR_DEVICE_REMOVED, as
 *     above; CKA_SAFEID_SEED_STATE of a profile object and
 *     safeid_pkcs11_seed_state("SERIAL/N") say what profile N holds.
 *   - The state folder file <serial>.molto2 (beside <serial>.seedslot)
 *     keeps the tries count and how the module made each profile (never
 *     a seed or key).
 */
#ifndef SAFEID_PKCS11_H
#define SAFEID_PKCS11_H

#define CKA_SAFEID_BASE (CKA_VENDOR_DEFINED | 0x5AF10000UL)

/* CK_MECHANISM_TYPE: CKM_SHA_1 or CKM_SHA256.  Default CKM_SHA_1. */
#define CKA_SAFEID_HASH (CKA_SAFEID_BASE + 1)
/* CK_ULONG seconds: 15, 30, 60 or 120.  Default 30. */
#define CKA_SAFEID_DISPLAY_TIMEOUT (CKA_SAFEID_BASE + 2)
/* UTF-8 string, read-only: the model name ("OTPC-P2-i"), "" if unknown. */
#define CKA_SAFEID_MODEL (CKA_SAFEID_BASE + 3)
/* CK_BBOOL, read-only: a config (clock) write erases the seed. */
#define CKA_SAFEID_RESTRICTED_SYNC (CKA_SAFEID_BASE + 4)
/* CK_BBOOL, write-only consent: erasing the seed by a clock write is OK. */
#define CKA_SAFEID_ERASE_SEED (CKA_SAFEID_BASE + 5)
/* CK_ULONG Unix time (UTC) to set the clock to during a burn; default: the
 * host clock at the moment of the config write. */
#define CKA_SAFEID_BURN_CLOCK (CKA_SAFEID_BASE + 6)
/* CK_ULONG, read-only on the seed slot object: what the token holds as far
 * as this module knows (CKS_SAFEID_SEED_*). */
#define CKA_SAFEID_SEED_STATE (CKA_SAFEID_BASE + 7)

/* CK_BBOOL, write-only consent in a Molto2 burn template: the profile
 * may already hold a seed, which the burn replaces.  Default CK_FALSE:
 * an occupied profile is refused (CKR_TEMPLATE_INCONSISTENT). */
#define CKA_SAFEID_OVERWRITE (CKA_SAFEID_BASE + 8)
/* CK_ULONG, read-only on a Molto2 profile object: its number (0..99),
 * the same as the one byte of its CKA_ID. */
#define CKA_SAFEID_PROFILE (CKA_SAFEID_BASE + 9)

#define CKS_SAFEID_SEED_OLD 0UL /* unchanged since the module saw it */
/* erased: by a config write (restricted single-profile models), by a
 * profile's delete or a factory reset (Molto2) */
#define CKS_SAFEID_SEED_ERASED 1UL
#define CKS_SAFEID_SEED_NEW 2UL     /* burned by this module */
#define CKS_SAFEID_SEED_UNKNOWN 3UL /* a write's answer was lost */

/*
 * safeid_pkcs11_seed_state: what the token with this serial holds
 * (CKS_SAFEID_SEED_*), as far as this module knows, asked by serial and
 * without a session.
 *
 * Why it exists: when a token leaves the reader during a burn or clock
 * write, the call fails with CKR_DEVICE_REMOVED and PKCS#11 closes the
 * sessions of the removed token, so CKA_SAFEID_SEED_STATE of its seed
 * slot cannot be read until the token is back.  The module still knows
 * what the interrupted write did (nothing sent, config written, seed
 * accepted, an answer lost); this function tells the application now,
 * so it can report the token's state truthfully right after the failure.
 *
 * A vendor extension, exported from the module beside C_GetFunctionList
 * (not in CK_FUNCTION_LIST): find it with dlsym(handle,
 * SAFEID_PKCS11_SEED_STATE_SYMBOL), or through the PKCS#11 3.0 interface
 * SAFEID_PKCS11_VENDOR_INTERFACE (below), and treat it as optional; other
 * modules do not have it.  Thread-safe: it takes the module lock, like
 * the C_* functions, and never talks to a token.
 *
 * Returns CKR_OK and *state when this process, since C_Initialize, has
 * tried a burn or clock write on that token through this module (it
 * remembers every token it wrote to, however many); CKR_DATA_INVALID when
 * it has not (nothing known, *state untouched);
 * For a Molto2 ask per profile: serial "SERIAL/N", N the profile in
 * decimal without leading zeros (0..99): CKR_OK once this process tried
 * a burn, delete or factory reset that could change profile N (a clock
 * write changes no seed: OLD); the serial alone answers CKR_DATA_INVALID
 * for a Molto2, and "SERIAL/N" for a single-profile token;
 * CKR_ARGUMENTS_BAD for a NULL argument; CKR_CRYPTOKI_NOT_INITIALIZED
 * before C_Initialize or after C_Finalize (which forgets everything).
 * serial: the token's serial as in CK_TOKEN_INFO.serialNumber, without
 * the padding, NUL-terminated.  A serial longer than serialNumber's 16
 * characters keeps its end there; the label holds the whole serial
 * ("SafeID SERIAL", or the serial alone when both do not fit), and that
 * whole serial is what this function knows the token by.
 */
#define SAFEID_PKCS11_SEED_STATE_SYMBOL "safeid_pkcs11_seed_state"
typedef CK_RV (*safeid_pkcs11_seed_state_fn)(const char *serial,
                                             CK_ULONG *state);
CK_RV safeid_pkcs11_seed_state(const char *serial, CK_ULONG *state);

/*
 * safeid_pkcs11_writes_started: how many write commands (configuration,
 * seed) this module has begun to send to any token since it was loaded.
 *
 * Why it exists: a burn or clock write is one call, and an application
 * that gives up on a token that stops answering (a watchdog ending the
 * process) must say whether anything was written.  When the count is
 * the same as before the call, nothing was: the token still holds what
 * it held.  Counted before each write command is sent, so a count that
 * has not moved is never wrong.
 *
 * Optional like safeid_pkcs11_seed_state (find it with dlsym).  It only
 * reads an atomic counter: safe from any thread and from a signal
 * handler, before C_Initialize too.
 */
#define SAFEID_PKCS11_WRITES_STARTED_SYMBOL "safeid_pkcs11_writes_started"
typedef CK_ULONG (*safeid_pkcs11_writes_started_fn)(void);
CK_ULONG safeid_pkcs11_writes_started(void);

/* ---- the Molto2's functions that PKCS#11 has no form for ----------------
 *
 * Exported beside C_GetFunctionList (dlsym by the *_SYMBOL names) and in
 * the vendor interface (version 1.1); optional for applications, like
 * the two above.  All take the module lock like the C_* functions; all
 * give CKR_CRYPTOKI_NOT_INITIALIZED before C_Initialize, and those that
 * take a session CKR_SESSION_HANDLE_INVALID for one not open and
 * CKR_FUNCTION_NOT_SUPPORTED for a token of the single-profile family
 * (it has no customer key, no ▲ and no screen lock).
 */

/*
 * safeid_pkcs11_allow_last_try: the person consents to spend what may be
 * the token's last try (or to try a token the module believes locked):
 * good for the next authentication with a key the token has not taken in
 * this process (C_Login or C_SetPIN) on the session's token, and only
 * that one.  Ask the person first, and say that a wrong key then locks
 * the token, which only a factory reset (erasing every profile) opens.
 */
#define SAFEID_PKCS11_ALLOW_LAST_TRY_SYMBOL "safeid_pkcs11_allow_last_try"
typedef CK_RV (*safeid_pkcs11_allow_last_try_fn)(CK_SESSION_HANDLE session);
CK_RV safeid_pkcs11_allow_last_try(CK_SESSION_HANDLE session);

/*
 * safeid_pkcs11_tries_left: the tries the Molto2 with this serial has
 * left as far as the module knows (*tries -1: unknown; the token tells
 * only on a wrong key, and a good key forgets the count).  CKR_OK;
 * CKR_DATA_INVALID when the module knows nothing of that serial;
 * CKR_ARGUMENTS_BAD for NULL.  Never talks to a token.
 */
#define SAFEID_PKCS11_TRIES_LEFT_SYMBOL "safeid_pkcs11_tries_left"
typedef CK_RV (*safeid_pkcs11_tries_left_fn)(const char *serial,
                                             CK_LONG *tries);
CK_RV safeid_pkcs11_tries_left(const char *serial, CK_LONG *tries);

/* What a press handler is asked to wait for. */
#define SAFEID_PKCS11_PRESS_KEY_CHANGE 1UL /* C_SetPIN */
#define SAFEID_PKCS11_PRESS_RESET 2UL      /* safeid_pkcs11_factory_reset */

/*
 * A press handler: the token on slot waits for its up-arrow button (▲)
 * to carry out what (SAFEID_PKCS11_PRESS_*).  Tell the person to press
 * it, and return CKR_OK once they say they did, CKR_FUNCTION_CANCELED
 * when they give up, anything else (say CKR_FUNCTION_REJECTED) when
 * timeout_ms passed first.  Called on the thread of the C_SetPIN or
 * reset call, with no module lock held but the slot's (so no call on
 * that slot may be made from it); it must not talk to the token.
 */
typedef CK_RV (*safeid_pkcs11_press_fn)(void *arg, CK_SLOT_ID slot,
                                        CK_ULONG what, CK_ULONG timeout_ms);

/*
 * safeid_pkcs11_set_press_handler: use fn (with arg) for every wait for
 * ▲ from now on, in this process (fn NULL: none).  Without a handler the
 * module waits the whole SAFEID_PKCS11_BUTTON_TIMEOUT, since nothing on
 * the token tells when ▲ was pressed.  C_Finalize forgets the handler.
 */
#define SAFEID_PKCS11_SET_PRESS_HANDLER_SYMBOL "safeid_pkcs11_set_press_handler"
typedef CK_RV (*safeid_pkcs11_set_press_handler_fn)(safeid_pkcs11_press_fn fn,
                                                    void *arg);
CK_RV safeid_pkcs11_set_press_handler(safeid_pkcs11_press_fn fn, void *arg);

/* What a factory reset did, as the token shows it (*outcome). */
#define CKS_SAFEID_PRESS_NOT_SENT 0UL    /* the request never reached it */
#define CKS_SAFEID_PRESS_REFUSED 1UL     /* the token refused the request */
#define CKS_SAFEID_PRESS_LOST 2UL        /* the request's answer was lost */
#define CKS_SAFEID_PRESS_UNCONFIRMED 4UL /* nothing on the token tells */
#define CKS_SAFEID_PRESS_CONFIRMED 5UL   /* done: the seeds are gone */
#define CKS_SAFEID_PRESS_NOT_DONE 6UL    /* every seed is still there */
#define CKS_SAFEID_PRESS_PARTIAL 7UL     /* some seeds went, others stayed */

/*
 * safeid_pkcs11_factory_reset: erase every profile of the session's
 * Molto2 and put back the factory customer key, once the person presses
 * ▲ (waited for as C_SetPIN waits).  Needs a read-write session
 * (CKR_SESSION_READ_ONLY) but no login: the reset needs no key, it is
 * the way back from a lost or locked one.  The module reads every
 * profile before and after: CKR_OK and CONFIRMED when the seeds that
 * were there are gone (the application is then logged out of the token
 * and its tries count forgotten); CKR_FUNCTION_REJECTED and NOT_DONE
 * when every seed is still there (or REFUSED); CKR_FUNCTION_FAILED and
 * UNCONFIRMED when the token held no seed to tell by, or PARTIAL; a lost
 * token CKR_DEVICE_REMOVED (LOST, or the last state reached).  outcome
 * may be NULL.
 */
#define SAFEID_PKCS11_FACTORY_RESET_SYMBOL "safeid_pkcs11_factory_reset"
typedef CK_RV (*safeid_pkcs11_factory_reset_fn)(CK_SESSION_HANDLE session,
                                                CK_ULONG *outcome);
CK_RV safeid_pkcs11_factory_reset(CK_SESSION_HANDLE session, CK_ULONG *outcome);

/*
 * safeid_pkcs11_screen: lock (lock CK_TRUE) or unlock the token's screen
 * (firmware 2.1 or later).  Logged in (CKR_USER_NOT_LOGGED_IN),
 * read-write session.  CKR_FUNCTION_NOT_SUPPORTED when the token does not
 * know the command.
 */
#define SAFEID_PKCS11_SCREEN_SYMBOL "safeid_pkcs11_screen"
typedef CK_RV (*safeid_pkcs11_screen_fn)(CK_SESSION_HANDLE session,
                                         CK_BBOOL lock);
CK_RV safeid_pkcs11_screen(CK_SESSION_HANDLE session, CK_BBOOL lock);

/*
 * The vendor interface: C_GetInterface("Vendor safeid", NULL, &i, 0)
 * gives i->pFunctionList pointing to this list, the standard's place for
 * functions outside CK_FUNCTION_LIST.  Version 1.0 had the first two
 * members; 1.1 adds the rest (check the version before using them).
 */
#define SAFEID_PKCS11_VENDOR_INTERFACE "Vendor safeid"
typedef struct safeid_pkcs11_vendor_functions {
	CK_VERSION version;
	safeid_pkcs11_seed_state_fn seed_state;
	safeid_pkcs11_writes_started_fn writes_started;
	/* 1.1 */
	safeid_pkcs11_allow_last_try_fn allow_last_try;
	safeid_pkcs11_tries_left_fn tries_left;
	safeid_pkcs11_set_press_handler_fn set_press_handler;
	safeid_pkcs11_factory_reset_fn factory_reset;
	safeid_pkcs11_screen_fn screen;
} safeid_pkcs11_vendor_functions;

#endif /* SAFEID_PKCS11_H */
