/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * backend_pkcs11_m2.c: a Token2 Molto2 through the safeid PKCS#11 module
 * (safeid-pkcs11.h).  Each profile that holds a seed is a CKO_OTP_KEY
 * object (CKA_ID the profile number); the customer key is the user PIN
 * (C_Login, CKR_PIN_INCORRECT with the tries the module was told); a
 * burn is one C_CreateObject per profile (seed, title, config, read
 * back); a write of the clock object's value sets every profile's clock
 * and keeps seeds, titles and settings; C_DestroyObject deletes a
 * profile's seed; C_SetPIN changes the key; the module's vendor functions
 * lock the screen and reset the token, the person's part of a wait for ▲
 * asked through its press handler.
 *
 * What has no call here (one profile's clock; a key change the module
 * would check without the person's consent to spend a try) is refused
 * before anything is sent, naming the way (--backend opensc).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend_pkcs11.h"
#include "p11_errors.h"

#define FIND_MAX 256

/* The profiles that hold a seed, as the module lists them: their info
 * into out->items (count items already numbered), and each one's object
 * into obj_of[profile] when obj_of is not NULL. */
static CK_RV profiles_find(client_link *b, CK_SESSION_HANDLE s,
                           client_profile_list *out, CK_OBJECT_HANDLE *obj_of)
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
		if (obj_of != NULL)
			obj_of[prof] = objs[i];
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
	rv = profiles_find(b, s, out, NULL);
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

/* The key rq gives (the factory one when none), and the person's
 * consent to the last try passed on; nothing sent at one try left (or
 * none) without it. */
static int key_begin(client_link *b, CK_SESSION_HANDLE s,
                     const client_m2_request *rq, int tries, const char **key,
                     size_t *len)
{
	const client_m2_key *k = rq->key;
	bool consent = k != NULL && k->last_try;
	CK_RV rv;

	if (!consent && tries == 1)
		return SAFEID_ERR_LAST_TRY;
	if (!consent && tries == 0)
		return SAFEID_ERR_LOCKED;
	*key = SAFEID_M2_FACTORY_KEY;
	*len = strlen(SAFEID_M2_FACTORY_KEY);
	if (k != NULL && k->bytes != NULL) {
		*key = k->bytes;
		*len = k->len;
	}
	if (consent && b->allow_last_try != NULL) {
		rv = b->allow_last_try(s);
		client_p11_trace(b, SAFEID_PKCS11_ALLOW_LAST_TRY_SYMBOL, rv);
	}
	return SAFEID_OK;
}

/* What a wrong or refused key's CK_RV says, *tries updated. */
static int key_refused(client_link *b, const client_slot *slot, CK_RV rv,
                       int *tries)
{
	if (rv == CKR_PIN_INCORRECT) {
		*tries = tries_now(b, slot);
		return *tries == 0 ? SAFEID_ERR_LOCKED : SAFEID_ERR_WRONG_KEY;
	}
	/* the module keeps the last try back as the core does */
	*tries = tries_now(b, slot);
	if (*tries == 1)
		return SAFEID_ERR_LAST_TRY;
	*tries = 0;
	return SAFEID_ERR_LOCKED;
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
	const char *key;
	size_t len;
	CK_RV rv;
	int serr = key_begin(b, s, rq, *tries, &key, &len);

	if (serr != SAFEID_OK)
		return serr;
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
	case CKR_PIN_LOCKED:
		return key_refused(b, slot, rv, tries);
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
	return client_p11_seed_state(st);
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

/*
 * After a write the token answered with an error (it is still there):
 * the profile as it reads now says whether a title or config whose
 * answer is not known was taken.  A config write carries hash, digits
 * and step at once, so other values than those sent mean it was not;
 * the same values may be the old ones, so they prove nothing.
 */
static void burn_read_back(client_link *b, CK_SESSION_HANDLE s,
                           const client_slot *slot, const client_m2_account *a,
                           client_m2_result *r)
{
	client_profile_list *pl;
	const client_profile *p;

	if (r->title != SAFEID_SEED_UNKNOWN && r->config != SAFEID_SEED_UNKNOWN)
		return;
	pl = calloc(1, sizeof(*pl));
	if (pl == NULL)
		return;
	profiles_begin(pl, slot);
	if (profiles_find(b, s, pl, NULL) != CKR_OK ||
	    a->profile >= pl->count || !pl->items[a->profile].seed) {
		free(pl);
		return;
	}
	p = &pl->items[a->profile];
	if (r->title == SAFEID_SEED_UNKNOWN)
		r->title = strcmp(p->title, a->title) == 0 ? SAFEID_SEED_NEW
		                                           : SAFEID_SEED_OLD;
	if (r->config == SAFEID_SEED_UNKNOWN &&
	    (p->hash != a->hash || p->digits != a->digits ||
	     p->step != a->step))
		r->config = SAFEID_SEED_OLD;
	free(pl);
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

	if (rq->overwrite)
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
			if (r->err != SAFEID_ERR_REMOVED)
				burn_read_back(b, s, slot, a, r);
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
			r->refused_unsaid = rv == CKR_FUNCTION_FAILED;
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
	rv = profiles_find(b, s, pl, NULL);
	if (rv != CKR_OK)
		serr = rv_serr(rv);
	for (size_t i = 0; serr == SAFEID_OK && i < out->n; i++) {
		unsigned p = rq->acc[i].profile;

		if (p >= pl->count) {
			serr = SAFEID_ERR_PROFILE;
		} else if (pl->items[p].seed) {
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

/* One profile's seed deleted: C_DestroyObject of its object (a profile
 * without one is left alone, no key used, as the core does). */
static void m2_wipe(client_link *b, CK_SESSION_HANDLE s,
                    const client_slot *slot, const client_m2_request *rq,
                    client_m2_outcome *out)
{
	CK_OBJECT_HANDLE *obj_of = calloc(SAFEID_M2_PROFILES, sizeof(*obj_of));
	client_profile_list *pl = calloc(1, sizeof(*pl));
	client_m2_result *r = &out->results[0];
	unsigned p = rq->profiles[0];
	unsigned long w0, w1;
	CK_RV rv;
	int serr;

	if (obj_of == NULL || pl == NULL) {
		out->err = SAFEID_ERR_NOMEM;
		goto done;
	}
	step_tell(rq, (int)p, SAFEID_M2_STEP_CHECK, CLIENT_PHASE_START);
	profiles_begin(pl, slot);
	rv = profiles_find(b, s, pl, obj_of);
	step_tell(rq, (int)p, SAFEID_M2_STEP_CHECK,
	          rv == CKR_OK ? CLIENT_PHASE_OK : CLIENT_PHASE_FAIL);
	if (rv != CKR_OK || p >= pl->count) {
		out->err = rv != CKR_OK ? rv_serr(rv) : SAFEID_ERR_PROFILE;
		out->step = SAFEID_M2_STEP_CHECK;
		r->err = out->err;
		r->step = out->step;
		goto done;
	}
	if (!pl->items[p].seed) {
		r->step = SAFEID_M2_STEP_DONE;
		out->step = SAFEID_M2_STEP_DONE;
		goto done;
	}
	out->step = SAFEID_M2_STEP_AUTH;
	serr = login(b, s, slot, rq, &out->tries_left);
	if (serr != SAFEID_OK) {
		out->err = serr;
		goto done;
	}
	step_tell(rq, (int)p, SAFEID_M2_STEP_DELETE, CLIENT_PHASE_START);
	w0 = client_p11_writes(b);
	rv = b->f->C_DestroyObject(s, obj_of[p]);
	client_p11_trace(b, "C_DestroyObject(profile)", rv);
	w1 = client_p11_writes(b);
	if (rv == CKR_OK) {
		r->seed = SAFEID_SEED_ERASED;
		r->step = SAFEID_M2_STEP_DONE;
		out->step = SAFEID_M2_STEP_DONE;
		out->done = 1;
		step_tell(rq, (int)p, SAFEID_M2_STEP_DELETE, CLIENT_PHASE_OK);
		goto done;
	}
	r->err = rv_serr(rv);
	r->step = SAFEID_M2_STEP_DELETE;
	r->seed = rv_wrote_nothing(rv) || (w0 != ULONG_MAX && w0 == w1)
	                  ? SAFEID_SEED_OLD
	                  : seed_after(b, slot, p, SAFEID_SEED_UNKNOWN);
	out->err = r->err;
	out->step = r->step;
	step_tell(rq, (int)p, SAFEID_M2_STEP_DELETE, CLIENT_PHASE_FAIL);
done:
	free(obj_of);
	free(pl);
}

static void m2_screen(client_link *b, CK_SESSION_HANDLE s,
                      const client_slot *slot, const client_m2_request *rq,
                      client_m2_outcome *out)
{
	CK_RV rv;
	int serr;

	out->step = SAFEID_M2_STEP_AUTH;
	serr = login(b, s, slot, rq, &out->tries_left);
	if (serr != SAFEID_OK) {
		out->err = serr;
		return;
	}
	out->step = SAFEID_M2_STEP_SCREEN;
	rv = b->screen(s, rq->op == CLIENT_M2_LOCK ? CK_TRUE : CK_FALSE);
	client_p11_trace(b, SAFEID_PKCS11_SCREEN_SYMBOL, rv);
	if (rv == CKR_OK)
		out->step = SAFEID_M2_STEP_DONE;
	else
		out->err = rv == CKR_FUNCTION_NOT_SUPPORTED
		                   ? SAFEID_ERR_NOT_SUPPORTED
		                   : rv_serr(rv);
}

/* The person's part of a wait for ▲, as the module asks for it. */
struct press_ctx {
	const client_m2_request *rq;
	int answer; /* 1: not asked */
};

static CK_RV press_handler(void *arg, CK_SLOT_ID slot, CK_ULONG what,
                           CK_ULONG timeout_ms)
{
	struct press_ctx *c = arg;

	(void)slot;
	c->answer = c->rq->press(c->rq->press_arg,
	                         what == SAFEID_PKCS11_PRESS_RESET
	                                 ? SAFEID_M2_PRESS_RESET
	                                 : SAFEID_M2_PRESS_KEY_CHANGE,
	                         (long)timeout_ms);
	if (c->answer == SAFEID_OK)
		return CKR_OK;
	if (c->answer != SAFEID_ERR_TIMEOUT)
		c->answer = SAFEID_ERR_CANCELLED;
	return c->answer == SAFEID_ERR_CANCELLED ? CKR_FUNCTION_CANCELED
	                                         : CKR_FUNCTION_REJECTED;
}

/*
 * The customer key change: C_SetPIN authenticates with the old key,
 * sends the new one, asks the person for ▲ (press_handler), and checks
 * by authenticating with the new key once they say they pressed it.
 */
static void m2_set_key(client_link *b, CK_SESSION_HANDLE s,
                       const client_slot *slot, const client_m2_request *rq,
                       client_m2_outcome *out)
{
	struct press_ctx pc = {rq, 1};
	const char *old, *new_key = SAFEID_M2_FACTORY_KEY;
	size_t oldlen, newlen = strlen(SAFEID_M2_FACTORY_KEY);
	unsigned long w0, w1;
	CK_RV rv;
	int serr;

	out->step = SAFEID_M2_STEP_AUTH;
	serr = key_begin(b, s, rq, out->tries_left, &old, &oldlen);
	if (serr != SAFEID_OK) {
		out->err = serr;
		return;
	}
	if (rq->new_key != NULL && rq->new_key->bytes != NULL) {
		new_key = rq->new_key->bytes;
		newlen = rq->new_key->len;
	}
	(void)b->set_press_handler(press_handler, &pc);
	w0 = client_p11_writes(b);
	rv = b->f->C_SetPIN(
		s, (CK_UTF8CHAR_PTR)(uintptr_t)old, (CK_ULONG)oldlen,
		(CK_UTF8CHAR_PTR)(uintptr_t)new_key, (CK_ULONG)newlen);
	client_p11_trace(b, "C_SetPIN", rv);
	w1 = client_p11_writes(b);
	(void)b->set_press_handler(NULL, NULL);
	out->press_answer = pc.answer;
	if (rv == CKR_OK) {
		out->press = SAFEID_M2_CONFIRMED;
		out->step = SAFEID_M2_STEP_DONE;
		out->tries_left = -1;
		return;
	}
	if (pc.answer == 1 &&
	    (rv == CKR_PIN_INCORRECT || rv == CKR_PIN_LOCKED)) {
		/* the old key: nothing was sent past the authentication */
		out->err = key_refused(b, slot, rv, &out->tries_left);
		return;
	}
	if (pc.answer == SAFEID_OK && rv == CKR_FUNCTION_REJECTED) {
		/* the new key was refused: the old one stays */
		out->press = SAFEID_M2_NOT_DONE;
		out->step = SAFEID_M2_STEP_DONE;
		out->err = SAFEID_ERR_WRONG_KEY;
		out->tries_left = tries_now(b, slot);
		return;
	}
	if (pc.answer != 1 && pc.answer != SAFEID_OK) {
		out->press = SAFEID_M2_UNCONFIRMED;
		out->step = SAFEID_M2_STEP_PRESS;
		out->err = pc.answer;
		return;
	}
	out->err = rv_serr(rv);
	if (pc.answer == SAFEID_OK) {
		/* pressed, but the check did not end */
		out->press = SAFEID_M2_UNCONFIRMED;
		out->step = SAFEID_M2_STEP_VERIFY;
	} else if (rv == CKR_FUNCTION_REJECTED) {
		out->press = SAFEID_M2_REFUSED;
		out->step = SAFEID_M2_STEP_REQUEST;
	} else if (rv == CKR_PIN_LEN_RANGE || rv_wrote_nothing(rv)) {
		out->err = rv == CKR_PIN_LEN_RANGE ? SAFEID_ERR_CUSTOMER_KEY
		                                   : out->err;
	} else {
		/* the request may have gone out with its answer lost */
		out->press = w0 != ULONG_MAX && w0 == w1 ? SAFEID_M2_NOT_SENT
		                                         : SAFEID_M2_LOST;
		out->step = SAFEID_M2_STEP_REQUEST;
	}
}

static safeid_m2_outcome press_outcome(CK_ULONG cks)
{
	switch (cks) {
	case CKS_SAFEID_PRESS_REFUSED:
		return SAFEID_M2_REFUSED;
	case CKS_SAFEID_PRESS_LOST:
		return SAFEID_M2_LOST;
	case CKS_SAFEID_PRESS_UNCONFIRMED:
		return SAFEID_M2_UNCONFIRMED;
	case CKS_SAFEID_PRESS_CONFIRMED:
		return SAFEID_M2_CONFIRMED;
	case CKS_SAFEID_PRESS_NOT_DONE:
		return SAFEID_M2_NOT_DONE;
	case CKS_SAFEID_PRESS_PARTIAL:
		return SAFEID_M2_PARTIAL;
	default:
		return SAFEID_M2_NOT_SENT;
	}
}

/* The profiles that hold a seed now; -1 when they cannot be read. */
static long seeds_count(client_link *b, CK_SESSION_HANDLE s,
                        const client_slot *slot)
{
	client_profile_list *pl = calloc(1, sizeof(*pl));
	long n = 0;

	if (pl == NULL)
		return -1;
	profiles_begin(pl, slot);
	if (profiles_find(b, s, pl, NULL) != CKR_OK)
		n = -1;
	for (size_t i = 0; n >= 0 && i < pl->count; i++)
		n += pl->items[i].seed ? 1 : 0;
	free(pl);
	return n;
}

/* The factory reset: no key; the profiles read before and after tell
 * what happened (the module decides the outcome from them). */
static void m2_reset(client_link *b, CK_SESSION_HANDLE s,
                     const client_slot *slot, const client_m2_request *rq,
                     client_m2_outcome *out)
{
	struct press_ctx pc = {rq, 1};
	CK_ULONG cks = CKS_SAFEID_PRESS_NOT_SENT;
	long before, after;
	CK_RV rv;

	out->step = SAFEID_M2_STEP_CHECK;
	before = seeds_count(b, s, slot);
	if (before < 0) {
		out->err = SAFEID_ERR_COMM;
		return;
	}
	out->seeds_before = (unsigned)before;
	(void)b->set_press_handler(press_handler, &pc);
	rv = b->factory_reset(s, &cks);
	client_p11_trace(b, SAFEID_PKCS11_FACTORY_RESET_SYMBOL, rv);
	(void)b->set_press_handler(NULL, NULL);
	out->press_answer = pc.answer;
	out->press = press_outcome(cks);
	out->tries_left =
		out->press == SAFEID_M2_CONFIRMED ? -1 : tries_now(b, slot);
	if (out->press != SAFEID_M2_NOT_SENT &&
	    out->press != SAFEID_M2_REFUSED && out->press != SAFEID_M2_LOST &&
	    (after = seeds_count(b, s, slot)) >= 0) {
		out->read_after = true;
		out->seeds_after = (unsigned)after;
	}
	switch (out->press) {
	case SAFEID_M2_CONFIRMED:
		out->step = SAFEID_M2_STEP_DONE;
		break;
	case SAFEID_M2_UNCONFIRMED:
		out->step = SAFEID_M2_STEP_CONFIRM;
		out->err = pc.answer == 1 ? SAFEID_OK : pc.answer;
		break;
	case SAFEID_M2_NOT_DONE:
	case SAFEID_M2_PARTIAL:
		out->step = SAFEID_M2_STEP_DONE;
		out->err = pc.answer != 1 && pc.answer != SAFEID_OK
		                   ? pc.answer
		                   : SAFEID_ERR_READBACK;
		break;
	default:
		out->step = SAFEID_M2_STEP_REQUEST;
		out->err = rv != CKR_OK ? rv_serr(rv) : SAFEID_ERR_SW;
		break;
	}
}

/* Why this backend does not drive rq (NULL: it does); nothing is sent
 * then. */
static const char *op_refused(client_link *b, const client_m2_request *rq,
                              const client_slot *slot)
{
	switch (rq->op) {
	case CLIENT_M2_BURN:
	case CLIENT_M2_WIPE:
		return NULL;
	case CLIENT_M2_SYNC:
		/* the clock object sets every profile's clock at once */
		return rq->profiles == NULL || rq->nprofiles == slot->profiles
		               ? NULL
		               : "clock sync of one profile";
	case CLIENT_M2_LOCK:
	case CLIENT_M2_UNLOCK:
		return b->screen == NULL ? client_m2_op_text(rq->op) : NULL;
	case CLIENT_M2_SET_KEY:
		/* the module checks a change by trying the new key, which
		 * costs a try when ▲ was not pressed */
		if (!rq->verify_key)
			return "customer key change without --verify-key";
		return b->set_press_handler == NULL || rq->press == NULL
		               ? client_m2_op_text(rq->op)
		               : NULL;
	case CLIENT_M2_RESET:
		return b->set_press_handler == NULL || rq->press == NULL ||
		                       b->factory_reset == NULL
		               ? client_m2_op_text(rq->op)
		               : NULL;
	}
	return "command";
}

int client_p11_m2(client_link *b, const char *spec, const client_m2_request *rq,
                  int tries, client_m2_outcome *out, client_error *err)
{
	CK_SESSION_HANDLE s;
	client_slot slot;
	const char *refused;
	int ret, serr;

	client_m2_outcome_begin(out, rq, tries);
	ret = client_p11_session(b, spec, rq->expect_serial, &slot, &s, err);
	if (ret != 0)
		return ret;
	refused = op_refused(b, rq, &slot);
	if (!slot.molto2)
		ret = client_family_refuse(&slot, false, err);
	else if (refused != NULL)
		ret = client_fail(
			err, CLIENT_EXIT_SETUP, "backend",
			"safeid-tool's pkcs11 backend does not drive a "
			"Token2 Molto2's %s yet (nothing was sent to it): "
			"use --backend opensc%s",
			refused,
			rq->op == CLIENT_M2_SET_KEY && !rq->verify_key
				? ", or add --verify-key (it costs a try "
				  "when the button was not pressed)"
				: "");
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
	switch (rq->op) {
	case CLIENT_M2_WIPE:
		m2_wipe(b, s, &slot, rq, out);
		goto close;
	case CLIENT_M2_LOCK:
	case CLIENT_M2_UNLOCK:
		m2_screen(b, s, &slot, rq, out);
		goto close;
	case CLIENT_M2_SET_KEY:
		m2_set_key(b, s, &slot, rq, out);
		goto close;
	case CLIENT_M2_RESET:
		m2_reset(b, s, &slot, rq, out);
		goto close;
	default:
		break;
	}
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
close:
	/* the last session's close logs the key out of the module */
	b->f->C_CloseSession(s);
	return 0;
}
