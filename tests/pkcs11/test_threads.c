/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_threads.c: the module used from several threads, as a real client
 * (through C_GetFunctionList of the built module), against two emulated
 * tokens on two virtual readers (run inside the harness with two tokens).
 *
 *  - two threads burn both tokens at once (CKF_OS_LOCKING_OK) while a
 *    third reads token info and objects; both codes verified by oathtool;
 *  - C_WaitForSlotEvent: CKF_DONT_BLOCK gives CKR_NO_EVENT, a removal and
 *    an insertion (safeid-emu ctl) wake a blocking wait with the right
 *    slot, and C_Finalize wakes a blocked waiter.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sp11.h"
#include "unit.h"

static CK_FUNCTION_LIST_PTR f;
static void *dl;

static const char *need_env(const char *name)
{
	const char *v = getenv(name);

	ck_assert_msg(v != NULL, "%s is not set: run this test in the harness",
	              name);
	return v;
}

static void load(void)
{
	CK_C_GetFunctionList get;
	char path[1024];

	snprintf(path, sizeof(path), "%s/safeid-pkcs11.so",
	         need_env("SAFEID_LIB"));
	dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	ck_assert_msg(dl != NULL, "dlopen %s: %s", path, dlerror());
	*(void **)&get = dlsym(dl, "C_GetFunctionList");
	ck_assert_ptr_nonnull(get);
	ck_assert_uint_eq(get(&f), CKR_OK);
}

static void init_os_locking(void)
{
	CK_C_INITIALIZE_ARGS a;

	load();
	memset(&a, 0, sizeof(a));
	a.flags = CKF_OS_LOCKING_OK;
	ck_assert_uint_eq(f->C_Initialize(&a), CKR_OK);
}

static void fini(void)
{
	ck_assert_uint_eq(f->C_Finalize(NULL), CKR_OK);
	dlclose(dl);
}

/* The slot of harness reader i, found by its PC/SC name. */
static CK_SLOT_ID slot_of(int i)
{
	CK_SLOT_ID ids[SP11_MAX_SLOTS];
	CK_ULONG n = SP11_MAX_SLOTS, k;
	CK_SLOT_INFO si;
	char var[32], desc[65];
	const char *want;
	size_t len;

	snprintf(var, sizeof(var), "SAFEID_READER_%d", i);
	want = need_env(var);
	ck_assert_uint_eq(f->C_GetSlotList(CK_FALSE, NULL, &n), CKR_OK);
	ck_assert_uint_eq(f->C_GetSlotList(CK_FALSE, ids, &n), CKR_OK);
	for (k = 0; k < n; k++) {
		ck_assert_uint_eq(f->C_GetSlotInfo(ids[k], &si), CKR_OK);
		memcpy(desc, si.slotDescription, 64);
		len = 64;
		while (len > 0 && desc[len - 1] == ' ')
			len--;
		desc[len] = '\0';
		if (strcmp(desc, want) == 0)
			return ids[k];
	}
	ck_abort_msg("no slot for reader %s", want);
	return 0;
}

