/*
 * The token's state file: text key=value lines, mode 0600, replaced
 * atomically (temporary file + rename) so a reader never sees half a file
 * and the token survives power cycles and emulator restarts.  It is the
 * only place the emulator keeps a seed.
 */
#ifndef SAFEID_EMU_STATE_H
#define SAFEID_EMU_STATE_H

#include <stddef.h>

#include "emu_token.h"

/* Both return 0, or -1 with a sentence in err naming the file, the cause
 * and what to do. */
int emu_state_load(const char *path, emu_token *t, char *err, size_t errlen);
int emu_state_save(const char *path, const emu_token *t, char *err,
                   size_t errlen);

/* Display timeout: wire value 0..3 <-> seconds 15/30/60/120. */
unsigned emu_display_seconds(unsigned wire);
int emu_display_wire(unsigned seconds);

#endif
