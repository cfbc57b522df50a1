/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * export.c: a batch's journal into the seed file a server imports
 * (provision.h).  Two passes over the journal: the first, without seeds,
 * decides which attempt of each token goes into the file; the second
 * streams the seeds through the format's writer (which refuses a token
 * the format cannot carry) into a temporary file that is renamed into
 * place only when all went well.  Memory stays flat: one record and the
 * small table of attempts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "provision_int.h"

typedef struct export_ctx {
	const client_export_opts *o;
	client_jtable *tab;
	bool *chosen; /* per table entry */
	client_pskc *pskc;
	client_csv *csv;
	size_t written;
	client_error *err;
} export_ctx;

/* The table entry of attempt index (entries are in index order). */
static long entry_find(const client_jtable *t, unsigned long index)
{
	size_t lo = 0, hi = t->count;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (t->t[mid].index == index)
			return (long)mid;
		if (t->t[mid].index < index)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static void xtoken_from(client_xtoken *x, const client_jrec *r)
{
	memset(x, 0, sizeof(*x));
	x->serial = r->serial;
	x->model = r->model;
	x->manufacturer = CLIENT_MANUFACTURER;
	x->user = r->user.name[0] != '\0' ? &r->user : NULL;
	x->hash = r->hash;
	x->digits = r->digits;
	x->step = r->step;
	x->seed = r->seed;
	x->seedlen = r->seedlen;
}

static int write_visit(void *arg, const client_jrec *r)
{
	export_ctx *c = arg;
	client_xtoken x;
	long k;
	int ret;

	if (r->type != CLIENT_JREC_INTENT)
		return 0;
	k = entry_find(c->tab, r->index);
	if (k < 0 || !c->chosen[k] || c->tab->t[k].intent_seq != r->seq)
		return 0;
	xtoken_from(&x, r);
	if (c->pskc != NULL)
		ret = client_pskc_token(c->pskc, &x, c->err);
	else
		ret = client_csv_token(c->csv, &x, c->err);
	if (ret == 0)
		c->written++;
	return ret;
}

/* Which attempts go into the file; left hears of the others. */
static size_t choose(export_ctx *c, client_export_left_fn left, void *arg,
                     client_export_result *res)
{
	size_t n = 0;

	for (size_t i = 0; i < c->tab->count; i++) {
		const client_jtoken *t = &c->tab->t[i];
		safeid_seed_state st = client_jtoken_state(t);
		bool maybe = st == SAFEID_SEED_UNKNOWN || st == SAFEID_SEED_NEW;

		if (!t->latest)
			continue;
		if (client_jtoken_done(t)) {
			c->chosen[i] = true;
			n++;
			continue;
		}
		if (c->o->include_unknown && maybe && !t->seed_lost) {
			c->chosen[i] = true;
			res->unknown_included++;
			n++;
		} else {
			res->left_out++;
		}
		if (left != NULL)
			left(arg, t,
			     t->seed_lost ? "the record holding its seed is "
			                    "damaged: "
			                    "the seed is lost, burn it again"
			     : st == SAFEID_SEED_NEW && t->verify < 0
			             ? "its code did not match"
			     : st == SAFEID_SEED_NEW
			             ? "its code was not checked"
			     : !t->has_outcome
			             ? "the burn was cut off: state unknown"
			             : safeid_seed_state_text(st));
	}
	return n;
}

int client_export_check(const client_export_opts *o,
                        const client_export_plan *p, client_error *err)
{
	client_xtoken x;
	int ret;

	if (o->format == CLIENT_FORMAT_PSKC && !o->plaintext &&
	    (o->secret == NULL || o->secret->kind == CLIENT_SECRET_NONE))
		return client_fail(err, CLIENT_EXIT_USAGE, "usage",
		                   "a PSKC file is encrypted with --psk-file "
		                   "or --password-file; a plaintext one only "
		                   "with --insecure-plaintext");
	if (o->format == CLIENT_FORMAT_ENTRA && p != NULL && p->users == NULL)
		return client_fail(err, CLIENT_EXIT_INPUT, "format_users",
		                   "Microsoft Entra ID's CSV needs one user "
		                   "(UPN) per token: give --users FILE");
	if (p != NULL && p->users != NULL && p->count > p->users->count)
		return client_fail(err, CLIENT_EXIT_INPUT, "users_short",
		                   "users file '%s' names %zu users for %zu "
		                   "tokens: add users or lower --count",
		                   p->users->path, p->users->count, p->count);
	if (p != NULL) {
		memset(&x, 0, sizeof(x));
		x.serial = "(every token)";
		x.model = "";
		x.manufacturer = CLIENT_MANUFACTURER;
		x.hash = p->hash;
		x.digits = p->digits;
		x.step = p->step;
		x.seedlen = p->seedlen;
		x.user = NULL;
		for (size_t i = 0; p->users != NULL && i < p->users->count;
		     i++) {
			x.user = &p->users->list[i];
			ret = client_format_fits(o->format, &x, o->realm, err);
			if (ret != 0)
				return ret;
		}
		if (p->users == NULL) {
			ret = client_format_fits(o->format, &x, o->realm, err);
			if (ret != 0)
				return ret;
		}
	}
	return client_outfile_check(o->out_path, o->force, err);
}

int client_export_write(client_journal *j, const client_export_opts *o,
                        client_export_left_fn left, void *arg,
                        client_export_result *res, client_error *err)
{
	client_journal_damage d2;
	client_jtable tab;
	client_outfile f;
	export_ctx c;
	bool users = false;
	int ret;

	memset(res, 0, sizeof(*res));
	memset(&c, 0, sizeof(c));
	memset(&f, 0, sizeof(f));
	f.fd = -1;
	ret = client_export_check(o, NULL, err);
	if (ret != 0)
		return ret;
	ret = client_jtable_read(j, &tab, &res->damage, err);
	if (ret != 0)
		return ret;
	c.o = o;
	c.tab = &tab;
	c.err = err;
	c.chosen = calloc(tab.count + 1, sizeof(*c.chosen));
	if (c.chosen == NULL) {
		ret = client_fail(err, CLIENT_EXIT_SETUP, "nomem",
		                  "out of memory");
		goto out;
	}
	choose(&c, left, arg, res);
	for (size_t i = 0; i < tab.count; i++)
		if (c.chosen[i] && tab.t[i].user[0] != '\0')
			users = true;
	/* A token the format cannot carry ends the export in the writer;
	 * the temporary file goes, nothing is left at the output. */
	ret = client_outfile_open(&f, o->out_path, o->force, err);
	if (ret != 0)
		goto out;
	if (o->format == CLIENT_FORMAT_PSKC)
		ret = client_pskc_begin(&c.pskc, f.fd,
		                        o->plaintext ? NULL : o->secret, err);
	else
		ret = client_csv_begin(&c.csv, f.fd, o->format, users, o->realm,
		                       err);
	if (ret == 0)
		ret = client_journal_read(j, write_visit, &c, &d2, err);
	if (c.pskc != NULL) {
		if (ret == 0)
			ret = client_pskc_end(&c.pskc, err);
		else
			client_pskc_end(&c.pskc, &(client_error){0});
	}
	if (c.csv != NULL) {
		if (ret == 0)
			ret = client_csv_end(&c.csv, err);
		else
			client_csv_end(&c.csv, &(client_error){0});
	}
	if (ret == 0)
		ret = client_outfile_commit(&f, err);
	else
		client_outfile_abort(&f);
	if (ret == 0)
		res->written = c.written;
out:
	free(c.chosen);
	client_jtable_free(&tab);
	return ret;
}
