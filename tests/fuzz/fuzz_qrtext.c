/*
 * What a QR code decodes to, end to end without a token: classification of
 * the content, parse, plan check of every account, and picking one, as
 * `safeid-tool scan/burn` do after decoding an image.
 */
#include <string.h>

#include "fuzz_common.h"
#include "inputs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	input_account_list list = {0};
	input_error err, err2;
	input_plan_report rep;
	size_t idx = 0, planned_ok = 0;
	int rc, rc2;

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
