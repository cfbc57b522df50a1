/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * burn.c: C_CreateObject burns a seed: the template is checked whole
 * first (template.c), then, inside one exclusive PC/SC transaction on the
 * token the session was opened on, the core's burn runs: info (checked
 * to be the session's token before anything is written), auth, config,
 * seed, info.  The last info, read after the writes, is kept as the
 * slot's token info.  The outcome, including what the token now holds
 * when the burn broke off, is recorded for CKA_SAFEID_SEED_STATE and
 * safeid_pkcs11_seed_state(), and with it how the seed slot was made
 * (record.c, and store.c for later processes).  The token's record is
 * reserved before anything is sent: a burn the module could not remember
 * is not done.
 *
 * The seed is never copied here: the core reads it from the caller's
 * template and wipes its own padded and encrypted forms.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "sp11.h"
#include "token.h"

/* The token answered with a status word: the command was refused, not
 * carried out. */
static bool answered(int err)
{
	return err == SAFEID_ERR_AUTH || err == SAFEID_ERR_BAD_DATA ||
	       err == SAFEID_ERR_WRONG_LENGTH || err == SAFEID_ERR_INS ||
	       err == SAFEID_ERR_CLA || err == SAFEID_ERR_SW;
}

/* Update the token's record with what the burn attempt did. */
static void record_update(const char *serial, const safeid_config *cfg,
                          const sp11_burn_plan *plan,
                          const safeid_burn_report *r)
{
	sp11_record rec;
	bool changed = false;

	sp11_record_get(serial, &rec);
	if (r->config_written) {
		rec.cfg_known = true;
		rec.hash = cfg->hash;
		rec.step = cfg->step;
		rec.display = cfg->display;
		changed = true;
	} else if (r->step == SAFEID_STEP_CONFIG && !answered(r->err)) {
		/* The config write may or may not have been carried out. */
		rec.cfg_known = false;
		changed = true;
	}
	/* OLD means "this attempt changed nothing": keep what we knew. */
	if (r->seed != SAFEID_SEED_OLD) {
		rec.seed_state = sp11_seed_state_to_cks(r->seed);
		changed = true;
	}
	/* The seed slot is what this template made of it only when the new
	 * seed is surely there; an erased or unknown seed was made by
	 * nobody the module knows. */
	if (r->seed == SAFEID_SEED_NEW) {
		rec.made = true;
		rec.kept_len = plan->kept_len;
		memcpy(rec.kept, plan->kept, plan->kept_len);
	} else if (r->seed != SAFEID_SEED_OLD) {
		rec.made = false;
		rec.kept_len = 0;
	}
	sp11_record_put(serial, &rec);
	if (changed)
		sp11_store_save(serial, &rec);
}

/* The session's token guard: the core's burn reads info first; when that
 * shows another token than the session's, every later APDU is refused here
 * without being sent, so the core stops before anything is written. */
struct guard {
	const safeid_transport *inner;
	const char *serial; /* the session's token */
	char found[SAFEID_SERIAL_MAX + 1];
	bool veto;
};

static int guard_transmit(void *ctx, const uint8_t *capdu, size_t clen,
                          uint8_t *rapdu, size_t rcap, size_t *rlen)
{
	struct guard *g = ctx;

	if (g->veto)
		return SAFEID_ERR_REMOVED;
	return g->inner->transmit(g->inner->ctx, capdu, clen, rapdu, rcap,
	                          rlen);
}

static void guard_progress(void *arg, safeid_step step, int err,
                           const safeid_burn_report *sofar)
{
	struct guard *g = arg;

	/* Counted before the command can go out (safeid-pkcs11.h). */
	if ((step == SAFEID_STEP_CONFIG || step == SAFEID_STEP_SEED) &&
	    err == 1)
		sp11_write_starting();
	/* Never write to a token the application did not open. */
	if (step == SAFEID_STEP_INFO && err == SAFEID_OK &&
	    strcmp(sofar->before.serial, g->serial) != 0) {
		g->veto = true;
		snprintf(g->found, sizeof(g->found), "%s",
		         sofar->before.serial);
	}
}

/* How long to wait, after a broken reply, for PC/SC to say whether the
 * card left; only on that failure path. */
#define LEFT_BOUND_MS 3000

static CK_RV burn_rv(const safeid_burn_report *r, const char *reader,
                     bool marked, const safeid_reader_state *mark,
                     bool timed_out)
{
	CK_RV rv;

	if (r->err == SAFEID_OK)
		return CKR_OK;
	/* No answer within the module's bound (courier.c). */
	if (timed_out)
		return CKR_DEVICE_ERROR;
	/* The burn's first read: a token that is not there or not of this
	 * family is one the session no longer sees. */
	if (r->step <= SAFEID_STEP_INFO) {
		rv = sp11_err_to_rv(r->err, SAFEID_STEP_INFO);
		if (rv == CKR_TOKEN_NOT_PRESENT ||
		    rv == CKR_TOKEN_NOT_RECOGNIZED)
			return CKR_DEVICE_REMOVED;
	}
	/* The session's token answered when the session was opened (and, past
	 * the first step, during this burn): when it then breaks the link it
	 * has left the field.  PC/SC reports that as a removal, or (vpcd, some
	 * readers) as a failed transmit, and may notice the empty field only
	 * after the card is back. */
	if (r->err == SAFEID_ERR_REMOVED || r->err == SAFEID_ERR_NO_TOKEN ||
	    r->err == SAFEID_ERR_READER_GONE || r->err == SAFEID_ERR_COMM)
		return CKR_DEVICE_REMOVED;
	/* A garbled or missing reply with the card still there is a device
	 * error; ask PC/SC whether the card left meanwhile. */
	if ((r->err == SAFEID_ERR_BAD_REPLY || r->err == SAFEID_ERR_TIMEOUT) &&
	    (!marked || sp11_reader_left(reader, mark, LEFT_BOUND_MS)))
		return CKR_DEVICE_REMOVED;
	return sp11_err_to_rv(r->err, r->step);
}

