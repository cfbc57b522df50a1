/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What a QR code decodes to, end to end without a token: classification of
 * the content, parse, plan check of every account, and picking one, as
 * `safeid-tool scan/burn` do after decoding an image; and the escaping it
 * is shown with.
 */
#include <string.h>

#include "fuzz_common.h"
#include "inputs.h"

/* The escaping every front end shows such text with: the result is
 * strict UTF-8 without a character that acts on a terminal, and
 * escaping it again changes nothing. */
static void check_escape(const uint8_t *data, size_t size)
{
	char once[256], twice[256];
	size_t n, step;
	uint32_t c;

	input_text_escape((const char *)data, size, once, sizeof(once));
	n = strlen(once);
	FUZZ_CHECK(n < sizeof(once));
	for (size_t i = 0; i < n; i += step) {
		step = input_utf8_next(once + i, n - i, &c);
		FUZZ_CHECK(c != INPUT_UTF8_BAD);
		FUZZ_CHECK(c >= 0x20 && !(c >= 0x7f && c <= 0x9f) &&
		           !(c >= 0x202a && c <= 0x202e) &&
		           !(c >= 0x2066 && c <= 0x2069));
	}
	input_text_escape(once, n, twice, sizeof(twice));
	FUZZ_CHECK(strcmp(once, twice) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	input_account_list list = {0};
	input_error err, err2;
	input_plan_report rep;
	size_t idx = 0, planned_ok = 0;
	int rc, rc2;

	check_escape(data, size);
	memset(&err, 0, sizeof(err));
	memset(&err2, 0, sizeof(err2));
	rc = input_text_check((const char *)data, size, "QR code 1", &err);
	if (rc != INPUT_OK)
		FUZZ_CHECK_MSG(err.msg, sizeof(err.msg));

	rc2 = input_parse((const char *)data, size, "QR code 1", &list, &err2);
	if (rc2 != INPUT_OK) {
		FUZZ_CHECK(list.count == 0);
		FUZZ_CHECK_MSG(err2.msg, sizeof(err2.msg));
		/* check_text fails where parsing fails, with the same code */
		FUZZ_CHECK(rc == rc2);
		input_account_list_clear(&list);
		return 0;
	}
	for (size_t i = 0; i < list.count; i++)
		if (input_plan_check(&list.items[i], NULL, &rep) == INPUT_OK)
			planned_ok++;
	/* check_text succeeds exactly when every account passes the plan */
	FUZZ_CHECK((rc == INPUT_OK) == (planned_ok == list.count));

	rc = input_account_pick(&list, NULL, &idx, &err);
	FUZZ_CHECK(rc != INPUT_OK || idx < list.count);
	rc = input_account_pick(&list, "2", &idx, &err);
	FUZZ_CHECK(rc != INPUT_OK || idx == 1);
	rc = input_account_pick(&list, "a", &idx, &err);
	FUZZ_CHECK(rc != INPUT_OK || idx < list.count);
	input_account_list_clear(&list);
	return 0;
}
