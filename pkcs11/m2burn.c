/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * m2burn.c: C_CreateObject burns one Molto2 profile, C_DestroyObject
 * deletes one's seed.  Both need the login (the key) and a read-write
 * session; the template is checked whole before the token is touched
 * (template.c).  The core does the work in one transaction (seed, title,
 * config, then the profile read back; or delete and read back), and says
 * part by part what the profile holds when it breaks off: that is
 * recorded per profile (m2record.c) for CKA_SAFEID_SEED_STATE and
 * safeid_pkcs11_seed_state("SERIAL/N"), with how the module made the
 * profile so it reads back as made.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "m2op.h"

/* The core's progress: count the writes before they go out
 * (safeid_pkcs11_writes_started). */
static void progress(void *arg, int profile, safeid_m2_step step, int err)
{
	(void)arg;
	(void)profile;
	if (err == 1 &&
	    (step == SAFEID_M2_STEP_SEED || step == SAFEID_M2_STEP_TITLE ||
	     step == SAFEID_M2_STEP_CONFIG || step == SAFEID_M2_STEP_DELETE ||
	     step == SAFEID_M2_STEP_CLOCK))
		sp11_write_starting();
}

/* The first profile without a seed, from a fresh read. */
static CK_RV first_free(sp11_m2_op *op, unsigned *profile)
{
	safeid_m2_profile p;
	unsigned i;
	int err;

	for (i = 0; i < op->det.profiles; i++) {
		err = safeid_m2_read_profile(op->m2, i, &p);
		if (err != SAFEID_OK)
			return sp11_m2_op_rv(op, err);
		if (!p.seed) {
			*profile = i;
			return CKR_OK;
		}
	}
	sp11_debug("token %s: every one of its %u profiles holds a seed; "
	           "delete one (C_DestroyObject) or name one with CKA_ID and "
	           "CKA_SAFEID_OVERWRITE",
	           op->s->serial, op->det.profiles);
	return CKR_DEVICE_MEMORY;
}

/* What the profile holds now, in its record. */
static void record_burn(const sp11_session *s, const sp11_m2_plan *plan,
                        const safeid_m2_result *res)
{
	sp11_m2_prof rec;

	sp11_m2_prof_get(s->serial, res->profile, &rec);
	/* OLD: this attempt changed nothing; keep what was known. */
	if (res->seed != SAFEID_SEED_OLD)
		rec.seed_state = sp11_seed_state_to_cks(res->seed);
	/* Made as the template says only when the new seed is surely there
	 * and the profile read back as written. */
	if (res->seed == SAFEID_SEED_NEW && res->confirmed) {
		rec.made = true;
		rec.written = res->after;
		rec.display = plan->cfg.display;
		rec.kept_len = plan->kept_len;
		memcpy(rec.kept, plan->kept, plan->kept_len);
	} else if (res->seed != SAFEID_SEED_OLD ||
	           res->title != SAFEID_SEED_OLD ||
	           res->config != SAFEID_SEED_OLD) {
		rec.made = false;
	}
	sp11_m2_prof_put(s->serial, res->profile, &rec);
}

/* A refused key in the middle of a write: the login's key is not the
 * token's any more (changed elsewhere): log out, say so. */
static CK_RV key_refused(const sp11_session *s, int err, int tries)
{
	sp11_m2_key_debug(s->serial, err, tries);
	sp11_debug("token %s: the key of this login was refused; log in "
	           "again",
	           s->serial);
	sp11_m2_logout_slot(s->slot);
	return CKR_USER_NOT_LOGGED_IN;
}

static bool key_error(int err)
{
	return err == SAFEID_ERR_WRONG_KEY || err == SAFEID_ERR_LOCKED ||
	       err == SAFEID_ERR_LAST_TRY;
}

