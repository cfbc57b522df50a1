/* SPDX-License-Identifier: BSD-2-Clause */
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
