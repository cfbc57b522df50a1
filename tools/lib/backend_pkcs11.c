/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * backend_pkcs11.c: reach the token through the safeid PKCS#11 module
 * (the default backend, see backend.h).
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
#include <sys/stat.h>
#include <time.h>

#include <p11-kit/pkcs11.h>

#include "backend_pkcs11.h"
#include "module_path.h"
#include "p11_errors.h"
#include "safeid-pkcs11.h"

void client_p11_trace(const client_link *b, const char *call, CK_RV rv)
{
	client_trace(&b->opts, "pkcs11: %s -> %s", call, client_ckr_name(rv));
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

void client_p11_utc_field(uint32_t t, char out[17])
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	if (strftime(out, 17, "%Y%m%d%H%M%S00", &tm) != 16)
		memset(out, '0', 17);
	out[16] = '\0';
}

int client_p11_fail(client_error *err, CK_RV rv, int exit_code,
                    const char *what, const char *reader)
{
	return client_fail(err, exit_code, "pkcs11",
	                   "%s on reader '%s' failed with %s: %s", what,
	                   reader != NULL ? reader : "?", client_ckr_name(rv),
	                   client_ckr_advice(rv));
}

static int pkcs11_link_open(const client_backend_opts *opts, client_link **out,
                            client_error *err)
{
	client_link *b = calloc(1, sizeof(*b));
	CK_C_GetFunctionList getfl;
	CK_C_INITIALIZE_ARGS args;
	struct stat st;
	CK_RV rv;
	int ret;

	*out = NULL;
	if (b == NULL)
		return client_fail(err, CLIENT_EXIT_SETUP, "nomem",
		                   "out of memory");
	b->opts = *opts;
	if (client_module_find(opts->module_path, b->path, sizeof(b->path)) !=
	    0) {
		ret = client_fail(
			err, CLIENT_EXIT_SETUP, "module_path",
			"the PKCS#11 module path is too long: give a "
			"shorter one %s",
			client_front_words("with --module",
		                           "in SAFEID_PKCS11_MODULE"));
		goto fail;
	}
	client_trace(&b->opts, "loading PKCS#11 module %s", b->path);
	/* dlopen() would block on a FIFO and read a device: a module is a
	 * regular file (a link to one is fine). */
	if (stat(b->path, &st) == 0 && !S_ISREG(st.st_mode)) {
		ret = client_fail(
			err, CLIENT_EXIT_SETUP, "module_load",
			"the PKCS#11 module '%s' is not a regular file "
			"(a FIFO, a device or a folder): give the "
			"safeid-pkcs11.so path %s",
			b->path,
			client_front_words("with --module",
		                           "in SAFEID_PKCS11_MODULE"));
		goto fail;
	}
	b->dl = dlopen(b->path, RTLD_NOW | RTLD_LOCAL);
	if (b->dl == NULL) {
		ret = client_fail(
			err, CLIENT_EXIT_SETUP, "module_load",
			"cannot load the PKCS#11 module '%s' (%s): "
			"build it (target safeid-pkcs11), install "
			"safeid, or give its path %s",
			b->path, dlerror(),
			client_front_words("with --module",
		                           "in SAFEID_PKCS11_MODULE"));
		goto fail;
	}
	*(void **)&getfl = dlsym(b->dl, "C_GetFunctionList");
	if (getfl == NULL || getfl(&b->f) != CKR_OK || b->f == NULL) {
		ret = client_fail(
			err, CLIENT_EXIT_SETUP, "module_load",
			"'%s' is not a usable PKCS#11 module (no "
			"C_GetFunctionList): give the "
			"safeid-pkcs11.so path %s",
			b->path,
			client_front_words("with --module",
		                           "in SAFEID_PKCS11_MODULE"));
		goto fail;
	}
	/* Optional: another vendor's module does not have it. */
	*(void **)&b->seed_state =
		dlsym(b->dl, SAFEID_PKCS11_SEED_STATE_SYMBOL);
	*(void **)&b->writes_started =
		dlsym(b->dl, SAFEID_PKCS11_WRITES_STARTED_SYMBOL);
	*(void **)&b->tries_left =
		dlsym(b->dl, SAFEID_PKCS11_TRIES_LEFT_SYMBOL);
	*(void **)&b->allow_last_try =
		dlsym(b->dl, SAFEID_PKCS11_ALLOW_LAST_TRY_SYMBOL);
	*(void **)&b->set_press_handler =
		dlsym(b->dl, SAFEID_PKCS11_SET_PRESS_HANDLER_SYMBOL);
	*(void **)&b->factory_reset =
		dlsym(b->dl, SAFEID_PKCS11_FACTORY_RESET_SYMBOL);
	*(void **)&b->screen = dlsym(b->dl, SAFEID_PKCS11_SCREEN_SYMBOL);
	memset(&args, 0, sizeof(args));
	args.flags = CKF_OS_LOCKING_OK;
	rv = b->f->C_Initialize(&args);
	client_p11_trace(b, "C_Initialize", rv);
	if (rv != CKR_OK) {
		ret = client_fail(err, CLIENT_EXIT_SETUP, "module_init",
		                  "the PKCS#11 module '%s' failed to start: "
		                  "%s: %s (is pcscd installed and running?)",
		                  b->path, client_ckr_name(rv),
		                  client_ckr_advice(rv));
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

static void pkcs11_link_close(client_link **pb)
{
	client_link *b = *pb;

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
static bool attr_read(client_link *b, CK_SESSION_HANDLE s, CK_OBJECT_CLASS cls,
                      CK_ATTRIBUTE_TYPE type, void *val, CK_ULONG len)
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
 * The token's whole serial.  serialNumber has room for 16 characters; a
 * longer serial keeps its end there, and the safeid module puts the whole
 * of it into the label ("SafeID SERIAL", or the serial alone when both do
 * not fit).  Taken from the label only when it ends with serialNumber,
 * so a token is named by one serial whichever backend or field shows it.
 */
static void serial_read(const CK_TOKEN_INFO *ti, char *out, size_t cap)
{
	char tail[sizeof(ti->serialNumber) + 1], label[sizeof(ti->label) + 1];
	const char *whole = label;
	size_t n, k;

	field_to_str(tail, sizeof(tail), ti->serialNumber,
	             sizeof(ti->serialNumber));
	field_to_str(label, sizeof(label), ti->label, sizeof(ti->label));
	snprintf(out, cap, "%s", tail);
	if (strlen(tail) < sizeof(ti->serialNumber))
		return;
	if (strncmp(label, "SafeID ", 7) == 0)
		whole = label + 7;
	n = strlen(whole);
	k = strlen(tail);
	if (n <= k || n >= cap || strcmp(whole + n - k, tail) != 0 ||
	    strspn(whole, "0123456789") != n)
		return;
	snprintf(out, cap, "%s", whole);
}

/*
 * Serial, model and clock from C_GetTokenInfo alone: the model name is in
 * the token info and the restricted-sync flag follows from the serial, so
 * no session (and no further exchange with the token) is needed.
 */
CK_RV client_p11_token_read(client_link *b, CK_SLOT_ID id, client_slot *slot)
{
	CK_TOKEN_INFO ti;
	const safeid_model *m;
	CK_RV rv;
	long long t;

	slot->present = false;
	slot->clock_known = false;
	rv = b->f->C_GetTokenInfo(id, &ti);
	client_p11_trace(b, "C_GetTokenInfo", rv);
	slot->foreign = rv == CKR_TOKEN_NOT_RECOGNIZED;
	if (rv == CKR_TOKEN_NOT_PRESENT || rv == CKR_TOKEN_NOT_RECOGNIZED)
		return CKR_OK;
	if (rv != CKR_OK)
		return rv;
	slot->present = true;
	serial_read(&ti, slot->serial, sizeof(slot->serial));
	field_to_str(slot->model, sizeof(slot->model), ti.model,
	             sizeof(ti.model));
	m = safeid_model_lookup(slot->serial);
	if (m != NULL)
		snprintf(slot->model, sizeof(slot->model), "%s", m->name);
	else if (strcmp(slot->model, "unknown model") == 0)
		slot->model[0] = '\0';
	slot->restricted_sync = safeid_serial_restricted(slot->serial);
	/* The module names a Molto2 "Molto2 N" (N profiles); its profiles
	 * are driven in backend_pkcs11_m2.c. */
	if (strncmp(slot->model, "Molto2 ", 7) == 0) {
		unsigned n = (unsigned)strtoul(slot->model + 7, NULL, 10);

		slot->molto2 = true;
		slot->restricted_sync = false;
		slot->profiles =
			n == SAFEID_M2_PROFILES_V1 ? n : SAFEID_M2_PROFILES;
		slot->profiles_known = true;
		snprintf(slot->model, sizeof(slot->model),
		         "Token2 Molto2, %u profiles", slot->profiles);
	}
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
static CK_RV reader_read(client_link *b, CK_SLOT_ID id, client_slot *slot,
                         bool *card)
{
	CK_SLOT_INFO si;
	CK_RV rv;

	memset(slot, 0, sizeof(*slot));
	slot->handle = id;
	rv = b->f->C_GetSlotInfo(id, &si);
	client_p11_trace(b, "C_GetSlotInfo", rv);
	if (rv != CKR_OK)
		return rv;
	field_to_str(slot->reader, sizeof(slot->reader), si.slotDescription,
	             sizeof(si.slotDescription));
	*card = (si.flags & CKF_TOKEN_PRESENT) != 0;
	return CKR_OK;
}

/* Fill slot from C_GetSlotInfo / C_GetTokenInfo. */
static CK_RV slot_read(client_link *b, CK_SLOT_ID id, client_slot *slot)
{
	bool card = false;
	CK_RV rv = reader_read(b, id, slot, &card);

	if (rv != CKR_OK || !card)
		return rv;
	return client_p11_token_read(b, id, slot);
}

/* All slot ids; *ids is malloc()ed (NULL when there is none). */
static int slot_ids(client_link *b, CK_SLOT_ID **ids, CK_ULONG *n,
                    client_error *err)
{
	CK_RV rv;

	*ids = NULL;
	*n = 0;
	rv = b->f->C_GetSlotList(CK_FALSE, NULL, n);
	client_p11_trace(b, "C_GetSlotList", rv);
	if (rv == CKR_OK && *n > 0) {
		*ids = calloc(*n, sizeof(**ids));
		if (*ids == NULL)
			return client_fail(err, CLIENT_EXIT_SETUP, "nomem",
			                   "out of memory");
		rv = b->f->C_GetSlotList(CK_FALSE, *ids, n);
	}
	if (rv == CKR_OK)
		return 0;
	free(*ids);
	*ids = NULL;
	return client_fail(err, CLIENT_EXIT_NO_TOKEN, "pkcs11",
	                   "listing readers failed with %s: %s (is pcscd "
	                   "running? start it with 'systemctl start pcscd')",
	                   client_ckr_name(rv), client_ckr_advice(rv));
}

static int pkcs11_slots_list(client_link *b, client_slot_list *out,
                             client_error *err)
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
		return client_fail(err, CLIENT_EXIT_SETUP, "nomem",
		                   "out of memory");
	}
	for (CK_ULONG i = 0; i < n; i++)
		if (slot_read(b, ids[i], &out->slots[out->count]) == CKR_OK)
			out->count++;
	free(ids);
	return 0;
}

/* Tell the front end which reader the next calls talk to. */
static void reader_chosen(const client_link *b, const char *reader)
{
	if (b->opts.on_reader != NULL)
		b->opts.on_reader(b->opts.arg, reader);
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
static int slot_choose_by_asking_all(client_link *b, const char *spec,
                                     client_slot *slot, client_error *err)
{
	client_slot_list l;
	long idx;
	int ret;

	ret = pkcs11_slots_list(b, &l, err);
	if (ret != 0)
		return ret;
	idx = client_slot_pick(&l, spec, err);
	if (idx >= 0)
		*slot = l.slots[idx];
	client_slot_list_free(&l);
	return idx < 0 ? err->exit_code : 0;
}

/*
 * Choose the slot for spec from PC/SC's reader list (names, card present):
 * that costs no exchange with any token, so only the chosen slot is then
 * asked.  The module lists readers in PC/SC's order; the chosen slot's
 * name is checked against the pick, and any doubt falls back to asking
 * every slot.
 */
static int slot_choose(client_link *b, const char *spec, client_slot *slot,
                       client_error *err)
{
	safeid_reader_list pl;
	client_slot_list light;
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
	idx = client_slot_pick(&light, spec, err);
	if (idx < 0) {
		ret = err->exit_code;
		goto fail;
	}
	reader_chosen(b, pl.names[idx]);
	rv = reader_read(b, ids[idx], slot, &card);
	if (rv != CKR_OK || !same_reader(slot->reader, pl.names[idx]))
		goto ask_all;
	if (card)
		rv = client_p11_token_read(b, ids[idx], slot);
	if (rv != CKR_OK)
		ret = client_p11_fail(err, rv, CLIENT_EXIT_TOKEN,
		                      "reading the token", slot->reader);
	goto fail;
ask_all:
	ret = slot_choose_by_asking_all(b, spec, slot, err);
	if (ret == 0)
		reader_chosen(b, slot->reader);
fail:
	free(ids);
	client_slot_list_free(&light);
	safeid_pcsc_list_free(&pl);
	return ret;
}

/* A card is on the slot's reader, but the module does not recognise it
 * as a token (answered from what the module kept: no exchange). */
static bool card_foreign(client_link *b, const client_slot *slot)
{
	CK_TOKEN_INFO ti;
	CK_RV rv = b->f->C_GetTokenInfo(slot->handle, &ti);

	client_p11_trace(b, "C_GetTokenInfo", rv);
	return rv == CKR_TOKEN_NOT_RECOGNIZED;
}

/* Pick the slot for spec and make sure a token is on it. */
int client_p11_pick(client_link *b, const char *spec, client_slot *slot,
                    client_error *err)
{
	char why[CLIENT_MSG_MAX];
	int ret = slot_choose(b, spec, slot, err);
	bool foreign;

	if (ret != 0)
		return ret;
	/* A module that does not recognise the Molto2 on a reader named
	 * for one (not safeid's, or an older one): the reader's name says
	 * which token it is, without an exchange. */
	foreign = !slot->present && card_foreign(b, slot);
	if (foreign &&
	    safeid_family_for_reader(slot->reader) == safeid_family_molto2())
		return client_fail(
			err, CLIENT_EXIT_SETUP, "backend",
			"reader '%s' holds a Token2 Molto2, which the "
			"PKCS#11 module does not drive: run again "
			"with --backend opensc (nothing was sent to "
			"the token)",
			slot->reader);
	if (foreign)
		return client_fail(err, CLIENT_EXIT_NO_TOKEN, "no_token",
		                   "reader '%s': %s", slot->reader,
		                   client_text(CLIENT_TEXT_FOREIGN_CARD));
	if (!slot->present) {
		client_text_no_token(slot->reader, why, sizeof(why));
		return client_fail(err, CLIENT_EXIT_NO_TOKEN, "no_token", "%s",
		                   why);
	}
	/* A later write on the same spec reuses this choice. */
	b->chosen = *slot;
	snprintf(b->chosen_spec, sizeof(b->chosen_spec), "%s",
	         spec != NULL ? spec : "");
	b->have_chosen = true;
	return 0;
}

static int pkcs11_slot_info(client_link *b, const char *spec, client_slot *out,
                            client_error *err)
{
	return client_p11_pick(b, spec, out, err);
}

/*
 * What the module says the token holds: first through the session the
 * write used; when the token left, PKCS#11 has closed that session, so
 * then by the token's serial through the module's vendor function (if it
 * has one).  fallback when neither can say.
 */
static safeid_seed_state seed_state_after(client_link *b, CK_SESSION_HANDLE s,
                                          const char *serial,
                                          safeid_seed_state fallback)
{
	CK_ULONG st = 0;
	CK_RV rv;

	if (!attr_read(b, s, CKO_OTP_KEY, CKA_SAFEID_SEED_STATE, &st,
	               sizeof(st))) {
		if (b->seed_state == NULL)
			return fallback;
		rv = b->seed_state(serial, &st);
		client_p11_trace(b, SAFEID_PKCS11_SEED_STATE_SYMBOL, rv);
		if (rv != CKR_OK)
			return fallback;
	}
	return client_p11_seed_state(st);
}

safeid_seed_state client_p11_seed_state(CK_ULONG st)
{
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
	       rv == CKR_ATTRIBUTE_TYPE_INVALID ||
	       rv == CKR_TEMPLATE_INCOMPLETE ||
	       rv == CKR_TEMPLATE_INCONSISTENT || rv == CKR_FUNCTION_REJECTED ||
	       rv == CKR_ARGUMENTS_BAD || rv == CKR_KEY_SIZE_RANGE ||
	       rv == CKR_SLOT_ID_INVALID || rv == CKR_SESSION_READ_ONLY ||
	       rv == CKR_USER_NOT_LOGGED_IN;
}

/* The module's count of write commands begun (ULONG_MAX: unknown). */
unsigned long client_p11_writes(const client_link *b)
{
	return b->writes_started != NULL ? b->writes_started() : ULONG_MAX;
}

/*
 * What became of the configuration after a failed write call: the
 * module tells the seed, and its count of write commands begun tells how
 * far the call got (config begun: one; seed begun too: two).  A restricted
 * model's seed follows its configuration; otherwise, when only the
 * configuration was begun and the call failed, the host cannot tell a
 * refusal from a lost answer: unknown.
 */
static client_config_state config_after(CK_RV rv, safeid_seed_state seed,
                                        bool restricted, unsigned long begun)
{
	if (seed == SAFEID_SEED_NEW || seed == SAFEID_SEED_ERASED ||
	    (begun != ULONG_MAX && begun >= 2))
		return CLIENT_CONFIG_WRITTEN;
	if (begun == 0 || rv_wrote_nothing(rv))
		return CLIENT_CONFIG_UNCHANGED;
	if (restricted)
		return seed == SAFEID_SEED_OLD ? CLIENT_CONFIG_UNCHANGED
		                               : CLIENT_CONFIG_UNKNOWN;
	return CLIENT_CONFIG_UNKNOWN;
}

/* Report a failed write; the library adds what the token now holds. */
static int write_fail(client_link *b, CK_SESSION_HANDLE s,
                      const client_slot *slot, CK_RV rv, const char *what,
                      unsigned long w0, client_write_result *res,
                      client_error *err)
{
	safeid_seed_state guess =
		rv_wrote_nothing(rv) ? SAFEID_SEED_OLD : SAFEID_SEED_UNKNOWN;
	unsigned long w1 = client_p11_writes(b);
	int code;

	res->seed = seed_state_after(b, s, slot->serial, guess);
	res->config = config_after(
		rv, res->seed, slot->restricted_sync,
		w0 == ULONG_MAX || w1 == ULONG_MAX ? ULONG_MAX : w1 - w0);
	res->write_failed = true;
	code = res->seed == SAFEID_SEED_OLD || res->seed == SAFEID_SEED_NEW
	               ? CLIENT_EXIT_TOKEN
	               : CLIENT_EXIT_PARTIAL;
	return client_fail(err, code, "write_failed",
	                   "%s on reader '%s' (token %s) failed with %s: %s",
	                   what, slot->reader, slot->serial,
	                   client_ckr_name(rv), client_ckr_advice(rv));
}

/* After a write: C_GetTokenInfo of the written slot only. */
static void clock_confirm(client_link *b, const client_slot *slot,
                          client_write_result *res, client_step_fn step,
                          void *arg)
{
	step(arg, CLIENT_STEP_READ_BACK, CLIENT_PHASE_START);
	res->after = *slot;
	res->after_valid =
		client_p11_token_read(b, slot->handle, &res->after) == CKR_OK &&
		res->after.present &&
		strcmp(res->after.serial, slot->serial) == 0;
	step(arg, CLIENT_STEP_READ_BACK,
	     res->after_valid ? CLIENT_PHASE_OK : CLIENT_PHASE_FAIL);
}

/*
 * The token to write: the slot the info read chose (else choose now), a
 * read-write session on it, and the token read through that slot again:
 * the session is bound to the token there now, which must be the one in
 * the plan the person confirmed.
 */
int client_p11_session(client_link *b, const char *spec, const char *expect,
                       client_slot *slot, CK_SESSION_HANDLE *s,
                       client_error *err)
{
	bool reuse = b->have_chosen &&
	             strcmp(b->chosen_spec, spec != NULL ? spec : "") == 0;
	CK_RV rv;
	int ret;

	if (reuse)
		*slot = b->chosen;
	else if ((ret = client_p11_pick(b, spec, slot, err)) != 0)
		return ret;
	rv = b->f->C_OpenSession(slot->handle,
	                         CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL,
	                         NULL, s);
	client_p11_trace(b, "C_OpenSession", rv);
	if (rv != CKR_OK)
		return client_p11_fail(err, rv,
		                       rv == CKR_TOKEN_NOT_PRESENT
		                               ? CLIENT_EXIT_NO_TOKEN
		                               : CLIENT_EXIT_TOKEN,
		                       "opening a session", slot->reader);
	rv = reuse ? client_p11_token_read(b, slot->handle, slot) : CKR_OK;
	if (rv != CKR_OK)
		ret = client_p11_fail(err, rv, CLIENT_EXIT_TOKEN,
		                      "reading the token", slot->reader);
	else if (!slot->present)
		ret = client_fail(err, CLIENT_EXIT_NO_TOKEN, "no_token",
		                  "nothing written: the token left reader "
		                  "'%s'; put it back, switch it on and run "
		                  "again",
		                  slot->reader);
	else
		ret = client_token_changed(slot, expect, err);
	if (ret != 0)
		b->f->C_CloseSession(*s);
	return ret;
}

/* The start of a write, reported as the step "read token info": res
 * says the token still holds its old seed until the write is sent. */
static int write_begin(client_link *b, const char *spec, const char *expect,
                       client_step_fn step, void *arg, client_slot *slot,
                       CK_SESSION_HANDLE *s, client_write_result *res,
                       client_error *err)
{
	int ret;

	step(arg, CLIENT_STEP_INFO, CLIENT_PHASE_START);
	ret = client_p11_session(b, spec, expect, slot, s, err);
	step(arg, CLIENT_STEP_INFO,
	     ret == 0 ? CLIENT_PHASE_OK : CLIENT_PHASE_FAIL);
	if (ret == 0)
		res->before = *slot;
	return ret;
}

/* After the write call returned rv: what the token holds (held when it
 * succeeded, else what the module says), the session closed, and the
 * clock read back (also after a failure once the seed was accepted, so
 * the library can tell a wrong clock). */
static int write_end(client_link *b, CK_SESSION_HANDLE s,
                     const client_slot *slot, CK_RV rv, const char *what,
                     unsigned long w0, safeid_seed_state held,
                     client_step_fn step, void *arg, client_write_result *res,
                     client_error *err)
{
	int ret = 0;

	if (rv != CKR_OK)
		ret = write_fail(b, s, slot, rv, what, w0, res, err);
	b->f->C_CloseSession(s);
	if (ret == 0) {
		res->seed = held;
		res->config = CLIENT_CONFIG_WRITTEN;
	}
	if (ret == 0 || res->seed == SAFEID_SEED_NEW)
		clock_confirm(b, slot, res, step, arg);
	return ret;
}

static int pkcs11_seed_burn(client_link *b, const char *spec,
                            const client_burn_plan *plan, client_step_fn step,
                            void *arg, client_write_result *res,
                            client_error *err)
{
	CK_OBJECT_CLASS cls = CKO_OTP_KEY;
	CK_KEY_TYPE kt = CKK_HOTP;
	CK_BBOOL yes = CK_TRUE;
	CK_ULONG interval = plan->step, length = 6,
		 format = CK_OTP_FORMAT_DECIMAL;
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
	client_slot slot;
	unsigned long w0;
	CK_RV rv;
	int ret;

	client_result_begin(res, plan->hash, plan->step, plan->display_seconds);
	ret = write_begin(b, spec, plan->expect_serial, step, arg, &slot, &s,
	                  res, err);
	if (ret != 0)
		return ret;
	if (!plan->clock_given)
		ntmpl--; /* the module sets the host clock at the config write */
	w0 = client_p11_writes(b);
	step(arg, CLIENT_STEP_BURN_WRITE, CLIENT_PHASE_START);
	rv = b->f->C_CreateObject(s, tmpl, ntmpl, &obj);
	client_p11_trace(b, "C_CreateObject(CKO_OTP_KEY)", rv);
	step(arg, CLIENT_STEP_BURN_WRITE,
	     rv == CKR_OK ? CLIENT_PHASE_OK : CLIENT_PHASE_FAIL);
	return write_end(b, s, &slot, rv, "burning the seed", w0,
	                 SAFEID_SEED_NEW, step, arg, res, err);
}

/* Find the CKH_CLOCK hardware feature object. */
CK_RV client_p11_clock_find(client_link *b, CK_SESSION_HANDLE s,
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

static int pkcs11_clock_set(client_link *b, const char *spec,
                            const client_clock_plan *plan, client_step_fn step,
                            void *arg, client_write_result *res,
                            client_error *err)
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
	client_slot slot;
	unsigned long w0;
	CK_RV rv;
	int ret;

	client_result_begin(res, plan->hash, plan->step, plan->display_seconds);
	ret = write_begin(b, spec, plan->expect_serial, step, arg, &slot, &s,
	                  res, err);
	if (ret != 0)
		return ret;
	rv = client_p11_clock_find(b, s, &obj);
	client_p11_trace(b, "C_FindObjects(CKH_CLOCK)", rv);
	if (rv != CKR_OK) {
		b->f->C_CloseSession(s);
		return client_p11_fail(err, rv, CLIENT_EXIT_TOKEN,
		                       "finding the clock object", slot.reader);
	}
	/* The time is taken right before the write so it is as fresh as can
	 * be; the module sends it in the config write. */
	client_p11_utc_field(
		plan->clock_given ? plan->clock : (uint32_t)time(NULL), value);
	w0 = client_p11_writes(b);
	step(arg, CLIENT_STEP_CLOCK_WRITE, CLIENT_PHASE_START);
	rv = b->f->C_SetAttributeValue(s, obj, tmpl, ntmpl);
	client_p11_trace(b, "C_SetAttributeValue(CKH_CLOCK)", rv);
	step(arg, CLIENT_STEP_CLOCK_WRITE,
	     rv == CKR_OK ? CLIENT_PHASE_OK : CLIENT_PHASE_FAIL);
	/* A config write keeps the seed, except on restricted-sync models. */
	return write_end(b, s, &slot, rv, "setting the clock", w0,
	                 slot.restricted_sync ? SAFEID_SEED_ERASED
	                                      : SAFEID_SEED_OLD,
	                 step, arg, res, err);
}

static const client_backend_ops pkcs11_ops = {
	.name = "pkcs11",
	.open = pkcs11_link_open,
	.list = pkcs11_slots_list,
	.info = pkcs11_slot_info,
	.burn = pkcs11_seed_burn,
	.clock_set = pkcs11_clock_set,
	.close = pkcs11_link_close,
	.writes = client_p11_writes,
	.profiles = client_p11_profiles,
	.m2 = client_p11_m2,
};

const client_backend_ops *client_backend_pkcs11(void)
{
	return &pkcs11_ops;
}
