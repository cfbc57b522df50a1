/*
 * watchdog.h: a bound on a token that stops answering.
 *
 * Neither vpcd nor pcsc-lite times out SCardTransmit, so a token that
 * keeps the field but never answers would hang the tool for ever.  The
 * commands arm the watchdog around every call that reaches the token; when
 * the token stays silent for the whole --timeout, it prints what it knows
 * (reader, step, what the token now holds) and ends the process with the
 * documented exit code.  It never reports success.
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
void tool_watchdog_arm(const char *step, safeid_seed_state held,
                       int exit_code);
/* What the token holds once the write step has succeeded. */
void tool_watchdog_after_write(safeid_seed_state held);
/* Progress events from a backend re-arm the watchdog for each step. */
void tool_watchdog_step(client_step step, int phase);
void tool_watchdog_disarm(void);

#endif /* TOOL_WATCHDOG_H */
