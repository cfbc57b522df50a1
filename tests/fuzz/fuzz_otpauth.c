/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * otpauth:// parser: any text either parses into accounts whose fields are
 * sane and whose plan check ends in a verdict, or fails with a message.
 */
#include <string.h>

#include "fuzz_common.h"
#include "inputs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	input_account_list list = {0};
	input_error err;
	input_plan_report rep;
	char label[512];
	int rc;

	memset(&err, 0, sizeof(err));
	rc = input_otpauth_parse((const char *)data, size, "fuzz input", &list,
	                         &err);
	if (rc != INPUT_OK) {
		FUZZ_CHECK(rc < 0);
		FUZZ_CHECK(list.count == 0);
		FUZZ_CHECK_MSG(err.msg, sizeof(err.msg));
		/* nothing appended, but the list may own an empty array */
		input_account_list_clear(&list);
		return 0;
	}
	FUZZ_CHECK(list.count >= 1);
	for (size_t i = 0; i < list.count; i++) {
		const input_account *a = &list.items[i];

		FUZZ_CHECK(a->issuer != NULL && a->name != NULL);
		FUZZ_CHECK(a->secret_len == 0 || a->secret != NULL);
		FUZZ_CHECK(input_account_label(a, label, sizeof(label)) ==
		           INPUT_OK);
		FUZZ_CHECK(memchr(label, '\0', sizeof(label)) != NULL);
		rc = input_plan_check(a, NULL, &rep);
		FUZZ_CHECK(rep.count <= INPUT_ISSUES_MAX);
		FUZZ_CHECK((rc == INPUT_OK) == (rep.errors == 0));
		if (rc == INPUT_OK) {
			FUZZ_CHECK(rep.hash == 1 || rep.hash == 2);
			FUZZ_CHECK(rep.step == 30 || rep.step == 60);
			FUZZ_CHECK(a->secret_len >= 1 && a->secret_len <= 63);
		}
	}
	input_account_list_clear(&list);
	return 0;
}
