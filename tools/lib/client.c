/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * client.c: choosing and opening a backend by name, and the calls a front
 * end makes through it (client.h), so no front end handles the tables of
 * backend.h.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend.h"
#include "plugin.h"

struct client_backend {
	const client_backend_ops *ops;
	client_link *link;
};

/* The table for name; NULL with err filled. */
static const client_backend_ops *ops_find(const char *name, client_error *err)
{
	if (name == NULL || strcmp(name, "pkcs11") == 0)
		return client_backend_pkcs11();
	if (strcmp(name, "opensc") == 0)
		return client_opensc_plugin_load(err);
	client_fail(err, CLIENT_EXIT_USAGE, "usage",
	            "--backend '%s' is unknown: use pkcs11 or opensc", name);
	return NULL;
}

int client_backend_check(const char *name, client_error *err)
{
	return ops_find(name, err) != NULL ? 0 : err->exit_code;
}

int client_backend_open(const client_backend_opts *o, client_backend **out,
                        client_error *err)
{
	client_backend *b;
	int ret;

	*out = NULL;
	b = calloc(1, sizeof(*b));
	if (b == NULL)
		return client_fail(err, CLIENT_EXIT_SETUP, "nomem",
		                   "out of memory");
	b->ops = ops_find(o->name, err);
	if (b->ops == NULL) {
		free(b);
		return err->exit_code;
	}
	ret = b->ops->open(o, &b->link, err);
	if (ret != 0) {
		free(b);
		return ret;
	}
	*out = b;
	return 0;
}

void client_backend_close(client_backend **pb)
{
	client_backend *b = *pb;

	if (b == NULL)
		return;
	b->ops->close(&b->link);
	free(b);
	*pb = NULL;
}

int client_slot_list_read(client_backend *b, client_slot_list *out,
                          client_error *err)
{
	return b->ops->list(b->link, out, err);
}

int client_slot_read(client_backend *b, const char *spec, client_slot *out,
                     client_error *err)
{
	return b->ops->info(b->link, spec, out, err);
}

/* How far the clock read back after a write may be from the one
 * written, beyond the time the write took: the token's clock ticks in
 * whole seconds, and the host's may be stepped meanwhile. */
#define READBACK_SLACK 5

/*
 * A token that accepted the writes but reads back another time would show
 * wrong codes while the tool said "done": check it here, for every
 * backend.  written: the clock sent (given), else the host clock between
 * t0 and t1 (the write and the read-back happen between them).
 */
static int readback_check(int ret, bool given, uint32_t written, time_t t0,
                          time_t t1, client_write_result *res,
                          client_error *err)
{
	long long lo = given ? (long long)written : (long long)t0;
	long long hi = (given ? (long long)written + (t1 - t0) : (long long)t1);
	long long off, c;
	char when[48], held[CLIENT_MSG_MAX / 2];
	int code;

	if (!res->after_valid || !res->after.clock_known ||
	    (ret != 0 && res->seed != SAFEID_SEED_NEW))
		return ret;
	c = (long long)res->after.clock;
	if (c >= lo - READBACK_SLACK && c <= hi + READBACK_SLACK)
		return ret;
	off = c < lo ? c - lo : c - hi;
	client_text_time(res->after.clock, when, sizeof(when));
	client_text_held(res, held, sizeof(held));
	code = res->seed == SAFEID_SEED_OLD || res->seed == SAFEID_SEED_NEW
	               ? CLIENT_EXIT_TOKEN
	               : CLIENT_EXIT_PARTIAL;
	return client_fail(err, code, "clock_readback",
	                   "token %s accepted the writes, but its clock reads "
	                   "back as %s, %lld s (about %lld days) %s the time "
	                   "written: its codes will be wrong. The token now "
	                   "holds: %s. Switch it off and on and write it "
	                   "again; if its clock stays wrong, the token is "
	                   "faulty",
	                   res->before.serial, when, off < 0 ? -off : off,
	                   (off < 0 ? -off : off) / 86400,
	                   off < 0 ? "behind" : "ahead of", held);
}

