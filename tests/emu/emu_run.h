/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * `safeid-emu run`: one token on one vpcd reader slot, a control socket,
 * an APDU log.  Single-threaded: one poll() loop serves vpcd and the
 * control socket, so a control command is done when its answer is sent.
 */
#ifndef SAFEID_EMU_RUN_H
#define SAFEID_EMU_RUN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "emu_faults.h"
#include "emu_token.h"

/* How the card leaves the reader on request: it stays out, comes back at
 * once (power cycle), or comes back as another token (load). */
typedef enum emu_leave {
	EMU_LEAVE_NONE,
	EMU_LEAVE_REMOVE,
	EMU_LEAVE_CYCLE,
	EMU_LEAVE_LOAD,
} emu_leave;

typedef struct emu_run {
	char state_path[4096];
	uint16_t port;
	const char *ctl_path; /* NULL: no control socket */
	FILE *log;            /* NULL: no APDU log */

	emu_token tok;
	emu_faults faults;

	int vfd;             /* link to vpcd, -1 while not connected */
	int lfd;             /* control socket, -1 when none */
	bool inserted;       /* the card should be in the reader */
	unsigned long count; /* APDUs received so far */

	/* A requested removal completes when vpcd has seen the card gone: at
	 * its next presence poll (an ATR request) the card closes the link
	 * instead of answering, so vpcd and pcscd mark the slot empty.
	 * Only then is the control client (ctl_wait_fd) answered. */
	emu_leave leaving;
	long long leave_deadline_ms;
	int ctl_wait_fd;
	emu_token next_tok; /* EMU_LEAVE_LOAD: the token coming in */
	char next_path[4096];
	bool muted;        /* an APDU waits for an answer never sent */
	bool held;         /* ... because of --hang: `ctl release` */
	int count_wait_fd; /* `wait-count N` client, -1 when none */
	unsigned long count_wait_n;

	/* T=0 mode: the data waiting for GET RESPONSE */
	uint8_t pending[EMU_RAPDU_MAX];
	size_t pending_len;
	bool have_pending;
} emu_run;

/* Run until SIGTERM/SIGINT; the card starts in the reader when
 * r->inserted.  Returns the process exit status. */
int emu_run_main(emu_run *r);

/* Put the card in the reader (connect to vpcd). */
int emu_run_insert(emu_run *r, char *err, size_t errlen);
/* Take the card out as described above; ctl_fd (or -1) gets the answer. */
void emu_run_leave(emu_run *r, emu_leave how, int ctl_fd);

/* Answer one control command line into out; returns true when the answer
 * is deferred (the run loop answers ctl_fd once the card has left). */
bool emu_ctl_dispatch(emu_run *r, char *line, int ctl_fd, char *out,
                      size_t outlen);

/* Listen on / serve / answer the control socket. */
int emu_ctl_listen(const char *path, char *err, size_t errlen);
void emu_ctl_serve_one(emu_run *r);
void emu_ctl_reply(int fd, const char *text);
/* `safeid-emu ctl`: send cmd, print the reply; the exit status.  While
 * the socket is not there yet, retry for up to wait_ms. */
int emu_ctl_client(const char *path, const char *cmd, long long wait_ms);

#endif
