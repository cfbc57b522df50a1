/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * m2clock.c: a clock write on a Molto2 (C_SetAttributeValue of the clock
 * object's CKA_VALUE) sets every profile's clock with the clock-only
 * command, which keeps seeds, titles and configs: nothing is erased, so
 * there is nothing to consent to, and the single-profile family's rule
 * for restricted models does not apply.  It needs the key (login).  A
 * profile that refuses does not stop the others; a lost answer does.
 */
#include <stdlib.h>
#include <string.h>

#include "m2op.h"

static void progress(void *arg, int profile, safeid_m2_step step, int err)
{
	(void)arg;
	(void)profile;
	if (err == 1 && step == SAFEID_M2_STEP_CLOCK)
		sp11_write_starting();
}

/* The attempt is recorded per profile: a seed the write kept. */
static void record_sync(const sp11_session *s, const safeid_m2_result *res,
                        size_t n)
{
	sp11_m2_prof rec;
	size_t i;

	for (i = 0; i < n; i++) {
		sp11_m2_prof_get(s->serial, res[i].profile, &rec);
		sp11_m2_prof_put(s->serial, res[i].profile, &rec);
	}
}

CK_RV sp11_m2_clock(const sp11_session *s, const CK_ATTRIBUTE *tmpl, CK_ULONG n)
{
	safeid_m2_result *res = NULL;
	safeid_m2_report report;
	sp11_m2_op op;
	uint32_t clock;
	bool lost = false;
	size_t tried = 0, i;
	CK_RV rv = sp11_m2_clock_template_parse(tmpl, n, &clock);

	if (rv != CKR_OK)
		return rv;
	res = calloc(SAFEID_M2_PROFILES, sizeof(*res));
	if (res == NULL)
		return CKR_HOST_MEMORY;
	rv = sp11_m2_op_begin(s, SP11_M2_LOGIN, &op);
	if (rv != CKR_OK)
		goto out;
	(void)safeid_m2_sync(op.m2, clock, NULL, 0, progress, NULL, &report,
	                     res);
	for (i = 0; i < op.det.profiles; i++) {
		if (res[i].step != SAFEID_M2_STEP_NONE)
			tried = i + 1;
		lost = lost || res[i].config == SAFEID_SEED_UNKNOWN;
	}
	record_sync(s, res, tried);
	if (report.err == SAFEID_ERR_WRONG_KEY ||
	    report.err == SAFEID_ERR_LOCKED ||
	    report.err == SAFEID_ERR_LAST_TRY) {
		sp11_m2_key_debug(s->serial, report.err, report.tries_left);
		sp11_m2_logout_slot(s->slot);
		rv = CKR_USER_NOT_LOGGED_IN;
	} else if (report.err != SAFEID_OK && !lost &&
	           report.step == SAFEID_M2_STEP_CLOCK) {
		/* Every profile was asked; some refused. */
		rv = CKR_FUNCTION_FAILED;
	} else {
		rv = sp11_m2_op_rv(&op, report.err);
	}
	if (rv != CKR_OK)
		sp11_debug("token %s: the clock was set on %zu of its %u "
		           "profiles (%s); seeds, titles and configs are as "
		           "they were",
		           s->serial, report.done, op.det.profiles,
		           safeid_strerror(report.err));
	sp11_m2_op_end(&op);
out:
	free(res);
	return rv;
}