/* The end of every write: what the token holds is said in one way for
 * every backend, and the clock read back is checked. */
static int write_done(int ret, bool given, uint32_t written, time_t t0,
                      time_t t1, client_write_result *res, client_error *err)
{
	char held[CLIENT_MSG_MAX / 2];
	size_t n;

	if (ret != 0 && res->write_failed) {
		client_text_held(res, held, sizeof(held));
		n = strlen(err->msg);
		snprintf(err->msg + n, sizeof(err->msg) - n,
		         ". The token now holds: %s", held);
	}
	return readback_check(ret, given, written, t0, t1, res, err);
}

int client_seed_burn(client_backend *b, const char *spec,
                     const client_burn_plan *plan, client_step_fn step,
                     void *arg, client_write_result *res, client_error *err)
{
	time_t t0 = time(NULL), t1;
	int ret = b->ops->burn(b->link, spec, plan, step, arg, res, err);

	t1 = time(NULL);
	return write_done(ret, plan->clock_given, plan->clock, t0, t1, res,
	                  err);
}

int client_clock_set(client_backend *b, const char *spec,
                     const client_clock_plan *plan, client_step_fn step,
                     void *arg, client_write_result *res, client_error *err)
{
	time_t t0 = time(NULL), t1;
	int ret = b->ops->clock_set(b->link, spec, plan, step, arg, res, err);

	t1 = time(NULL);
	return write_done(ret, plan->clock_given, plan->clock, t0, t1, res,
	                  err);
}

unsigned long client_backend_writes(const client_backend *b)
{
	if (b == NULL || b->ops->writes == NULL)
		return ULONG_MAX;
	return b->ops->writes(b->link);
}

/* ---- the Molto2 --------------------------------------------------------- */

int client_profiles_read(client_backend *b, const char *spec,
                         client_profile_list *out, client_error *err)
{
	int ret;

	memset(out, 0, sizeof(*out));
	if (b->ops->profiles == NULL) {
		/* a single-profile token is named as such, whatever the
		 * backend */
		ret = client_slot_read(b, spec, &out->token, err);
		if (ret != 0)
			return ret;
		if (!out->token.molto2)
			return client_family_refuse(&out->token, false, err);
		return client_fail(
			err, CLIENT_EXIT_SETUP, "backend",
			"safeid-tool's %s backend does not drive a "
			"Token2 Molto2 yet (nothing was sent to it): "
			"use --backend opensc",
			b->ops->name);
	}
	return b->ops->profiles(b->link, spec, out, err);
}