/* The burn on the session's token, under its slot lock. */
static CK_RV token_burn(const sp11_session *s, const sp11_burn_plan *plan)
{
	safeid_transport guarded;
	safeid_burn_report report;
	safeid_config cfg;
	struct guard g;
	sp11_conn c;
	char reader[SP11_READER_MAX];
	safeid_reader_state mark;
	safeid_detected after;
	bool marked;
	CK_RV rv;

	if (sp11_slot_reader(s->slot, reader, sizeof(reader)) != CKR_OK)
		return CKR_DEVICE_REMOVED;
	memset(&report, 0, sizeof(report));
	memset(&g, 0, sizeof(g));
	cfg.clock = plan->has_clock ? plan->clock : (uint32_t)time(NULL);
	cfg.hash = plan->hash;
	cfg.step = plan->step;
	cfg.display = plan->display;
	if (sp11_slot_lock(s->slot) != CKR_OK)
		return CKR_DEVICE_REMOVED;
	marked = sp11_reader_look(reader, &mark);
	/* No info read here: the burn's own first step reads it, and the
	 * guard checks it is the session's token before anything else. */
	rv = sp11_conn_open(s->slot, NULL, true, &c, NULL);
	if (rv != CKR_OK) {
		if (rv == CKR_TOKEN_NOT_PRESENT ||
		    rv == CKR_TOKEN_NOT_RECOGNIZED)
			rv = CKR_DEVICE_REMOVED;
		/* Nothing was sent: recorded as an attempt that changed
		 * nothing, so safeid_pkcs11_seed_state() can say so. */
		record_update(s->serial, &cfg, plan, &report);
		goto fail;
	}
	g.inner = c.t;
	g.serial = s->serial;
	/* The transaction is already ours: the core must not nest one. */
	guarded.ctx = &g;
	guarded.transmit = guard_transmit;
	guarded.begin = NULL;
	guarded.end = NULL;
	(void)safeid_burn(&guarded, &cfg, plan->seed, plan->seedlen,
	                  guard_progress, &g, &report);
	sp11_conn_close(&c);
	record_update(s->serial, &cfg, plan, &report);
	if (g.veto) {
		sp11_debug("reader \"%s\": token %s was replaced by %s; open a "
		           "new session",
		           reader, s->serial, g.found);
		rv = CKR_DEVICE_REMOVED;
		goto fail;
	}
	/* The burn's confirming read came after the writes: keep it, so the
	 * application's read-back (C_GetTokenInfo) needs no APDU, unless the
	 * card left or changed since the mark. */
	if (report.step == SAFEID_STEP_DONE && report.err == SAFEID_OK &&
	    marked) {
		memset(&after, 0, sizeof(after));
		after.family = safeid_family_single();
		after.info = report.after;
		after.profiles = 1;
		after.profiles_known = true;
		sp11_info_keep_if_same(s->slot, &mark, &after);
	}
	rv = burn_rv(&report, reader, marked, &mark, sp11_conn_timed_out(&c));
	if (rv != CKR_OK)
		sp11_debug("burn on token %s failed at step \"%s\": %s; the "
		           "token now holds: %s",
		           s->serial, safeid_step_name(report.step),
		           safeid_strerror(report.err),
		           safeid_seed_state_text(report.seed));
fail:
	sp11_slot_unlock(s->slot);
	return rv;
}

CK_RV C_CreateObject(CK_SESSION_HANDLE hSession, CK_ATTRIBUTE_PTR pTemplate,
                     CK_ULONG ulCount, CK_OBJECT_HANDLE_PTR phObject)
{
	char serial[SAFEID_SERIAL_MAX + 1];
	sp11_burn_plan plan;
	sp11_session s;
	CK_RV rv = sp11_session_enter(hSession, &s);

	if (rv == CKR_SESSION_HANDLE_INVALID &&
	    sp11_session_gone_serial(hSession, serial, sizeof(serial)))
		sp11_record_refused(serial);
	if (rv != CKR_OK)
		return rv;
	if (phObject == NULL)
		return CKR_ARGUMENTS_BAD;
	if (!(s.flags & CKF_RW_SESSION))
		return CKR_SESSION_READ_ONLY;
	if (s.m2)
		return sp11_m2_create(&s, pTemplate, ulCount, phObject);
	rv = sp11_burn_template_parse(pTemplate, ulCount, &plan);
	if (rv != CKR_OK)
		return rv;
	rv = sp11_record_reserve(s.serial, plan.kept_len);
	if (rv != CKR_OK)
		return rv;
	rv = token_burn(&s, &plan);
	if (rv == CKR_OK)
		*phObject = sp11_object_handle(&s, SP11_OBJ_SEED);
	return rv;
}