/* Run a command; its first output line into out.  Returns exit status. */
static int run(const char *cmd, char *out, size_t cap)
{
	FILE *p = popen(cmd, "r");
	int st;

	ck_assert_ptr_nonnull(p);
	out[0] = '\0';
	if (fgets(out, (int)cap, p) == NULL)
		out[0] = '\0';
	out[strcspn(out, "\n")] = '\0';
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The token's current code must equal oathtool's at the token's time. */
static void verify(int i, const char *hexseed, const char *oathopts)
{
	char cmd[1024], json[512], want[64], code[16], var[32];
	const char *c, *t;
	unsigned long tt;

	snprintf(var, sizeof(var), "SAFEID_EMU_STATE_%d", i);
	snprintf(cmd, sizeof(cmd), "safeid-emu code --state '%s' --json",
	         need_env(var));
	ck_assert_int_eq(run(cmd, json, sizeof(json)), 0);
	c = strstr(json, "\"code\":\"");
	t = strstr(json, "\"token_time\":");
	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_nonnull(t);
	memcpy(code, c + 8, 6);
	code[6] = '\0';
	tt = strtoul(t + 13, NULL, 10);
	snprintf(cmd, sizeof(cmd), "%s --totp%s -d 6 -N @%lu %s",
	         getenv("OATHTOOL") ? getenv("OATHTOOL") : "oathtool", oathopts,
	         tt, hexseed);
	ck_assert_int_eq(run(cmd, want, sizeof(want)), 0);
	ck_assert_msg(strcmp(code, want) == 0,
	              "token %d shows %s at %lu, oathtool says %s", i, code, tt,
	              want);
}

typedef struct burn_job {
	CK_SLOT_ID slot;
	CK_BYTE seed[32];
	CK_ULONG seedlen, step, hash;
	CK_RV rv;
} burn_job;

static void *burn_thread(void *arg)
{
	burn_job *j = arg;
	CK_OBJECT_CLASS cls = CKO_OTP_KEY;
	CK_KEY_TYPE kt = CKK_HOTP;
	CK_ULONG disp = 30;
	CK_ATTRIBUTE t[] = {
		{CKA_CLASS, &cls, sizeof(cls)},
		{CKA_KEY_TYPE, &kt, sizeof(kt)},
		{CKA_VALUE, j->seed, j->seedlen},
		{CKA_OTP_TIME_INTERVAL, &j->step, sizeof(j->step)},
		{CKA_SAFEID_HASH, &j->hash, sizeof(j->hash)},
		{CKA_SAFEID_DISPLAY_TIMEOUT, &disp, sizeof(disp)},
	};
	CK_SESSION_HANDLE s;
	CK_OBJECT_HANDLE h;

	j->rv = f->C_OpenSession(j->slot, CKF_SERIAL_SESSION | CKF_RW_SESSION,
	                         NULL, NULL, &s);
	if (j->rv != CKR_OK)
		return NULL;
	j->rv = f->C_CreateObject(s, t, 6, &h);
	if (j->rv == CKR_OK && h == CK_INVALID_HANDLE)
		j->rv = CKR_GENERAL_ERROR;
	f->C_CloseSession(s);
	return NULL;
}

typedef struct read_job {
	CK_SLOT_ID slots[2];
	int rounds_ok;
} read_job;

/* Reads while the burns run: info and object listing must keep working. */
static void *read_thread(void *arg)
{
	read_job *r = arg;
	CK_TOKEN_INFO ti;
	CK_SESSION_HANDLE s;
	CK_OBJECT_HANDLE objs[4];
	CK_ULONG n;
	int i;

	for (i = 0; i < 10; i++) {
		CK_SLOT_ID slot = r->slots[i % 2];

		if (f->C_GetTokenInfo(slot, &ti) != CKR_OK)
			continue;
		if (f->C_OpenSession(slot, CKF_SERIAL_SESSION, NULL, NULL,
		                     &s) != CKR_OK)
			continue;
		if (f->C_FindObjectsInit(s, NULL, 0) == CKR_OK &&
		    f->C_FindObjects(s, objs, 4, &n) == CKR_OK && n == 2 &&
		    f->C_FindObjectsFinal(s) == CKR_OK)
			r->rounds_ok++;
		f->C_CloseSession(s);
	}
	return NULL;
}

START_TEST(two_tokens_burn_concurrently)
{
	burn_job j[2];
	read_job r;
	pthread_t th[3];
	int i;

	init_os_locking();
	memset(j, 0, sizeof(j));
	j[0].slot = slot_of(0);
	memcpy(j[0].seed, "12345678901234567890", 20);
	j[0].seedlen = 20;
	j[0].step = 30;
	j[0].hash = CKM_SHA_1;
	j[1].slot = slot_of(1);
	for (i = 0; i < 32; i++)
		j[1].seed[i] = (CK_BYTE)(0xA0 + i);
	j[1].seedlen = 32;
	j[1].step = 60;
	j[1].hash = CKM_SHA256;
	ck_assert_uint_ne(j[0].slot, j[1].slot);
	memset(&r, 0, sizeof(r));
	r.slots[0] = j[0].slot;
	r.slots[1] = j[1].slot;
	ck_assert_int_eq(pthread_create(&th[0], NULL, burn_thread, &j[0]), 0);
	ck_assert_int_eq(pthread_create(&th[1], NULL, burn_thread, &j[1]), 0);
	ck_assert_int_eq(pthread_create(&th[2], NULL, read_thread, &r), 0);
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(pthread_join(th[i], NULL), 0);
	ck_assert_uint_eq(j[0].rv, CKR_OK);
	ck_assert_uint_eq(j[1].rv, CKR_OK);
	ck_assert_int_gt(r.rounds_ok, 0);
	verify(0, "3132333435363738393031323334353637383930",
	       " --time-step-size=30s");
	verify(1,
	       "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf",
	       "=SHA256 --time-step-size=60s");
	fini();
}
END_TEST

static void emu_ctl(int i, const char *what)
{
	char cmd[512], out[128], var[32];

	snprintf(var, sizeof(var), "SAFEID_EMU_CTL_%d", i);
	snprintf(cmd, sizeof(cmd), "safeid-emu ctl --ctl '%s' %s",
	         need_env(var), what);
	ck_assert_int_eq(run(cmd, out, sizeof(out)), 0);
}

START_TEST(slot_events)
{
	CK_SLOT_ID s1, ev = 999;
	CK_SLOT_INFO si;

	init_os_locking();
	s1 = slot_of(1);
	ck_assert_uint_eq(f->C_WaitForSlotEvent(CKF_DONT_BLOCK, &ev, NULL),
	                  CKR_NO_EVENT);
	ck_assert_uint_eq(f->C_WaitForSlotEvent(CKF_DONT_BLOCK, NULL, NULL),
	                  CKR_ARGUMENTS_BAD);
	emu_ctl(1, "remove");
	ck_assert_uint_eq(f->C_WaitForSlotEvent(0, &ev, NULL), CKR_OK);
	ck_assert_uint_eq(ev, s1);
	ck_assert_uint_eq(f->C_GetSlotInfo(s1, &si), CKR_OK);
	ck_assert(!(si.flags & CKF_TOKEN_PRESENT));
	emu_ctl(1, "insert");
	ev = 999;
	ck_assert_uint_eq(f->C_WaitForSlotEvent(0, &ev, NULL), CKR_OK);
	ck_assert_uint_eq(ev, s1);
	ck_assert_uint_eq(f->C_WaitForSlotEvent(CKF_DONT_BLOCK, &ev, NULL),
	                  CKR_NO_EVENT);
	fini();
}
END_TEST

static void *waiter(void *arg)
{
	CK_SLOT_ID ev;

	*(CK_RV *)arg = f->C_WaitForSlotEvent(0, &ev, NULL);
	return NULL;
}

START_TEST(finalize_wakes_waiter)
{
	pthread_t th;
	CK_RV rv = CKR_OK;
	CK_SLOT_ID ev;

	init_os_locking();
	ck_assert_int_eq(pthread_create(&th, NULL, waiter, &rv), 0);
	/* Whether the waiter is already blocked or not, C_Finalize must end
	 * its wait with CKR_CRYPTOKI_NOT_INITIALIZED. */
	ck_assert_uint_eq(f->C_Finalize(NULL), CKR_OK);
	ck_assert_int_eq(pthread_join(th, NULL), 0);
	ck_assert_uint_eq(rv, CKR_CRYPTOKI_NOT_INITIALIZED);
	ck_assert_uint_eq(f->C_WaitForSlotEvent(CKF_DONT_BLOCK, &ev, NULL),
	                  CKR_CRYPTOKI_NOT_INITIALIZED);
	dlclose(dl);
}
END_TEST

Suite *suite_concurrent(void)
{
	Suite *s = suite_create("concurrent");
	TCase *t = tcase_create("concurrent");

	tcase_set_timeout(t, 60);
	tcase_add_test(t, two_tokens_burn_concurrently);
	suite_add_tcase(s, t);
	return s;
}

Suite *suite_events(void)
{
	Suite *s = suite_create("events");
	TCase *t = tcase_create("events");

	tcase_set_timeout(t, 60);
	tcase_add_test(t, slot_events);
	tcase_add_test(t, finalize_wakes_waiter);
	suite_add_tcase(s, t);
	return s;
}