/* Add text to err's message. */
static void msg_add(client_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void msg_add(client_error *err, const char *fmt, ...)
{
	size_t n = strlen(err->msg);
	va_list ap;

	if (n + 1 >= sizeof(err->msg))
		return;
	va_start(ap, fmt);
	vsnprintf(err->msg + n, sizeof(err->msg) - n, fmt, ap);
	va_end(ap);
}

/* What the profiles concerned hold now, added to err's message. */
static void held_add(const client_m2_outcome *out, client_error *err)
{
	char text[CLIENT_MSG_MAX];

	if (out->n == 0)
		return;
	client_m2_text_outcome(out, text, sizeof(text));
	msg_add(err, ". The token now holds: %s", text);
}

static const char *m2_code_name(int serr)
{
	switch (serr) {
	case SAFEID_ERR_WRONG_KEY:
		return "wrong_key";
	case SAFEID_ERR_LOCKED:
		return "locked";
	case SAFEID_ERR_LAST_TRY:
		return "last_try";
	case SAFEID_ERR_OCCUPIED:
		return "occupied";
	case SAFEID_ERR_PROFILE:
		return "profile";
	case SAFEID_ERR_NOT_SUPPORTED:
		return "not_supported";
	default:
		return "m2_failed";
	}
}

/* The profile the command failed on, or NULL (the token's own steps). */
static const client_m2_result *failed_at(const client_m2_outcome *out)
{
	for (size_t i = 0; i < out->n; i++)
		if (out->results[i].err != SAFEID_OK)
			return &out->results[i];
	return NULL;
}

/* The sentence of a customer key the token refused or may refuse. */
static int key_fail(const client_m2_outcome *out, client_error *err)
{
	const client_slot *s = &out->before;
	char tries[96];

	client_m2_text_tries(out->tries_left, tries, sizeof(tries));
	switch (out->err) {
	case SAFEID_ERR_WRONG_KEY:
		client_fail(err, CLIENT_EXIT_TOKEN, "wrong_key",
		            "nothing written: token %s refused the customer "
		            "key: %s. Check the key (--customer-key-file, or "
		            "type it when asked) and run again%s%s",
		            s->serial, tries, out->tries_left == 1 ? "; " : "",
		            out->tries_left == 1
		                    ? client_text(CLIENT_TEXT_LAST_TRY)
		                    : "");
		break;
	case SAFEID_ERR_LOCKED:
		client_fail(err, CLIENT_EXIT_TOKEN, "locked",
		            "nothing written: token %s is locked: too many "
		            "wrong customer keys. Only a factory reset "
		            "('safeid-tool reset', which erases every profile "
		            "and puts back the factory key) makes it usable "
		            "again",
		            s->serial);
		break;
	default:
		client_fail(err, CLIENT_EXIT_DECLINED, "last_try",
		            "nothing sent: %s (token %s). Make sure of the "
		            "customer key, then run again with --last-try to "
		            "spend that try",
		            client_text(CLIENT_TEXT_LAST_TRY), s->serial);
		break;
	}
	return err->exit_code;
}

/* The sentence of a command that failed: what, where, why, what the
 * profiles hold, and the exit code that promises it. */
static int m2_fail(const client_m2_request *rq, const client_m2_outcome *out,
                   client_error *err)
{
	const client_m2_result *bad = failed_at(out);
	const client_slot *s = &out->before;
	int serr = out->err, code;
	char where[32] = "";

	if (serr == SAFEID_ERR_WRONG_KEY || serr == SAFEID_ERR_LOCKED ||
	    serr == SAFEID_ERR_LAST_TRY)
		return key_fail(out, err);
	/* a refusal the module does not place names no profile */
	if (bad != NULL && !bad->refused_unsaid)
		snprintf(where, sizeof(where), " of profile %u", bad->profile);
	switch (serr) {
	case SAFEID_ERR_OCCUPIED:
		code = CLIENT_EXIT_DECLINED;
		if (bad != NULL)
			snprintf(where, sizeof(where), " %u", bad->profile);
		client_fail(err, code, "occupied",
		            "nothing written: profile%s of token %s holds a "
		            "seed already ('safeid-tool profiles' shows which "
		            "are free); add --overwrite to replace it, or "
		            "choose a free profile",
		            where, s->serial);
		return code;
	case SAFEID_ERR_PROFILE:
		return client_fail(
			err, CLIENT_EXIT_USAGE, "profile",
			"nothing written: token %s has %u profiles "
			"(0 to %u)%s; choose one of them",
			s->serial, s->profiles, s->profiles - 1,
			s->profiles_known
				? ""
				: " as far as it tells (profile 99 did not "
				  "answer, so it is taken for a 50-profile "
				  "model)");
	case SAFEID_ERR_TITLE:
	case SAFEID_ERR_DIGITS:
	case SAFEID_ERR_CONFIG:
	case SAFEID_ERR_ZERO_SEED:
	case SAFEID_ERR_SEED_LENGTH:
	case SAFEID_ERR_CUSTOMER_KEY:
		return client_fail(err, CLIENT_EXIT_INPUT, m2_code_name(serr),
		                   "nothing written: the %s for token %s was "
		                   "refused before anything was sent%s: %s",
		                   client_m2_op_text(rq->op), s->serial, where,
		                   safeid_strerror(serr));
	default:
		break;
	}
	code = client_m2_held_code(out);
	client_fail(err, code, m2_code_name(serr),
	            "the %s on token %s (reader '%s') failed at step '%s'%s: "
	            "%s (%s)",
	            client_m2_op_text(rq->op), s->serial, s->reader,
	            safeid_m2_step_name(bad != NULL ? bad->step : out->step),
	            where, safeid_strerror(serr), safeid_errname(serr));
	if (serr == SAFEID_ERR_NOT_SUPPORTED)
		msg_add(err, ". The token does not know this command (the "
		             "screen lock needs firmware 2.1 or later)");
	held_add(out, err);
	if (code == CLIENT_EXIT_PARTIAL)
		msg_add(err, ". Run the %s again for those profiles%s",
		        client_m2_op_text(rq->op),
		        rq->op == CLIENT_M2_BURN ? " (with --overwrite)" : "");
	return code;
}

/* A ▲ command that ran: its outcome decides (safeid_m2_outcome_text). */
static int press_fail(const client_m2_request *rq, const client_m2_outcome *out,
                      client_error *err)
{
	const client_slot *s = &out->before;
	int code;

	if (out->press == SAFEID_M2_NOT_SENT)
		return m2_fail(rq, out, err);
	code = out->press == SAFEID_M2_LOST || out->press == SAFEID_M2_PARTIAL
	               ? CLIENT_EXIT_PARTIAL
	               : CLIENT_EXIT_TOKEN;
	client_fail(err, code, safeid_m2_outcome_name(out->press),
	            "the %s on token %s (reader '%s') ended at step '%s' "
	            "(%s): %s",
	            client_m2_op_text(rq->op), s->serial, s->reader,
	            safeid_m2_step_name(out->step),
	            out->press_answer == SAFEID_ERR_TIMEOUT
	                    ? "no press was reported in time"
	            : out->press_answer == SAFEID_ERR_CANCELLED
	                    ? "the wait was given up"
	                    : safeid_strerror(out->err),
	            safeid_m2_outcome_text(out->press));
	if (rq->op == CLIENT_M2_RESET && out->read_after)
		msg_add(err, " (profiles with a seed: %u before, %u after)",
		        out->seeds_before, out->seeds_after);
	if (rq->op == CLIENT_M2_SET_KEY && out->press == SAFEID_M2_UNCONFIRMED)
		msg_add(err, ". If the button was not pressed the token keeps "
		             "its old key: switch it off and on to end the "
		             "waiting request, and use the old key");
	return code;
}

int client_m2_run(client_backend *b, const char *spec,
                  const client_m2_request *rq, client_m2_outcome *out,
                  client_error *err)
{
	int tries = -1, ret;

	memset(out, 0, sizeof(*out));
	if (b->ops->m2 == NULL)
		return client_fail(
			err, CLIENT_EXIT_SETUP, "backend",
			"safeid-tool's %s backend does not drive a "
			"Token2 Molto2 yet (nothing was sent to it): "
			"use --backend opensc",
			b->ops->name);
	if (rq->expect_serial != NULL && rq->op != CLIENT_M2_RESET) {
		ret = client_tries_load(rq->state_dir, rq->expect_serial,
		                        &tries, err);
		if (ret != 0)
			return ret;
	}
	ret = b->ops->m2(b->link, spec, rq, tries, out, err);
	if (ret != 0)
		return ret;
	/* What the token said of the tries, for the next run (a reset that
	 * happened gives a fresh counter: -1). */
	if (out->tries_left != tries ||
	    (rq->op == CLIENT_M2_RESET && out->press == SAFEID_M2_CONFIRMED))
		(void)client_tries_save(rq->state_dir, out->before.serial,
		                        out->tries_left);
	if (rq->op == CLIENT_M2_SET_KEY || rq->op == CLIENT_M2_RESET) {
		if (out->err == SAFEID_OK && out->press != SAFEID_M2_NOT_DONE &&
		    out->press != SAFEID_M2_PARTIAL)
			return 0;
		return press_fail(rq, out, err);
	}
	return out->err == SAFEID_OK ? 0 : m2_fail(rq, out, err);
}
