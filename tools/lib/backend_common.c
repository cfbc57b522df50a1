/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * backend_common.c: what every backend shares (the OpenSC plug-in carries
 * its own copy): the error record, trace lines, slot lists, picking a
 * reader by index or name, the refusal of a clock write that would erase
 * the seed, and the front end the messages speak to.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend.h"

client_front client_front_now;

const char *client_front_words(const char *tool, const char *window)
{
	return client_front_now == CLIENT_FRONT_WINDOW && window != NULL
	               ? window
	               : tool;
}

int client_fail(client_error *err, int exit_code, const char *code,
                const char *fmt, ...)
{
	va_list ap;

	err->exit_code = exit_code;
	snprintf(err->code, sizeof(err->code), "%s", code);
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return exit_code;
}

void client_trace(const client_backend_opts *opts, const char *fmt, ...)
{
	char line[CLIENT_MSG_MAX];
	va_list ap;

	if (opts->trace == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	opts->trace(opts->arg, line);
}

void client_slot_list_free(client_slot_list *l)
{
	free(l->slots);
	l->slots = NULL;
	l->count = 0;
}

static bool contains_nocase(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay != '\0'; hay++) {
		size_t k = 0;

		while (k < n && hay[k] != '\0' &&
		       tolower((unsigned char)hay[k]) ==
		               tolower((unsigned char)needle[k]))
			k++;
		if (k == n)
			return true;
	}
	return n == 0;
}

static bool all_digits(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/* "0: 'name', 1: 'name'" for messages that ask the person to choose. */
static void readers_describe(const client_slot_list *l, char *out, size_t cap)
{
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < l->count && used < cap; i++) {
		int n = snprintf(out + used, cap - used, "%s%zu: '%s'%s",
		                 i > 0 ? ", " : "", i, l->slots[i].reader,
		                 l->slots[i].present ? " (token)" : "");
		if (n < 0)
			break;
		used += (size_t)n;
	}
}

long client_slot_pick(const client_slot_list *l, const char *spec,
                      client_error *err)
{
	char names[512];
	long found = -1;
	size_t hits = 0;

	if (l->count == 0) {
		client_fail(err, CLIENT_EXIT_NO_TOKEN, "no_reader",
		            "no smart-card reader found: plug in a contactless "
		            "(NFC) reader and check that pcscd sees it "
		            "('pcsc_scan' lists readers)");
		return -1;
	}
	readers_describe(l, names, sizeof(names));
	if (spec == NULL || spec[0] == '\0') {
		if (l->count == 1)
			return 0;
		for (size_t i = 0; i < l->count; i++)
			if (l->slots[i].present) {
				hits++;
				found = (long)i;
			}
		if (hits == 1)
			return found;
		client_fail(
			err,
			hits == 0 ? CLIENT_EXIT_NO_TOKEN : CLIENT_EXIT_USAGE,
			hits == 0 ? "no_token" : "reader_ambiguous",
			"%s; readers: %s. Choose one with -r INDEX or -r "
			"NAME-PART%s",
			hits == 0 ? "no token on any reader"
				  : "tokens on several readers",
			names, hits == 0 ? ", and place the token on it" : "");
		return -1;
	}
	if (all_digits(spec)) {
		unsigned long idx = strtoul(spec, NULL, 10);

		if (idx < l->count)
			return (long)idx;
		client_fail(err, CLIENT_EXIT_USAGE, "reader_unknown",
		            "reader index %s does not exist; readers: %s", spec,
		            names);
		return -1;
	}
	for (size_t i = 0; i < l->count; i++)
		if (contains_nocase(l->slots[i].reader, spec)) {
			hits++;
			found = (long)i;
		}
	if (hits == 1)
		return found;
	/* A window names the reader chosen in its list. */
	if (client_front_now == CLIENT_FRONT_WINDOW)
		client_fail(err, CLIENT_EXIT_USAGE,
		            hits == 0 ? "reader_unknown" : "reader_ambiguous",
		            "reader '%s' is %s; readers: %s. Choose the "
		            "reader again in the list",
		            spec,
		            hits == 0 ? "gone"
		                      : "not the only one of that "
		                        "name",
		            names);
	else
		client_fail(err, CLIENT_EXIT_USAGE,
		            hits == 0 ? "reader_unknown" : "reader_ambiguous",
		            "-r '%s' matches %s reader; readers: %s. Give an "
		            "index or a longer part of the name",
		            spec, hits == 0 ? "no" : "more than one", names);
	return -1;
}

int client_clock_refuse(const client_slot *s, client_error *err)
{
	return client_fail(err, CLIENT_EXIT_DECLINED, "restricted_sync",
	                   "nothing written: token %s (%s) erases its seed on "
	                   "any clock write. Burn the seed again instead (a "
	                   "burn sets the clock)%s",
	                   s->serial,
	                   s->model[0] != '\0' ? s->model : "unknown model",
	                   client_front_words(", or add --erase-seed to set "
	                                      "the clock and lose the seed",
	                                      ""));
}

int client_token_changed(const client_slot *now, const char *expect,
                         client_error *err)
{
	if (expect == NULL || strcmp(now->serial, expect) == 0)
		return 0;
	return client_fail(err, CLIENT_EXIT_TOKEN, "token_changed",
	                   "nothing written: the token on reader '%s' is now "
	                   "%s, not %s as shown in the plan; put the right "
	                   "token back and %s",
	                   now->reader, now->serial, expect,
	                   client_front_words("run again", "try again"));
}

void client_result_begin(client_write_result *res, safeid_hash hash,
                         unsigned step, unsigned display_seconds)
{
	memset(res, 0, sizeof(*res));
	res->seed = SAFEID_SEED_OLD;
	res->config = CLIENT_CONFIG_UNCHANGED;
	res->hash = hash;
	res->step = step;
	res->display_seconds = display_seconds;
}

