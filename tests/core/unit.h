/* The core's Check suites, one per subject; unit_main.c runs them. */
#ifndef SAFEID_TEST_UNIT_H
#define SAFEID_TEST_UNIT_H

#include <check.h>

Suite *suite_errors(void);
Suite *suite_apdu(void);
Suite *suite_info(void);
Suite *suite_transceive(void);
Suite *suite_burn(void);
Suite *suite_totp(void);
Suite *suite_pick(void);
Suite *suite_pcsc_err(void);

#endif
