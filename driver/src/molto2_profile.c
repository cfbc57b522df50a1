/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The Molto2's per-profile info reply: 95 1F 70 1D, then flag, title[16]
 * (plain, zero-padded), rtc[4], timecfg[4], hash, step, digits, seed
 * present.  Strict about the shape, tolerant of the values (an untouched
 * profile reads as zeros); it reads data from any card, so it trusts
 * nothing.
 */
#include <string.h>

#include "internal.h"

#define PROFILE_REPLY_LEN 33u
#define OFF_FLAG 4u
#define OFF_TITLE 5u
#define OFF_RTC 21u
#define OFF_TIMECFG 25u
#define OFF_HASH 29u
#define OFF_STEP 30u
#define OFF_DIGITS 31u
#define OFF_SEED 32u

static uint32_t get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

int safeid_m2_parse_profile(const uint8_t *data, size_t len,
                            safeid_m2_profile *out)
{
	size_t n;

	if (data == NULL || out == NULL)
		return SAFEID_ERR_ARG;
	memset(out, 0, sizeof(*out));
	if (len != PROFILE_REPLY_LEN || data[0] != 0x95 || data[1] != 0x1F ||
	    data[2] != 0x70 || data[3] != 0x1D)
		return SAFEID_ERR_BAD_REPLY;
	/* "seed present" is a flag byte: anything but 00/01 is not the
	 * answer we know, and guessing could call a full profile free. */
	if (data[OFF_SEED] > 1)
		return SAFEID_ERR_BAD_REPLY;
	out->seed = data[OFF_SEED] == 1;
	out->flag = data[OFF_FLAG];
	for (n = 0; n < SAFEID_M2_TITLE_FIELD && data[OFF_TITLE + n] != 0; n++)
		out->title[n] = (char)data[OFF_TITLE + n];
	out->title[n] = '\0';
	out->titlelen = n;
	out->rtc = get_u32(data + OFF_RTC);
	out->timecfg = get_u32(data + OFF_TIMECFG);
	if (data[OFF_HASH] == SAFEID_HASH_SHA1 ||
	    data[OFF_HASH] == SAFEID_HASH_SHA256)
		out->hash = (safeid_hash)data[OFF_HASH];
	out->step = data[OFF_STEP];
	out->digits = data[OFF_DIGITS];
	return SAFEID_OK;
}
