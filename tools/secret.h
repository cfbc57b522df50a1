/* secret.h: keeping seeds out of core dumps, terminals and argv. */
#ifndef SAFEID_TOOL_SECRET_H
#define SAFEID_TOOL_SECRET_H

#include <stdbool.h>
#include <stddef.h>

#include "tool.h"

/* No core dumps, no ptrace by other users' tools: call before any secret
 * is read.  Returns 0 or -1 (then the caller warns). */
int tool_secrets_protect(void);

/*
 * Read all of a stream (fd) up to max bytes into a fresh heap buffer
 * (NUL-terminated).  With no_echo and a terminal on fd, echo is off while
 * reading one line.  Release with input_secret_free(buf, cap).
 * what names the source in messages ("standard input", a file name).
 */
int tool_read_secret_fd(int fd, const char *what, size_t max, bool no_echo,
                        char **out, size_t *len, size_t *cap,
                        tool_error *err);
/* Same for a file; warns on stderr when others may read it. */
int tool_read_secret_file(const char *path, size_t max, char **out,
                          size_t *len, size_t *cap, tool_error *err);

/* Drop trailing CR/LF/space in place. */
void tool_chomp(char *s, size_t *len);

#endif /* SAFEID_TOOL_SECRET_H */
