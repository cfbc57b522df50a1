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

typedef struct emu_run {
	char state_path[4096];
	uint16_t port;
	const char *ctl_path;   /* NULL: no control socket */
	FILE *log;              /* NULL: no APDU log */

	emu_token tok;
	emu_faults faults;

	int vfd;                /* link to vpcd, -1 while not connected */
	int lfd;                /* control socket, -1 when none */
	bool inserted;          /* the card should be in the reader */
	unsigned long count;    /* APDUs received so far */

	/* T=0 mode: the data waiting for GET RESPONSE */
	uint8_t pending[EMU_RAPDU_MAX];
	size_t pending_len;
	bool have_pending;
} emu_run;

/* Run until SIGTERM/SIGINT; the card starts in the reader when
 * r->inserted.  Returns the process exit status. */
int emu_run_main(emu_run *r);

/* Card removed / inserted / power-cycled, as the control socket asks. */
void emu_run_remove(emu_run *r);
int emu_run_insert(emu_run *r, char *err, size_t errlen);

/* Answer one control command line; writes the reply line to out. */
void emu_ctl_dispatch(emu_run *r, char *line, char *out, size_t outlen);

/* Listen on / send to a control socket. */
int emu_ctl_listen(const char *path, char *err, size_t errlen);
void emu_ctl_serve_one(emu_run *r);
/* `safeid-emu ctl`: send cmd, print the reply; the exit status.  While
 * the socket is not there yet, retry for up to wait_ms. */
int emu_ctl_client(const char *path, const char *cmd, long long wait_ms);

#endif
