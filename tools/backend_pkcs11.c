/*
 * backend_pkcs11.c: reach the token through the safeid PKCS#11 module.
 *
 * The module is dlopen()ed like any PKCS#11 application does it, so every
 * burn goes through the same standard door pkcs11-tool and p11-kit use.
 * Steps: C_GetSlotInfo and C_GetTokenInfo of the chosen slot only (serial,
 * model, clock), C_CreateObject of a CKO_OTP_KEY (the module
 * authenticates, writes the config, then the seed), C_GetTokenInfo again
 * (confirm the clock).  Other slots are never asked: with the module each
 * question may cost an exchange with that reader's token.
 */
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <p11-kit/pkcs11.h>

#include "../pkcs11/safeid-pkcs11.h"
#include "backend.h"
#include "module_path.h"
#include "p11_errors.h"
#include "watchdog.h"

struct tool_backend {
	void *dl;
	CK_FUNCTION_LIST_PTR f;
	/* The module's vendor function (safeid-pkcs11.h), NULL when the
	 * module has none: what a token holds, asked by serial. */
	safeid_pkcs11_seed_state_fn seed_state;
	bool initialized;
	bool verbose;
	char path[PATH_MAX];
	/* The slot the last info read chose, so a write that follows on the
	 * same reader spec asks no other slot again. */
	bool have_chosen;
	tool_slot chosen;
	char chosen_spec[TOOL_READER_MAX];
};

static void trace_rv(const tool_backend *b, const char *call, CK_RV rv)
{
	if (b->verbose)
		fprintf(stderr, "safeid-tool: pkcs11: %s -> %s\n", call,
		        p11_rv_name(rv));
}

/* Copy a space-padded PKCS#11 field into a C string without the padding. */
static void field_to_str(char *out, size_t cap, const CK_UTF8CHAR *in,
                         size_t inlen)
{
	size_t n = inlen;

	while (n > 0 && (in[n - 1] == ' ' || in[n - 1] == '\0'))
		n--;
	if (n >= cap)
		n = cap - 1;
	memcpy(out, in, n);
	out[n] = '\0';
}

/* "YYYYMMDDhhmmss00" (UTC) -> Unix time; -1 when malformed. */
static long long utc_field_to_time(const CK_CHAR in[16])
{
	struct tm tm;
	int v[6];
	const int w[6] = {4, 2, 2, 2, 2, 2};
	size_t pos = 0;

	for (int i = 0; i < 6; i++) {
		v[i] = 0;
		for (int k = 0; k < w[i]; k++, pos++) {
			if (in[pos] < '0' || in[pos] > '9')
				return -1;
			v[i] = v[i] * 10 + (in[pos] - '0');
		}
	}
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = v[0] - 1900;
	tm.tm_mon = v[1] - 1;
	tm.tm_mday = v[2];
	tm.tm_hour = v[3];
	tm.tm_min = v[4];
	tm.tm_sec = v[5];
	return (long long)timegm(&tm);
}

static void time_to_utc_field(uint32_t t, char out[17])
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	if (strftime(out, 17, "%Y%m%d%H%M%S00", &tm) != 16)
		memset(out, '0', 17);
	out[16] = '\0';
}

static int rv_fail(tool_error *err, CK_RV rv, int exit_code, const char *what,
                   const char *reader)
{
	return tool_fail(err, exit_code, "pkcs11",
	                 "%s on reader '%s' failed with %s: %s", what,
	                 reader != NULL ? reader : "?", p11_rv_name(rv),
	                 p11_rv_advice(rv));
}

