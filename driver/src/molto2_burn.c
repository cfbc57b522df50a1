/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Burning Molto2 profiles: many accounts in one exclusive session, every
 * profile first checked free (before the key is used), then one
 * authentication, and each profile written seed, title, config (the
 * vendor's order, seen working on hardware: the config write keeps the
 * seed) and read back; a truthful account of what each profile holds
 * when something fails on the way.
 */
#include <string.h>

#include "internal.h"

#define APDU_BUF 96u /* 5 + 64-byte seed + MAC, with room */

/* Everything that can be checked is checked before the token is touched. */
static int check_account(const safeid_m2 *s, const safeid_m2_account *a)
{
	int rc;

	if (a->profile >= s->profiles)
		return SAFEID_ERR_PROFILE;
	if (a->seedlen == 0 || a->seedlen > SAFEID_SEED_MAX)
		return SAFEID_ERR_SEED_LENGTH;
	if (a->seed == NULL)
		return SAFEID_ERR_ARG;
	/* The token takes an all-zero seed as "clear this profile". */
	if (sid_all_zero(a->seed, a->seedlen))
		return SAFEID_ERR_ZERO_SEED;
	if (a->titlelen > SAFEID_M2_TITLE_MAX ||
	    (a->title != NULL && a->titlelen == 0))
		return SAFEID_ERR_TITLE;
	if (a->titlelen > 0 && a->title == NULL)
		return SAFEID_ERR_ARG;
	/* the token keeps the title zero-padded: a zero byte would end it */
	if (a->titlelen > 0 && memchr(a->title, 0, a->titlelen) != NULL)
		return SAFEID_ERR_TITLE;
	rc = safeid_m2_config_check(&a->cfg);
	return rc;
}

static int check_accounts(const safeid_m2 *s, const safeid_m2_account *acc,
                          size_t n, size_t *bad)
{
	size_t i, j;
	int rc;

	for (i = 0; i < n; i++) {
		*bad = i;
		rc = check_account(s, &acc[i]);
		if (rc != SAFEID_OK)
			return rc;
		/* one profile burned twice in one go is a caller's mistake */
		for (j = 0; j < i; j++)
			if (acc[j].profile == acc[i].profile)
				return SAFEID_ERR_ARG;
	}
	return SAFEID_OK;
}

/* A write's answer as a part's state. */
static void note_write(int rc, bool answered, safeid_seed_state *part)
{
	if (rc == SAFEID_OK)
		*part = SAFEID_SEED_NEW;
	else if (!answered)
		*part = SAFEID_SEED_UNKNOWN;
}

/* The profile as read back must be what was written. */
static int check_readback(const safeid_m2_account *a,
                          const safeid_m2_profile *p)
{
	if (!p->seed || p->hash != a->cfg.hash || p->step != a->cfg.step ||
	    p->digits != a->cfg.digits)
		return SAFEID_ERR_READBACK;
	if (a->titlelen > 0 && (p->titlelen != a->titlelen ||
	                        memcmp(p->title, a->title, a->titlelen) != 0))
		return SAFEID_ERR_READBACK;
	return SAFEID_OK;
}

/* One step of one profile: start, run, end; res->step keeps where. */
#define STEP(pg, res, st, expr)                                             \
	do {                                                                \
		(res)->step = (st);                                         \
		sid_m2_step_start((pg), (int)(res)->profile, (st));         \
		rc = (expr);                                                \
		if (sid_m2_step_end((pg), (int)(res)->profile, (st), rc) != \
		    SAFEID_OK)                                              \
			goto out;                                           \
	} while (0)

/* Send a built write (rc: the builder's), note what the part now holds,
 * and wipe the command (it may carry the encrypted seed). */
static int send_part(safeid_m2 *s, int rc, uint8_t *apdu, size_t alen,
                     safeid_seed_state *part)
{
	uint16_t sw;
	bool answered = true;

	if (rc == SAFEID_OK) {
		rc = sid_m2_write(s, apdu, alen, &sw, &answered);
		note_write(rc, answered, part);
	}
	safeid_wipe(apdu, APDU_BUF);
	return rc;
}

static int write_seed(safeid_m2 *s, const safeid_m2_account *a,
                      safeid_m2_result *res)
{
	uint8_t apdu[APDU_BUF];
	size_t alen = 0;
	int rc = safeid_m2_apdu_write_seed(s->key, a->profile, a->seed,
	                                   a->seedlen, apdu, sizeof(apdu),
	                                   &alen);

	return send_part(s, rc, apdu, alen, &res->seed);
}

