/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * backend_opensc.c: the OpenSC backend (--backend opensc), built into the
 * plug-in safeid-tool-opensc.so.
 *
 * Reaches the token through OpenSC's reader layer and the safeid card
 * driver (safeid-opensc.so, loaded by OpenSC from its configuration):
 * context, reader list, sc_connect_card(), then the driver's vendor
 * card_ctl calls (driver/opensc/safeid-opensc.h).  Nothing here speaks
 * APDUs: the driver runs the token core inside OpenSC.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend.h"
#include "opensc-abi.h"
#include "safeid-opensc.h"

struct client_link {
	struct sc_context *ctx;
	client_backend_opts opts; /* the front end's callbacks */
	/* Write commands begun (client_backend_writes): read by a signal
	 * handler, so a plain counter written by this thread only. */
	volatile sig_atomic_t writes;
};

/* The connected token on one reader. */
typedef struct opensc_conn {
	struct sc_card *card;
	client_slot slot;
} opensc_conn;

static void trace(const client_link *b, const char *what, int r)
{
	client_trace(&b->opts, "opensc: %s: %d (%s)", what, r, sc_strerror(r));
}

static bool driver_configured(const client_link *b)
{
	for (size_t i = 0; i < SC_MAX_CARD_DRIVERS; i++) {
		const struct sc_card_driver *d = b->ctx->card_drivers[i];

		if (d == NULL)
			break;
		if (d->short_name != NULL &&
		    strcmp(d->short_name, "safeid") == 0)
			return true;
	}
	return false;
}

static int opensc_link_open(const client_backend_opts *opts, client_link **out,
                            client_error *err)
{
	sc_context_param_t param;
	client_link *b;
	int r;

	b = calloc(1, sizeof(*b));
	if (b == NULL)
		return client_fail(err, CLIENT_EXIT_SETUP, "nomem",
		                   "out of memory");
	b->opts = *opts;
	memset(&param, 0, sizeof(param));
	param.app_name = "safeid-tool";
	r = sc_context_create(&b->ctx, &param);
	trace(b, "sc_context_create", r);
	if (r != SC_SUCCESS) {
		free(b);
		return client_fail(err, CLIENT_EXIT_SETUP, "opensc_context",
		                   "OpenSC could not start (%s): check its "
		                   "configuration file (OPENSC_CONF or "
		                   "/etc/opensc/opensc.conf)",
		                   sc_strerror(r));
	}
	if (!driver_configured(b)) {
		sc_release_context(b->ctx);
		free(b);
		return client_fail(err, CLIENT_EXIT_SETUP, "opensc_driver",
		                   "OpenSC did not load the safeid card "
		                   "driver: add the settings of "
		                   "opensc-safeid.conf (installed with safeid) "
		                   "to /etc/opensc/opensc.conf, or point "
		                   "OPENSC_CONF at that file; run with "
		                   "OPENSC_DEBUG=3 to see why the module was "
		                   "refused");
	}
	*out = b;
	return 0;
}

static void opensc_link_close(client_link **b)
{
	if (b == NULL || *b == NULL)
		return;
	sc_release_context((*b)->ctx);
	free(*b);
	*b = NULL;
}

static void slot_fill(client_slot *s, const safeid_info *info)
{
	snprintf(s->serial, sizeof(s->serial), "%s", info->serial);
	/* info->model points into the driver module: copy it now. */
	snprintf(s->model, sizeof(s->model), "%s",
	         info->model != NULL ? info->model->name : "");
	s->restricted_sync = safeid_serial_restricted(info->serial);
	s->clock_known = true;
	s->clock = info->clock;
	s->present = true;
}

/* Connect to reader i and read the token; *card stays NULL (and the slot
 * not present) when no recognised token is there. */
