/* SPDX-License-Identifier: BSD-2-Clause */
/* What the core's test programs (core-burn, core-m2) share. */
#ifndef SAFEID_TEST_DRIVE_H
#define SAFEID_TEST_DRIVE_H

#include <stddef.h>
#include <stdint.h>

/* A trace hook (safeid_set_trace) printing "trace: NAME HEADER -> SW" to
 * stderr: headers and status words, never data. */
void drive_trace(void *arg, const char *what, const uint8_t *hdr, size_t hdrlen,
                 uint16_t sw);

/*
 * Meet the test at a chosen point: write TEXT as a line into the FIFO
 * DIR/ready, then read the test's line from DIR/go into reply (cap
 * bytes, without its newline; empty when the FIFO closed without one).
 * prog names the program in messages.  0, or -1 when a FIFO cannot be
 * opened (said on stderr).
 */
int drive_handshake(const char *prog, const char *dir, const char *text,
                    char *reply, size_t cap);

#endif