static int p11_open(const tool_backend_opts *opts, tool_backend **out,
                    tool_error *err)
{
	tool_backend *b = calloc(1, sizeof(*b));
	CK_C_GetFunctionList getfl;
	CK_C_INITIALIZE_ARGS args;
	CK_RV rv;
	int ret;

	*out = NULL;
	if (b == NULL)
		return tool_fail(err, EXIT_SETUP, "nomem", "out of memory");
	b->verbose = opts->verbose;
	if (tool_module_path(opts->module_path, b->path, sizeof(b->path)) != 0) {
		ret = tool_fail(err, EXIT_SETUP, "module_path",
		                "the PKCS#11 module path is too long: give a "
		                "shorter one with --module");
		goto fail;
	}
	if (b->verbose) {
		fprintf(stderr, "safeid-tool: loading PKCS#11 module %s\n",
		        b->path);
		/* The module's own trace (steps, APDU headers; never data). */
		setenv("SAFEID_PKCS11_DEBUG", "1", 0);
	}
	b->dl = dlopen(b->path, RTLD_NOW | RTLD_LOCAL);
	if (b->dl == NULL) {
		ret = tool_fail(err, EXIT_SETUP, "module_load",
		                "cannot load the PKCS#11 module '%s' (%s): build "
		                "it (target safeid-pkcs11), install safeid, or "
		                "give its path with --module",
		                b->path, dlerror());
		goto fail;
	}
	*(void **)&getfl = dlsym(b->dl, "C_GetFunctionList");
	if (getfl == NULL || getfl(&b->f) != CKR_OK || b->f == NULL) {
		ret = tool_fail(err, EXIT_SETUP, "module_load",
		                "'%s' is not a usable PKCS#11 module (no "
		                "C_GetFunctionList): give the safeid-pkcs11.so "
		                "path with --module",
		                b->path);
		goto fail;
	}
	/* Optional: another vendor's module does not have it. */
	*(void **)&b->seed_state = dlsym(b->dl, SAFEID_PKCS11_SEED_STATE_SYMBOL);
	memset(&args, 0, sizeof(args));
	args.flags = CKF_OS_LOCKING_OK;
	rv = b->f->C_Initialize(&args);
	trace_rv(b, "C_Initialize", rv);
	if (rv != CKR_OK) {
		ret = tool_fail(err, EXIT_SETUP, "module_init",
		                "the PKCS#11 module '%s' failed to start: %s: %s "
		                "(is pcscd installed and running?)",
		                b->path, p11_rv_name(rv), p11_rv_advice(rv));
		goto fail;
	}
	b->initialized = true;
	*out = b;
	return 0;
fail:
	if (b->dl != NULL)
		dlclose(b->dl);
	free(b);
	return ret;
}

static void p11_close(tool_backend **pb)
{
	tool_backend *b = *pb;

	if (b == NULL)
		return;
	if (b->initialized)
		b->f->C_Finalize(NULL);
	/* Not dlclose()d: a module may leave threads or atexit handlers that
	 * would then point into unmapped code; the process ends soon anyway. */
	free(b);
	*pb = NULL;
}

/* Read a CK_ULONG / CK_BBOOL vendor attribute of the first object of
 * class cls; returns false when not available. */
static bool read_attr(tool_backend *b, CK_SESSION_HANDLE s,
                      CK_OBJECT_CLASS cls, CK_ATTRIBUTE_TYPE type, void *val,
                      CK_ULONG len)
{
	CK_ATTRIBUTE find = {CKA_CLASS, &cls, sizeof(cls)};
	CK_ATTRIBUTE a = {type, val, len};
	CK_OBJECT_HANDLE obj;
	CK_ULONG n = 0;
	bool ok = false;

	if (b->f->C_FindObjectsInit(s, &find, 1) != CKR_OK)
		return false;
	if (b->f->C_FindObjects(s, &obj, 1, &n) == CKR_OK && n == 1)
		ok = b->f->C_GetAttributeValue(s, obj, &a, 1) == CKR_OK;
	b->f->C_FindObjectsFinal(s);
	return ok;
}

/*
 * Serial, model and clock from C_GetTokenInfo alone: the model name is in
 * the token info and the restricted-sync flag follows from the serial, so
 * no session (and no further exchange with the token) is needed.
 */
