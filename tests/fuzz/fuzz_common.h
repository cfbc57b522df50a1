/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Shared by the fuzz harnesses: a failed invariant aborts, so libFuzzer
 * records the input as a crash just as it does for a sanitizer report.
 */
#ifndef SAFEID_FUZZ_COMMON_H
#define SAFEID_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                 \
	do {                                                             \
		if (!(cond)) {                                           \
			fprintf(stderr, "%s:%d: invariant failed: %s\n", \
			        __FILE__, __LINE__, #cond);              \
			abort();                                         \
		}                                                        \
	} while (0)

/* A message for a person must be a non-empty, terminated sentence. */
#define FUZZ_CHECK_MSG(msg, cap)                                \
	do {                                                    \
		FUZZ_CHECK((msg)[0] != '\0');                   \
		FUZZ_CHECK(memchr((msg), '\0', (cap)) != NULL); \
	} while (0)

#endif