static int write_title(safeid_m2 *s, const safeid_m2_account *a,
                       safeid_m2_result *res)
{
	uint8_t apdu[APDU_BUF];
	size_t alen = 0;
	int rc = safeid_m2_apdu_write_title(s->key, a->profile, a->title,
	                                    a->titlelen, apdu, sizeof(apdu),
	                                    &alen);

	return send_part(s, rc, apdu, alen, &res->title);
}

static int write_config(safeid_m2 *s, const safeid_m2_account *a,
                        safeid_m2_result *res)
{
	uint8_t apdu[APDU_BUF];
	size_t alen = 0;
	int rc = safeid_m2_apdu_write_config(s->key, a->profile, &a->cfg, apdu,
	                                     sizeof(apdu), &alen);

	return send_part(s, rc, apdu, alen, &res->config);
}

static int confirm(safeid_m2 *s, const safeid_m2_account *a,
                   safeid_m2_result *res)
{
	int rc = sid_m2_profile(s, a->profile, &res->after);

	if (rc != SAFEID_OK)
		return rc;
	rc = check_readback(a, &res->after);
	res->confirmed = rc == SAFEID_OK;
	return rc;
}

static int check_free(safeid_m2 *s, const safeid_m2_account *a,
                      safeid_m2_result *res)
{
	int rc = sid_m2_profile(s, a->profile, &res->before);

	if (rc != SAFEID_OK)
		return rc;
	res->checked = true;
	return res->before.seed ? SAFEID_ERR_OCCUPIED : SAFEID_OK;
}

/* Every profile free?  Read before the key is used or anything written. */
static int check_all(safeid_m2 *s, const safeid_m2_account *acc, size_t n,
                     const struct sid_m2_progress *pg, safeid_m2_report *report,
                     safeid_m2_result *results)
{
	safeid_m2_result *res;
	size_t i;
	int rc = SAFEID_OK;

	for (i = 0; i < n; i++) {
		res = &results[i];
		report->step = SAFEID_M2_STEP_CHECK;
		STEP(pg, res, SAFEID_M2_STEP_CHECK,
		     check_free(s, &acc[i], res));
	}
	return SAFEID_OK;
out:
	res->err = rc;
	return rc;
}

static int burn_one(safeid_m2 *s, const safeid_m2_account *a,
                    const struct sid_m2_progress *pg, safeid_m2_result *res)
{
	int rc = SAFEID_OK;

	STEP(pg, res, SAFEID_M2_STEP_SEED, write_seed(s, a, res));
	if (a->titlelen > 0)
		STEP(pg, res, SAFEID_M2_STEP_TITLE, write_title(s, a, res));
	STEP(pg, res, SAFEID_M2_STEP_CONFIG, write_config(s, a, res));
	STEP(pg, res, SAFEID_M2_STEP_CONFIRM, confirm(s, a, res));
	res->step = SAFEID_M2_STEP_DONE;
out:
	res->err = rc;
	return rc;
}

int safeid_m2_burn(safeid_m2 *s, const safeid_m2_account *acc, size_t n,
                   unsigned flags, safeid_m2_progress_fn progress, void *arg,
                   safeid_m2_report *report, safeid_m2_result *results)
{
	struct sid_m2_progress pg = {progress, arg};
	unsigned start;
	size_t i, bad = 0;
	int rc;

	if (report == NULL)
		return SAFEID_ERR_ARG;
	sid_m2_report_start(s, report);
	if (s == NULL || acc == NULL || results == NULL || n == 0) {
		report->err = SAFEID_ERR_ARG;
		return report->err;
	}
	start = s->apdus;
	for (i = 0; i < n; i++)
		sid_m2_result_start(&results[i], acc[i].profile);
	rc = check_accounts(s, acc, n, &bad);
	if (rc != SAFEID_OK) {
		results[bad].err = rc;
		report->err = sid_m2_step_end(&pg, (int)acc[bad].profile,
		                              SAFEID_M2_STEP_NONE, rc);
		return rc;
	}
	rc = sid_m2_begin(s);
	if (rc != SAFEID_OK) {
		report->err = rc;
		return rc;
	}
	rc = sid_m2_open_steps(s, &pg, report, false);
	if (rc == SAFEID_OK && !(flags & SAFEID_M2_OVERWRITE))
		rc = check_all(s, acc, n, &pg, report, results);
	if (rc == SAFEID_OK)
		rc = sid_m2_auth_step(s, &pg, report);
	for (i = 0; rc == SAFEID_OK && i < n; i++) {
		rc = burn_one(s, &acc[i], &pg, &results[i]);
		report->step = results[i].step;
		if (rc == SAFEID_OK)
			report->done++;
	}
	sid_m2_end(s);
	if (rc == SAFEID_OK)
		report->step = SAFEID_M2_STEP_DONE;
	report->err = rc;
	report->apdus = s->apdus - start;
	return rc;
}
