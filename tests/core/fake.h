/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A scripted in-memory transport for unit tests: each expected command gets
 * a prepared reply (or a transport error), and every command sent is kept
 * so tests can check the exact bytes.
 */
#ifndef SAFEID_TEST_FAKE_H
#define SAFEID_TEST_FAKE_H

#include <safeid/safeid.h>

#define FAKE_MAX_STEPS 256
#define FAKE_BUF 300

struct fake_step {
	int ins;                 /* expected INS byte, -1 for any */
	uint8_t reply[FAKE_BUF]; /* R-APDU (data + SW) */
	size_t rlen;
	int err; /* transport error instead of a reply */
};

struct fake {
	struct fake_step steps[FAKE_MAX_STEPS];
	size_t nsteps;
	size_t pos; /* commands received so far */
	uint8_t sent[FAKE_MAX_STEPS][FAKE_BUF];
	size_t sentlen[FAKE_MAX_STEPS];
	int unexpected; /* commands beyond the script or wrong INS */
	int begins, ends;
	int begin_err;
	safeid_transport tp;
};

/* with_lock: install begin/end hooks that count calls. */
void fake_init(struct fake *f, bool with_lock);
/* Append a step replying hex (data + SW, e.g. "9000"). */
void fake_reply(struct fake *f, int ins, const char *hex);
void fake_reply_bytes(struct fake *f, int ins, const uint8_t *b, size_t n);
void fake_error(struct fake *f, int ins, int err);
/* A get-info reply (with 9000) for serial and clock. */
void fake_info(struct fake *f, const char *serial, uint32_t clock);

#endif
