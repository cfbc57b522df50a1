/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * backend.h: how the client library reaches a token (inside the library
 * and its OpenSC plug-in only; front ends use client.h).
 *
 * The library never speaks APDUs itself.  A backend is a table of
 * functions; the default one loads the safeid PKCS#11 module like any
 * PKCS#11 application (backend_pkcs11.c), the optional one goes through
 * OpenSC's reader layer and the safeid card driver (backend_opensc.c, in
 * the plug-in safeid-tool-opensc.so).  Every function fills a client_error
 * on failure, so the front end can show one sentence naming what
 * happened, what the token now holds and what to do.
 */
#ifndef CLIENT_BACKEND_H
#define CLIENT_BACKEND_H

#include "client.h"

/* One backend's state; each backend defines it. */
typedef struct client_link client_link;

typedef struct client_backend_ops {
	const char *name;
	int (*open)(const client_backend_opts *opts, client_link **out,
	            client_error *err);
	int (*list)(client_link *l, client_slot_list *out, client_error *err);
	int (*info)(client_link *l, const char *spec, client_slot *out,
	            client_error *err);
	int (*burn)(client_link *l, const char *spec,
	            const client_burn_plan *plan, client_step_fn step,
	            void *arg, client_write_result *res, client_error *err);
	int (*clock_set)(client_link *l, const char *spec,
	                 const client_clock_plan *plan, client_step_fn step,
	                 void *arg, client_write_result *res,
	                 client_error *err);
	void (*close)(client_link **l);
	/* client_backend_writes(): async-signal-safe. */
	unsigned long (*writes)(const client_link *l);
	/* A Molto2 (client.h): every profile's info. */
	int (*profiles)(client_link *l, const char *spec,
	                client_profile_list *out, client_error *err);
	/* A Molto2 command, with the tries the token last reported
	 * (tries_known, -1 unknown).  0 once it ran on the token (out->err
	 * says how it went: client_m2_run makes the sentence), or an exit
	 * code with err when it could not start (no token, another token,
	 * not a Molto2): then nothing was sent to the token. */
	int (*m2)(client_link *l, const char *spec, const client_m2_request *rq,
	          int tries_known, client_m2_outcome *out, client_error *err);
} client_backend_ops;

/* ---- what both backends share for a Molto2 (backend_common.c) ---------- */

/* The core's report and results into out. */
void client_m2_report_take(client_m2_outcome *out, const safeid_m2_report *r,
                           const safeid_m2_result *res, size_t n);
void client_m2_press_take(client_m2_outcome *out,
                          const safeid_m2_press_report *r);
void client_profile_from(client_profile *p, const safeid_m2_profile *m);
/* The accounts of rq as the core takes them (acc[rq->n]), the clock
 * taken now unless given.  CLIENT_EXIT_INPUT for a display time the token
 * does not have. */
int client_m2_accounts(const client_m2_request *rq, safeid_m2_account *acc,
                       client_error *err);
/* The refusal of a Molto2 command on a single-profile token (and the
 * other way round: single is true for a single-profile command on a
 * Molto2).  Nothing sent. */
int client_family_refuse(const client_slot *s, bool single, client_error *err);
/* The slot's fields of a recognised token d. */
void client_slot_family(client_slot *s, const safeid_detected *d);

/* A write's result before anything is sent: the old seed and
 * configuration, and the configuration it will send. */
void client_result_begin(client_write_result *res, safeid_hash hash,
                         unsigned step, unsigned display_seconds);

/* The front end set by client_front_set() (words.c), which is not in the
 * OpenSC plug-in: its copy stays the tool's, as no window uses it. */
extern client_front client_front_now;

/* A trace line for the front end that asked for them (opts->trace). */
void client_trace(const client_backend_opts *opts, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

const client_backend_ops *client_backend_pkcs11(void);
/* Defined in the plug-in safeid-tool-opensc.so only (backend_opensc.c);
 * the library gets it with client_plugin_opensc_load() (plugin.h). */
const client_backend_ops *client_backend_opensc(void);

#endif /* CLIENT_BACKEND_H */
