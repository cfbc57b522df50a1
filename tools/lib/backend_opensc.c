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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend.h"
#include "opensc-abi.h"
#include "safeid-opensc.h"

struct client_link {
	struct sc_context *ctx;
	client_backend_opts opts;   /* the front end's callbacks */
};

/* The connected token on one reader. */
typedef struct opensc_conn {
	struct sc_card *card;
	client_slot slot;
} opensc_conn;

static void trace(const client_link *b, const char *what, int r)
{
	client_trace(&b->opts, "opensc: %s: %d (%s)", what, r,
	             sc_strerror(r));
}

static bool driver_configured(const client_link *b)
{
	for (size_t i = 0; i < SC_MAX_CARD_DRIVERS; i++) {
		const struct sc_card_driver *d = b->ctx->card_drivers[i];

		if (d == NULL)
			break;
		if (d->short_name != NULL && strcmp(d->short_name,
		                                    "safeid") == 0)
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
	if (r != SC_SUCCESS) {
		sc_disconnect_card(c->card);
		c->card = NULL;
		return r;
	}
	slot_fill(&c->slot, &a.info);
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

		token_connect(b, i, &c);
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
		return "the card there is not a programmable OTP token of this "
		       "family (if it is a security key such as a YubiKey, it "
		       "was tapped by mistake): use the OTP token";
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

/* Report a failed write: what failed, why, and what the token holds. */
static int write_fail(const opensc_conn *c, const char *what, int serr,
                      safeid_seed_state seed, client_write_result *res,
                      client_error *err)
{
	int code = seed == SAFEID_SEED_OLD || seed == SAFEID_SEED_NEW
	                   ? CLIENT_EXIT_TOKEN
	                   : CLIENT_EXIT_PARTIAL;

	/* Refused before anything reached the token. */
	if (serr == SAFEID_ERR_SEED_LENGTH || serr == SAFEID_ERR_CONFIG)
		code = CLIENT_EXIT_INPUT;

	res->seed = seed;
	return client_fail(err, code, "write_failed",
	                   "%s on reader '%s' (token %s) failed with %s: %s. "
	                   "The token now holds: %s",
	                   what, c->slot.reader, c->slot.serial,
	                   safeid_errname(serr), safeid_strerror(serr),
	                   safeid_seed_state_text(seed));
}

/* The start of a write, reported as the step "read token info": res
 * says the token still holds its old seed until the write is sent. */
static int write_begin(client_link *b, const char *spec, client_step_fn step,
                       void *arg, opensc_conn *c, client_write_result *res,
                       client_error *err)
{
	int ret;

	memset(res, 0, sizeof(*res));
	res->seed = SAFEID_SEED_OLD;
	step(arg, CLIENT_STEP_INFO, CLIENT_PHASE_START);
	ret = slot_connect(b, spec, c, err);
	step(arg, CLIENT_STEP_INFO,
	     ret == 0 ? CLIENT_PHASE_OK : CLIENT_PHASE_FAIL);
	if (ret == 0)
		res->before = c->slot;
	return ret;
}

/* The token as read after the write (info: NULL when there is none). */
static void after_show(client_step_fn step, void *arg, const opensc_conn *c,
                       const safeid_info *info, client_write_result *res)
{
	step(arg, CLIENT_STEP_READ_BACK, CLIENT_PHASE_START);
	res->after_valid = info != NULL;
	if (res->after_valid) {
		res->after = c->slot;
		slot_fill(&res->after, info);
	}
	step(arg, CLIENT_STEP_READ_BACK,
	     res->after_valid ? CLIENT_PHASE_OK : CLIENT_PHASE_FAIL);
}

static int opensc_seed_burn(client_link *b, const char *spec,
                            const client_burn_plan *plan,
                            client_step_fn step, void *arg,
                            client_write_result *res, client_error *err)
{
	struct safeid_cardctl_burn a;
	opensc_conn c;
	int ret, r;

	memset(&a, 0, sizeof(a));
	ret = write_begin(b, spec, step, arg, &c, res, err);
	if (ret != 0)
		return ret;
	ret = config_fill(plan->hash, plan->step, plan->display_seconds,
	                  plan->clock_given, plan->clock, &a.cfg, err);
	if (ret != 0)
		goto fail;
	a.seed = plan->seed;
	a.seedlen = plan->seedlen;
	step(arg, CLIENT_STEP_BURN_WRITE, CLIENT_PHASE_START);
	r = sc_card_ctl(c.card, SAFEID_CARDCTL_BURN, &a);
	trace(b, "card_ctl(BURN)", r);
	if (a.report.step != SAFEID_STEP_DONE &&
	    a.report.step != SAFEID_STEP_CONFIRM) {
		step(arg, CLIENT_STEP_BURN_WRITE, CLIENT_PHASE_FAIL);
		ret = write_fail(&c, safeid_step_name(a.report.step),
		                 a.report.err != SAFEID_OK ? a.report.err
		                                           : SAFEID_ERR_INTERNAL,
		                 a.report.seed, res, err);
		goto fail;
	}
	step(arg, CLIENT_STEP_BURN_WRITE, CLIENT_PHASE_OK);
	res->seed = a.report.seed;
	after_show(step, arg, &c,
	           a.report.step == SAFEID_STEP_DONE ? &a.report.after : NULL,
	           res);
	ret = 0;
fail:
	conn_close(&c);
	return ret;
}

/* Authenticate and write the config, in one exclusive sequence. */
static int config_write(opensc_conn *c, const safeid_config *cfg, int *serr,
                        bool *config_sent)
{
	struct safeid_cardctl_config a;
	int aerr = SAFEID_ERR_INTERNAL;
	int r;

	*config_sent = false;
	r = sc_lock(c->card);
	if (r != SC_SUCCESS) {
		*serr = SAFEID_ERR_BUSY;
		return r;
	}
	r = sc_card_ctl(c->card, SAFEID_CARDCTL_AUTHENTICATE, &aerr);
	if (r != SC_SUCCESS) {
		*serr = aerr;
		goto fail;
	}
	memset(&a, 0, sizeof(a));
	a.cfg = *cfg;
	*config_sent = true;
	r = sc_card_ctl(c->card, SAFEID_CARDCTL_WRITE_CONFIG, &a);
	*serr = a.err;
fail:
	sc_unlock(c->card);
	return r;
}

static int opensc_clock_set(client_link *b, const char *spec,
                            const client_clock_plan *plan,
                            client_step_fn step, void *arg,
                            client_write_result *res, client_error *err)
{
	struct safeid_cardctl_info after;
	safeid_config cfg;
	bool sent;
	int serr = SAFEID_OK, ret, r;
	opensc_conn c;

	ret = write_begin(b, spec, step, arg, &c, res, err);
	if (ret != 0)
		return ret;
	if (c.slot.restricted_sync && !plan->erase_seed_ok) {
		ret = client_clock_refuse(&c.slot, err);
		goto fail;
	}
	ret = config_fill(plan->hash, plan->step, plan->display_seconds,
	                  plan->clock_given, plan->clock, &cfg, err);
	if (ret != 0)
		goto fail;
	step(arg, CLIENT_STEP_CLOCK_WRITE, CLIENT_PHASE_START);
	r = config_write(&c, &cfg, &serr, &sent);
	trace(b, "card_ctl(AUTHENTICATE, WRITE_CONFIG)", r);
	step(arg, CLIENT_STEP_CLOCK_WRITE,
	     r == SC_SUCCESS ? CLIENT_PHASE_OK : CLIENT_PHASE_FAIL);
	if (r != SC_SUCCESS) {
		/* A refused command (status word) wrote nothing; a lost answer
		 * may have erased the seed of a restricted model. */
		bool lost = serr == SAFEID_ERR_REMOVED || serr == SAFEID_ERR_COMM ||
		            serr == SAFEID_ERR_TIMEOUT ||
		            serr == SAFEID_ERR_READER_GONE;
		safeid_seed_state s = sent && lost && c.slot.restricted_sync
		                              ? SAFEID_SEED_UNKNOWN
		                              : SAFEID_SEED_OLD;

		ret = write_fail(&c, "setting the clock", serr, s, res, err);
		goto fail;
	}
	res->seed = c.slot.restricted_sync ? SAFEID_SEED_ERASED
	                                   : SAFEID_SEED_OLD;
	memset(&after, 0, sizeof(after));
	r = sc_card_ctl(c.card, SAFEID_CARDCTL_GET_INFO, &after);
	after_show(step, arg, &c, r == SC_SUCCESS ? &after.info : NULL, res);
	ret = 0;
fail:
	conn_close(&c);
	return ret;
}

static const client_backend_ops opensc_ops = {
	.name = "opensc",
	.open = opensc_link_open,
	.list = opensc_slots_list,
	.info = opensc_slot_info,
	.burn = opensc_seed_burn,
	.clock_set = opensc_clock_set,
	.close = opensc_link_close,
};

const client_backend_ops *client_backend_opensc(void)
{
	return &opensc_ops;
}
