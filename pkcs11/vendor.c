/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vendor.c: the module's vendor functions that answer from what it
 * knows, exported beside C_GetFunctionList (safeid-pkcs11.map; contract
 * in safeid-pkcs11.h).  They answer from the per-token records (record.c,
 * m2record.c) under the module lock and never talk to a token, so they
 * work while the token is away.  (The Molto2's functions that talk to
 * the token live with their subject: m2auth.c, m2press.c.)
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

__attribute__((visibility("default"))) CK_ULONG safeid_pkcs11_writes_started(
	void)
{
	return atomic_load(&writes_started);
}

/* "SERIAL/N": profile N of a Molto2 (m2record.c). */
static CK_RV m2_seed_state(const char *name, CK_ULONG *state)
{
	char serial[SAFEID_SERIAL_MAX + 1];
	const char *slash = strchr(name, '/');
	unsigned long long p;
	sp11_m2_prof rec;
	size_t n = (size_t)(slash - name);

	if (n == 0 || n > SAFEID_SERIAL_MAX ||
	    !sp11_store_number(slash + 1, SAFEID_M2_PROFILES - 1, &p))
		return CKR_DATA_INVALID;
	memcpy(serial, name, n);
	serial[n] = '\0';
	if (!sp11_m2_prof_find(serial, (unsigned)p, &rec))
		return CKR_DATA_INVALID;
	*state = rec.seed_state;
	return CKR_OK;
}

__attribute__((visibility("default"))) CK_RV safeid_pkcs11_seed_state(
	const char *serial, CK_ULONG *state)
{
	sp11_record rec;
	CK_RV rv = sp11_ready();

	if (rv != CKR_OK)
		return rv;
	if (serial == NULL || state == NULL)
		return CKR_ARGUMENTS_BAD;
	if (strchr(serial, '/') != NULL)
		return m2_seed_state(serial, state);
	/* A serial longer than any token's was never written to. */
	if (strlen(serial) > SAFEID_SERIAL_MAX ||
	    !sp11_record_find(serial, &rec))
		return CKR_DATA_INVALID;
	*state = rec.seed_state;
	return CKR_OK;
}

__attribute__((visibility("default"))) CK_RV safeid_pkcs11_tries_left(
	const char *serial, CK_LONG *tries)
{
	CK_RV rv = sp11_ready();

	if (rv != CKR_OK)
		return rv;
	if (serial == NULL || tries == NULL)
		return CKR_ARGUMENTS_BAD;
	if (strlen(serial) > SAFEID_SERIAL_MAX || !sp11_m2_known(serial))
		return CKR_DATA_INVALID;
	*tries = sp11_m2_tries(serial);
	return CKR_OK;
}