static CK_RV read_token(tool_backend *b, CK_SLOT_ID id, tool_slot *slot)
{
	CK_TOKEN_INFO ti;
	const safeid_model *m;
	CK_RV rv;
	long long t;

	slot->present = false;
	slot->clock_known = false;
	rv = b->f->C_GetTokenInfo(id, &ti);
	trace_rv(b, "C_GetTokenInfo", rv);
	if (rv == CKR_TOKEN_NOT_PRESENT || rv == CKR_TOKEN_NOT_RECOGNIZED)
		return CKR_OK;
	if (rv != CKR_OK)
		return rv;
	slot->present = true;
	field_to_str(slot->serial, sizeof(slot->serial), ti.serialNumber,
	             sizeof(ti.serialNumber));
	field_to_str(slot->model, sizeof(slot->model), ti.model,
	             sizeof(ti.model));
	m = safeid_model_lookup(slot->serial);
	if (m != NULL)
		snprintf(slot->model, sizeof(slot->model), "%s", m->name);
	else if (strcmp(slot->model, "unknown model") == 0)
		slot->model[0] = '\0';
	slot->restricted_sync = safeid_serial_restricted(slot->serial);
	if (ti.flags & CKF_CLOCK_ON_TOKEN) {
		t = utc_field_to_time(ti.utcTime);
		if (t >= 0) {
			slot->clock_known = true;
			slot->clock = (uint64_t)t;
		}
	}
	return CKR_OK;
}

/* Reader name and card presence from C_GetSlotInfo. */
static CK_RV read_reader(tool_backend *b, CK_SLOT_ID id, tool_slot *slot,
                         bool *card)
{
	CK_SLOT_INFO si;
	CK_RV rv;

	memset(slot, 0, sizeof(*slot));
	slot->handle = id;
	rv = b->f->C_GetSlotInfo(id, &si);
	trace_rv(b, "C_GetSlotInfo", rv);
	if (rv != CKR_OK)
		return rv;
	field_to_str(slot->reader, sizeof(slot->reader), si.slotDescription,
	             sizeof(si.slotDescription));
	*card = (si.flags & CKF_TOKEN_PRESENT) != 0;
	return CKR_OK;
}

/* Fill slot from C_GetSlotInfo / C_GetTokenInfo. */
static CK_RV read_slot(tool_backend *b, CK_SLOT_ID id, tool_slot *slot)
{
	bool card = false;
	CK_RV rv = read_reader(b, id, slot, &card);

	if (rv != CKR_OK || !card)
		return rv;
	return read_token(b, id, slot);
}

/* All slot ids; *ids is malloc()ed (NULL when there is none). */
static int slot_ids(tool_backend *b, CK_SLOT_ID **ids, CK_ULONG *n,
                    tool_error *err)
{
	CK_RV rv;

	*ids = NULL;
	*n = 0;
	rv = b->f->C_GetSlotList(CK_FALSE, NULL, n);
	trace_rv(b, "C_GetSlotList", rv);
	if (rv == CKR_OK && *n > 0) {
		*ids = calloc(*n, sizeof(**ids));
		if (*ids == NULL)
			return tool_fail(err, EXIT_SETUP, "nomem", "out of memory");
		rv = b->f->C_GetSlotList(CK_FALSE, *ids, n);
	}
	if (rv == CKR_OK)
		return 0;
	free(*ids);
	*ids = NULL;
	return tool_fail(err, EXIT_NO_TOKEN, "pkcs11",
	                 "listing readers failed with %s: %s (is pcscd "
	                 "running? start it with 'systemctl start pcscd')",
	                 p11_rv_name(rv), p11_rv_advice(rv));
}

static int p11_list(tool_backend *b, tool_slot_list *out, tool_error *err)
{
	CK_SLOT_ID *ids = NULL;
	CK_ULONG n = 0;
	int ret;

	memset(out, 0, sizeof(*out));
	ret = slot_ids(b, &ids, &n, err);
	if (ret != 0 || n == 0)
		return ret;
	out->slots = calloc(n, sizeof(*out->slots));
	if (out->slots == NULL) {
		free(ids);
		return tool_fail(err, EXIT_SETUP, "nomem", "out of memory");
	}
	for (CK_ULONG i = 0; i < n; i++)
		if (read_slot(b, ids[i], &out->slots[out->count]) == CKR_OK)
			out->count++;
	free(ids);
	return 0;
}

/* The module's slot name (at most 64 bytes, padding cut) names the same
 * reader as PC/SC's full name. */
static bool same_reader(const char *slot_name, const char *pcsc_name)
{
	size_t n = strlen(slot_name);

	return n > 0 && strncmp(slot_name, pcsc_name, n) == 0 &&
	       (pcsc_name[n] == '\0' || n >= 60);
}

/* The old way: ask every slot, then pick (each asked slot may cost the
 * module an exchange with its token). */
