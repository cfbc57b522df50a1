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

#define CKS_SAFEID_SEED_OLD 0UL     /* unchanged since the module saw it */
#define CKS_SAFEID_SEED_ERASED 1UL  /* erased by a config write */
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

/*
 * The vendor interface: C_GetInterface("Vendor safeid", NULL, &i, 0)
 * gives i->pFunctionList pointing to this list (version 1.0), the
 * standard's place for functions outside CK_FUNCTION_LIST.
 */
#define SAFEID_PKCS11_VENDOR_INTERFACE "Vendor safeid"
typedef struct safeid_pkcs11_vendor_functions {
	CK_VERSION version;
	safeid_pkcs11_seed_state_fn seed_state;
	safeid_pkcs11_writes_started_fn writes_started;
} safeid_pkcs11_vendor_functions;

#endif /* SAFEID_PKCS11_H */
