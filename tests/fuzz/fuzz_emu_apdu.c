/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The emulator's APDU handler (emu_token_handle), driven by a sequence of
 * operations so the fuzzer also gets past authentication and the MAC:
 *   op 0: a raw C-APDU (length byte, bytes)
 *   op 1: get challenge, then the right authenticate answer
 *   op 2: a secure command with a valid MAC over fuzzed INS/P1/P2/body
 *   op 3: power cycle
 *   op 4: get challenge, then a fuzzed authenticate
 * Invariants: every reply has a status word and fits the buffer; a seed is
 * 1..63 bytes (stored zero-extended to at least 20); nothing but 9000 to a
 * seed write changes the seed, except a config write on a restricted model.
 */
#include <string.h>

#include "emu_token.h"
#include "fuzz_common.h"
#include "internal.h"

typedef struct cursor {
	const uint8_t *d;
	size_t n, pos;
} cursor;

static int take(cursor *c)
{
	return c->pos < c->n ? c->d[c->pos++] : -1;
}

static size_t take_bytes(cursor *c, uint8_t *out, size_t want)
{
	size_t k = c->n - c->pos < want ? c->n - c->pos : want;

	memcpy(out, c->d + c->pos, k);
	c->pos += k;
	return k;
}

/* A fixed challenge source: the harness must know it to answer. */
static int counter_random(uint8_t *buf, size_t len, void *arg)
{
	unsigned *ctr = arg;

	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(*ctr + i);
	(*ctr)++;
	return 0;
}

static size_t send(emu_token *t, const uint8_t *c, size_t clen, uint8_t *r)
{
	uint8_t before_seed[EMU_SEED_MAX];
	size_t before_len = t->seedlen, rlen;
	uint16_t sw;

	memcpy(before_seed, t->seed, sizeof(before_seed));
	rlen = emu_token_handle(t, 1767225600, c, clen, r);
	FUZZ_CHECK(rlen >= 2 && rlen <= EMU_RAPDU_MAX);
	sw = (uint16_t)((r[rlen - 2] << 8) | r[rlen - 1]);
	FUZZ_CHECK(t->seedlen <= EMU_SEED_MAX);
	if (t->seedlen != before_len ||
	    memcmp(before_seed, t->seed, sizeof(before_seed)) != 0) {
		bool seed_write = clen >= 2 && c[0] == 0x84 && c[1] == 0xC5;
		bool config_write = clen >= 2 && c[0] == 0x84 && c[1] == 0xD4;

		FUZZ_CHECK(sw == 0x9000);
		FUZZ_CHECK(seed_write || (config_write && t->seedlen == 0 &&
		                          emu_token_restricted(t->serial)));
		FUZZ_CHECK(t->seedlen == 0 || t->seedlen >= 1);
	}
	if (sw != 0x9000)
		FUZZ_CHECK(rlen == 2);
	return rlen;
}

static void get_challenge(emu_token *t, uint8_t chal[8], bool *ok)
{
	static const uint8_t cmd[] = {0x80, 0x4B, 0x08, 0x00, 0x01, 0x00};
	uint8_t r[EMU_RAPDU_MAX];
	size_t rlen = send(t, cmd, sizeof(cmd), r);

	*ok = rlen == 10 && r[8] == 0x90 && r[9] == 0x00;
	if (*ok)
		memcpy(chal, r, 8);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *serials[] = {"8659632000001", "8659622000001",
	                                "1234"};
	cursor cur = {data, size, 0};
	uint8_t c[SAFEID_APDU_MAX + 8], r[EMU_RAPDU_MAX], chal[8];
	unsigned ctr = 0;
	emu_token t;
	int op, b;
	bool ok;

	op = take(&cur);
	if (op < 0)
		return 0;
	FUZZ_CHECK(emu_token_init(&t, serials[op % 3], 1767225600) == 0);
	t.random = counter_random;
	t.random_arg = &ctr;
	while ((op = take(&cur)) >= 0) {
		size_t clen = 0;

		switch (op % 5) {
		case 0:
			b = take(&cur);
			if (b < 0)
				break;
			clen = take_bytes(&cur, c, (size_t)b);
			send(&t, c, clen, r);
			break;
		case 1:
		case 4:
			get_challenge(&t, chal, &ok);
			FUZZ_CHECK(ok);
			if (op % 5 == 1) {
				FUZZ_CHECK(safeid_apdu_authenticate(
						   chal, c, sizeof(c), &clen) ==
				           SAFEID_OK);
			} else {
				c[0] = 0x80;
				c[1] = 0xCE;
				c[2] = c[3] = 0;
				c[4] = 16;
				clen = 5 + take_bytes(&cur, c + 5, 16);
			}
			send(&t, c, clen, r);
			if (op % 5 == 1)
				FUZZ_CHECK(t.authenticated);
			break;
		case 2: {
			int ins = take(&cur), p1 = take(&cur), p2 = take(&cur),
			    len = take(&cur);
			size_t body;

			if (len < 0)
				break;
			c[0] = 0x84;
			c[1] = (uint8_t)ins;
			c[2] = (uint8_t)p1;
			c[3] = (uint8_t)p2;
			body = take_bytes(&cur, c + 5, (size_t)len % 200);
			c[4] = (uint8_t)(body + 4);
			FUZZ_CHECK(sid_sm4_mac(c[1], c[2], c[3], c + 5, body,
			                       c + 5 + body) == SAFEID_OK);
			send(&t, c, 5 + body + 4, r);
			break;
		}
		default:
			emu_token_power_event(&t);
			FUZZ_CHECK(!t.authenticated);
			break;
		}
	}
	emu_token_wipe(&t);
	return 0;
}