static int choose_by_asking_all(tool_backend *b, const char *spec,
                                tool_slot *slot, tool_error *err)
{
	tool_slot_list l;
	long idx;
	int ret;

	ret = p11_list(b, &l, err);
	if (ret != 0)
		return ret;
	idx = tool_pick_slot(&l, spec, err);
	if (idx >= 0)
		*slot = l.slots[idx];
	tool_slot_list_free(&l);
	return idx < 0 ? err->exit_code : 0;
}

/*
 * Choose the slot for spec from PC/SC's reader list (names, card present):
 * that costs no exchange with any token, so only the chosen slot is then
 * asked.  The module lists readers in PC/SC's order; the chosen slot's
 * name is checked against the pick, and any doubt falls back to asking
 * every slot.
 */
static int choose(tool_backend *b, const char *spec, tool_slot *slot,
                  tool_error *err)
{
	safeid_reader_list pl;
	tool_slot_list light;
	CK_SLOT_ID *ids = NULL;
	CK_ULONG n = 0;
	bool card = false;
	long idx;
	CK_RV rv;
	int ret;

	memset(&pl, 0, sizeof(pl));
	memset(&light, 0, sizeof(light));
	ret = slot_ids(b, &ids, &n, err);
	if (ret != 0)
		return ret;
	if (n == 0 || safeid_pcsc_list(&pl) != SAFEID_OK || pl.count != n)
		goto ask_all;
	light.slots = calloc(n, sizeof(*light.slots));
	if (light.slots == NULL)
		goto ask_all;
	light.count = n;
	for (size_t i = 0; i < n; i++) {
		snprintf(light.slots[i].reader, sizeof(light.slots[i].reader),
		         "%s", pl.names[i]);
		light.slots[i].present = pl.present[i];
	}
	idx = tool_pick_slot(&light, spec, err);
	if (idx < 0) {
		ret = err->exit_code;
		goto fail;
	}
	tool_watchdog_reader(pl.names[idx]);
	rv = read_reader(b, ids[idx], slot, &card);
	if (rv != CKR_OK || !same_reader(slot->reader, pl.names[idx]))
		goto ask_all;
	if (card)
		rv = read_token(b, ids[idx], slot);
	if (rv != CKR_OK)
		ret = rv_fail(err, rv, EXIT_TOKEN, "reading the token",
		              slot->reader);
	goto fail;
ask_all:
	ret = choose_by_asking_all(b, spec, slot, err);
	if (ret == 0)
		tool_watchdog_reader(slot->reader);
fail:
	free(ids);
	tool_slot_list_free(&light);
	safeid_pcsc_list_free(&pl);
	return ret;
}

/* Pick the slot for spec and make sure a token is on it. */
static int pick_present(tool_backend *b, const char *spec, tool_slot *slot,
                        tool_error *err)
{
	int ret = choose(b, spec, slot, err);

	if (ret != 0)
		return ret;
	if (!slot->present)
		return tool_fail(err, EXIT_NO_TOKEN, "no_token",
		                 "no token on reader '%s': place the token on the "
		                 "reader, press its button to switch it on, and run "
		                 "again (or add --wait SECONDS)",
		                 slot->reader);
	/* A later write on the same spec reuses this choice. */
	b->chosen = *slot;
	snprintf(b->chosen_spec, sizeof(b->chosen_spec), "%s",
	         spec != NULL ? spec : "");
	b->have_chosen = true;
	return 0;
}

/* The person confirmed a plan for one token; never write another. */
static int check_serial(const tool_slot *slot, const char *expect,
                        tool_error *err)
{
	if (expect == NULL || strcmp(slot->serial, expect) == 0)
		return 0;
	return tool_fail(err, EXIT_TOKEN, "token_changed",
	                 "nothing written: the token on reader '%s' is now %s, "
	                 "not %s as shown in the plan; put the right token back "
	                 "and run again",
	                 slot->reader, slot->serial, expect);
}

static int p11_info(tool_backend *b, const char *spec, tool_slot *out,
                    tool_error *err)
{
	return pick_present(b, spec, out, err);
}

/*
 * What the module says the token holds: first through the session the
 * write used; when the token left, PKCS#11 has closed that session, so
 * then by the token's serial through the module's vendor function (if it
 * has one).  fallback when neither can say.
 */
