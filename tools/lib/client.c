/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * client.c: choosing and opening a backend by name, and the calls a front
 * end makes through it (client.h), so no front end handles the tables of
 * backend.h.
 */
#include <limits.h>
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
