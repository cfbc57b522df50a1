/* SPDX-License-Identifier: BSD-2-Clause */
/* prompt.h: asking the person on the terminal. */
#ifndef TOOL_PROMPT_H
#define TOOL_PROMPT_H

#include "client.h"

/*
 * With yes: returns 0 at once.  Otherwise asks question on /dev/tty (not
 * stdin, which may carry the secret) and returns 0 on "y"/"yes".  No
 * terminal, or any other answer: CLIENT_EXIT_DECLINED with err filled.
 */
int tool_confirm(bool yes, const char *question, client_error *err);

/*
 * Read a secret from fd (client_secret_read_fd).  When fd is a terminal,
 * prompt goes to stderr first and, unless echo, the typed characters are
 * not shown.
 */
int tool_secret_ask(int fd, const char *prompt, bool echo, const char *what,
                    size_t max, char **out, size_t *len, size_t *cap,
                    client_error *err);

/*
 * A secret asked on the terminal (/dev/tty, not stdin, which may carry
 * the URI), not echoed.  Returns 0 with the answer (heap, wiped by
 * input_secret_free), 1 when there is no terminal (nothing asked), or an
 * exit code with err.
 */
int tool_tty_secret(const char *prompt, const char *what, size_t max,
                    char **out, size_t *len, size_t *cap, client_error *err);

/*
 * The person's part of a wait for the token's up-arrow button: after
 * tell (printed on stderr), a line on the terminal, or on standard input
 * when there is none, means "pressed" (SAFEID_OK); end of input
 * SAFEID_ERR_CANCELLED; nothing within timeout_ms SAFEID_ERR_TIMEOUT.
 */
int tool_press_wait(const char *tell, long timeout_ms);

#endif /* TOOL_PROMPT_H */
