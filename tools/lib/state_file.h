/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * state_file.h: the small files of the state directory (burn records, a
 * Molto2's tries count), inside the client library only.  Files there are
 * read back, so nothing in them is trusted: the directory and each file
 * must be the user's and writable by no one else, each file a regular
 * one, checked before it is opened and again through the descriptor.
 * Writes go through a temporary file, fsync and rename.
 */
#ifndef CLIENT_STATE_FILE_H
#define CLIENT_STATE_FILE_H

#include <stddef.h>

#include "client.h"

/* The state directory dir opened (O_DIRECTORY); -1 with err, or -1 with
 * errno ENOENT and err untouched when it does not exist.  what names
 * its files in the message ("the burn records"). */
int client_state_dir_open(const char *dir, const char *what, client_error *err);
/* Up to cap bytes of the file name in the directory dfd into buf: 0, 1
 * when there is none, -1 with why (a phrase: "other users may write
 * it"). */
int client_state_file_read(int dfd, const char *name, char *buf, size_t cap,
                           size_t *len, char *why, size_t whycap);
/* text as a new temporary file in dir next to name (.NAME.XXXXXX, 0600,
 * synced); its path in tmp.  0 or an errno value (nothing left). */
int client_state_temp_write(const char *dir, const char *name, const char *text,
                            size_t len, char *tmp, size_t cap);
/* text as the file name in dir (made 0700 when missing), atomically.
 * 0 or an errno value. */
int client_state_file_write(const char *dir, const char *name, const char *text,
                            size_t len);

#endif /* CLIENT_STATE_FILE_H */