static int token_connect(client_link *b, unsigned i, opensc_conn *c)
{
	struct sc_reader *reader = sc_ctx_get_reader(b->ctx, i);
	struct safeid_cardctl_detect d;
	struct safeid_cardctl_info a;
	int r;

	memset(c, 0, sizeof(*c));
	if (reader == NULL)
		return SC_ERROR_NO_READERS_FOUND;
	snprintf(c->slot.reader, sizeof(c->slot.reader), "%s",
	         reader->name != NULL ? reader->name : "?");
	r = sc_detect_card_presence(reader);
	trace(b, "sc_detect_card_presence", r);
	if (r <= 0 || !(r & SC_READER_CARD_PRESENT))
		return r < 0 ? r : SC_ERROR_CARD_NOT_PRESENT;
	r = sc_connect_card(reader, &c->card);
	trace(b, "sc_connect_card", r);
	if (r != SC_SUCCESS)
		return r;
	if (c->card->driver == NULL || c->card->driver->short_name == NULL ||
	    strcmp(c->card->driver->short_name, "safeid") != 0) {
		sc_disconnect_card(c->card);
		c->card = NULL;
		return SC_ERROR_INVALID_CARD;
	}
	memset(&a, 0, sizeof(a));
	r = sc_card_ctl(c->card, SAFEID_CARDCTL_GET_INFO, &a);
	trace(b, "card_ctl(GET_INFO)", r);
	if (r == SC_SUCCESS) {
		memset(&d, 0, sizeof(d));
		r = sc_card_ctl(c->card, SAFEID_CARDCTL_DETECT, &d);
		trace(b, "card_ctl(DETECT)", r);
	}
	if (r != SC_SUCCESS) {
		sc_disconnect_card(c->card);
		c->card = NULL;
		return r;
	}
	slot_fill(&c->slot, &a.info);
	client_slot_family(&c->slot, &d.det);
	if (c->slot.molto2)
		c->slot.restricted_sync = false;
	return SC_SUCCESS;
}

static void conn_close(opensc_conn *c)
{
	if (c->card != NULL)
		sc_disconnect_card(c->card);
	c->card = NULL;
}

static int opensc_slots_list(client_link *b, client_slot_list *out,
                             client_error *err)
{
	unsigned n = sc_ctx_get_reader_count(b->ctx);

	out->count = 0;
	out->slots = calloc(n > 0 ? n : 1, sizeof(*out->slots));
	if (out->slots == NULL)
		return client_fail(err, CLIENT_EXIT_SETUP, "nomem",
		                   "out of memory");
	for (unsigned i = 0; i < n; i++) {
		opensc_conn c;
		int r = token_connect(b, i, &c);

		c.slot.foreign = r == SC_ERROR_INVALID_CARD;
		out->slots[i] = c.slot;
		conn_close(&c);
	}
	out->count = n;
	return 0;
}

static const char *why_not_present(int r)
{
	if (r == SC_ERROR_CARD_NOT_PRESENT)
		return "no card on the reader: place the token on it and press "
		       "its button to switch it on";
	if (r == SC_ERROR_INVALID_CARD)
		return CLIENT_FOREIGN_CARD_TEXT;
	return "OpenSC could not talk to it: switch the token off and on, "
	       "hold it still on the reader, and try again";
}

/* Pick the reader for spec and connect to the token on it. */
static int slot_connect(client_link *b, const char *spec, opensc_conn *c,
                        client_error *err)
{
	client_slot_list l;
	long idx;
	int ret, r;

	ret = opensc_slots_list(b, &l, err);
	if (ret != 0)
		return ret;
	idx = client_slot_pick(&l, spec, err);
	client_slot_list_free(&l);
	if (idx < 0)
		return err->exit_code;
	r = token_connect(b, (unsigned)idx, c);
	if (r != SC_SUCCESS)
		return client_fail(err, CLIENT_EXIT_NO_TOKEN, "no_token",
		                   "no token found on reader '%s' (%s): %s",
		                   c->slot.reader, sc_strerror(r),
		                   why_not_present(r));
	return 0;
}

static int opensc_slot_info(client_link *b, const char *spec, client_slot *out,
                            client_error *err)
{
	opensc_conn c;
	int ret;

	ret = slot_connect(b, spec, &c, err);
	if (ret != 0)
		return ret;
	*out = c.slot;
	conn_close(&c);
	return 0;
}

static int config_fill(safeid_hash hash, unsigned step, unsigned display,
                       bool clock_given, uint32_t clock, safeid_config *cfg,
                       client_error *err)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->hash = hash;
	cfg->step = step;
	if (safeid_display_from_seconds(display, &cfg->display) != SAFEID_OK)
		return client_fail(err, CLIENT_EXIT_INPUT, "display",
		                   "display timeout %u s is not supported: use "
		                   "15, 30, 60 or 120",
		                   display);
	/* Taken right before the write so the token's clock is fresh. */
	cfg->clock = clock_given ? clock : (uint32_t)time(NULL);
	return 0;
}

