/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The composite burn: info, authenticate, config, seed, info again, in one
 * exclusive transaction, with a truthful account of what the token holds
 * after each step (a restricted model loses its seed at the config write;
 * a write whose answer was lost leaves the seed unknown).
 */
#include <string.h>
#include <time.h>

#include "internal.h"

/* How far the confirmed clock may be from the written one, beyond the time
 * the burn took: the token's clock ticks in whole seconds. */
#define CLOCK_SLACK 5

const char *safeid_step_name(safeid_step s)
{
	switch (s) {
	case SAFEID_STEP_NONE:
		return "check parameters";
	case SAFEID_STEP_INFO:
		return "read info";
	case SAFEID_STEP_AUTH:
		return "authenticate";
	case SAFEID_STEP_CONFIG:
		return "write config";
	case SAFEID_STEP_SEED:
		return "write seed";
	case SAFEID_STEP_CONFIRM:
		return "confirm";
	case SAFEID_STEP_DONE:
		return "done";
	default:
		return "unknown step";
	}
}

/* Each seed state's keyword and sentence, by value. */
static const struct {
	const char *name;
	const char *text;
} seed_states[] = {
	/* Only the seed: a config write may have changed the rest. */
	[SAFEID_SEED_OLD] = {"old", "the token still holds its previous seed"},
	[SAFEID_SEED_ERASED] =
		{"erased",
                 "the token holds no seed (the config write erased it): burn again"},
	[SAFEID_SEED_NEW] = {"new", "the token holds the new seed"},
	[SAFEID_SEED_UNKNOWN] =
		{"unknown",
                 "unknown: a write was sent but its answer was lost; burn again to be sure"},
};

static bool seed_state_valid(safeid_seed_state s)
{
	return (unsigned)s < sizeof(seed_states) / sizeof(seed_states[0]);
}

const char *safeid_seed_state_text(safeid_seed_state s)
{
	return seed_state_valid(s) ? seed_states[s].text : "unknown seed state";
}

const char *safeid_seed_state_name(safeid_seed_state s)
{
	return seed_state_valid(s) ? seed_states[s].name : "unknown";
}

static void step_start(safeid_burn_report *r, safeid_step s,
                       safeid_progress_fn progress, void *arg)
{
	r->step = s;
	if (progress != NULL)
		progress(arg, s, 1, r);
}

static int step_end(safeid_burn_report *r, int rc, safeid_progress_fn progress,
                    void *arg)
{
	r->err = rc;
	if (progress != NULL)
		progress(arg, r->step, rc, r);
	return rc;
}

/* The token's clock after the burn must be the written one plus the time
 * the burn took; anything else means the config did not take. */
static int check_confirm(const safeid_burn_report *r, const safeid_config *cfg,
                         time_t started)
{
	time_t now = time(NULL);
	int64_t elapsed = now > started ? (int64_t)(now - started) : 0;
	int64_t lo = (int64_t)cfg->clock - CLOCK_SLACK;
	int64_t hi = (int64_t)cfg->clock + elapsed + CLOCK_SLACK;

	if (strcmp(r->after.serial, r->before.serial) != 0)
		return SAFEID_ERR_REMOVED;
	if ((int64_t)r->after.clock < lo || (int64_t)r->after.clock > hi)
		return SAFEID_ERR_CLOCK;
	return SAFEID_OK;
}

static int check_params(const safeid_transport *t, const safeid_config *cfg,
                        const uint8_t *seed, size_t seedlen)
{
	if (t == NULL || t->transmit == NULL || cfg == NULL)
		return SAFEID_ERR_ARG;
	if (seed != NULL && (seedlen == 0 || seedlen > SAFEID_SEED_MAX))
		return SAFEID_ERR_SEED_LENGTH;
	return sid_config_check(cfg);
}

/* The steps after get info's lock was taken; stops at the first failure,
 * leaving step, err and seed state in the report. */
