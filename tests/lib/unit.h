/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The tests' Check programs.  A program is made of subject files, each
 * defining one suite, "Suite *suite_<subject>(void)" whose suite_create()
 * name is <subject>, and unit_main.c, which runs them.  The program's
 * suites are listed once, in tests/CMakeLists.txt (safeid_unit_test),
 * which writes them to unit_suites.h as UNIT_SUITE(<subject>) lines.
 */
#ifndef SAFEID_TEST_UNIT_H
#define SAFEID_TEST_UNIT_H

#include <check.h>

#define UNIT_SUITE(name) Suite *suite_##name(void);
#include "unit_suites.h"
#undef UNIT_SUITE

/* Argument i (1-based) of the program, for suites that read files named
 * on the command line; ends the program with a usage message naming WHAT
 * when it is missing. */
const char *unit_arg(int i, const char *what);

/* Ends the program as skipped (exit 77, CTest's SKIP_RETURN_CODE), saying
 * why: for a suite whose outside needs (Xvfb, ...) are not there. */
_Noreturn void unit_skip(const char *why);

#endif