/* The token answered the command with a refusal (a status word), or it
 * was never sent: nothing was carried out.  Anything else (no answer, a
 * garbled one) leaves the command's effect unknown. */
static bool refused(int serr)
{
	return serr == SAFEID_ERR_AUTH || serr == SAFEID_ERR_BAD_DATA ||
	       serr == SAFEID_ERR_WRONG_LENGTH || serr == SAFEID_ERR_INS ||
	       serr == SAFEID_ERR_CLA || serr == SAFEID_ERR_SW ||
	       serr == SAFEID_ERR_SEED_LENGTH || serr == SAFEID_ERR_CONFIG ||
	       serr == SAFEID_ERR_ARG || serr == SAFEID_ERR_BUSY ||
	       serr == SAFEID_ERR_NOMEM || serr == SAFEID_ERR_CRYPTO ||
	       serr == SAFEID_ERR_NOT_AUTHENTICATED;
}

/* Report a failed write: what failed and why (the library adds what the
 * token now holds, from res). */
static int write_fail(const opensc_conn *c, const char *what, int serr,
                      client_write_result *res, client_error *err)
{
	int code = res->seed == SAFEID_SEED_OLD || res->seed == SAFEID_SEED_NEW
	                   ? CLIENT_EXIT_TOKEN
	                   : CLIENT_EXIT_PARTIAL;

	/* Refused before anything reached the token. */
	if (serr == SAFEID_ERR_SEED_LENGTH || serr == SAFEID_ERR_CONFIG)
		code = CLIENT_EXIT_INPUT;
	res->write_failed = true;
	return client_fail(err, code, "write_failed",
	                   "%s on reader '%s' (token %s) failed with %s: %s",
	                   what, c->slot.reader, c->slot.serial,
	                   safeid_errname(serr), safeid_strerror(serr));
}

/* The start of a write, reported as the step "read token info": a fresh
 * connection and its token, which must be the one in the plan (checked
 * again under the lock, same_token). */
static int write_begin(client_link *b, const char *spec, const char *expect,
                       client_step_fn step, void *arg, opensc_conn *c,
                       client_write_result *res, client_error *err)
{
	int ret;

	step(arg, CLIENT_STEP_INFO, CLIENT_PHASE_START);
	ret = slot_connect(b, spec, c, err);
	if (ret == 0 && (ret = client_token_changed(&c->slot, expect, err)))
		conn_close(c);
	if (ret == 0 && c->slot.molto2) {
		ret = client_family_refuse(&c->slot, true, err);
		conn_close(c);
	}
	step(arg, CLIENT_STEP_INFO,
	     ret == 0 ? CLIENT_PHASE_OK : CLIENT_PHASE_FAIL);
	if (ret == 0)
		res->before = c->slot;
	return ret;
}

/*
 * Authenticate, write the configuration and (seed != NULL) the seed, on a
 * card locked by the caller; res says what the token then holds.  Each
 * write is counted before it is sent.  SAFEID_OK, or the error and
 * *what, the step that failed.
 */
static int writes_run(client_link *b, opensc_conn *c, const safeid_config *cfg,
                      const uint8_t *seed, size_t seedlen,
                      client_write_result *res, const char **what)
{
	struct safeid_cardctl_config ac;
	struct safeid_cardctl_seed as;
	bool restricted = c->slot.restricted_sync;
	int aerr = SAFEID_ERR_INTERNAL, r;

	*what = "authenticate";
	r = sc_card_ctl(c->card, SAFEID_CARDCTL_AUTHENTICATE, &aerr);
	trace(b, "card_ctl(AUTHENTICATE)", r);
	if (r != SC_SUCCESS)
		return aerr != SAFEID_OK ? aerr : SAFEID_ERR_INTERNAL;
	*what = "write config";
	memset(&ac, 0, sizeof(ac));
	ac.cfg = *cfg;
	ac.err = SAFEID_ERR_INTERNAL;
	b->writes++;
	r = sc_card_ctl(c->card, SAFEID_CARDCTL_WRITE_CONFIG, &ac);
	trace(b, "card_ctl(WRITE_CONFIG)", r);
	if (r != SC_SUCCESS && refused(ac.err))
		return ac.err;
	if (r != SC_SUCCESS) {
		res->config = CLIENT_CONFIG_UNKNOWN;
		res->seed = restricted ? SAFEID_SEED_UNKNOWN : SAFEID_SEED_OLD;
		return ac.err != SAFEID_OK ? ac.err : SAFEID_ERR_INTERNAL;
	}
	res->config = CLIENT_CONFIG_WRITTEN;
	res->seed = restricted ? SAFEID_SEED_ERASED : SAFEID_SEED_OLD;
	if (seed == NULL)
		return SAFEID_OK;
	*what = "write seed";
	memset(&as, 0, sizeof(as));
	as.seed = seed;
	as.seedlen = seedlen;
	as.err = SAFEID_ERR_INTERNAL;
	b->writes++;
	r = sc_card_ctl(c->card, SAFEID_CARDCTL_WRITE_SEED, &as);
	trace(b, "card_ctl(WRITE_SEED)", r);
	if (r == SC_SUCCESS) {
		res->seed = SAFEID_SEED_NEW;
		return SAFEID_OK;
	}
	if (!refused(as.err))
		res->seed = SAFEID_SEED_UNKNOWN;
	return as.err != SAFEID_OK ? as.err : SAFEID_ERR_INTERNAL;
}

