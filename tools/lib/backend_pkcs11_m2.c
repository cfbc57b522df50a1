/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * backend_pkcs11_m2.c: a Token2 Molto2 through the safeid PKCS#11 module
 * (safeid-pkcs11.h).  Each profile that holds a seed is a CKO_OTP_KEY
 * object (CKA_ID the profile number); the customer key is the user PIN
 * (C_Login, CKR_PIN_INCORRECT with the tries the module was told); a
 * burn is one C_CreateObject per profile (seed, title, config, read
 * back); a write of the clock object's value sets every profile's clock
 * and keeps seeds, titles and settings.
 *
 * What the module has no call for here (deleting one profile through
 * the tool, the screen lock, key change, factory reset, one profile's
 * clock) is refused before anything is sent, naming --backend opensc.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend_pkcs11.h"
#include "p11_errors.h"

#define FIND_MAX 256

/* The profiles that hold a seed, as the module lists them: their info
 * into out->items (count items already numbered). */
static CK_RV profiles_find(client_link *b, CK_SESSION_HANDLE s,
                           client_profile_list *out)
{
	CK_OBJECT_HANDLE *objs = calloc(FIND_MAX, sizeof(*objs));
	CK_ULONG n = 0;
	CK_RV rv;

	if (objs == NULL)
		return CKR_HOST_MEMORY;
	rv = b->f->C_FindObjectsInit(s, NULL, 0);
	client_p11_trace(b, "C_FindObjectsInit", rv);
	if (rv == CKR_OK) {
		rv = b->f->C_FindObjects(s, objs, FIND_MAX, &n);
		client_p11_trace(b, "C_FindObjects", rv);
		b->f->C_FindObjectsFinal(s);
	}
	for (CK_ULONG i = 0; rv == CKR_OK && i < n; i++) {
		CK_ULONG prof = 0, digits = 0, step = 0;
		CK_MECHANISM_TYPE mech = CK_UNAVAILABLE_INFORMATION;
		char label[SAFEID_M2_TITLE_FIELD + 1];
		CK_ATTRIBUTE a[] = {
			{CKA_SAFEID_PROFILE, &prof, sizeof(prof)},
			{CKA_LABEL, label, sizeof(label) - 1},
			{CKA_OTP_LENGTH, &digits, sizeof(digits)},
			{CKA_OTP_TIME_INTERVAL, &step, sizeof(step)},
			{CKA_SAFEID_HASH, &mech, sizeof(mech)},
		};
		client_profile *p;
		CK_RV r;

		r = b->f->C_GetAttributeValue(s, objs[i], a, 5);
		/* the clock object has no profile */
		if (a[0].ulValueLen != sizeof(prof) || prof >= out->count)
			continue;
		if (r != CKR_OK && r != CKR_ATTRIBUTE_TYPE_INVALID &&
		    r != CKR_ATTRIBUTE_SENSITIVE) {
			rv = r;
			break;
		}
		p = &out->items[prof];
		p->seed = true;
		p->info_unknown = false;
		if (a[1].ulValueLen != CK_UNAVAILABLE_INFORMATION &&
		    a[1].ulValueLen < sizeof(label)) {
			memcpy(p->title, label, a[1].ulValueLen);
			p->title[a[1].ulValueLen] = '\0';
		}
		if (a[2].ulValueLen == sizeof(digits))
			p->digits = (unsigned)digits;
		if (a[3].ulValueLen == sizeof(step))
			p->step = (unsigned)step;
		if (a[4].ulValueLen == sizeof(mech))
			p->hash = mech == CKM_SHA256  ? SAFEID_HASH_SHA256
			          : mech == CKM_SHA_1 ? SAFEID_HASH_SHA1
			                              : (safeid_hash)0;
	}
	free(objs);
	return rv;
}

/* Every profile numbered, none known to hold a seed yet; the module
 * lists only those that hold one, so of the others only that is known. */
static void profiles_begin(client_profile_list *out, const client_slot *slot)
{
	out->count = slot->profiles;
	for (size_t i = 0; i < out->count && i < SAFEID_M2_PROFILES; i++) {
		memset(&out->items[i], 0, sizeof(out->items[i]));
		out->items[i].number = (unsigned)i;
		out->items[i].info_unknown = true;
	}
}

