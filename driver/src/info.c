/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The get-info reply parser: hdr[3] | N | serial[N] | sep[2] | time[4].
 * Strict about the length and the serial, tolerant of the opaque bytes.
 * It reads data from any card that answered, so it trusts nothing.
 */
#include <string.h>

#include "internal.h"

#define INFO_HDR 3u
#define INFO_SEP 2u
#define INFO_TIME 4u

int safeid_parse_info(const uint8_t *data, size_t len, safeid_info *out)
{
	size_t n, i;
	const uint8_t *t;

	if (data == NULL || out == NULL)
		return SAFEID_ERR_ARG;
	memset(out, 0, sizeof(*out));
	if (len < INFO_HDR + 1 + INFO_SEP + INFO_TIME)
		return SAFEID_ERR_BAD_REPLY;
	n = data[INFO_HDR];
	if (n == 0 || n > SAFEID_SERIAL_MAX)
		return SAFEID_ERR_BAD_REPLY;
	if (len != INFO_HDR + 1 + n + INFO_SEP + INFO_TIME)
		return SAFEID_ERR_BAD_REPLY;
	for (i = 0; i < n; i++) {
		uint8_t c = data[INFO_HDR + 1 + i];

		if (c < '0' || c > '9')
			return SAFEID_ERR_BAD_REPLY;
		out->serial[i] = (char)c;
	}
	out->serial[n] = '\0';
	t = data + INFO_HDR + 1 + n + INFO_SEP;
	out->clock = (uint32_t)t[0] << 24 | (uint32_t)t[1] << 16 |
	             (uint32_t)t[2] << 8 | (uint32_t)t[3];
	out->model = safeid_model_lookup(out->serial);
	return SAFEID_OK;
}
