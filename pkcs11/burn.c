/*
 * burn.c: C_CreateObject burns a seed: the template is checked whole
 * first (template.c), then, inside one exclusive PC/SC transaction on the
 * token the session was opened on, the core's burn runs: info (checked
 * to be the session's token before anything is written), auth, config,
 * seed, info.  The last info, read after the writes, is kept as the
 * slot's token info.  The outcome, including what the token now holds
 * when the burn broke off, is recorded for CKA_SAFEID_SEED_STATE and
 * safeid_pkcs11_seed_state().
 *
 * The seed is never copied here: the core reads it from the caller's
 * template and wipes its own padded and encrypted forms.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "p11.h"
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
static void record_burn(const char *serial, const safeid_config *cfg,
                        const safeid_burn_report *r)
{
	p11_record rec;

	p11_record_get(serial, &rec);
	if (r->config_written) {
		rec.cfg_known = true;
		rec.hash = cfg->hash;
		rec.step = cfg->step;
		rec.display = cfg->display;
	} else if (r->step == SAFEID_STEP_CONFIG && !answered(r->err)) {
		/* The config write may or may not have been carried out. */
		rec.cfg_known = false;
	}
	/* OLD means "this attempt changed nothing": keep what we knew. */
	if (r->seed != SAFEID_SEED_OLD)
		rec.seed_state = p11_seed_state_from_core(r->seed);
	p11_record_put(serial, &rec);
}

/* The session's token guard: the core's burn reads info first; when that
 * shows another token than the session's, every later APDU is refused here
 * without being sent, so the core stops before anything is written. */
struct guard {
	const safeid_transport *inner;
	const char *serial;  /* the session's token */
	char found[SAFEID_SERIAL_MAX + 1];
	bool veto;
};

static int guard_transmit(void *ctx, const uint8_t *capdu, size_t clen,
                          uint8_t *rapdu, size_t rcap, size_t *rlen)
{
	struct guard *g = ctx;

	if (g->veto)
		return SAFEID_ERR_REMOVED;
	return g->inner->transmit(g->inner->ctx, capdu, clen, rapdu, rcap, rlen);
}

static void guard_progress(void *arg, safeid_step step, int err,
                           const safeid_burn_report *sofar)
{
	struct guard *g = arg;

	/* Never write to a token the application did not open. */
	if (step == SAFEID_STEP_INFO && err == SAFEID_OK &&
	    strcmp(sofar->before.serial, g->serial) != 0) {
		g->veto = true;
		snprintf(g->found, sizeof(g->found), "%s", sofar->before.serial);
	}
}

/* How long to wait, after a broken reply, for PC/SC to say whether the
 * card left; only on that failure path. */
#define LEFT_BOUND_MS 3000

static CK_RV burn_rv(const safeid_burn_report *r, const char *reader,
                     bool marked, const safeid_reader_state *mark)
{
	CK_RV rv;

	if (r->err == SAFEID_OK)
		return CKR_OK;
	/* The burn's first read: a token that is not there or not of this
	 * family is one the session no longer sees. */
	if (r->step <= SAFEID_STEP_INFO) {
		rv = p11_rv_from_err(r->err, SAFEID_STEP_INFO);
		if (rv == CKR_TOKEN_NOT_PRESENT || rv == CKR_TOKEN_NOT_RECOGNIZED)
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
	    (!marked || p11_reader_left(reader, mark, LEFT_BOUND_MS)))
		return CKR_DEVICE_REMOVED;
	return p11_rv_from_err(r->err, r->step);
}

CK_RV p11_burn(const p11_session *s, const p11_burn_plan *plan)
{
	safeid_transport guarded;
	safeid_burn_report report;
	safeid_config cfg;
	struct guard g;
	p11_conn c;
	char reader[P11_READER_MAX];
	safeid_reader_state mark;
	bool marked;
	void *lock = p11_slot_lock(s->slot);
	CK_RV rv;

	if (lock == NULL || p11_slot_reader(s->slot, reader, sizeof(reader)) != CKR_OK)
		return CKR_DEVICE_REMOVED;
	memset(&report, 0, sizeof(report));
	memset(&g, 0, sizeof(g));
	cfg.clock = plan->has_clock ? plan->clock : (uint32_t)time(NULL);
	cfg.hash = plan->hash;
	cfg.step = plan->step;
	cfg.display = plan->display;
	p11_mutex_lock(lock);
	marked = p11_reader_look(reader, &mark);
	/* No info read here: the burn's own first step reads it, and the
	 * guard checks it is the session's token before anything else. */
	rv = p11_conn_open(s->slot, NULL, true, &c, NULL);
	if (rv != CKR_OK) {
		if (rv == CKR_TOKEN_NOT_PRESENT || rv == CKR_TOKEN_NOT_RECOGNIZED)
			rv = CKR_DEVICE_REMOVED;
		/* Nothing was sent: recorded as an attempt that changed
		 * nothing, so safeid_pkcs11_seed_state() can say so. */
		record_burn(s->serial, &cfg, &report);
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
	p11_conn_close(&c);
	record_burn(s->serial, &cfg, &report);
	if (g.veto) {
		p11_debug("reader \"%s\": token %s was replaced by %s; open a "
		          "new session", reader, s->serial, g.found);
		rv = CKR_DEVICE_REMOVED;
		goto fail;
	}
	/* The burn's confirming read came after the writes: keep it, so the
	 * application's read-back (C_GetTokenInfo) needs no APDU, unless the
	 * card left or changed since the mark. */
	if (report.step == SAFEID_STEP_DONE && report.err == SAFEID_OK && marked)
		p11_info_keep_if_same(s->slot, &mark, &report.after);
	rv = burn_rv(&report, reader, marked, &mark);
	if (rv != CKR_OK)
		p11_debug("burn on token %s failed at step \"%s\": %s; the token "
		          "now holds: %s",
		          s->serial, safeid_step_name(report.step),
		          safeid_strerror(report.err),
		          safeid_seed_state_text(report.seed));
fail:
	p11_mutex_unlock(lock);
	return rv;
}

CK_RV C_CreateObject(CK_SESSION_HANDLE hSession, CK_ATTRIBUTE_PTR pTemplate,
                     CK_ULONG ulCount, CK_OBJECT_HANDLE_PTR phObject)
{
	p11_burn_plan plan;
	p11_session s;
	CK_RV rv = p11_session_enter(hSession, &s);

	if (rv != CKR_OK)
		return rv;
	if (phObject == NULL)
		return CKR_ARGUMENTS_BAD;
	if (!(s.flags & CKF_RW_SESSION))
		return CKR_SESSION_READ_ONLY;
	rv = p11_template_burn(pTemplate, ulCount, &plan);
	if (rv != CKR_OK)
		return rv;
	rv = p11_burn(&s, &plan);
	if (rv == CKR_OK)
		*phObject = P11_OBJ_SEED;
	return rv;
}
