/*
 * libFuzzer entry: any byte string as a C-APDU to the token, in each of
 * its states (fresh, challenged, authenticated), must give a well-formed
 * answer (at least a status word, within the buffer) and keep the token's
 * state inside its invariants.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "emu_token.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fixed_challenge(uint8_t *buf, size_t len, void *arg)
{
	(void)arg;
	memset(buf, 0xA5, len);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	emu_token t;
	uint8_t r[EMU_RAPDU_MAX];
	size_t n;

	if (size < 1 || size > 261)
		return 0;
	if (emu_token_init(&t, (data[0] & 1) ? "8659622000001" : "8659632000001",
	                   1767225600) != 0)
		__builtin_trap();
	t.random = fixed_challenge;
	/* the first byte picks the state the APDU meets */
	t.have_challenge = (data[0] & 2) != 0;
	t.authenticated = (data[0] & 4) != 0;
	if (t.have_challenge)
		memset(t.challenge, 0xA5, 8);
	n = emu_token_handle(&t, 1767225600, data + 1, size - 1, r);
	if (n < 2 || n > EMU_RAPDU_MAX || t.seedlen > EMU_SEED_MAX ||
	    (t.hash != 1 && t.hash != 2) || (t.step != 30 && t.step != 60) ||
	    t.display > 3)
		__builtin_trap();
	emu_token_wipe(&t);
	return 0;
}
