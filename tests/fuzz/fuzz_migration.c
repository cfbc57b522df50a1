/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * otpauth-migration:// parser.  Inputs that start with the scheme are given
 * as they are (URI syntax, base64, percent escapes); any other input is
 * taken as the raw protobuf payload and wrapped into a well-formed URI, so
 * the fuzzer reaches the protobuf decoder and the account checks directly.
 */
#include <string.h>

#include "fuzz_common.h"
#include "inputs.h"

static const char prefix[] = "otpauth-migration://offline?data=";
static const char b64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* base64 with '+', '/' and '=' percent-escaped, as a URI carries them */
static size_t put_b64_char(char *out, size_t o, char c)
{
	if (c == '+' || c == '/' || c == '=') {
		out[o++] = '%';
		out[o++] = c == '+' ? '2' : (c == '/' ? '2' : '3');
		out[o++] = c == '+' ? 'B' : (c == '/' ? 'F' : 'D');
		return o;
	}
	out[o++] = c;
	return o;
}

static char *wrap(const uint8_t *d, size_t n, size_t *len)
{
	size_t cap = sizeof(prefix) + (n + 2) / 3 * 4 * 3 + 1, o;
	char *s = malloc(cap);

	if (s == NULL)
		return NULL;
	memcpy(s, prefix, sizeof(prefix) - 1);
	o = sizeof(prefix) - 1;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)d[i] << 16;
		size_t k = n - i < 3 ? n - i : 3;

		if (k > 1)
			v |= (uint32_t)d[i + 1] << 8;
		if (k > 2)
			v |= d[i + 2];
		o = put_b64_char(s, o, b64[(v >> 18) & 63]);
		o = put_b64_char(s, o, b64[(v >> 12) & 63]);
		o = put_b64_char(s, o, k > 1 ? b64[(v >> 6) & 63] : '=');
		o = put_b64_char(s, o, k > 2 ? b64[v & 63] : '=');
	}
	*len = o;
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	input_account_list list = {0};
	input_error err;
	input_plan_report rep;
	char *text = NULL;
	size_t len = size;
	int rc;

	memset(&err, 0, sizeof(err));
	if (size >= sizeof(prefix) - 1 - 10 &&
	    memcmp(data, prefix, sizeof(prefix) - 1 - 10) == 0) {
		text = malloc(size ? size : 1);
		if (text == NULL)
			return 0;
		memcpy(text, data, size);
	} else {
		text = wrap(data, size, &len);
		if (text == NULL)
			return 0;
	}
	rc = input_migration_parse(text, len, "fuzz input", &list, &err);
	if (rc != INPUT_OK) {
		FUZZ_CHECK(rc < 0);
		FUZZ_CHECK(list.count == 0);
		FUZZ_CHECK_MSG(err.msg, sizeof(err.msg));
	} else {
		FUZZ_CHECK(list.count >= 1 && list.count <= INPUT_ACCOUNTS_MAX);
		for (size_t i = 0; i < list.count; i++) {
			FUZZ_CHECK(list.items[i].issuer && list.items[i].name);
			rc = input_plan_check(&list.items[i], NULL, &rep);
			FUZZ_CHECK((rc == INPUT_OK) == (rep.errors == 0));
		}
	}
	input_account_list_clear(&list);
	free(text);
	return 0;
}