static safeid_seed_state seed_state_after(tool_backend *b, CK_SESSION_HANDLE s,
                                          const char *serial,
                                          safeid_seed_state fallback)
{
	CK_ULONG st = 0;
	CK_RV rv;

	if (!read_attr(b, s, CKO_OTP_KEY, CKA_SAFEID_SEED_STATE, &st,
	               sizeof(st))) {
		if (b->seed_state == NULL)
			return fallback;
		rv = b->seed_state(serial, &st);
		trace_rv(b, SAFEID_PKCS11_SEED_STATE_SYMBOL, rv);
		if (rv != CKR_OK)
			return fallback;
	}
	switch (st) {
	case CKS_SAFEID_SEED_OLD:
		return SAFEID_SEED_OLD;
	case CKS_SAFEID_SEED_ERASED:
		return SAFEID_SEED_ERASED;
	case CKS_SAFEID_SEED_NEW:
		return SAFEID_SEED_NEW;
	default:
		return SAFEID_SEED_UNKNOWN;
	}
}

/* Return values that prove nothing reached the token. */
static bool rv_wrote_nothing(CK_RV rv)
{
	return rv == CKR_TOKEN_NOT_PRESENT || rv == CKR_TOKEN_NOT_RECOGNIZED ||
	       rv == CKR_ATTRIBUTE_VALUE_INVALID ||
	       rv == CKR_ATTRIBUTE_TYPE_INVALID || rv == CKR_TEMPLATE_INCOMPLETE ||
	       rv == CKR_TEMPLATE_INCONSISTENT || rv == CKR_FUNCTION_REJECTED ||
	       rv == CKR_ARGUMENTS_BAD || rv == CKR_KEY_SIZE_RANGE ||
	       rv == CKR_SLOT_ID_INVALID || rv == CKR_SESSION_READ_ONLY ||
	       rv == CKR_USER_NOT_LOGGED_IN;
}

/* Report a failed write: the message says what the token now holds. */
static int write_fail(tool_backend *b, CK_SESSION_HANDLE s,
                      const tool_slot *slot, CK_RV rv, const char *what,
                      tool_write_result *res, tool_error *err)
{
	safeid_seed_state guess =
		rv_wrote_nothing(rv) ? SAFEID_SEED_OLD : SAFEID_SEED_UNKNOWN;
	int code;

	res->seed = seed_state_after(b, s, slot->serial, guess);
	code = res->seed == SAFEID_SEED_OLD ? EXIT_TOKEN : EXIT_PARTIAL;
	if (res->seed == SAFEID_SEED_NEW)
		code = EXIT_TOKEN;
	return tool_fail(err, code, "write_failed",
	                 "%s on reader '%s' (token %s) failed with %s: %s. "
	                 "The token now holds: %s",
	                 what, slot->reader, slot->serial, p11_rv_name(rv),
	                 p11_rv_advice(rv), safeid_seed_state_text(res->seed));
}

/* After a write: C_GetTokenInfo of the written slot only. */
static void confirm_clock(tool_backend *b, const tool_slot *slot,
                          tool_write_result *res, tool_step_fn step, void *arg)
{
	step(arg, "read the clock back", TOOL_PHASE_START);
	res->after = *slot;
	res->after_valid = read_token(b, slot->handle, &res->after) == CKR_OK &&
	                   res->after.present &&
	                   strcmp(res->after.serial, slot->serial) == 0;
	step(arg, "read the clock back",
	     res->after_valid ? TOOL_PHASE_OK : TOOL_PHASE_FAIL);
}

/*
 * The token to write: the slot the info read chose (else choose now), a
 * read-write session on it, and the token read through that slot again:
 * the session is bound to the token there now, which must be the one in
 * the plan the person confirmed.
 */
