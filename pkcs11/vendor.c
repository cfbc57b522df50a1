/*
 * vendor.c: the module's vendor function, exported beside
 * C_GetFunctionList (safeid-pkcs11.map; contract in safeid-pkcs11.h).
 * It answers from the per-token records (record.c) under the module lock
 * and never talks to a token, so it works while the token is away.
 */
#include <stdatomic.h>
#include <string.h>

#include "sp11.h"

/* Write commands begun since the module was loaded: lock-free, so a
 * signal handler in the application may read it. */
static atomic_ulong writes_started;

void sp11_write_starting(void)
{
	atomic_fetch_add(&writes_started, 1);
}

__attribute__((visibility("default"))) CK_ULONG
safeid_pkcs11_writes_started(void)
{
	return atomic_load(&writes_started);
}

__attribute__((visibility("default"))) CK_RV
safeid_pkcs11_seed_state(const char *serial, CK_ULONG *state)
{
	sp11_record rec;
	CK_RV rv = sp11_ready();

	if (rv != CKR_OK)
		return rv;
	if (serial == NULL || state == NULL)
		return CKR_ARGUMENTS_BAD;
	/* A serial longer than any token's was never written to. */
	if (strlen(serial) > SAFEID_SERIAL_MAX || !sp11_record_find(serial, &rec))
		return CKR_DATA_INVALID;
	*state = rec.seed_state;
	return CKR_OK;
}

/* The Molto2's vendor functions (safeid-pkcs11.h): until the module
 * drives that family, no token it shows has a customer key, a ▲ or a
 * screen lock. */
static CK_RV m2_none(void)
{
	CK_RV rv = sp11_ready();

	return rv != CKR_OK ? rv : CKR_FUNCTION_NOT_SUPPORTED;
}

__attribute__((visibility("default"))) CK_RV
safeid_pkcs11_allow_last_try(CK_SESSION_HANDLE session)
{
	(void)session;
	return m2_none();
}

__attribute__((visibility("default"))) CK_RV
safeid_pkcs11_tries_left(const char *serial, CK_LONG *tries)
{
	CK_RV rv = sp11_ready();

	if (rv != CKR_OK)
		return rv;
	if (serial == NULL || tries == NULL)
		return CKR_ARGUMENTS_BAD;
	return CKR_DATA_INVALID;
}

__attribute__((visibility("default"))) CK_RV
safeid_pkcs11_set_press_handler(safeid_pkcs11_press_fn fn, void *arg)
{
	(void)fn;
	(void)arg;
	return sp11_ready();
}

__attribute__((visibility("default"))) CK_RV
safeid_pkcs11_factory_reset(CK_SESSION_HANDLE session, CK_ULONG *outcome)
{
	(void)session;
	if (outcome != NULL)
		*outcome = CKS_SAFEID_PRESS_NOT_SENT;
	return m2_none();
}

__attribute__((visibility("default"))) CK_RV
safeid_pkcs11_screen(CK_SESSION_HANDLE session, CK_BBOOL lock)
{
	(void)session;
	(void)lock;
	return m2_none();
}