/* ---- the Molto2 --------------------------------------------------------- */

static void result_begin(client_m2_result *r, unsigned profile)
{
	memset(r, 0, sizeof(*r));
	r->profile = profile;
	r->step = SAFEID_M2_STEP_NONE;
	r->seed = SAFEID_SEED_OLD;
	r->title = SAFEID_SEED_OLD;
	r->config = SAFEID_SEED_OLD;
}

void client_m2_outcome_begin(client_m2_outcome *out,
                             const client_m2_request *rq, int tries_known)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	out->op = rq->op;
	out->step = SAFEID_M2_STEP_NONE;
	out->tries_left = tries_known;
	out->press = SAFEID_M2_NOT_SENT;
	out->press_answer = 1;
	if (rq->op == CLIENT_M2_BURN) {
		for (i = 0; i < rq->n && i < SAFEID_M2_PROFILES; i++)
			result_begin(&out->results[i], rq->acc[i].profile);
		out->n = i;
	} else if (rq->op == CLIENT_M2_SYNC || rq->op == CLIENT_M2_WIPE) {
		for (i = 0; rq->profiles != NULL && i < rq->nprofiles &&
		            i < SAFEID_M2_PROFILES;
		     i++)
			result_begin(&out->results[i], rq->profiles[i]);
		out->n = i;
	}
}

void client_m2_report_take(client_m2_outcome *out, const safeid_m2_report *r,
                           const safeid_m2_result *res, size_t n)
{
	out->step = r->step;
	out->err = r->err;
	out->done = r->done;
	out->apdus = r->apdus;
	out->have_after = r->have_after;
	out->clock_after = r->have_after ? r->after.clock : 0;
	if (n > SAFEID_M2_PROFILES)
		n = SAFEID_M2_PROFILES;
	for (size_t i = 0; res != NULL && i < n; i++) {
		client_m2_result *c = &out->results[i];

		c->profile = res[i].profile;
		c->step = res[i].step;
		c->err = res[i].err;
		c->seed = res[i].seed;
		c->title = res[i].title;
		c->config = res[i].config;
		c->confirmed = res[i].confirmed;
	}
	if (res != NULL)
		out->n = n;
}

void client_m2_press_take(client_m2_outcome *out,
                          const safeid_m2_press_report *r)
{
	out->press = r->outcome;
	out->step = r->step;
	out->err = r->err;
	out->press_answer = r->press;
	out->seeds_before = r->seeds_before;
	out->seeds_after = r->seeds_after;
	out->read_after = r->read_after;
	out->apdus = r->apdus;
}

void client_profile_from(client_profile *p, const safeid_m2_profile *m)
{
	memset(p, 0, sizeof(*p));
	p->number = m->number;
	p->seed = m->seed;
	memcpy(p->title, m->title, sizeof(p->title));
	p->title[sizeof(p->title) - 1] = '\0';
	p->hash = m->hash;
	p->digits = m->digits;
	p->step = m->step;
}

int client_m2_accounts(const client_m2_request *rq, safeid_m2_account *acc,
                       client_error *err)
{
	safeid_display display;
	uint32_t clock;

	if (safeid_display_from_seconds(rq->display_seconds, &display) !=
	    SAFEID_OK)
		return client_fail(err, CLIENT_EXIT_INPUT, "display",
		                   "display timeout %u s is not supported: use "
		                   "15, 30, 60 or 120",
		                   rq->display_seconds);
	/* Taken right before the write so the token's clock is fresh. */
	clock = rq->clock_given ? rq->clock : (uint32_t)time(NULL);
	for (size_t i = 0; i < rq->n; i++) {
		const client_m2_account *a = &rq->acc[i];

		memset(&acc[i], 0, sizeof(acc[i]));
		acc[i].profile = a->profile;
		acc[i].cfg.clock = clock;
		acc[i].cfg.hash = a->hash;
		acc[i].cfg.step = a->step;
		acc[i].cfg.digits = a->digits;
		acc[i].cfg.display = display;
		acc[i].seed = a->seed;
		acc[i].seedlen = a->seedlen;
		if (a->titlelen > 0) {
			acc[i].title = (const uint8_t *)a->title;
			acc[i].titlelen = a->titlelen;
		}
	}
	return 0;
}

int client_family_refuse(const client_slot *s, bool single, client_error *err)
{
	if (single)
		return client_fail(
			err, CLIENT_EXIT_USAGE, "molto2",
			"nothing written: token %s on reader '%s' is "
			"a Token2 Molto2, which this command does not "
			"drive this way; use the Molto2's commands "
			"(see 'safeid-tool --help')",
			s->serial, s->reader);
	return client_fail(err, CLIENT_EXIT_USAGE, "single_profile",
	                   "nothing written: token %s on reader '%s' is a "
	                   "single-profile token (%s): it has no profiles, "
	                   "customer key or screen lock; this command is for "
	                   "a Token2 Molto2",
	                   s->serial, s->reader,
	                   s->model[0] != '\0' ? s->model : "unknown model");
}

void client_slot_family(client_slot *s, const safeid_detected *d)
{
	s->molto2 = d->family != NULL && d->family->id == SAFEID_FAMILY_MOLTO2;
	s->profiles = d->profiles > 0 ? d->profiles : 1;
	s->profiles_known = d->profiles_known;
	if (s->molto2)
		snprintf(s->model, sizeof(s->model),
		         "Token2 Molto2, %u "
		         "profiles%s",
		         s->profiles, s->profiles_known ? "" : " (assumed)");
}