static int begin_write(tool_backend *b, const char *spec, const char *expect,
                       tool_slot *slot, CK_SESSION_HANDLE *s, tool_error *err)
{
	bool reuse = b->have_chosen &&
	             strcmp(b->chosen_spec, spec != NULL ? spec : "") == 0;
	CK_RV rv;
	int ret;

	if (reuse)
		*slot = b->chosen;
	else if ((ret = pick_present(b, spec, slot, err)) != 0)
		return ret;
	rv = b->f->C_OpenSession(slot->handle,
	                         CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL,
	                         s);
	trace_rv(b, "C_OpenSession", rv);
	if (rv != CKR_OK)
		return rv_fail(err, rv, rv == CKR_TOKEN_NOT_PRESENT ? EXIT_NO_TOKEN
		                                                   : EXIT_TOKEN,
		               "opening a session", slot->reader);
	rv = reuse ? read_token(b, slot->handle, slot) : CKR_OK;
	if (rv != CKR_OK)
		ret = rv_fail(err, rv, EXIT_TOKEN, "reading the token",
		              slot->reader);
	else if (!slot->present)
		ret = tool_fail(err, EXIT_NO_TOKEN, "no_token",
		                "nothing written: the token left reader '%s'; put "
		                "it back, switch it on and run again",
		                slot->reader);
	else
		ret = check_serial(slot, expect, err);
	if (ret != 0)
		b->f->C_CloseSession(*s);
	return ret;
}

static int p11_burn(tool_backend *b, const char *spec,
                    const tool_burn_plan *plan, tool_step_fn step, void *arg,
                    tool_write_result *res, tool_error *err)
{
	CK_OBJECT_CLASS cls = CKO_OTP_KEY;
	CK_KEY_TYPE kt = CKK_HOTP;
	CK_BBOOL yes = CK_TRUE;
	CK_ULONG interval = plan->step, length = 6, format = CK_OTP_FORMAT_DECIMAL;
	CK_ULONG display = plan->display_seconds, clock = plan->clock;
	CK_MECHANISM_TYPE mech =
		plan->hash == SAFEID_HASH_SHA256 ? CKM_SHA256 : CKM_SHA_1;
	CK_ATTRIBUTE tmpl[] = {
		{CKA_CLASS, &cls, sizeof(cls)},
		{CKA_KEY_TYPE, &kt, sizeof(kt)},
		{CKA_TOKEN, &yes, sizeof(yes)},
		{CKA_OTP_TIME_INTERVAL, &interval, sizeof(interval)},
		{CKA_OTP_LENGTH, &length, sizeof(length)},
		{CKA_OTP_FORMAT, &format, sizeof(format)},
		{CKA_SAFEID_HASH, &mech, sizeof(mech)},
		{CKA_SAFEID_DISPLAY_TIMEOUT, &display, sizeof(display)},
		{CKA_VALUE, (void *)(uintptr_t)plan->seed, plan->seedlen},
		{CKA_SAFEID_BURN_CLOCK, &clock, sizeof(clock)},
	};
	CK_ULONG ntmpl = sizeof(tmpl) / sizeof(tmpl[0]);
	CK_SESSION_HANDLE s;
	CK_OBJECT_HANDLE obj;
	tool_slot slot;
	CK_RV rv;
	int ret;

	memset(res, 0, sizeof(*res));
	res->seed = SAFEID_SEED_OLD;
	step(arg, "read token info", TOOL_PHASE_START);
	ret = begin_write(b, spec, plan->expect_serial, &slot, &s, err);
	step(arg, "read token info", ret == 0 ? TOOL_PHASE_OK : TOOL_PHASE_FAIL);
	if (ret != 0)
		return ret;
	res->before = slot;
	if (!plan->clock_given)
		ntmpl--; /* the module sets the host clock at the config write */
	step(arg, "authenticate, write configuration, then seed",
	     TOOL_PHASE_START);
	rv = b->f->C_CreateObject(s, tmpl, ntmpl, &obj);
	trace_rv(b, "C_CreateObject(CKO_OTP_KEY)", rv);
	step(arg, "authenticate, write configuration, then seed",
	     rv == CKR_OK ? TOOL_PHASE_OK : TOOL_PHASE_FAIL);
	if (rv != CKR_OK) {
		ret = write_fail(b, s, &slot, rv, "burning the seed", res, err);
		b->f->C_CloseSession(s);
		return ret;
	}
	b->f->C_CloseSession(s);
	res->seed = SAFEID_SEED_NEW;
	confirm_clock(b, &slot, res, step, arg);
	return 0;
}

