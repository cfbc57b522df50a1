/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What a Molto2 operation reports: the steps' names, the outcomes of the
 * commands that wait for ▲, and the reports made ready before anything is
 * sent (so a refusal before the token is touched reads "nothing changed").
 */
#include <string.h>

#include "internal.h"

static const char *const step_names[] = {
	[SAFEID_M2_STEP_NONE] = "check parameters",
	[SAFEID_M2_STEP_INFO] = "read info",
	[SAFEID_M2_STEP_AUTH] = "authenticate",
	[SAFEID_M2_STEP_CHECK] = "check profile",
	[SAFEID_M2_STEP_SEED] = "write seed",
	[SAFEID_M2_STEP_TITLE] = "write title",
	[SAFEID_M2_STEP_CONFIG] = "write config",
	[SAFEID_M2_STEP_CLOCK] = "write clock",
	[SAFEID_M2_STEP_DELETE] = "delete seed",
	[SAFEID_M2_STEP_CONFIRM] = "confirm",
	[SAFEID_M2_STEP_REQUEST] = "send request",
	[SAFEID_M2_STEP_PRESS] = "wait for button",
	[SAFEID_M2_STEP_VERIFY] = "verify key",
	[SAFEID_M2_STEP_SCREEN] = "screen lock",
	[SAFEID_M2_STEP_DONE] = "done",
};

const char *safeid_m2_step_name(safeid_m2_step s)
{
	if ((unsigned)s < sizeof(step_names) / sizeof(step_names[0]) &&
	    step_names[s] != NULL)
		return step_names[s];
	return "unknown step";
}

static const struct {
	const char *name;
	const char *text;
} outcomes[] = {
	[SAFEID_M2_NOT_SENT] =
		{"not-sent", "nothing was sent to the token: nothing changed"},
	[SAFEID_M2_REFUSED] =
		{"refused", "the token refused the request: nothing changed"},
	[SAFEID_M2_LOST] =
		{"lost",
                 "the request was sent but its answer was lost: the token may be waiting for the button; check the token and start again"},
	[SAFEID_M2_PENDING] =
		{"pending",
                 "the token accepted the request and waits: press the up-arrow (▲) button on the token to carry it out"},
	[SAFEID_M2_UNCONFIRMED] =
		{"unconfirmed",
                 "the token gives no way to tell whether the request was carried out: an authentication with the new customer key shows it, and costs one try if it was not"},
	[SAFEID_M2_CONFIRMED] = {"confirmed", "done, as the token shows"},
	[SAFEID_M2_NOT_DONE] =
		{"not-done",
                 "not done, as the token shows (the button was not pressed in time?): nothing changed; start again"},
	[SAFEID_M2_PARTIAL] =
		{"partial",
                 "only part of the token was reset, as its profiles show: start the reset again"},
};

static const char *const part_texts[] = {
	[SAFEID_SEED_OLD] = "as it was (nothing that changes it was accepted)",
	[SAFEID_SEED_ERASED] = "erased (the token deleted the seed)",
	[SAFEID_SEED_NEW] = "as written (the token accepted it)",
	[SAFEID_SEED_UNKNOWN] =
		"unknown: it was sent but the answer was lost; write it again to be sure",
};

const char *safeid_m2_part_text(safeid_seed_state s)
{
	if ((unsigned)s < sizeof(part_texts) / sizeof(part_texts[0]))
		return part_texts[s];
	return "unknown state";
}

static bool outcome_valid(safeid_m2_outcome o)
{
	return (unsigned)o < sizeof(outcomes) / sizeof(outcomes[0]);
}

const char *safeid_m2_outcome_name(safeid_m2_outcome o)
{
	return outcome_valid(o) ? outcomes[o].name : "unknown";
}

const char *safeid_m2_outcome_text(safeid_m2_outcome o)
{
	return outcome_valid(o) ? outcomes[o].text : "unknown outcome";
}

void sid_m2_report_start(safeid_m2 *s, safeid_m2_report *r)
{
	memset(r, 0, sizeof(*r));
	r->step = SAFEID_M2_STEP_NONE;
	r->tries_left = s != NULL ? s->tries : -1;
}

void sid_m2_result_start(safeid_m2_result *res, unsigned profile)
{
	memset(res, 0, sizeof(*res));
	res->profile = profile;
	res->step = SAFEID_M2_STEP_NONE;
	res->seed = SAFEID_SEED_OLD;
	res->title = SAFEID_SEED_OLD;
	res->config = SAFEID_SEED_OLD;
}

void sid_m2_step_start(const struct sid_m2_progress *pg, int profile,
                       safeid_m2_step step)
{
	if (pg->fn != NULL)
		pg->fn(pg->arg, profile, step, 1);
}

int sid_m2_step_end(const struct sid_m2_progress *pg, int profile,
                    safeid_m2_step step, int rc)
{
	if (pg->fn != NULL)
		pg->fn(pg->arg, profile, step, rc);
	return rc;
}

int sid_m2_auth_step(safeid_m2 *s, const struct sid_m2_progress *pg,
                     safeid_m2_report *report)
{
	int rc;

	report->step = SAFEID_M2_STEP_AUTH;
	sid_m2_step_start(pg, -1, SAFEID_M2_STEP_AUTH);
	rc = sid_m2_auth(s);
	report->tries_left = s->tries;
	return sid_m2_step_end(pg, -1, SAFEID_M2_STEP_AUTH, rc);
}

int sid_m2_open_steps(safeid_m2 *s, const struct sid_m2_progress *pg,
                      safeid_m2_report *report, bool auth)
{
	int rc;

	report->step = SAFEID_M2_STEP_INFO;
	sid_m2_step_start(pg, -1, SAFEID_M2_STEP_INFO);
	rc = sid_m2_info(s, &report->info);
	if (sid_m2_step_end(pg, -1, SAFEID_M2_STEP_INFO, rc) != SAFEID_OK ||
	    !auth)
		return rc;
	return sid_m2_auth_step(s, pg, report);
}