int client_p11_profiles(client_link *b, const char *spec,
                        client_profile_list *out, client_error *err)
{
	CK_SESSION_HANDLE s;
	client_slot slot;
	CK_RV rv;
	int ret;

	memset(out, 0, sizeof(*out));
	ret = client_p11_pick(b, spec, &slot, err);
	if (ret != 0)
		return ret;
	out->token = slot;
	if (!slot.molto2)
		return client_family_refuse(&slot, false, err);
	rv = b->f->C_OpenSession(slot.handle, CKF_SERIAL_SESSION, NULL, NULL,
	                         &s);
	client_p11_trace(b, "C_OpenSession", rv);
	if (rv != CKR_OK)
		return client_p11_fail(err, rv,
		                       rv == CKR_TOKEN_NOT_PRESENT
		                               ? CLIENT_EXIT_NO_TOKEN
		                               : CLIENT_EXIT_TOKEN,
		                       "opening a session", slot.reader);
	profiles_begin(out, &slot);
	rv = profiles_find(b, s, out);
	b->f->C_CloseSession(s);
	if (rv != CKR_OK)
		return client_fail(
			err, CLIENT_EXIT_TOKEN, "read_failed",
			"reading the profiles of token %s on reader "
			"'%s' failed with %s: %s; nothing was written",
			slot.serial, slot.reader, client_ckr_name(rv),
			client_ckr_advice(rv));
	return 0;
}

/* ---- commands ------------------------------------------------------------ */

static void step_tell(const client_m2_request *rq, int profile,
                      safeid_m2_step step, int phase)
{
	if (rq->step != NULL)
		rq->step(rq->step_arg, profile, step, phase);
}

/* What the core would have said of a call that failed with rv. */
static int rv_serr(CK_RV rv)
{
	switch (rv) {
	case CKR_DEVICE_REMOVED:
	case CKR_TOKEN_NOT_PRESENT:
	case CKR_SESSION_HANDLE_INVALID:
	case CKR_SESSION_CLOSED:
		return SAFEID_ERR_REMOVED;
	case CKR_TEMPLATE_INCONSISTENT:
	case CKR_DEVICE_MEMORY:
		return SAFEID_ERR_OCCUPIED;
	case CKR_ATTRIBUTE_VALUE_INVALID:
		return SAFEID_ERR_CONFIG;
	case CKR_FUNCTION_FAILED:
		return SAFEID_ERR_SW;
	case CKR_HOST_MEMORY:
		return SAFEID_ERR_NOMEM;
	default:
		return SAFEID_ERR_COMM;
	}
}

/* The tries the module knows for the token (-1: unknown), from its
 * vendor function, else from the token's flags. */
static int tries_now(client_link *b, const client_slot *slot)
{
	CK_TOKEN_INFO ti;
	CK_LONG t = -1;

	if (b->tries_left != NULL && b->tries_left(slot->serial, &t) == CKR_OK)
		return t < 0 ? -1 : (int)t;
	if (b->f->C_GetTokenInfo(slot->handle, &ti) != CKR_OK)
		return -1;
	if (ti.flags & CKF_USER_PIN_LOCKED)
		return 0;
	if (ti.flags & CKF_USER_PIN_FINAL_TRY)
		return 1;
	return -1;
}

/*
 * The customer key as the user PIN.  As the core does: at one try left
 * (or none) as last reported, nothing is sent without the person's
 * consent; a wrong key is never tried again.  SAFEID_OK or the error,
 * *tries what the token last said.
 */
