/* SPDX-License-Identifier: BSD-2-Clause */
/* PC/SC result codes to core errors: the same code means "no token" while
 * connecting and "token removed" while talking. */
#include "pcsc_internal.h"

#include "unit.h"

START_TEST(mapping)
{
	static const struct {
		LONG rv;
		enum sid_pcsc_phase phase;
		int err;
	} map[] = {
		{SCARD_S_SUCCESS, SID_PCSC_TRANSMIT, SAFEID_OK},
		{SCARD_E_NO_SERVICE, SID_PCSC_SETUP, SAFEID_ERR_NO_SERVICE},
		{SCARD_E_SERVICE_STOPPED, SID_PCSC_SETUP,
	         SAFEID_ERR_NO_SERVICE},
		{SCARD_E_NO_SERVICE, SID_PCSC_TRANSMIT, SAFEID_ERR_READER_GONE},
		{SCARD_E_SERVICE_STOPPED, SID_PCSC_TRANSMIT,
	         SAFEID_ERR_READER_GONE},
		{SCARD_E_NO_READERS_AVAILABLE, SID_PCSC_SETUP,
	         SAFEID_ERR_NO_READER},
		{SCARD_E_UNKNOWN_READER, SID_PCSC_CONNECT,
	         SAFEID_ERR_READER_UNKNOWN},
		{SCARD_E_UNKNOWN_READER, SID_PCSC_TRANSMIT,
	         SAFEID_ERR_READER_GONE},
		{SCARD_E_READER_UNAVAILABLE, SID_PCSC_TRANSMIT,
	         SAFEID_ERR_READER_GONE},
		{SCARD_E_NO_SMARTCARD, SID_PCSC_CONNECT, SAFEID_ERR_NO_TOKEN},
		{SCARD_W_REMOVED_CARD, SID_PCSC_CONNECT, SAFEID_ERR_NO_TOKEN},
		{SCARD_E_NO_SMARTCARD, SID_PCSC_TRANSMIT, SAFEID_ERR_REMOVED},
		{SCARD_W_REMOVED_CARD, SID_PCSC_TRANSMIT, SAFEID_ERR_REMOVED},
		{SCARD_W_RESET_CARD, SID_PCSC_TRANSMIT, SAFEID_ERR_REMOVED},
		{SCARD_W_RESET_CARD, SID_PCSC_CONNECT, SAFEID_ERR_REMOVED},
		{SCARD_E_SHARING_VIOLATION, SID_PCSC_CONNECT, SAFEID_ERR_BUSY},
		{SCARD_E_TIMEOUT, SID_PCSC_TRANSMIT, SAFEID_ERR_TIMEOUT},
		{SCARD_E_NO_MEMORY, SID_PCSC_SETUP, SAFEID_ERR_NOMEM},
		{SCARD_F_COMM_ERROR, SID_PCSC_TRANSMIT, SAFEID_ERR_COMM},
		{SCARD_E_NOT_TRANSACTED, SID_PCSC_TRANSMIT, SAFEID_ERR_COMM},
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		ck_assert_msg(
			sid_pcsc_err(map[i].rv, map[i].phase) == map[i].err,
			"PC/SC %lX phase %d -> %d, want %d",
			(unsigned long)map[i].rv, map[i].phase,
			sid_pcsc_err(map[i].rv, map[i].phase), map[i].err);
}
END_TEST

START_TEST(open_refuses_bad_arguments)
{
	safeid_pcsc *p = (safeid_pcsc *)&p;

	/* no reader name: refused before any PC/SC call */
	ck_assert_int_eq(safeid_pcsc_open(NULL, &p), SAFEID_ERR_ARG);
	ck_assert_ptr_null(p);
	ck_assert_int_eq(safeid_pcsc_open("", &p), SAFEID_ERR_ARG);
	ck_assert_int_eq(safeid_pcsc_open("x", NULL), SAFEID_ERR_ARG);
	ck_assert_ptr_null(safeid_pcsc_transport(NULL));
	safeid_pcsc_close(&p);
	safeid_pcsc_close(NULL);
}
END_TEST

Suite *suite_pcsc_err(void)
{
	Suite *s = suite_create("pcsc_err");
	TCase *tc = tcase_create("pcsc_err");

	tcase_add_test(tc, mapping);
	tcase_add_test(tc, open_refuses_bad_arguments);
	suite_add_tcase(s, tc);
	return s;
}
