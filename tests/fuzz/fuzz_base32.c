/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * base32: whatever decodes must encode back to text that decodes to the
 * same bytes; whatever does not decode fails with a message.
 */
#include <string.h>

#include "fuzz_common.h"
#include "inputs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	input_error err;
	uint8_t *raw = NULL, *again = NULL;
	size_t rawlen = 0, againlen = 0;
	char *enc = NULL;
	int rc;

	memset(&err, 0, sizeof(err));
	rc = input_base32_decode((const char *)data, size, &raw, &rawlen, &err);
	if (rc != INPUT_OK) {
		FUZZ_CHECK(rc < 0);
		FUZZ_CHECK_MSG(err.msg, sizeof(err.msg));
		return 0;
	}
	FUZZ_CHECK(rawlen * 8 <= size * 5);
	for (int pad = 0; pad < 2; pad++) {
		rc = input_base32_encode(raw, rawlen, pad != 0, &enc);
		FUZZ_CHECK(rc == INPUT_OK && enc != NULL);
		rc = input_base32_decode(enc, strlen(enc), &again, &againlen,
		                         &err);
		FUZZ_CHECK(rc == INPUT_OK);
		FUZZ_CHECK(againlen == rawlen);
		FUZZ_CHECK(rawlen == 0 || memcmp(again, raw, rawlen) == 0);
		input_secret_free(again, againlen);
		input_secret_free(enc, strlen(enc));
		again = NULL;
		enc = NULL;
	}
	input_secret_free(raw, rawlen);
	return 0;
}