static int login(client_link *b, CK_SESSION_HANDLE s, const client_slot *slot,
                 const client_m2_request *rq, int *tries)
{
	const client_m2_key *k = rq->key;
	bool consent = k != NULL && k->last_try;
	const char *key = SAFEID_M2_FACTORY_KEY;
	size_t len = strlen(SAFEID_M2_FACTORY_KEY);
	CK_RV rv;

	if (!consent && *tries == 1)
		return SAFEID_ERR_LAST_TRY;
	if (!consent && *tries == 0)
		return SAFEID_ERR_LOCKED;
	if (k != NULL && k->bytes != NULL) {
		key = k->bytes;
		len = k->len;
	}
	if (consent && b->allow_last_try != NULL) {
		rv = b->allow_last_try(s);
		client_p11_trace(b, SAFEID_PKCS11_ALLOW_LAST_TRY_SYMBOL, rv);
	}
	step_tell(rq, -1, SAFEID_M2_STEP_AUTH, CLIENT_PHASE_START);
	rv = b->f->C_Login(s, CKU_USER, (CK_UTF8CHAR_PTR)(uintptr_t)key,
	                   (CK_ULONG)len);
	client_p11_trace(b, "C_Login(CKU_USER)", rv);
	step_tell(rq, -1, SAFEID_M2_STEP_AUTH,
	          rv == CKR_OK || rv == CKR_USER_ALREADY_LOGGED_IN
	                  ? CLIENT_PHASE_OK
	                  : CLIENT_PHASE_FAIL);
	switch (rv) {
	case CKR_OK:
	case CKR_USER_ALREADY_LOGGED_IN:
		/* whether a good key refills the counter is not public */
		*tries = -1;
		return SAFEID_OK;
	case CKR_PIN_INCORRECT:
		*tries = tries_now(b, slot);
		return *tries == 0 ? SAFEID_ERR_LOCKED : SAFEID_ERR_WRONG_KEY;
	case CKR_PIN_LOCKED:
		/* the module keeps the last try back as the core does */
		*tries = tries_now(b, slot);
		if (*tries == 1)
			return SAFEID_ERR_LAST_TRY;
		*tries = 0;
		return SAFEID_ERR_LOCKED;
	default:
		return rv_serr(rv);
	}
}

