/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * provision.c: one batch of tokens (provision.h).  The order per token is
 * the whole point: a fresh seed, its intent record written and synced,
 * only then the burn (through the same backend as a single burn, so every
 * guarantee about what a token holds stays), then the outcome record with
 * what the token now holds and its clock.  A crash at any moment leaves
 * no token holding a seed the journal lacks: at worst an intent without
 * an outcome, which the next run lists as unknown.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "provision_int.h"

/* Room kept in the journal for one token's records. */
#define TOKEN_RESERVE 16384u

struct client_provision {
	client_journal *j;
	client_provision_opts o;
	client_jtable tab;
	size_t done;
	unsigned long next_index;
	unsigned long first_index; /* first attempt of this run */
	/* users sorted by name, and whether each is taken */
	const client_user **by_name;
	bool *taken;
	/* the last token burned, for its verify */
	bool have_last;
	unsigned long last_index;
	char last_serial[SAFEID_SERIAL_MAX + 1];
	uint8_t *seed;
	size_t seedlen;
};

static int user_cmp(const void *a, const void *b)
{
	const client_user *x = *(const client_user *const *)a;
	const client_user *y = *(const client_user *const *)b;

	return strcasecmp(x->name, y->name);
}

/* Position in the sorted user list, -1 when not a listed user. */
static long user_find(const client_provision *p, const char *name)
{
	size_t lo = 0, hi = p->o.users != NULL ? p->o.users->count : 0;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcasecmp(p->by_name[mid]->name, name);

		if (c == 0)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static client_jtoken *latest_find(client_provision *p, const char *serial)
{
	for (size_t i = p->tab.count; i > 0; i--)
		if (p->tab.t[i - 1].latest &&
		    strcmp(p->tab.t[i - 1].serial, serial) == 0)
			return &p->tab.t[i - 1];
	return NULL;
}

static int users_index(client_provision *p, client_error *err)
{
	const client_users *u = p->o.users;
	long k;

	if (u == NULL || u->count == 0)
		return 0;
	p->by_name = calloc(u->count, sizeof(*p->by_name));
	p->taken = calloc(u->count, sizeof(*p->taken));
	if (p->by_name == NULL || p->taken == NULL)
		return client_fail(err, CLIENT_EXIT_SETUP, "nomem",
		                   "out of memory");
	for (size_t i = 0; i < u->count; i++)
		p->by_name[i] = &u->list[i];
	qsort(p->by_name, u->count, sizeof(*p->by_name), user_cmp);
	/* A user stays with the token an earlier attempt gave it to. */
	for (size_t i = 0; i < p->tab.count; i++) {
		if (!p->tab.t[i].latest || p->tab.t[i].user[0] == '\0')
			continue;
		k = user_find(p, p->tab.t[i].user);
		if (k >= 0)
			p->taken[k] = true;
	}
	return 0;
}

static void counts_make(client_provision *p)
{
	p->done = 0;
	p->next_index = 1;
	for (size_t i = 0; i < p->tab.count; i++) {
		if (p->tab.t[i].latest && client_jtoken_done(&p->tab.t[i]))
			p->done++;
		if (p->tab.t[i].index >= p->next_index)
			p->next_index = p->tab.t[i].index + 1;
	}
	p->first_index = p->next_index;
}

int client_provision_open(const char *journal, const client_batch_secret *s,
                          bool create, const client_provision_opts *o,
                          client_provision **out, client_journal_damage *d,
                          client_error *err)
{
	client_provision *p = calloc(1, sizeof(*p));
	char text[CLIENT_MSG_MAX - 200];
	int ret;

	*out = NULL;
	memset(d, 0, sizeof(*d));
	if (p == NULL)
		return client_fail(err, CLIENT_EXIT_SETUP, "nomem",
		                   "out of memory");
	p->o = *o;
	if (create) {
		ret = client_journal_create(journal, s, &p->j, err);
		if (ret != 0)
			goto fail;
	} else {
		ret = client_journal_open(journal, s, true, &p->j, err);
		if (ret != 0)
			goto fail;
		ret = client_jtable_read(p->j, &p->tab, d, err);
		if (ret != 0)
			goto fail;
		if (client_journal_damaged(d)) {
			client_journal_damage_text(d, journal, text,
			                           sizeof(text));
			ret = client_fail(err, CLIENT_EXIT_INPUT,
			                  "journal_damaged",
			                  "%s. Nothing was burned: export what "
			                  "can be read (safeid-tool export), "
			                  "then start a new journal",
			                  text);
			goto fail;
		}
		ret = client_journal_trim(p->j, d, err);
		if (ret != 0)
			goto fail;
	}
	counts_make(p);
	ret = users_index(p, err);
	if (ret != 0)
		goto fail;
	*out = p;
	return 0;
fail:
	client_provision_close(&p);
	return ret;
}

static void last_forget(client_provision *p)
{
	if (p->seed != NULL)
		OPENSSL_clear_free(p->seed, SAFEID_SEED_MAX);
	p->seed = NULL;
	p->seedlen = 0;
	p->have_last = false;
}

void client_provision_close(client_provision **pp)
{
	client_provision *p = *pp;

	if (p == NULL)
		return;
	last_forget(p);
	client_journal_close(&p->j);
	client_jtable_free(&p->tab);
	free(p->by_name);
	free(p->taken);
	free(p);
	*pp = NULL;
}

size_t client_provision_done(const client_provision *p)
{
	return p->done;
}

unsigned long client_provision_next_index(const client_provision *p)
{
	return p->next_index;
}

client_journal *client_provision_journal(client_provision *p)
{
	return p->j;
}

const client_jtoken *client_provision_unsettled(const client_provision *p,
                                                size_t i)
{
	for (size_t k = 0; k < p->tab.count; k++) {
		const client_jtoken *t = &p->tab.t[k];

		if (!t->latest || client_jtoken_done(t))
			continue;
		if (i-- == 0)
			return t;
	}
	return NULL;
}

/* The user the next attempt on serial gets: the one an earlier attempt
 * gave it, else the first one free.  -1: no user needed or none left. */
static long user_choose(const client_provision *p, const client_jtoken *prev)
{
	const client_users *u = p->o.users;

	if (u == NULL || u->count == 0)
		return -1;
	if (prev != NULL && prev->user[0] != '\0')
		return user_find(p, prev->user);
	for (size_t i = 0; i < u->count; i++) {
		long k = user_find(p, u->list[i].name);

		if (k >= 0 && !p->taken[k])
			return k;
	}
	return -1;
}

int client_provision_check(const client_provision *p, const client_slot *s,
                           client_error *err)
{
	client_jtoken *prev = latest_find((client_provision *)p, s->serial);

	if (prev != NULL && client_jtoken_done(prev)) {
		if (prev->index >= p->first_index)
			return client_fail(err, CLIENT_EXIT_DECLINED,
			                   "already_done",
			                   "token %s was burned in this run "
			                   "(token %lu): nothing written; take "
			                   "it off and place the next",
			                   s->serial, prev->index);
		if (!p->o.reburn)
			return client_fail(err, CLIENT_EXIT_DECLINED,
			                   "already_in_journal",
			                   "token %s is already in this "
			                   "batch's journal (token %lu, burned "
			                   "in an earlier run): nothing "
			                   "written; take it off, or add "
			                   "--reburn to give it a new seed",
			                   s->serial, prev->index);
	}
	if (p->o.users != NULL && p->o.users->count > 0 &&
	    user_choose(p, prev) < 0)
		return client_fail(err, CLIENT_EXIT_DECLINED, "no_user_left",
		                   "no user left in '%s' for token %s: all %zu "
		                   "are given to tokens (some perhaps to "
		                   "tokens whose burn failed: place those "
		                   "again); nothing written",
		                   p->o.users->path, s->serial,
		                   p->o.users->count);
	return 0;
}

/* A new attempt in the table (kept in step with the journal). */
static int attempt_add(client_provision *p, const client_jrec *r,
                       client_error *err)
{
	client_jtoken *x, *prev = latest_find(p, r->serial);

	if (prev != NULL)
		prev->latest = false;
	if (p->tab.count == p->tab.cap) {
		size_t ncap = p->tab.cap == 0 ? 64 : p->tab.cap * 2;
		client_jtoken *n = realloc(p->tab.t, ncap * sizeof(*n));

		if (n == NULL) {
			if (prev != NULL)
				prev->latest = true;
			return client_fail(err, CLIENT_EXIT_SETUP, "nomem",
			                   "out of memory");
		}
		p->tab.t = n;
		p->tab.cap = ncap;
	}
	x = &p->tab.t[p->tab.count++];
	client_jtoken_from_intent(x, r);
	x->latest = true;
	return 0;
}

/* The intent: a fresh seed, the plan, synced before any APDU. */
static int intent_write(client_provision *p, const client_slot *s,
                        client_jtoken *prev, client_jrec *r, client_error *err)
{
	long k = user_choose(p, prev);
	int ret;

	memset(r, 0, sizeof(*r));
	r->type = CLIENT_JREC_INTENT;
	r->index = p->next_index;
	snprintf(r->serial, sizeof(r->serial), "%s", s->serial);
	snprintf(r->model, sizeof(r->model), "%s", s->model);
	r->time = (int64_t)time(NULL);
	r->hash = p->o.hash;
	r->digits = 6;
	r->step = p->o.step;
	r->display = p->o.display;
	r->verify_wanted = p->o.verify;
	if (k >= 0)
		r->user = *p->by_name[k];
	r->seedlen = p->o.seedlen;
	if (RAND_priv_bytes(r->seed, (int)r->seedlen) != 1)
		return client_fail(err, CLIENT_EXIT_SETUP, "crypto",
		                   "OpenSSL's random generator failed: nothing "
		                   "was burned; check the OpenSSL "
		                   "installation");
	ret = client_journal_reserve(p->j, TOKEN_RESERVE, err);
	if (ret == 0)
		ret = client_journal_append(p->j, r, err);
	if (ret != 0)
		return ret;
	p->next_index++;
	if (k >= 0)
		p->taken[k] = true;
	return attempt_add(p, r, err);
}

static int outcome_write(client_provision *p, const client_jrec *intent,
                         const client_write_result *res, int burn_ret,
                         const client_error *burn_err, client_error *err)
{
	client_jtoken *x = latest_find(p, intent->serial);
	client_jrec r;
	int ret;

	memset(&r, 0, sizeof(r));
	r.type = CLIENT_JREC_OUTCOME;
	r.index = intent->index;
	memcpy(r.serial, intent->serial, sizeof(r.serial));
	r.time = (int64_t)time(NULL);
	r.state = res->seed;
	if (res->after_valid && res->after.clock_known) {
		r.clock_known = true;
		r.clock = res->after.clock;
	}
	if (burn_ret != 0)
		snprintf(r.error, sizeof(r.error), "%s", burn_err->code);
	ret = client_journal_append(p->j, &r, err);
	if (ret != 0)
		return client_fail(err, CLIENT_EXIT_RECORD, "journal_write",
		                   "token %s (token %lu) now holds: %s; but "
		                   "the journal could not record that (%s). "
		                   "Its seed is in the journal: run the same "
		                   "command again, which lists the token as "
		                   "unknown, and place it again",
		                   intent->serial, intent->index,
		                   safeid_seed_state_text(res->seed), err->msg);
	if (x != NULL) {
		x->has_outcome = true;
		x->state = r.state;
		x->clock_known = r.clock_known;
		x->clock = r.clock;
		if (client_jtoken_done(x))
			p->done++;
	}
	return 0;
}

int client_provision_burn(client_provision *p, client_backend *b,
                          const char *reader, const client_slot *s,
                          client_step_fn step, void *arg,
                          client_provision_token *t, client_error *err)
{
	client_jtoken *prev = latest_find(p, s->serial);
	bool prev_done = prev != NULL && client_jtoken_done(prev);
	client_error burn_err;
	client_burn_plan plan;
	client_jrec r;
	long long t0, t1, t2;
	int ret, burn_ret;

	memset(t, 0, sizeof(*t));
	memset(&burn_err, 0, sizeof(burn_err));
	last_forget(p);
	ret = client_provision_check(p, s, err);
	if (ret != 0)
		return ret;
	t0 = client_mono_us();
	ret = intent_write(p, s, prev, &r, err);
	if (ret != 0) {
		client_jrec_wipe(&r);
		return ret;
	}
	/* A reburn takes the token out of the done count until its new
	 * seed is confirmed. */
	if (prev_done && p->done > 0)
		p->done--;
	t->index = r.index;
	snprintf(t->serial, sizeof(t->serial), "%s", s->serial);
	snprintf(t->model, sizeof(t->model), "%s", s->model);
	snprintf(t->reader, sizeof(t->reader), "%s", reader);
	snprintf(t->user, sizeof(t->user), "%s", r.user.name);
	memset(&plan, 0, sizeof(plan));
	plan.seed = r.seed;
	plan.seedlen = r.seedlen;
	plan.hash = r.hash;
	plan.step = r.step;
	plan.display_seconds = r.display;
	plan.expect_serial = s->serial;
	t1 = client_mono_us();
	burn_ret = client_seed_burn(b, reader, &plan, step, arg, &t->res,
	                            &burn_err);
	t2 = client_mono_us();
	ret = outcome_write(p, &r, &t->res, burn_ret, &burn_err, err);
	t->overhead_us = (t1 - t0) + (client_mono_us() - t2);
	if (ret == 0 && burn_ret == 0) {
		/* Kept for the code the person types. */
		p->seed = OPENSSL_malloc(SAFEID_SEED_MAX);
		if (p->seed != NULL) {
			memcpy(p->seed, r.seed, r.seedlen);
			p->seedlen = r.seedlen;
			p->have_last = true;
			p->last_index = r.index;
			memcpy(p->last_serial, r.serial,
			       sizeof(p->last_serial));
		}
	}
	client_jrec_wipe(&r);
	if (ret != 0)
		return ret;
	if (burn_ret != 0) {
		*err = burn_err;
		return burn_ret;
	}
	return 0;
}

int client_provision_verify(client_provision *p, const char *typed,
                            uint64_t now, long *offset, client_error *err)
{
	client_jtoken *x;
	client_jrec r;
	uint32_t code, want = 0;
	char digits[7];
	bool match = false;
	int ret;

	*offset = 0;
	if (!p->have_last)
		return client_fail(err, CLIENT_EXIT_USAGE, "no_token",
		                   "no token was burned to check");
	x = latest_find(p, p->last_serial);
	if (x == NULL)
		return client_fail(err, CLIENT_EXIT_SETUP, "internal",
		                   "the last token is not in the table");
	ret = client_code_parse(typed, strlen(typed), digits, err);
	if (ret != 0)
		return ret;
	code = (uint32_t)strtoul(digits, NULL, 10);
	/* The person switches the token on and types: allow two steps. */
	for (long d = 0; d <= 2 && !match; d++)
		for (int sign = 1; sign >= -1 && !match; sign -= 2) {
			long k = d * sign;
			long long tt = (long long)now + k * (long long)x->step;

			if (tt < 0 || (d == 0 && sign < 0))
				continue;
			if (safeid_totp(p->seed, p->seedlen, x->hash, x->step,
			                (uint64_t)tt, 6, &want) == SAFEID_OK &&
			    want == code) {
				match = true;
				*offset = k;
			}
		}
	memset(&r, 0, sizeof(r));
	r.type = CLIENT_JREC_VERIFY;
	r.index = p->last_index;
	memcpy(r.serial, p->last_serial, sizeof(r.serial));
	r.time = (int64_t)time(NULL);
	r.match = match;
	r.offset = *offset;
	ret = client_journal_append(p->j, &r, err);
	if (ret != 0)
		return ret;
	{
		bool was = client_jtoken_done(x);

		x->verify = match ? 1 : -1;
		if (was && !client_jtoken_done(x) && p->done > 0)
			p->done--;
		else if (!was && client_jtoken_done(x))
			p->done++;
	}
	last_forget(p);
	if (!match)
		return client_fail(err, CLIENT_EXIT_MISMATCH, "mismatch",
		                   "token %s does not show its new seed's code "
		                   "(%s typed): it is marked failed and left "
		                   "out of the export; switch it off and on "
		                   "and place it again to burn it anew, or set "
		                   "it aside",
		                   r.serial, digits);
	return 0;
}