/*
 * The token under the lock is still the connection's: OpenSC may reconnect
 * on its own when PC/SC reports the card reset, which would bind the
 * connection to a token swapped in meanwhile.  Nothing is written else.
 */
static int same_token(client_link *b, opensc_conn *c, client_error *err)
{
	struct safeid_cardctl_info now;
	client_slot s = c->slot;
	int r;

	memset(&now, 0, sizeof(now));
	now.err = SAFEID_ERR_INTERNAL;
	r = sc_card_ctl(c->card, SAFEID_CARDCTL_GET_INFO, &now);
	trace(b, "card_ctl(GET_INFO)", r);
	if (r != SC_SUCCESS)
		return client_fail(
			err, CLIENT_EXIT_TOKEN, "write_failed",
			"nothing written: reading token %s on reader "
			"'%s' again failed with %s: %s",
			c->slot.serial, c->slot.reader, safeid_errname(now.err),
			safeid_strerror(now.err));
	snprintf(s.serial, sizeof(s.serial), "%s", now.info.serial);
	return client_token_changed(&s, c->slot.serial, err);
}

/*
 * One write on an open connection, in one exclusive sequence (sc_lock):
 * the token checked, the writes, then the clock read back; the step
 * events around them.
 */
static int write_run(client_link *b, opensc_conn *c, client_step cs,
                     const safeid_config *cfg, const uint8_t *seed,
                     size_t seedlen, client_step_fn step, void *arg,
                     client_write_result *res, client_error *err)
{
	struct safeid_cardctl_info after;
	const char *what = "lock the card";
	int serr, r, ret;

	step(arg, cs, CLIENT_PHASE_START);
	r = sc_lock(c->card);
	trace(b, "sc_lock", r);
	if (r == SC_SUCCESS && (ret = same_token(b, c, err)) != 0) {
		sc_unlock(c->card);
		step(arg, cs, CLIENT_PHASE_FAIL);
		return ret;
	}
	serr = r == SC_SUCCESS
	               ? writes_run(b, c, cfg, seed, seedlen, res, &what)
	               : SAFEID_ERR_BUSY;
	step(arg, cs, serr == SAFEID_OK ? CLIENT_PHASE_OK : CLIENT_PHASE_FAIL);
	if (serr != SAFEID_OK) {
		if (r == SC_SUCCESS)
			sc_unlock(c->card);
		return write_fail(c, what, serr, res, err);
	}
	step(arg, CLIENT_STEP_READ_BACK, CLIENT_PHASE_START);
	memset(&after, 0, sizeof(after));
	r = sc_card_ctl(c->card, SAFEID_CARDCTL_GET_INFO, &after);
	trace(b, "card_ctl(GET_INFO)", r);
	sc_unlock(c->card);
	res->after_valid = r == SC_SUCCESS &&
	                   strcmp(after.info.serial, c->slot.serial) == 0;
	if (res->after_valid) {
		res->after = c->slot;
		slot_fill(&res->after, &after.info);
	}
	step(arg, CLIENT_STEP_READ_BACK,
	     res->after_valid ? CLIENT_PHASE_OK : CLIENT_PHASE_FAIL);
	return 0;
}