/* What the module says profile p's seed is after a failed write. */
static safeid_seed_state seed_after(client_link *b, const client_slot *slot,
                                    unsigned p, safeid_seed_state fallback)
{
	char name[SAFEID_SERIAL_MAX + 8];
	CK_ULONG st = 0;

	if (b->seed_state == NULL)
		return fallback;
	snprintf(name, sizeof(name), "%s/%u", slot->serial, p);
	if (b->seed_state(name, &st) != CKR_OK)
		return fallback;
	switch (st) {
	case CKS_SAFEID_SEED_OLD:
		return SAFEID_SEED_OLD;
	case CKS_SAFEID_SEED_NEW:
		return SAFEID_SEED_NEW;
	case CKS_SAFEID_SEED_ERASED:
		return SAFEID_SEED_ERASED;
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
	       rv == CKR_TEMPLATE_INCONSISTENT || rv == CKR_ARGUMENTS_BAD ||
	       rv == CKR_DEVICE_MEMORY || rv == CKR_SESSION_READ_ONLY ||
	       rv == CKR_USER_NOT_LOGGED_IN || rv == CKR_HOST_MEMORY;
}

/*
 * What a failed C_CreateObject left in r: the module writes the seed,
 * the title (when given), then the config, each only once the one before
 * was accepted, and counts each write as it begins.  Those before the
 * last one begun were accepted; that one's answer is not known (nor
 * whether a read back that failed came after it).
 */
static void burn_failed(client_link *b, const client_slot *slot, CK_RV rv,
                        unsigned long begun, bool title, client_m2_result *r)
{
	safeid_seed_state *parts[3];
	safeid_m2_step steps[3];
	size_t np = 0;

	parts[np] = &r->seed;
	steps[np++] = SAFEID_M2_STEP_SEED;
	if (title) {
		parts[np] = &r->title;
		steps[np++] = SAFEID_M2_STEP_TITLE;
	}
	parts[np] = &r->config;
	steps[np++] = SAFEID_M2_STEP_CONFIG;
	r->err = rv_serr(rv);
	r->step = SAFEID_M2_STEP_SEED;
	if (rv_wrote_nothing(rv) || begun == 0)
		return;
	for (size_t i = 0; i < np; i++) {
		if (begun == ULONG_MAX || i + 1 == begun) {
			*parts[i] = SAFEID_SEED_UNKNOWN;
			r->step = steps[i];
		} else if (i + 1 < begun) {
			*parts[i] = SAFEID_SEED_NEW;
			r->step = steps[i];
		}
	}
	r->seed = seed_after(b, slot, r->profile, r->seed);
}

/* One account into its profile: C_CreateObject with CKA_ID. */
static CK_RV burn_one(client_link *b, CK_SESSION_HANDLE s,
                      const client_m2_request *rq, const client_m2_account *a)
{
	CK_OBJECT_CLASS cls = CKO_OTP_KEY;
	CK_KEY_TYPE kt = CKK_HOTP;
	CK_BBOOL yes = CK_TRUE, overwrite = CK_TRUE;
	CK_BYTE id = (CK_BYTE)a->profile;
	CK_ULONG interval = a->step, length = a->digits,
		 format = CK_OTP_FORMAT_DECIMAL;
	CK_ULONG display = rq->display_seconds, clock = rq->clock;
	CK_MECHANISM_TYPE mech =
		a->hash == SAFEID_HASH_SHA256 ? CKM_SHA256 : CKM_SHA_1;
	CK_ATTRIBUTE tmpl[12] = {
		{CKA_CLASS, &cls, sizeof(cls)},
		{CKA_KEY_TYPE, &kt, sizeof(kt)},
		{CKA_TOKEN, &yes, sizeof(yes)},
		{CKA_ID, &id, 1},
		{CKA_OTP_TIME_INTERVAL, &interval, sizeof(interval)},
		{CKA_OTP_LENGTH, &length, sizeof(length)},
		{CKA_OTP_FORMAT, &format, sizeof(format)},
		{CKA_SAFEID_HASH, &mech, sizeof(mech)},
		{CKA_SAFEID_DISPLAY_TIMEOUT, &display, sizeof(display)},
		{CKA_VALUE, (void *)(uintptr_t)a->seed, a->seedlen},
	};
	CK_ULONG n = 10;
	CK_OBJECT_HANDLE obj;
	CK_RV rv;

	if (rq->overwrite || a->replaces)
		tmpl[n++] = (CK_ATTRIBUTE){CKA_SAFEID_OVERWRITE, &overwrite,
		                           sizeof(overwrite)};
	if (a->titlelen > 0)
		tmpl[n++] = (CK_ATTRIBUTE){
			CKA_LABEL, (void *)(uintptr_t)a->title, a->titlelen};
	if (rq->clock_given && n < 12)
		tmpl[n++] = (CK_ATTRIBUTE){CKA_SAFEID_BURN_CLOCK, &clock,
		                           sizeof(clock)};
	rv = b->f->C_CreateObject(s, tmpl, n, &obj);
	client_p11_trace(b, "C_CreateObject(CKO_OTP_KEY)", rv);
	return rv;
}

static void m2_burn(client_link *b, CK_SESSION_HANDLE s,
                    const client_slot *slot, const client_m2_request *rq,
                    client_m2_outcome *out)
{
	for (size_t i = 0; i < out->n; i++) {
		const client_m2_account *a = &rq->acc[i];
		client_m2_result *r = &out->results[i];
		bool title = a->titlelen > 0;
		unsigned long w0, w1;
		CK_RV rv;

		/* one call writes every part: each is unknown while it runs */
		step_tell(rq, (int)a->profile, SAFEID_M2_STEP_SEED,
		          CLIENT_PHASE_START);
		if (title)
			step_tell(rq, (int)a->profile, SAFEID_M2_STEP_TITLE,
			          CLIENT_PHASE_START);
		step_tell(rq, (int)a->profile, SAFEID_M2_STEP_CONFIG,
		          CLIENT_PHASE_START);
		w0 = client_p11_writes(b);
		rv = burn_one(b, s, rq, a);
		w1 = client_p11_writes(b);
		if (rv != CKR_OK) {
			burn_failed(b, slot, rv,
			            w0 == ULONG_MAX || w1 == ULONG_MAX
			                    ? ULONG_MAX
			                    : w1 - w0,
			            title, r);
			out->err = r->err;
			out->step = r->step;
			step_tell(rq, (int)a->profile, r->step,
			          CLIENT_PHASE_FAIL);
			return;
		}
		r->seed = SAFEID_SEED_NEW;
		r->title = title ? SAFEID_SEED_NEW : SAFEID_SEED_OLD;
		r->config = SAFEID_SEED_NEW;
		r->confirmed = true; /* the module read it back as written */
		r->step = SAFEID_M2_STEP_DONE;
		out->done++;
		step_tell(rq, (int)a->profile, SAFEID_M2_STEP_SEED,
		          CLIENT_PHASE_OK);
		if (title)
			step_tell(rq, (int)a->profile, SAFEID_M2_STEP_TITLE,
			          CLIENT_PHASE_OK);
		step_tell(rq, (int)a->profile, SAFEID_M2_STEP_CONFIG,
		          CLIENT_PHASE_OK);
		step_tell(rq, (int)a->profile, SAFEID_M2_STEP_CONFIRM,
		          CLIENT_PHASE_START);
		step_tell(rq, (int)a->profile, SAFEID_M2_STEP_CONFIRM,
		          CLIENT_PHASE_OK);
	}
	out->step = SAFEID_M2_STEP_DONE;
}

/* The clock of every profile: one write of the clock object. */
static void m2_sync(client_link *b, CK_SESSION_HANDLE s, client_slot *slot,
                    const client_m2_request *rq, client_m2_outcome *out)
{
	char value[17];
	CK_ATTRIBUTE tmpl[] = {{CKA_VALUE, value, 16}};
	CK_OBJECT_HANDLE obj;
	unsigned long w0, w1, begun;
	client_slot after;
	CK_RV rv;

	/* every profile has its result, even when not listed */
	for (unsigned p = 0; rq->profiles == NULL && p < slot->profiles &&
	                     p < SAFEID_M2_PROFILES;
	     p++) {
		memset(&out->results[p], 0, sizeof(out->results[p]));
		out->results[p].profile = p;
		out->results[p].seed = SAFEID_SEED_OLD;
		out->results[p].title = SAFEID_SEED_OLD;
		out->results[p].config = SAFEID_SEED_OLD;
		out->n = p + 1;
	}
	rv = client_p11_clock_find(b, s, &obj);
	client_p11_trace(b, "C_FindObjects(CKH_CLOCK)", rv);
	if (rv != CKR_OK) {
		out->err = rv_serr(rv);
		out->step = SAFEID_M2_STEP_CLOCK;
		return;
	}
	/* the writes run in one call: every clock is unknown meanwhile */
	for (size_t i = 0; i < out->n; i++)
		step_tell(rq, (int)out->results[i].profile,
		          SAFEID_M2_STEP_CLOCK, CLIENT_PHASE_START);
	client_p11_utc_field(rq->clock_given ? rq->clock : (uint32_t)time(NULL),
	                     value);
	w0 = client_p11_writes(b);
	rv = b->f->C_SetAttributeValue(s, obj, tmpl, 1);
	client_p11_trace(b, "C_SetAttributeValue(CKH_CLOCK)", rv);
	w1 = client_p11_writes(b);
	begun = w0 == ULONG_MAX || w1 == ULONG_MAX ? ULONG_MAX : w1 - w0;
	for (size_t i = 0; i < out->n; i++) {
		client_m2_result *r = &out->results[i];

		if (rv == CKR_OK) {
			r->config = SAFEID_SEED_NEW;
			r->step = SAFEID_M2_STEP_DONE;
			out->done++;
		} else if (rv_wrote_nothing(rv) ||
		           (begun != ULONG_MAX && i >= begun)) {
			continue;
		} else if (rv != CKR_FUNCTION_FAILED && begun != ULONG_MAX &&
		           i + 1 < begun) {
			/* accepted before the one whose answer was lost */
			r->config = SAFEID_SEED_NEW;
			r->step = SAFEID_M2_STEP_DONE;
			out->done++;
		} else {
			/* which profile refused, the module does not say */
			r->config = SAFEID_SEED_UNKNOWN;
			r->step = SAFEID_M2_STEP_CLOCK;
			r->err = rv_serr(rv);
		}
		step_tell(rq, (int)r->profile, SAFEID_M2_STEP_CLOCK,
		          r->step == SAFEID_M2_STEP_DONE ? CLIENT_PHASE_OK
		                                         : CLIENT_PHASE_FAIL);
	}
	if (rv != CKR_OK) {
		out->err = rv_serr(rv);
		out->step = SAFEID_M2_STEP_CLOCK;
		return;
	}
	out->step = SAFEID_M2_STEP_DONE;
	memset(&after, 0, sizeof(after));
	if (client_p11_token_read(b, slot->handle, &after) == CKR_OK &&
	    after.present && after.clock_known &&
	    strcmp(after.serial, slot->serial) == 0) {
		out->have_after = true;
		out->clock_after = after.clock;
	}
}

/* The occupied profiles of a burn without --overwrite: refused before
 * the key is used or anything written, as the core does. */
static int burn_check(client_link *b, CK_SESSION_HANDLE s,
                      const client_slot *slot, const client_m2_request *rq,
                      client_m2_outcome *out)
{
	client_profile_list *pl;
	CK_RV rv;
	int serr = SAFEID_OK;

	if (rq->overwrite)
		return SAFEID_OK;
	pl = calloc(1, sizeof(*pl));
	if (pl == NULL)
		return SAFEID_ERR_NOMEM;
	step_tell(rq, 0, SAFEID_M2_STEP_CHECK, CLIENT_PHASE_START);
	profiles_begin(pl, slot);
	rv = profiles_find(b, s, pl);
	if (rv != CKR_OK)
		serr = rv_serr(rv);
	for (size_t i = 0; serr == SAFEID_OK && i < out->n; i++) {
		unsigned p = rq->acc[i].profile;

		if (p >= pl->count) {
			serr = SAFEID_ERR_PROFILE;
		} else if (pl->items[p].seed && !rq->acc[i].replaces) {
			serr = SAFEID_ERR_OCCUPIED;
			out->results[i].err = serr;
			out->results[i].step = SAFEID_M2_STEP_CHECK;
		}
	}
	step_tell(rq, 0, SAFEID_M2_STEP_CHECK,
	          serr == SAFEID_OK ? CLIENT_PHASE_OK : CLIENT_PHASE_FAIL);
	free(pl);
	return serr;
}

/* The commands this backend does not drive: refused, nothing sent. */
static bool op_driven(const client_m2_request *rq, const client_slot *slot)
{
	if (rq->op == CLIENT_M2_BURN)
		return true;
	/* the clock object sets every profile's clock at once */
	return rq->op == CLIENT_M2_SYNC &&
	       (rq->profiles == NULL || rq->nprofiles == slot->profiles);
}

int client_p11_m2(client_link *b, const char *spec, const client_m2_request *rq,
                  int tries, client_m2_outcome *out, client_error *err)
{
	CK_SESSION_HANDLE s;
	client_slot slot;
	int ret, serr;

	client_m2_outcome_begin(out, rq, tries);
	ret = client_p11_session(b, spec, rq->expect_serial, &slot, &s, err);
	if (ret != 0)
		return ret;
	if (!slot.molto2)
		ret = client_family_refuse(&slot, false, err);
	else if (!op_driven(rq, &slot))
		ret = client_fail(
			err, CLIENT_EXIT_SETUP, "backend",
			"safeid-tool's pkcs11 backend does not drive a "
			"Token2 Molto2's %s%s yet (nothing was sent to it): "
			"use --backend opensc",
			client_m2_op_text(rq->op),
			rq->op == CLIENT_M2_SYNC ? " of one profile" : "");
	else if (rq->op == CLIENT_M2_BURN &&
	         (rq->n == 0 || rq->n > SAFEID_M2_PROFILES))
		ret = client_fail(err, CLIENT_EXIT_USAGE, "accounts",
		                  "nothing written: a burn takes 1 to %d "
		                  "accounts",
		                  SAFEID_M2_PROFILES);
	if (ret != 0) {
		b->f->C_CloseSession(s);
		return ret;
	}
	out->before = slot;
	step_tell(rq, -1, SAFEID_M2_STEP_INFO, CLIENT_PHASE_START);
	step_tell(rq, -1, SAFEID_M2_STEP_INFO, CLIENT_PHASE_OK);
	serr = rq->op == CLIENT_M2_BURN ? burn_check(b, s, &slot, rq, out)
	                                : SAFEID_OK;
	if (serr == SAFEID_OK) {
		out->step = SAFEID_M2_STEP_AUTH;
		serr = login(b, s, &slot, rq, &out->tries_left);
	} else {
		out->step = SAFEID_M2_STEP_CHECK;
	}
	if (serr != SAFEID_OK)
		out->err = serr;
	else if (rq->op == CLIENT_M2_BURN)
		m2_burn(b, s, &slot, rq, out);
	else
		m2_sync(b, s, &slot, rq, out);
	/* the last session's close logs the key out of the module */
	b->f->C_CloseSession(s);
	return 0;
}
