/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The token of the protocol fuzzers, answering whatever the input says:
 * per APDU one length byte L and L reply bytes (data + SW); L = FF means
 * the transport fails, with the error the next byte picks; an exhausted
 * input is a removed card.
 */
#ifndef SAFEID_FUZZ_REPLAY_H
#define SAFEID_FUZZ_REPLAY_H

#include <string.h>

#include <safeid/safeid.h>

/* The answer to the next APDU from d[*pos..n) into r (rcap bytes). */
static inline int fuzz_replay_answer(const uint8_t *d, size_t n, size_t *pos,
                                     uint8_t *r, size_t rcap, size_t *rlen)
{
	static const int transport_errors[] = {
		SAFEID_ERR_REMOVED,
		SAFEID_ERR_READER_GONE,
		SAFEID_ERR_COMM,
		SAFEID_ERR_TIMEOUT,
	};
	size_t l;

	if (*pos >= n)
		return SAFEID_ERR_REMOVED;
	l = d[(*pos)++];
	if (l == 0xFF) {
		uint8_t k = *pos < n ? d[(*pos)++] : 0;
		return transport_errors[k % 4];
	}
	if (l > n - *pos)
		l = n - *pos;
	if (l > rcap)
		return SAFEID_ERR_COMM;
	memcpy(r, d + *pos, l);
	*pos += l;
	*rlen = l;
	return SAFEID_OK;
}

#endif
