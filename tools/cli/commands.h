/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * commands.h: one function per safeid-tool command, and the helpers they
 * share (reading the input the options name, opening the backend, showing
 * progress and tokens).
 */
#ifndef TOOL_COMMANDS_H
#define TOOL_COMMANDS_H

#include <stdint.h>

#include "json.h"
#include "tool.h"

int cmd_list(const tool_opts *o, json_out *j, client_error *err);
int cmd_info(const tool_opts *o, json_out *j, client_error *err);
int cmd_scan(const tool_opts *o, json_out *j, client_error *err);
int cmd_burn(const tool_opts *o, json_out *j, client_error *err);
int cmd_clock(const tool_opts *o, json_out *j, client_error *err);
int cmd_verify(const tool_opts *o, json_out *j, client_error *err);
int cmd_code(const tool_opts *o, json_out *j, client_error *err);
int cmd_provision(const tool_opts *o, json_out *j, client_error *err);
int cmd_export(const tool_opts *o, json_out *j, client_error *err);
int cmd_profiles(const tool_opts *o, json_out *j, client_error *err);
int cmd_wipe(const tool_opts *o, json_out *j, client_error *err);
int cmd_set_key(const tool_opts *o, json_out *j, client_error *err);
int cmd_reset(const tool_opts *o, json_out *j, client_error *err);
int cmd_lock(const tool_opts *o, json_out *j, client_error *err);
int cmd_unlock(const tool_opts *o, json_out *j, client_error *err);

/* A Token2 Molto2 (cmd_molto2.c): burn and clock once the token is known
 * to be one (b and s from tool_writer_open, in loaded, not yet checked
 * for the single-profile family). */
int tool_m2_burn(const tool_opts *o, json_out *j, client_input *in,
                 client_backend *b, const client_slot *s, client_error *err);
int tool_m2_clock(const tool_opts *o, json_out *j, client_backend *b,
                  const client_slot *s, client_error *err);
/* The options only a Molto2 takes (--profile, --all, --title, a
 * customer key, ...) refused for the single-profile token s. */
int tool_m2_options_refuse(const tool_opts *o, const client_slot *s,
                           client_error *err);
/* code and verify --profile N: the hash, step and digits profile N of
 * the token holds, into in->report (what the token shows). */
int tool_m2_profile_settings(const tool_opts *o, client_input *in,
                             client_error *err);

/* Read and parse the input the options name (--qr, --screen, --uri,
 * --uri-file, --secret, --secret-arg) into accounts; nothing picked yet.
 * in is reset first, so the caller frees it in any case. */
int tool_input_load(const tool_opts *o, client_input *in, client_error *err);
/* Load, then pick the account (--pick / --match) and check it. */
int tool_account_load(const tool_opts *o, client_input *in, client_error *err);

/* Wait for a token when --wait was given, then open the chosen backend. */
int tool_backend_open(const tool_opts *o, client_backend **b,
                      client_error *err);

/* The start of a command that writes: take the writer lock, open the
 * backend, read the chosen token's info (bounded by --timeout).  On error
 * the caller still closes *b and releases *lockfd. */
int tool_writer_open(const tool_opts *o, int *lockfd, client_backend **b,
                     client_slot *s, client_error *err);

/* After a write: the token's burn record settled by what the write did
 * (client_record_end), the watchdog told the write is over.  On a failed
 * write (ret != 0) what happened to the record is added to err's
 * message; after a successful one a record that could not be saved
 * becomes the error.  Returns the exit code. */
int tool_write_settle(const tool_opts *o, json_out *j, int ret,
                      client_record_txn *t, const client_write_result *res,
                      client_error *err);

/* --psk-file / --password-file into s (kind NONE when neither). */
struct client_batch_secret;
int tool_batch_secret(const tool_opts *o, struct client_batch_secret *s,
                      client_error *err);

/* The writer lock of tool_writer_open alone (waits a bounded time for
 * another writer). */
int tool_lock_take(const tool_opts *o, int *fd, client_error *err);

/* Step printer for burns and clock writes (silent with --json). */
void tool_step_show(void *arg, client_step step, int phase);

/* Now, or --at. */
uint64_t tool_now(const tool_opts *o);
/* --display or the default 30. */
unsigned tool_display(const tool_opts *o);

/* s as it may be shown on a terminal (input_text_escape): any name, path
 * or message that holds text from a QR code, a file or a device goes
 * through it.  Returns buf (cap bytes). */
const char *tool_text(const char *s, char *buf, size_t cap);
/* The buffer size that shows a string of n bytes whole. */
#define TOOL_TEXT_CAP(n) (4 * (n) + 4)

/* Human lines and JSON keys describing a token (reader, serial, ...). */
void tool_slot_show(const tool_opts *o, json_out *j, const client_slot *s,
                    uint64_t host_now);

#endif /* TOOL_COMMANDS_H */