static void run_steps(const safeid_transport *ct, const safeid_config *cfg,
                      const uint8_t *seed, size_t seedlen,
                      safeid_progress_fn progress, void *arg,
                      safeid_burn_report *report, time_t started)
{
	bool answered = true, restricted;
	int rc;

	rc = safeid_get_info(ct, &report->before);
	if (step_end(report, rc, progress, arg) != SAFEID_OK)
		return;
	restricted = safeid_serial_restricted(report->before.serial);

	step_start(report, SAFEID_STEP_AUTH, progress, arg);
	rc = safeid_authenticate(ct);
	if (step_end(report, rc, progress, arg) != SAFEID_OK)
		return;

	step_start(report, SAFEID_STEP_CONFIG, progress, arg);
	rc = sid_write_config_ex(ct, cfg, &answered);
	if (rc == SAFEID_OK) {
		report->config_written = true;
		if (restricted)
			report->seed = SAFEID_SEED_ERASED;
	} else if (!answered && restricted) {
		report->seed = SAFEID_SEED_UNKNOWN;
	}
	if (step_end(report, rc, progress, arg) != SAFEID_OK)
		return;

	if (seed != NULL) {
		step_start(report, SAFEID_STEP_SEED, progress, arg);
		rc = sid_write_seed_ex(ct, seed, seedlen, &answered);
		if (rc == SAFEID_OK)
			report->seed = SAFEID_SEED_NEW;
		else if (!answered)
			report->seed = SAFEID_SEED_UNKNOWN;
		if (step_end(report, rc, progress, arg) != SAFEID_OK)
			return;
	}

	step_start(report, SAFEID_STEP_CONFIRM, progress, arg);
	rc = safeid_get_info(ct, &report->after);
	if (rc == SAFEID_OK)
		rc = check_confirm(report, cfg, started);
	if (step_end(report, rc, progress, arg) != SAFEID_OK)
		return;

	report->step = SAFEID_STEP_DONE;
	step_end(report, SAFEID_OK, progress, arg);
}

/* The burn, or with seed == NULL the config-only write. */
static int run(const safeid_transport *t, const safeid_config *cfg,
               const uint8_t *seed, size_t seedlen, safeid_progress_fn progress,
               void *arg, safeid_burn_report *report)
{
	struct sid_counter cnt;
	safeid_transport ct;
	time_t started = time(NULL);
	int rc;

	if (report == NULL)
		return SAFEID_ERR_ARG;
	memset(report, 0, sizeof(*report));
	report->seed = SAFEID_SEED_OLD;
	report->step = SAFEID_STEP_NONE;
	/* Everything that can be checked is checked before the token is
	 * touched. */
	rc = check_params(t, cfg, seed, seedlen);
	if (rc != SAFEID_OK)
		return step_end(report, rc, progress, arg);

	sid_counting(&cnt, t, &report->apdus, &ct);

	step_start(report, SAFEID_STEP_INFO, progress, arg);
	if (t->begin != NULL) {
		rc = t->begin(t->ctx);
		if (rc != SAFEID_OK)
			return step_end(report, rc, progress, arg);
	}
	run_steps(&ct, cfg, seed, seedlen, progress, arg, report, started);
	/* Releasing the lock cannot change what the token holds; a failure
	 * here (token gone) adds nothing to the report. */
	if (t->begin != NULL && t->end != NULL)
		(void)t->end(t->ctx);
	return report->err;
}

int safeid_burn(const safeid_transport *t, const safeid_config *cfg,
                const uint8_t *seed, size_t seedlen,
                safeid_progress_fn progress, void *arg,
                safeid_burn_report *report)
{
	if (seed == NULL) {
		if (report != NULL) {
			memset(report, 0, sizeof(*report));
			report->err = SAFEID_ERR_ARG;
		}
		return SAFEID_ERR_ARG;
	}
	return run(t, cfg, seed, seedlen, progress, arg, report);
}

int safeid_configure(const safeid_transport *t, const safeid_config *cfg,
                     safeid_progress_fn progress, void *arg,
                     safeid_burn_report *report)
{
	return run(t, cfg, NULL, 0, progress, arg, report);
}
