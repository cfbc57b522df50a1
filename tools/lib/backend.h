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
} client_backend_ops;

/* A write's result before anything is sent: the old seed and
 * configuration, and the configuration it will send. */
void client_result_begin(client_write_result *res, safeid_hash hash,
                         unsigned step, unsigned display_seconds);

/* The refusal of a write to another token than the one in the plan:
 * CLIENT_EXIT_TOKEN, nothing written. */
int client_token_changed(const client_slot *now, const char *expect,
                         client_error *err);

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
