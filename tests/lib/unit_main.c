/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The one runner of the tests' Check suites (unit.h).  It runs every suite
 * of the program, or only the one CK_RUN_SUITE names: CTest runs one suite
 * per test, so a failure names its subject, and a suite's setup (its
 * suite_<subject>() function) runs only when the suite does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

static const struct {
	const char *name;
	Suite *(*make)(void);
} suites[] = {
#define UNIT_SUITE(name) {#name, suite_##name},
#include "unit_suites.h"
#undef UNIT_SUITE
};

static int argc_;
static char **argv_;

const char *unit_arg(int i, const char *what)
{
	if (i >= argc_) {
		fprintf(stderr, "usage: %s %s\n", argv_[0], what);
		exit(EXIT_FAILURE);
	}
	return argv_[i];
}

_Noreturn void unit_skip(const char *why)
{
	fprintf(stderr, "%s: %s; skipped\n", argv_[0], why);
	exit(77);
}

int main(int argc, char **argv)
{
	const char *only = getenv("CK_RUN_SUITE");
	SRunner *sr = NULL;
	int failed;

	argc_ = argc;
	argv_ = argv;
	for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++) {
		if (only != NULL && strcmp(only, suites[i].name) != 0)
			continue;
		if (sr == NULL)
			sr = srunner_create(suites[i].make());
		else
			srunner_add_suite(sr, suites[i].make());
	}
	if (sr == NULL) {
		fprintf(stderr,
		        "%s: no suite '%s' (CK_RUN_SUITE); unset it to run "
		        "them all\n",
		        argv[0], only);
		return EXIT_FAILURE;
	}
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