static int opensc_seed_burn(client_link *b, const char *spec,
                            const client_burn_plan *plan, client_step_fn step,
                            void *arg, client_write_result *res,
                            client_error *err)
{
	safeid_config cfg;
	opensc_conn c;
	int ret;

	client_result_begin(res, plan->hash, plan->step, plan->display_seconds);
	ret = write_begin(b, spec, plan->expect_serial, step, arg, &c, res,
	                  err);
	if (ret != 0)
		return ret;
	ret = config_fill(plan->hash, plan->step, plan->display_seconds,
	                  plan->clock_given, plan->clock, &cfg, err);
	if (ret == 0)
		ret = write_run(b, &c, CLIENT_STEP_BURN_WRITE, &cfg, plan->seed,
		                plan->seedlen, step, arg, res, err);
	conn_close(&c);
	return ret;
}

static int opensc_clock_set(client_link *b, const char *spec,
                            const client_clock_plan *plan, client_step_fn step,
                            void *arg, client_write_result *res,
                            client_error *err)
{
	safeid_config cfg;
	opensc_conn c;
	int ret;

	client_result_begin(res, plan->hash, plan->step, plan->display_seconds);
	ret = write_begin(b, spec, plan->expect_serial, step, arg, &c, res,
	                  err);
	if (ret != 0)
		return ret;
	if (c.slot.restricted_sync && !plan->erase_seed_ok)
		ret = client_clock_refuse(&c.slot, err);
	if (ret == 0)
		ret = config_fill(plan->hash, plan->step, plan->display_seconds,
		                  plan->clock_given, plan->clock, &cfg, err);
	if (ret == 0)
		ret = write_run(b, &c, CLIENT_STEP_CLOCK_WRITE, &cfg, NULL, 0,
		                step, arg, res, err);
	conn_close(&c);
	return ret;
}

/* ---- the Molto2 --------------------------------------------------------- */

static int opensc_profiles(client_link *b, const char *spec,
                           client_profile_list *out, client_error *err)
{
	struct safeid_cardctl_m2_profiles *a;
	opensc_conn c;
	int r, ret;

	memset(out, 0, sizeof(*out));
	ret = slot_connect(b, spec, &c, err);
	if (ret != 0)
		return ret;
	out->token = c.slot;
	if (!c.slot.molto2) {
		ret = client_family_refuse(&c.slot, false, err);
		conn_close(&c);
		return ret;
	}
	a = calloc(1, sizeof(*a));
	if (a == NULL) {
		conn_close(&c);
		return client_fail(err, CLIENT_EXIT_SETUP, "nomem",
		                   "out of memory");
	}
	a->err = SAFEID_ERR_INTERNAL;
	r = sc_card_ctl(c.card, SAFEID_CARDCTL_M2_PROFILES, a);
	trace(b, "card_ctl(M2_PROFILES)", r);
	if (r == SC_SUCCESS) {
		out->count = a->count;
		for (size_t i = 0; i < a->count && i < SAFEID_M2_PROFILES; i++)
			client_profile_from(&out->items[i], &a->info[i]);
	} else {
		ret = client_fail(err, CLIENT_EXIT_TOKEN, "read_failed",
		                  "reading the profiles of token %s on reader "
		                  "'%s' failed after %zu of %u with %s: %s; "
		                  "nothing was written",
		                  c.slot.serial, c.slot.reader, a->count,
		                  c.slot.profiles, safeid_errname(a->err),
		                  safeid_strerror(a->err));
	}
	free(a);
	conn_close(&c);
	return ret;
}

/* The core's progress as the front end's, each write counted as it
 * begins (client_backend_writes). */
struct m2_progress {
	client_link *b;
	const client_m2_request *rq;
};

static bool step_writes(safeid_m2_step step)
{
	return step == SAFEID_M2_STEP_SEED || step == SAFEID_M2_STEP_TITLE ||
	       step == SAFEID_M2_STEP_CONFIG || step == SAFEID_M2_STEP_CLOCK ||
	       step == SAFEID_M2_STEP_DELETE;
}

static void m2_progress(void *arg, int profile, safeid_m2_step step, int err)
{
	struct m2_progress *p = arg;

	if (err == 1 && step_writes(step))
		p->b->writes++;
	if (p->rq->step != NULL)
		p->rq->step(p->rq->step_arg, profile, step,
		            err == 1           ? CLIENT_PHASE_START
		            : err == SAFEID_OK ? CLIENT_PHASE_OK
		                               : CLIENT_PHASE_FAIL);
}