/* Find the CKH_CLOCK hardware feature object. */
static CK_RV find_clock(tool_backend *b, CK_SESSION_HANDLE s,
                        CK_OBJECT_HANDLE *obj)
{
	CK_OBJECT_CLASS cls = CKO_HW_FEATURE;
	CK_HW_FEATURE_TYPE ft = CKH_CLOCK;
	CK_ATTRIBUTE find[] = {
		{CKA_CLASS, &cls, sizeof(cls)},
		{CKA_HW_FEATURE_TYPE, &ft, sizeof(ft)},
	};
	CK_ULONG n = 0;
	CK_RV rv;

	rv = b->f->C_FindObjectsInit(s, find, 2);
	if (rv != CKR_OK)
		return rv;
	rv = b->f->C_FindObjects(s, obj, 1, &n);
	b->f->C_FindObjectsFinal(s);
	if (rv == CKR_OK && n != 1)
		rv = CKR_FUNCTION_NOT_SUPPORTED;
	return rv;
}

static int p11_set_clock(tool_backend *b, const char *spec,
                         const tool_clock_plan *plan, tool_step_fn step,
                         void *arg, tool_write_result *res, tool_error *err)
{
	char value[17];
	CK_ULONG interval = plan->step, display = plan->display_seconds;
	CK_MECHANISM_TYPE mech =
		plan->hash == SAFEID_HASH_SHA256 ? CKM_SHA256 : CKM_SHA_1;
	CK_BBOOL consent = CK_TRUE;
	CK_ATTRIBUTE tmpl[] = {
		{CKA_VALUE, value, 16},
		{CKA_OTP_TIME_INTERVAL, &interval, sizeof(interval)},
		{CKA_SAFEID_HASH, &mech, sizeof(mech)},
		{CKA_SAFEID_DISPLAY_TIMEOUT, &display, sizeof(display)},
		{CKA_SAFEID_ERASE_SEED, &consent, sizeof(consent)},
	};
	CK_ULONG ntmpl = plan->erase_seed_ok ? 5 : 4;
	CK_SESSION_HANDLE s;
	CK_OBJECT_HANDLE obj;
	tool_slot slot;
	CK_RV rv;
	int ret;

	memset(res, 0, sizeof(*res));
	res->seed = SAFEID_SEED_OLD;
	step(arg, "read token info", TOOL_PHASE_START);
	ret = begin_write(b, spec, plan->expect_serial, &slot, &s, err);
	step(arg, "read token info", ret == 0 ? TOOL_PHASE_OK : TOOL_PHASE_FAIL);
	if (ret != 0)
		return ret;
	res->before = slot;
	rv = find_clock(b, s, &obj);
	trace_rv(b, "C_FindObjects(CKH_CLOCK)", rv);
	if (rv != CKR_OK) {
		b->f->C_CloseSession(s);
		return rv_fail(err, rv, EXIT_TOKEN, "finding the clock object",
		               slot.reader);
	}
	/* The time is taken right before the write so it is as fresh as can
	 * be; the module sends it in the config write. */
	time_to_utc_field(plan->clock_given ? plan->clock : (uint32_t)time(NULL),
	                  value);
	step(arg, "authenticate, write configuration with the clock",
	     TOOL_PHASE_START);
	rv = b->f->C_SetAttributeValue(s, obj, tmpl, ntmpl);
	trace_rv(b, "C_SetAttributeValue(CKH_CLOCK)", rv);
	step(arg, "authenticate, write configuration with the clock",
	     rv == CKR_OK ? TOOL_PHASE_OK : TOOL_PHASE_FAIL);
	if (rv != CKR_OK) {
		ret = write_fail(b, s, &slot, rv, "setting the clock", res, err);
		b->f->C_CloseSession(s);
		return ret;
	}
	b->f->C_CloseSession(s);
	/* A config write keeps the seed, except on restricted-sync models. */
	res->seed = slot.restricted_sync ? SAFEID_SEED_ERASED : SAFEID_SEED_OLD;
	confirm_clock(b, &slot, res, step, arg);
	return 0;
}

static const tool_backend_ops pkcs11_ops = {
	.name = "pkcs11",
	.open = p11_open,
	.list = p11_list,
	.info = p11_info,
	.burn = p11_burn,
	.set_clock = p11_set_clock,
	.close = p11_close,
};

const tool_backend_ops *tool_backend_pkcs11(void)
{
	return &pkcs11_ops;
}
