/*
 * record.h: the burn record, so a later clock sync knows the configuration
 * the token was burned with (the token cannot be asked).  Never the seed.
 *
 * One file per token, $XDG_STATE_HOME/safeid/<serial>.burn (default
 * ~/.local/state/safeid), directory 0700, file 0600, "key=value" lines.
 */
#ifndef SAFEID_TOOL_RECORD_H
#define SAFEID_TOOL_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include <safeid/safeid.h>

#include "tool.h"

typedef struct tool_record {
	char serial[SAFEID_SERIAL_MAX + 1];
	char model[64];
	char account[256];
	char issuer[256];
	safeid_hash hash;
	unsigned step;
	unsigned display;          /* seconds */
	long long time;            /* Unix time of the burn */
} tool_record;

/* The record directory (no trailing slash); -1 when no home is known. */
int tool_record_dir(const char *override, char *out, size_t cap);
/* Write atomically (temp file, fsync, rename).  On failure err names the
 * file and the cause (e.g. a full disk), exit code EXIT_RECORD; path
 * receives the file name either way. */
int tool_record_save(const char *dir_override, const tool_record *r,
                     char *path, size_t pathcap, tool_error *err);
/* 0 when found and valid; 1 when there is none; else EXIT_* with err. */
int tool_record_load(const char *dir_override, const char *serial,
                     tool_record *r, char *path, size_t pathcap,
                     tool_error *err);

#endif /* SAFEID_TOOL_RECORD_H */
