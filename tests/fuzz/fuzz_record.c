/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * record: the burn record parser, on any bytes.  What it accepts must be
 * a record this program could have written (every field in range, names
 * free of control and bidi characters), and must come back the same
 * through the writer and the parser again; what it refuses gets a reason
 * that quotes nothing of the file.
 */
#include <string.h>

#include "client.h"
#include "fuzz_common.h"

#define SERIAL "8659622000001"

/* A name as records keep it: the copy that cleans names changes none. */
static void name_clean(const char *s, size_t cap)
{
	char again[256];

	FUZZ_CHECK(memchr(s, '\0', cap) != NULL);
	client_record_name_copy(again, sizeof(again), s);
	FUZZ_CHECK(strcmp(again, s) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char why[200], text[CLIENT_RECORD_MAX];
	client_record r, back;
	size_t n;

	/* The first byte chooses whether the serial is fixed. */
	const char *expect = size > 0 && (data[0] & 1) ? SERIAL : NULL;

	memset(why, 0, sizeof(why));
	if (client_record_parse((const char *)data, size, expect, &r, why,
	                        sizeof(why)) != 0) {
		FUZZ_CHECK_MSG(why, sizeof(why));
		for (const char *p = why; *p != '\0'; p++)
			FUZZ_CHECK(*p >= 0x20 && *p < 0x7f);
		return 0;
	}
	FUZZ_CHECK(size <= CLIENT_RECORD_MAX);
	FUZZ_CHECK(client_record_serial_ok(r.serial));
	FUZZ_CHECK(expect == NULL || strcmp(r.serial, expect) == 0);
	FUZZ_CHECK(r.hash == SAFEID_HASH_SHA1 || r.hash == SAFEID_HASH_SHA256);
	FUZZ_CHECK(r.step == 30 || r.step == 60);
	FUZZ_CHECK(r.display == 15 || r.display == 30 || r.display == 60 ||
	           r.display == 120);
	FUZZ_CHECK(r.time >= 0 && r.time <= 0xFFFFFFFFll);
	FUZZ_CHECK(r.seed == CLIENT_RECORD_SEED_NEW ||
	           (r.seed == CLIENT_RECORD_SEED_ERASED &&
	            r.account[0] == '\0' && r.issuer[0] == '\0'));
	for (const char *p = r.model; *p != '\0'; p++)
		FUZZ_CHECK(*p >= 0x20 && *p < 0x7f);
	name_clean(r.account, sizeof(r.account));
	name_clean(r.issuer, sizeof(r.issuer));
	n = client_record_format(&r, text, sizeof(text));
	FUZZ_CHECK(n > 0);
	FUZZ_CHECK(client_record_parse(text, n, r.serial, &back, why,
	                               sizeof(why)) == 0);
	FUZZ_CHECK(memcmp(&r, &back, sizeof(r)) == 0);
	return 0;
}
