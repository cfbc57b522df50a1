/*
 * commands.h: one function per safeid-tool command, and the helpers they
 * share (opening the backend, showing progress, formatting times).
 */
#ifndef SAFEID_TOOL_COMMANDS_H
#define SAFEID_TOOL_COMMANDS_H

#include <stdint.h>

#include "backend.h"
#include "json.h"
#include "tool.h"

int cmd_list(const tool_opts *o, json_out *j, tool_error *err);
int cmd_info(const tool_opts *o, json_out *j, tool_error *err);
int cmd_scan(const tool_opts *o, json_out *j, tool_error *err);
int cmd_burn(const tool_opts *o, json_out *j, tool_error *err);
int cmd_clock(const tool_opts *o, json_out *j, tool_error *err);
int cmd_verify(const tool_opts *o, json_out *j, tool_error *err);
int cmd_code(const tool_opts *o, json_out *j, tool_error *err);

/* Wait for a token when --wait was given, then open the chosen backend. */
int tool_open(const tool_opts *o, const tool_backend_ops **ops,
              tool_backend **b, tool_error *err);

/* The start of a command that writes: take the writer lock, open the
 * backend, read the chosen token's info (bounded by --timeout).  On error
 * the caller still closes *b (when *ops is set) and unlocks *lockfd. */
int tool_open_writer(const tool_opts *o, int *lockfd,
                     const tool_backend_ops **ops, tool_backend **b,
                     tool_slot *s, tool_error *err);

/* Step printer for burns and clock writes (silent with --json). */
void tool_progress(void *arg, const char *name, int phase);

/* "2026-01-01 00:00:00 UTC" */
void tool_fmt_time(uint64_t t, char *out, size_t cap);
/* Now, or --at. */
uint64_t tool_now(const tool_opts *o);
/* --display or the default 30. */
unsigned tool_display(const tool_opts *o);

/* Human lines and JSON keys describing a token (reader, serial, ...). */
void tool_show_slot(const tool_opts *o, json_out *j, const tool_slot *s,
                    uint64_t host_now);

#endif /* SAFEID_TOOL_COMMANDS_H */
