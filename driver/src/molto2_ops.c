/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The Molto2's other writes: clock sync of some or all profiles (the
 * clock-only form, which keeps seeds, titles and configs), deleting a
 * profile's seed, and the screen lock.
 */
#include <string.h>

#include "internal.h"

#define APDU_BUF 64u

/* One profile's clock; false when the answer was lost (stop there). */
static bool sync_one(safeid_m2 *s, unsigned profile, uint32_t clock,
                     const struct sid_m2_progress *pg, safeid_m2_result *res)
{
	uint8_t apdu[APDU_BUF];
	size_t alen = 0;
	uint16_t sw;
	bool answered = true;
	int rc;

	res->step = SAFEID_M2_STEP_CLOCK;
	sid_m2_step_start(pg, (int)profile, SAFEID_M2_STEP_CLOCK);
	rc = safeid_m2_apdu_write_clock(s->key, profile, clock, apdu,
	                                sizeof(apdu), &alen);
	if (rc == SAFEID_OK)
		rc = sid_m2_write(s, apdu, alen, &sw, &answered);
	if (rc == SAFEID_OK) {
		res->config = SAFEID_SEED_NEW;
		res->step = SAFEID_M2_STEP_DONE;
	} else if (!answered) {
		res->config = SAFEID_SEED_UNKNOWN;
	}
	res->err = sid_m2_step_end(pg, (int)profile, SAFEID_M2_STEP_CLOCK, rc);
	return answered;
}

int safeid_m2_sync(safeid_m2 *s, uint32_t clock, const unsigned *profiles,
                   size_t n, safeid_m2_progress_fn progress, void *arg,
                   safeid_m2_report *report, safeid_m2_result *results)
{
	struct sid_m2_progress pg = {progress, arg};
	unsigned start;
	size_t count, i;
	int rc;

	if (report == NULL)
		return SAFEID_ERR_ARG;
	sid_m2_report_start(s, report);
	count = profiles != NULL ? n : (s != NULL ? s->profiles : 0);
	if (s == NULL || results == NULL || count == 0) {
		report->err = SAFEID_ERR_ARG;
		return report->err;
	}
	start = s->apdus;
	for (i = 0; i < count; i++) {
		unsigned p = profiles != NULL ? profiles[i] : (unsigned)i;

		sid_m2_result_start(&results[i], p);
		if (p >= s->profiles) {
			results[i].err = SAFEID_ERR_PROFILE;
			report->err = SAFEID_ERR_PROFILE;
			return report->err;
		}
	}
	rc = sid_m2_begin(s);
	if (rc != SAFEID_OK) {
		report->err = rc;
		return rc;
	}
	rc = sid_m2_open_steps(s, &pg, report, true);
	/* A profile that refuses does not stop the others (the clock-only
	 * write touches nothing else); a lost answer does. */
	for (i = 0; rc == SAFEID_OK && i < count; i++) {
		bool answered;

		report->step = SAFEID_M2_STEP_CLOCK;
		answered = sync_one(s, results[i].profile, clock, &pg,
		                    &results[i]);
		if (results[i].err == SAFEID_OK)
			report->done++;
		else if (report->err == SAFEID_OK)
			report->err = results[i].err;
		if (!answered)
			break;
	}
	if (rc == SAFEID_OK && i == count) {
		/* For the record only: whether a profile's clock write moves
		 * the clock get info shows is not public. */
		report->have_after =
			sid_m2_info(s, &report->after) == SAFEID_OK;
		if (report->err == SAFEID_OK)
			report->step = SAFEID_M2_STEP_DONE;
	}
	sid_m2_end(s);
	if (rc != SAFEID_OK)
		report->err = rc;
	report->apdus = s->apdus - start;
	return report->err;
}

