/*
 * Runs the core's unit suites.  CTest runs one suite per test by setting
 * CK_RUN_SUITE, so a failure names its subject.
 */
#include <stdlib.h>

#include "unit.h"

int main(void)
{
	SRunner *sr = srunner_create(suite_errors());
	int failed;

	srunner_add_suite(sr, suite_apdu());
	srunner_add_suite(sr, suite_info());
	srunner_add_suite(sr, suite_transceive());
	srunner_add_suite(sr, suite_burn());
	srunner_add_suite(sr, suite_totp());
	srunner_add_suite(sr, suite_pick());
	srunner_add_suite(sr, suite_pcsc_err());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
