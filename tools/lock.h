/* lock.h: one token-writing safeid-tool at a time per user. */
#ifndef SAFEID_TOOL_LOCK_H
#define SAFEID_TOOL_LOCK_H

#include "tool.h"

/*
 * Take the writer lock (flock on <state dir>/.lock), waiting up to
 * seconds for another burn or clock write to finish.  Held until
 * tool_unlock, so a burn and its burn record are one unit: a second
 * process's record can never describe the first one's burn.  The PC/SC
 * transaction in the core still guards the APDUs against other users.
 */
int tool_lock(const char *state_dir, unsigned seconds, bool quiet,
              int *fd, tool_error *err);
void tool_unlock(int *fd);

#endif /* SAFEID_TOOL_LOCK_H */