static int delete_steps(safeid_m2 *s, unsigned profile,
                        const struct sid_m2_progress *pg,
                        safeid_m2_report *report, safeid_m2_result *res)
{
	uint8_t apdu[APDU_BUF];
	size_t alen = 0;
	uint16_t sw = 0;
	bool answered = true;
	int rc;

	rc = sid_m2_open_steps(s, pg, report, false);
	if (rc != SAFEID_OK)
		return rc;
	res->step = report->step = SAFEID_M2_STEP_CHECK;
	sid_m2_step_start(pg, (int)profile, SAFEID_M2_STEP_CHECK);
	rc = sid_m2_profile(s, profile, &res->before);
	res->checked = rc == SAFEID_OK;
	if (sid_m2_step_end(pg, (int)profile, SAFEID_M2_STEP_CHECK, rc) !=
	    SAFEID_OK)
		return rc;
	/* Nothing to delete: no key needed, no try spent. */
	if (!res->before.seed) {
		res->after = res->before;
		res->confirmed = true;
		res->step = report->step = SAFEID_M2_STEP_DONE;
		return SAFEID_OK;
	}
	/* The vendor's spec asks for authentication first (a real token was
	 * seen deleting without it). */
	rc = sid_m2_auth_step(s, pg, report);
	if (rc != SAFEID_OK)
		return rc;

	res->step = report->step = SAFEID_M2_STEP_DELETE;
	sid_m2_step_start(pg, (int)profile, SAFEID_M2_STEP_DELETE);
	rc = safeid_m2_apdu_delete_seed(profile, apdu, sizeof(apdu), &alen);
	if (rc == SAFEID_OK)
		rc = sid_m2_write(s, apdu, alen, &sw, &answered);
	/* 6A83: the profile was already empty */
	if (rc != SAFEID_OK && answered && sw == 0x6A83)
		rc = SAFEID_OK;
	if (rc == SAFEID_OK)
		res->seed = SAFEID_SEED_ERASED;
	else if (!answered)
		res->seed = SAFEID_SEED_UNKNOWN;
	if (sid_m2_step_end(pg, (int)profile, SAFEID_M2_STEP_DELETE, rc) !=
	    SAFEID_OK)
		return rc;

	res->step = report->step = SAFEID_M2_STEP_CONFIRM;
	sid_m2_step_start(pg, (int)profile, SAFEID_M2_STEP_CONFIRM);
	rc = sid_m2_profile(s, profile, &res->after);
	if (rc == SAFEID_OK && res->after.seed)
		rc = SAFEID_ERR_READBACK;
	res->confirmed = rc == SAFEID_OK;
	if (sid_m2_step_end(pg, (int)profile, SAFEID_M2_STEP_CONFIRM, rc) !=
	    SAFEID_OK)
		return rc;
	res->step = report->step = SAFEID_M2_STEP_DONE;
	return SAFEID_OK;
}

int safeid_m2_delete(safeid_m2 *s, unsigned profile,
                     safeid_m2_progress_fn progress, void *arg,
                     safeid_m2_report *report, safeid_m2_result *res)
{
	struct sid_m2_progress pg = {progress, arg};
	unsigned start;
	int rc;

	if (report == NULL)
		return SAFEID_ERR_ARG;
	sid_m2_report_start(s, report);
	if (s == NULL || res == NULL) {
		report->err = SAFEID_ERR_ARG;
		return report->err;
	}
	sid_m2_result_start(res, profile);
	if (profile >= s->profiles) {
		res->err = report->err = SAFEID_ERR_PROFILE;
		return report->err;
	}
	start = s->apdus;
	rc = sid_m2_begin(s);
	if (rc == SAFEID_OK) {
		rc = delete_steps(s, profile, &pg, report, res);
		sid_m2_end(s);
		if (rc == SAFEID_OK)
			report->done = 1;
	}
	res->err = report->err = rc;
	report->apdus = s->apdus - start;
	return rc;
}

/* The answers of a token that does not know the command. */
static bool unknown_command(uint16_t sw)
{
	return sw == 0x6D00 || sw == 0x6E00 || sw == 0x6A81 || sw == 0x6A86 ||
	       sw == 0x6B00 || sw == 0x6A88;
}

int safeid_m2_screen(safeid_m2 *s, bool lock)
{
	uint8_t apdu[APDU_BUF];
	size_t alen = 0;
	uint16_t sw = 0;
	bool answered = true;
	int rc;

	if (s == NULL)
		return SAFEID_ERR_ARG;
	rc = sid_m2_begin(s);
	if (rc != SAFEID_OK)
		return rc;
	rc = sid_m2_auth(s);
	if (rc == SAFEID_OK)
		rc = safeid_m2_apdu_screen(lock, apdu, sizeof(apdu), &alen);
	if (rc == SAFEID_OK) {
		rc = sid_m2_write(s, apdu, alen, &sw, &answered);
		if (rc != SAFEID_OK && answered && unknown_command(sw))
			rc = SAFEID_ERR_NOT_SUPPORTED;
	}
	sid_m2_end(s);
	return rc;
}