static void key_fill(struct safeid_cardctl_m2_key *k, const client_m2_key *key,
                     int tries_known)
{
	memset(k, 0, sizeof(*k));
	if (key != NULL && key->bytes != NULL) {
		k->key = (const uint8_t *)key->bytes;
		k->len = key->len;
	}
	k->last_try = key != NULL && key->last_try;
	k->tries_known = tries_known;
	k->tries_left = tries_known;
}

static void m2_burn(client_link *b, opensc_conn *c, const client_m2_request *rq,
                    int tries, struct m2_progress *pg, client_m2_outcome *out)
{
	struct safeid_cardctl_m2_burn a;
	safeid_m2_account acc[SAFEID_M2_PROFILES];
	safeid_m2_result res[SAFEID_M2_PROFILES];
	client_error ignored;
	int r;

	memset(&a, 0, sizeof(a));
	if (rq->n == 0 || rq->n > SAFEID_M2_PROFILES ||
	    client_m2_accounts(rq, acc, &ignored) != 0) {
		out->err = rq->n == 0 || rq->n > SAFEID_M2_PROFILES
		                   ? SAFEID_ERR_ARG
		                   : SAFEID_ERR_CONFIG;
		return;
	}
	key_fill(&a.key, rq->key, tries);
	a.acc = acc;
	a.n = rq->n;
	a.flags = rq->overwrite ? SAFEID_M2_OVERWRITE : 0;
	a.progress = m2_progress;
	a.arg = pg;
	a.results = res;
	a.report.err = SAFEID_ERR_INTERNAL;
	r = sc_card_ctl(c->card, SAFEID_CARDCTL_M2_BURN, &a);
	trace(b, "card_ctl(M2_BURN)", r);
	client_m2_report_take(out, &a.report, res, rq->n);
	out->tries_left = a.key.tries_left;
	safeid_wipe(acc, sizeof(acc));
}

static void m2_sync(client_link *b, opensc_conn *c, const client_m2_request *rq,
                    int tries, struct m2_progress *pg, client_m2_outcome *out)
{
	struct safeid_cardctl_m2_sync a;
	safeid_m2_result res[SAFEID_M2_PROFILES];
	int r;

	memset(&a, 0, sizeof(a));
	key_fill(&a.key, rq->key, tries);
	a.clock = rq->clock_given ? rq->clock : (uint32_t)time(NULL);
	a.profiles = rq->profiles;
	a.n = rq->profiles != NULL ? rq->nprofiles : 0;
	a.progress = m2_progress;
	a.arg = pg;
	a.results = res;
	a.report.err = SAFEID_ERR_INTERNAL;
	r = sc_card_ctl(c->card, SAFEID_CARDCTL_M2_SYNC, &a);
	trace(b, "card_ctl(M2_SYNC)", r);
	client_m2_report_take(out, &a.report, res,
	                      rq->profiles != NULL ? rq->nprofiles
	                                           : c->slot.profiles);
	out->tries_left = a.key.tries_left;
}

static void m2_delete(client_link *b, opensc_conn *c,
                      const client_m2_request *rq, int tries,
                      struct m2_progress *pg, client_m2_outcome *out)
{
	struct safeid_cardctl_m2_delete a;
	int r;

	memset(&a, 0, sizeof(a));
	key_fill(&a.key, rq->key, tries);
	a.profile = rq->profiles[0];
	a.progress = m2_progress;
	a.arg = pg;
	a.report.err = SAFEID_ERR_INTERNAL;
	r = sc_card_ctl(c->card, SAFEID_CARDCTL_M2_DELETE, &a);
	trace(b, "card_ctl(M2_DELETE)", r);
	client_m2_report_take(out, &a.report, &a.result, 1);
	out->tries_left = a.key.tries_left;
}

static void m2_screen(client_link *b, opensc_conn *c,
                      const client_m2_request *rq, int tries,
                      client_m2_outcome *out)
{
	struct safeid_cardctl_m2_screen a;
	int r;

	memset(&a, 0, sizeof(a));
	key_fill(&a.key, rq->key, tries);
	a.lock = rq->op == CLIENT_M2_LOCK;
	a.err = SAFEID_ERR_INTERNAL;
	b->writes++;
	r = sc_card_ctl(c->card, SAFEID_CARDCTL_M2_SCREEN, &a);
	trace(b, "card_ctl(M2_SCREEN)", r);
	out->err = a.err;
	out->step = a.err == SAFEID_OK ? SAFEID_M2_STEP_DONE
	                               : SAFEID_M2_STEP_SCREEN;
	out->tries_left = a.key.tries_left;
}

