/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The get-info reply parser and the status-word mapping.  A reply is either
 * rejected as malformed or gives a serial of ASCII digits whose length
 * accounts for every byte of the reply; every status word maps to OK or a
 * known error whose name and sentence exist.
 */
#include <string.h>

#include <safeid/safeid.h>

#include "fuzz_common.h"

static void check_sw(uint16_t sw)
{
	int e = safeid_sw_to_err(sw);

	FUZZ_CHECK(e <= SAFEID_OK && e >= SAFEID_ERR_LAST);
	FUZZ_CHECK((e == SAFEID_OK) == (sw == 0x9000));
	if (sw == 0x6983)
		FUZZ_CHECK(e == SAFEID_ERR_AUTH);
	FUZZ_CHECK(safeid_errname(e) != NULL && safeid_errname(e)[0] != '\0');
	FUZZ_CHECK(safeid_strerror(e) != NULL && safeid_strerror(e)[0] != '\0');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	safeid_info info;
	size_t n;
	int rc;

	if (size >= 2)
		check_sw((uint16_t)((data[0] << 8) | data[1]));
	/* names of arbitrary error numbers too (callers pass any int) */
	if (size >= 1) {
		int e = -(int)data[0];

		FUZZ_CHECK(safeid_errname(e) != NULL);
		FUZZ_CHECK(safeid_strerror(e) != NULL);
	}

	memset(&info, 0xA5, sizeof(info));
	rc = safeid_parse_info(data, size, &info);
	if (rc != SAFEID_OK) {
		FUZZ_CHECK(rc == SAFEID_ERR_BAD_REPLY || rc == SAFEID_ERR_ARG);
		return 0;
	}
	n = strnlen(info.serial, sizeof(info.serial));
	FUZZ_CHECK(n < sizeof(info.serial));
	FUZZ_CHECK(n >= 1 && n <= SAFEID_SERIAL_MAX);
	FUZZ_CHECK(size == 3 + 1 + n + 2 + 4);
	FUZZ_CHECK(data[3] == n);
	FUZZ_CHECK(memcmp(info.serial, data + 4, n) == 0);
	for (size_t i = 0; i < n; i++)
		FUZZ_CHECK(info.serial[i] >= '0' && info.serial[i] <= '9');
	FUZZ_CHECK(info.clock == (((uint32_t)data[size - 4] << 24) |
	                          ((uint32_t)data[size - 3] << 16) |
	                          ((uint32_t)data[size - 2] << 8) |
	                          (uint32_t)data[size - 1]));
	FUZZ_CHECK(info.model == safeid_model_lookup(info.serial));
	if (info.model == NULL)
		FUZZ_CHECK(safeid_serial_restricted(info.serial));
	return 0;
}
