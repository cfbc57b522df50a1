/* SPDX-License-Identifier: BSD-2-Clause */
/* Hex text to bytes, for the tests' programs and suites. */
#ifndef SAFEID_TEST_HEX_H
#define SAFEID_TEST_HEX_H

#include <stddef.h>
#include <stdint.h>

/*
 * Decodes TEXT, pairs of hex digits (either case; white space between
 * pairs is skipped), into at most CAP bytes of OUT.  Returns the number of
 * bytes, or -1 when TEXT holds anything else, an odd digit or more than
 * CAP bytes.  Callers holding secrets wipe TEXT and OUT themselves.
 */
long hex_decode(const char *text, uint8_t *out, size_t cap);

#endif
