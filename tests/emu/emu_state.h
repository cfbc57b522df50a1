/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The token's state file: text key=value lines, mode 0600, replaced
 * atomically (temporary file + rename) so a reader never sees half a file
 * and the token survives power cycles and emulator restarts.  It is the
 * only place the emulator keeps a seed.
 */
#ifndef SAFEID_EMU_STATE_H
#define SAFEID_EMU_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "emu_token.h"

/* Both return 0, or -1 with a sentence in err naming the file, the cause
 * and what to do. */
int emu_state_load(const char *path, emu_token *t, char *err, size_t errlen);
int emu_state_save(const char *path, const emu_token *t, char *err,
                   size_t errlen);

/* Display timeout: wire value 0..3 <-> seconds 15/30/60/120. */
unsigned emu_display_seconds(unsigned wire);
int emu_display_wire(unsigned seconds);

/* Values of the file: hex (at most cap bytes) and decimal; 0 or -1. */
int emu_parse_hex(const char *s, uint8_t *out, size_t cap, size_t *outlen);
int emu_parse_i64(const char *s, int64_t *out);

/* The Molto2's part of the file (emu_m2_state.c): one key=value line into
 * t (0; -1 unknown key or bad value), the whole text (0, or -1 when cap is
 * too small), and the check once every line is read. */
int emu_m2_state_line(emu_token *t, const char *key, const char *val);
int emu_m2_state_text(const emu_token *t, char *buf, size_t cap, size_t *len);
int emu_m2_state_check(const emu_token *t);

#endif