static CK_RV burn(sp11_m2_op *op, const sp11_m2_plan *plan, unsigned profile)
{
	safeid_m2_account acc;
	safeid_m2_report report;
	safeid_m2_result res;
	CK_RV rv;

	memset(&acc, 0, sizeof(acc));
	acc.profile = profile;
	acc.cfg = plan->cfg;
	if (!plan->has_clock)
		acc.cfg.clock = (uint32_t)time(NULL);
	acc.seed = plan->seed;
	acc.seedlen = plan->seedlen;
	if (plan->titlelen > 0) {
		acc.title = plan->title;
		acc.titlelen = plan->titlelen;
	}
	(void)safeid_m2_burn(op->m2, &acc, 1,
	                     plan->overwrite ? SAFEID_M2_OVERWRITE : 0u,
	                     progress, NULL, &report, &res);
	record_burn(op->s, plan, &res);
	if (report.err == SAFEID_OK)
		return CKR_OK;
	if (report.err == SAFEID_ERR_OCCUPIED) {
		sp11_debug(
			"token %s: profile %u holds a seed (titled \"%s\"); "
			"nothing written; add CKA_SAFEID_OVERWRITE=CK_TRUE to "
			"replace it",
			op->s->serial, profile, res.before.title);
		return CKR_TEMPLATE_INCONSISTENT;
	}
	if (key_error(report.err))
		return key_refused(op->s, report.err, report.tries_left);
	rv = sp11_m2_op_rv(op, report.err);
	sp11_debug("burn of profile %u on token %s failed at step \"%s\": "
	           "%s; the profile now holds: seed %s; title %s; config %s",
	           profile, op->s->serial, safeid_m2_step_name(res.step),
	           safeid_strerror(report.err), safeid_m2_part_text(res.seed),
	           safeid_m2_part_text(res.title),
	           safeid_m2_part_text(res.config));
	return rv;
}

CK_RV sp11_m2_create(const sp11_session *s, const CK_ATTRIBUTE *tmpl,
                     CK_ULONG n, CK_OBJECT_HANDLE *obj)
{
	sp11_m2_plan plan;
	sp11_m2_op op;
	unsigned profile;
	CK_RV rv;

	rv = sp11_m2_template_parse(tmpl, n, s->profiles, &plan);
	if (rv != CKR_OK)
		return rv;
	rv = sp11_m2_op_begin(s, SP11_M2_LOGIN, &op);
	if (rv != CKR_OK)
		goto out;
	profile = plan.profile;
	if (!plan.has_profile)
		rv = first_free(&op, &profile);
	if (rv == CKR_OK)
		rv = burn(&op, &plan, profile);
	sp11_m2_op_end(&op);
	if (rv == CKR_OK)
		*obj = sp11_object_handle(s, SP11_OBJ_PROFILE(profile));
out:
	/* The plan only points at the caller's seed: nothing to wipe but
	 * the pointer. */
	plan.seed = NULL;
	return rv;
}

CK_RV sp11_m2_destroy(const sp11_session *s, unsigned profile)
{
	safeid_m2_report report;
	safeid_m2_result res;
	sp11_m2_prof rec;
	sp11_m2_op op;
	CK_RV rv = sp11_m2_op_begin(s, SP11_M2_LOGIN, &op);

	if (rv != CKR_OK)
		return rv;
	(void)safeid_m2_delete(op.m2, profile, progress, NULL, &report, &res);
	/* An empty profile is no object: nothing was deleted. */
	if (report.err == SAFEID_OK && res.checked && !res.before.seed) {
		sp11_m2_op_end(&op);
		return CKR_OBJECT_HANDLE_INVALID;
	}
	sp11_m2_prof_get(s->serial, profile, &rec);
	if (res.seed != SAFEID_SEED_OLD) {
		rec.seed_state = sp11_seed_state_to_cks(res.seed);
		rec.made = false;
	}
	sp11_m2_prof_put(s->serial, profile, &rec);
	if (key_error(report.err))
		rv = key_refused(s, report.err, report.tries_left);
	else
		rv = sp11_m2_op_rv(&op, report.err);
	if (rv != CKR_OK)
		sp11_debug("delete of profile %u on token %s failed at step "
		           "\"%s\": %s; its seed: %s",
		           profile, s->serial, safeid_m2_step_name(res.step),
		           safeid_strerror(report.err),
		           safeid_m2_part_text(res.seed));
	sp11_m2_op_end(&op);
	return rv;
}
