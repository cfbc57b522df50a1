/*
 * safeid-pkcs11.h: vendor extensions of the safeid PKCS#11 module.
 *
 * Include after a PKCS#11 header (p11-kit/pkcs11.h).  Every value here is
 * CKA_VENDOR_DEFINED | 0x5AF1xxxx so it cannot collide with the standard.
 *
 * Objects on a token (one slot per reader):
 *   - CKO_HW_FEATURE / CKH_CLOCK: CKA_VALUE is the token clock as
 *     "YYYYMMDDhhmmss00" (UTC).  C_SetAttributeValue of CKA_VALUE sets it;
 *     the template may carry the configuration (CKA_OTP_TIME_INTERVAL,
 *     CKA_SAFEID_HASH, CKA_SAFEID_DISPLAY_TIMEOUT) and, on a restricted-sync
 *     model, must carry CKA_SAFEID_ERASE_SEED = CK_TRUE, or the write is
 *     refused with CKR_FUNCTION_REJECTED.
 *   - CKO_OTP_KEY / CKK_HOTP: the token's seed slot.  CKA_VALUE is never
 *     readable.  C_CreateObject of a CKO_OTP_KEY (or CKO_SECRET_KEY /
 *     CKK_GENERIC_SECRET: SHA-1, 30 s) burns the seed (config, then seed).
 *     A CKO_SECRET_KEY may also be typed CKK_AES, the only secret-key type
 *     besides DES3 that pkcs11-tool 0.23 writes ("--key-type AES:20"); the
 *     bytes of CKA_VALUE are the seed either way.  The template may carry
 *     CKA_OTP_TIME_INTERVAL (30/60), CKA_OTP_LENGTH (6), CKA_OTP_FORMAT
 *     (decimal) and the vendor attributes below; generic key attributes
 *     (CKA_TOKEN true, CKA_LABEL, CKA_ID, CKA_PRIVATE, CKA_SENSITIVE, usage
 *     flags) are accepted and change nothing; CKA_EXTRACTABLE true or
 *     CKA_TOKEN false give CKR_TEMPLATE_INCONSISTENT.
 *   - Reading the seed slot: CKA_OTP_TIME_INTERVAL, CKA_SAFEID_HASH and
 *     CKA_SAFEID_DISPLAY_TIMEOUT are known only after a burn or clock write
 *     by this process (the token cannot be read back); until then they read
 *     0, CK_UNAVAILABLE_INFORMATION and 0.
 *   - The token has no PIN: C_Login/C_Logout are accepted as no-ops.
 *   - Labels: the clock object is "clock", the seed slot "totp".
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
 * SAFEID_PKCS11_SEED_STATE_SYMBOL) and treat it as optional; other
 * modules do not have it.  Thread-safe: it takes the module lock, like
 * the C_* functions, and never talks to a token.
 *
 * Returns CKR_OK and *state when this process, since C_Initialize, has
 * tried a burn or clock write on that token through this module;
 * CKR_DATA_INVALID when it has not (nothing known, *state untouched);
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

#endif /* SAFEID_PKCS11_H */
