/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * jtable.c: the tokens of a journal, one entry per burn attempt, merged
 * from its intent, outcome and verify records, without the seeds.  Both
 * a resumed batch and an export need it; 10,000 tokens take a few MiB.
 */
#include <stdlib.h>
#include <string.h>

#include "provision_int.h"

typedef struct table_ctx {
	client_jtable *t;
	client_error *err;
} table_ctx;

/* The attempt with this index (attempts are numbered in order, so a
 * look from the end finds it at once). */
static client_jtoken *attempt_find(client_jtable *t, unsigned long index)
{
	/* A number beyond the last one: a new attempt, found at once. */
	if (t->count == 0 || t->t[t->count - 1].index < index)
		return NULL;
	for (size_t i = t->count; i > 0; i--)
		if (t->t[i - 1].index == index)
			return &t->t[i - 1];
	return NULL;
}

static client_jtoken *entry_add(table_ctx *c)
{
	client_jtable *t = c->t;
	client_jtoken *x;

	if (t->count == t->cap) {
		size_t ncap = t->cap == 0 ? 256 : t->cap * 2;
		client_jtoken *n = realloc(t->t, ncap * sizeof(*n));

		if (n == NULL) {
			client_fail(c->err, CLIENT_EXIT_SETUP, "nomem",
			            "out of memory");
			return NULL;
		}
		t->t = n;
		t->cap = ncap;
	}
	x = &t->t[t->count++];
	memset(x, 0, sizeof(*x));
	return x;
}

static int record_visit(void *arg, const client_jrec *r)
{
	table_ctx *c = arg;
	client_jtable *t = c->t;
	client_jtoken *x = attempt_find(t, r->index);

	if (r->type != CLIENT_JREC_INTENT) {
		/* An outcome whose intent was lost: the token is named, its
		 * seed is gone. */
		if (x == NULL && r->type == CLIENT_JREC_OUTCOME) {
			x = entry_add(c);
			if (x == NULL)
				return c->err->exit_code;
			x->index = r->index;
			memcpy(x->serial, r->serial, sizeof(x->serial));
			x->seed_lost = true;
		}
		/* An outcome or verify of an attempt we know, same token. */
		if (x == NULL || strcmp(x->serial, r->serial) != 0)
			return 0;
		if (r->type == CLIENT_JREC_OUTCOME) {
			x->has_outcome = true;
			x->state = r->state;
			x->clock_known = r->clock_known;
			x->clock = r->clock;
		} else {
			x->verify = r->match ? 1 : -1;
		}
		return 0;
	}
	if (x != NULL)
		return 0; /* a second intent with one number: the first holds */
	x = entry_add(c);
	if (x == NULL)
		return c->err->exit_code;
	client_jtoken_from_intent(x, r);
	return 0;
}

void client_jtoken_from_intent(client_jtoken *x, const client_jrec *r)
{
	memset(x, 0, sizeof(*x));
	x->index = r->index;
	x->intent_seq = r->seq;
	memcpy(x->serial, r->serial, sizeof(x->serial));
	memcpy(x->model, r->model, sizeof(x->model));
	memcpy(x->user, r->user.name, sizeof(x->user));
	x->hash = r->hash;
	x->seedlen = (unsigned)r->seedlen;
	x->step = r->step;
	x->digits = r->digits;
	x->verify_wanted = r->verify_wanted;
	x->state = SAFEID_SEED_UNKNOWN;
}

static int by_serial(const void *a, const void *b)
{
	const client_jtoken *x = *(client_jtoken *const *)a;
	const client_jtoken *y = *(client_jtoken *const *)b;
	int c = strcmp(x->serial, y->serial);

	if (c != 0)
		return c;
	return x->index < y->index ? -1 : x->index > y->index;
}

int client_jtable_read(client_journal *j, client_jtable *out,
                       client_journal_damage *d, client_error *err)
{
	table_ctx c = {out, err};
	client_jtoken **v;
	int ret;

	memset(out, 0, sizeof(*out));
	ret = client_journal_read(j, record_visit, &c, d, err);
	if (ret != 0 || out->count == 0)
		return ret;
	v = calloc(out->count, sizeof(*v));
	if (v == NULL)
		return client_fail(err, CLIENT_EXIT_SETUP, "nomem",
		                   "out of memory");
	for (size_t i = 0; i < out->count; i++)
		v[i] = &out->t[i];
	qsort(v, out->count, sizeof(*v), by_serial);
	for (size_t i = 0; i < out->count; i++)
		v[i]->latest = i + 1 == out->count ||
		               strcmp(v[i]->serial, v[i + 1]->serial) != 0;
	free(v);
	return 0;
}

void client_jtable_free(client_jtable *t)
{
	free(t->t);
	memset(t, 0, sizeof(*t));
}

safeid_seed_state client_jtoken_state(const client_jtoken *t)
{
	return t->has_outcome ? t->state : SAFEID_SEED_UNKNOWN;
}

bool client_jtoken_done(const client_jtoken *t)
{
	return !t->seed_lost && t->has_outcome && t->state == SAFEID_SEED_NEW &&
	       (t->verify_wanted ? t->verify > 0 : t->verify >= 0);
}