static void m2_press(client_link *b, opensc_conn *c,
                     const client_m2_request *rq, int tries,
                     client_m2_outcome *out)
{
	struct safeid_cardctl_m2_change_key k;
	struct safeid_cardctl_m2_reset z;
	int r;

	b->writes++;
	if (rq->op == CLIENT_M2_RESET) {
		memset(&z, 0, sizeof(z));
		z.press_ms = rq->press_ms;
		z.press = rq->press;
		z.press_arg = rq->press_arg;
		z.report.err = SAFEID_ERR_INTERNAL;
		r = sc_card_ctl(c->card, SAFEID_CARDCTL_M2_RESET, &z);
		trace(b, "card_ctl(M2_RESET)", r);
		client_m2_press_take(out, &z.report);
		out->tries_left = z.report.tries_left;
		return;
	}
	memset(&k, 0, sizeof(k));
	key_fill(&k.key, rq->key, tries);
	if (rq->new_key != NULL && rq->new_key->bytes != NULL) {
		k.new_key = (const uint8_t *)rq->new_key->bytes;
		k.new_len = rq->new_key->len;
	} else {
		k.new_key = (const uint8_t *)SAFEID_M2_FACTORY_KEY;
		k.new_len = strlen(SAFEID_M2_FACTORY_KEY);
	}
	k.flags = rq->verify_key ? SAFEID_M2_VERIFY : 0;
	k.press_ms = rq->press_ms;
	k.press = rq->press;
	k.press_arg = rq->press_arg;
	k.report.err = SAFEID_ERR_INTERNAL;
	r = sc_card_ctl(c->card, SAFEID_CARDCTL_M2_CHANGE_KEY, &k);
	trace(b, "card_ctl(M2_CHANGE_KEY)", r);
	client_m2_press_take(out, &k.report);
	out->tries_left = k.key.tries_left;
}

static int opensc_m2(client_link *b, const char *spec,
                     const client_m2_request *rq, int tries,
                     client_m2_outcome *out, client_error *err)
{
	struct m2_progress pg = {b, rq};
	opensc_conn c;
	int r, ret;

	client_m2_outcome_begin(out, rq, tries);
	ret = slot_connect(b, spec, &c, err);
	if (ret == 0)
		ret = client_token_changed(&c.slot, rq->expect_serial, err);
	if (ret == 0 && !c.slot.molto2)
		ret = client_family_refuse(&c.slot, false, err);
	if (ret != 0) {
		conn_close(&c);
		return ret;
	}
	out->before = c.slot;
	r = sc_lock(c.card);
	trace(b, "sc_lock", r);
	if (r == SC_SUCCESS && (ret = same_token(b, &c, err)) != 0) {
		sc_unlock(c.card);
		conn_close(&c);
		return ret;
	}
	if (r != SC_SUCCESS) {
		out->err = SAFEID_ERR_BUSY;
	} else {
		switch (rq->op) {
		case CLIENT_M2_BURN:
			m2_burn(b, &c, rq, tries, &pg, out);
			break;
		case CLIENT_M2_SYNC:
			m2_sync(b, &c, rq, tries, &pg, out);
			break;
		case CLIENT_M2_WIPE:
			m2_delete(b, &c, rq, tries, &pg, out);
			break;
		case CLIENT_M2_LOCK:
		case CLIENT_M2_UNLOCK:
			m2_screen(b, &c, rq, tries, out);
			break;
		default:
			m2_press(b, &c, rq, tries, out);
			break;
		}
		sc_unlock(c.card);
	}
	conn_close(&c);
	return 0;
}

static unsigned long opensc_writes(const client_link *b)
{
	return (unsigned long)b->writes;
}

static const client_backend_ops opensc_ops = {
	.name = "opensc",
	.open = opensc_link_open,
	.list = opensc_slots_list,
	.info = opensc_slot_info,
	.burn = opensc_seed_burn,
	.clock_set = opensc_clock_set,
	.close = opensc_link_close,
	.writes = opensc_writes,
	.profiles = opensc_profiles,
	.m2 = opensc_m2,
};

const client_backend_ops *client_backend_opensc(void)
{
	return &opensc_ops;
}
