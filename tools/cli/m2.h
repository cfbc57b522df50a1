/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * m2.h: what safeid-tool's Molto2 commands share (cmd_molto2.c, which
 * defines it, and cmd_m2admin.c): opening the token, the customer key,
 * running a request with its steps shown, and the JSON of its outcome.
 */
#ifndef TOOL_M2_H
#define TOOL_M2_H

#include "json.h"
#include "tool.h"

/* What a running request has shown: the progress lines and what the
 * token holds as far as the steps tell. */
struct m2_show {
	const tool_opts *o;
	client_m2_outcome mirror; /* what the token holds, as the steps say */
	int line;                 /* profile whose line is open, or -1 */
	bool checking;            /* the "read the profiles" line is open */
};

/* Every profile of the chosen token, bounded by --timeout (a read:
 * nothing written if it fires). */
int tool_m2_profiles_read(const tool_opts *o, client_backend *b,
                          client_profile_list *pl, client_error *err);
/* The customer key for token s: --customer-key-file, the terminal, or
 * the factory key with a warning. */
int tool_m2_key_get(const tool_opts *o, json_out *j, const client_slot *s,
                    client_m2_key *k, client_error *err);
/* What every command says at its end in --json, failed or not. */
void tool_m2_outcome_json(json_out *j, const client_m2_outcome *out);
/* The writer lock, the backend and the token, which must be a Molto2. */
int tool_m2_open(const tool_opts *o, json_out *j, int *lockfd,
                 client_backend **b, client_slot *s, client_error *err);
/* A request of op on token s with key k, its steps shown through m. */
void tool_m2_request_begin(client_m2_request *rq, const tool_opts *o,
                           client_m2_op op, const client_slot *s,
                           const client_m2_key *k, struct m2_show *m);
/* Run rq, the watchdog bounding every step. */
int tool_m2_run(const tool_opts *o, client_backend *b, client_m2_request *rq,
                struct m2_show *m, client_m2_outcome *out, client_error *err);

#endif
