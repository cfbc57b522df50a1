/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * module.c: C_Initialize / C_Finalize / C_GetInfo, the locking model and
 * fork detection.
 *
 * Locking follows PKCS#11 v2.40 section 11.4 (C_Initialize): the
 * application passes either no mutex callbacks or all four; with
 * CKF_OS_LOCKING_OK (or no callbacks) we use pthread mutexes, otherwise the
 * application's.  A fork is detected by the process id changing: the child
 * then sees a module that is not initialised, as the standard asks.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sp11.h"

static struct {
	bool initialised;
	pid_t pid;
	bool app_mutexes; /* use the application's callbacks */
	CK_CREATEMUTEX create;
	CK_DESTROYMUTEX destroy;
	CK_LOCKMUTEX lock;
	CK_UNLOCKMUTEX unlock;
	void *mutex;
} mod;

/* Serialises C_Initialize/C_Finalize themselves (the application's mutexes
 * do not exist yet when C_Initialize starts). */
static pthread_mutex_t init_lock = PTHREAD_MUTEX_INITIALIZER;

void sp11_debug(const char *fmt, ...)
{
	va_list ap;

	if (getenv("SAFEID_PKCS11_DEBUG") == NULL)
		return;
	fputs("safeid-pkcs11: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* With SAFEID_PKCS11_DEBUG set, every APDU's header and status word goes
 * to stderr (the core's trace hook never sees data, so no seed either). */
static void apdu_trace(void *arg, const char *what, const uint8_t *hdr,
                       size_t hdrlen, uint16_t sw)
{
	(void)arg;
	if (hdrlen < 4)
		return;
	if (sw == 0)
		fprintf(stderr,
		        "safeid-pkcs11: APDU %02X %02X %02X %02X (%s) -> no answer\n",
		        hdr[0], hdr[1], hdr[2], hdr[3], what);
	else
		fprintf(stderr,
		        "safeid-pkcs11: APDU %02X %02X %02X %02X (%s) -> %04X\n",
		        hdr[0], hdr[1], hdr[2], hdr[3], what, sw);
}

CK_RV sp11_ready(void)
{
	if (!mod.initialised)
		return CKR_CRYPTOKI_NOT_INITIALIZED;
	if (mod.pid != getpid()) {
		/* Forked child: the parent's PC/SC handles and locks are not
		 * ours.  Forget them (never destroy: another thread of the
		 * parent may have held one at the fork) so the child can
		 * initialise afresh. */
		sp11_slots_forget();
		/* The parent's login keys: the child's copies are wiped. */
		sp11_m2_logins_clear();
		sp11_mutex_forget(mod.mutex);
		memset(&mod, 0, sizeof(mod));
		return CKR_CRYPTOKI_NOT_INITIALIZED;
	}
	return CKR_OK;
}

CK_RV sp11_mutex_new(void **m)
{
	pthread_mutex_t *pm;

	if (mod.app_mutexes)
		return mod.create(m);
	pm = calloc(1, sizeof(*pm));
	if (pm == NULL)
		return CKR_HOST_MEMORY;
	if (pthread_mutex_init(pm, NULL) != 0) {
		free(pm);
		return CKR_CANT_LOCK;
	}
	*m = pm;
	return CKR_OK;
}

void sp11_mutex_free(void *m)
{
	if (m == NULL)
		return;
	if (mod.app_mutexes) {
		mod.destroy(m);
		return;
	}
	pthread_mutex_destroy(m);
	free(m);
}

void sp11_mutex_forget(void *m)
{
	/* Our own mutexes are plain memory: give it back without destroying
	 * the copy.  An application's mutexes are the application's. */
	if (m != NULL && !mod.app_mutexes)
		free(m);
}

void sp11_mutex_lock(void *m)
{
	if (m == NULL)
		return;
	if (mod.app_mutexes)
		(void)mod.lock(m);
	else
		pthread_mutex_lock(m);
}

void sp11_mutex_unlock(void *m)
{
	if (m == NULL)
		return;
	if (mod.app_mutexes)
		(void)mod.unlock(m);
	else
		pthread_mutex_unlock(m);
}

void sp11_module_lock(void)
{
	sp11_mutex_lock(mod.mutex);
}

void sp11_module_unlock(void)
{
	sp11_mutex_unlock(mod.mutex);
}

/* Check the C_Initialize argument and choose the locking model. */
static CK_RV init_args_read(const CK_C_INITIALIZE_ARGS *a)
{
	int given;

	mod.app_mutexes = false;
	if (a == NULL)
		return CKR_OK;
	if (a->pReserved != NULL)
		return CKR_ARGUMENTS_BAD;
	given = (a->CreateMutex != NULL) + (a->DestroyMutex != NULL) +
	        (a->LockMutex != NULL) + (a->UnlockMutex != NULL);
	if (given != 0 && given != 4)
		return CKR_ARGUMENTS_BAD;
	if (given == 4 && !(a->flags & CKF_OS_LOCKING_OK)) {
		mod.app_mutexes = true;
		mod.create = a->CreateMutex;
		mod.destroy = a->DestroyMutex;
		mod.lock = a->LockMutex;
		mod.unlock = a->UnlockMutex;
	}
	return CKR_OK;
}

CK_RV C_Initialize(CK_VOID_PTR pInitArgs)
{
	CK_RV rv;

	pthread_mutex_lock(&init_lock);
	if (sp11_ready() == CKR_OK) {
		rv = CKR_CRYPTOKI_ALREADY_INITIALIZED;
		goto fail;
	}
	rv = init_args_read(pInitArgs);
	if (rv != CKR_OK)
		goto fail;
	rv = sp11_mutex_new(&mod.mutex);
	if (rv != CKR_OK)
		goto fail;
	mod.pid = getpid();
	mod.initialised = true;
	if (getenv("SAFEID_PKCS11_DEBUG") != NULL)
		safeid_set_trace(apdu_trace, NULL);
	sp11_courier_configure();
	/* A forked child starts afresh: nothing of the parent's. */
	sp11_sessions_clear();
	sp11_records_clear();
	sp11_m2_records_clear();
	sp11_m2_logins_clear();
	sp11_m2_press_configure();
	rv = sp11_slots_init();
	if (rv != CKR_OK) {
		mod.initialised = false;
		sp11_mutex_free(mod.mutex);
		mod.mutex = NULL;
	}
fail:
	pthread_mutex_unlock(&init_lock);
	return rv;
}

CK_RV C_Finalize(CK_VOID_PTR pReserved)
{
	CK_RV rv;

	pthread_mutex_lock(&init_lock);
	rv = sp11_ready();
	if (rv != CKR_OK)
		goto fail;
	if (pReserved != NULL) {
		rv = CKR_ARGUMENTS_BAD;
		goto fail;
	}
	/* Wakes a thread blocked in C_WaitForSlotEvent first. */
	mod.initialised = false;
	sp11_slots_fini();
	sp11_sessions_clear();
	sp11_records_clear();
	sp11_m2_records_clear();
	sp11_m2_logins_clear();
	sp11_m2_press_configure();
	sp11_mutex_free(mod.mutex);
	mod.mutex = NULL;
	safeid_set_trace(NULL, NULL);
fail:
	pthread_mutex_unlock(&init_lock);
	return rv;
}

/* CK_INFO as a list of the given version reports it. */
static CK_RV info_fill(CK_INFO_PTR pInfo, CK_BYTE major, CK_BYTE minor)
{
	CK_RV rv = sp11_ready();

	if (rv != CKR_OK)
		return rv;
	if (pInfo == NULL)
		return CKR_ARGUMENTS_BAD;
	memset(pInfo, 0, sizeof(*pInfo));
	pInfo->cryptokiVersion.major = major;
	pInfo->cryptokiVersion.minor = minor;
	sp11_text_pad(pInfo->manufacturerID, sizeof(pInfo->manufacturerID),
	              "safeid");
	sp11_text_pad(pInfo->libraryDescription,
	              sizeof(pInfo->libraryDescription),
	              "safeid OTP token burner");
	pInfo->libraryVersion.major = SAFEID_VERSION_MAJOR;
	pInfo->libraryVersion.minor = SAFEID_VERSION_MINOR;
	return CKR_OK;
}

CK_RV C_GetInfo(CK_INFO_PTR pInfo)
{
	return info_fill(pInfo, 2, 40);
}

CK_RV sp11_info_v3(CK_INFO_PTR pInfo)
{
	return info_fill(pInfo, 3, 0);
}
