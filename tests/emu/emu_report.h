/* SPDX-License-Identifier: BSD-2-Clause */
/* `safeid-emu code` and `safeid-emu show`: what the token displays and
 * what it holds (never the seed). */
#ifndef SAFEID_EMU_REPORT_H
#define SAFEID_EMU_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "emu_token.h"

/* The code on the display at host time now; -1 when there is no seed. */
long emu_report_code(const emu_token *t, int64_t now, int64_t *token_time);

/* Print the code (exit status: 0, 3 without a seed, 1 on failure). */
int emu_report_print_code(const emu_token *t, int64_t now, bool json);

/* Print the state without the seed. */
void emu_report_print_show(const emu_token *t, int64_t now, bool json);

/* The same for a Molto2: profile p's code (its digits, hash, step and
 * clock; exit status as above), and every profile (the text form lists
 * the profiles ever written). */
int emu_report_print_m2_code(const emu_token *t, unsigned p, int64_t now,
                             bool json);
void emu_report_print_m2_show(const emu_token *t, int64_t now, bool json);

#endif
