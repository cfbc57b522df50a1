/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * watchdog.h: a bound on a token that stops answering.
 *
 * Neither vpcd nor pcsc-lite times out SCardTransmit, so a token that
 * keeps the field but never answers would hang the tool for ever.  The
 * commands arm the watchdog around every call that reaches the token; when
 * the token stays silent for the whole --timeout, it prints what it knows
 * (reader, step, what the token now holds) and ends the process with the
 * documented exit code.  It never reports success.  During a write it asks
 * the backend, at that moment, whether a write command was begun, so "nothing
 * was written" is said exactly when it is true, and it settles the token's
 * burn record as the write's end would have.
 */
#ifndef TOOL_WATCHDOG_H
#define TOOL_WATCHDOG_H

#include "client.h"
#include "json.h"

#define TOOL_TIMEOUT_DEFAULT 20

/* Install the handler; j is the --json writer or NULL. */
int tool_watchdog_start(unsigned seconds, json_out *j);
/* The reader the next steps talk to (for the message). */
void tool_watchdog_reader(const char *reader);
/* The token now talks for step: held is what it holds if it never
 * answers, exit_code the code the tool then ends with. */
void tool_watchdog_arm(const char *step, safeid_seed_state held, int exit_code);
/* The same for a token whose state one seed does not say (a Molto2's
 * profiles): held_text is the sentence, held the JSON seed_state. */
void tool_watchdog_arm_text(const char *step, safeid_seed_state held,
                            const char *held_text, int exit_code);
/*
 * The write about to run on backend b (asked whether it has begun a
 * write command) for token s, and the burn record it settles (NULL:
 * none).  burn: a seed write follows the configuration write.  b and t
 * must stay valid until the process ends or tool_watchdog_write_end().
 */
void tool_watchdog_write(const client_backend *b, const client_slot *s,
                         client_record_txn *t, bool burn);
/* The write is over (its result reported by the command itself). */
void tool_watchdog_write_end(void);
/* Progress events from a backend re-arm the watchdog for each step. */
void tool_watchdog_step(client_step step, int phase);
void tool_watchdog_disarm(void);

#endif /* TOOL_WATCHDOG_H */
