/* SPDX-License-Identifier: BSD-2-Clause */
/* The token's command interpreter: plain and secure commands, TLV, seed. */
#include "emu_token.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "emu_crypto.h"

/* The emulator's own model table (kept apart from the driver's on purpose):
 * prefix, name, whether a config write erases the seed. */
static const struct {
	const char *prefix;
	const char *name;
	bool restricted;
} models[] = {
	{"8659612", "OTPC-P1-i", false},   {"8659622", "OTPC-P2-i", true},
	{"8659621", "OTPC-P2-i-NB", true}, {"8659600", "miniOTP-2-i", false},
	{"8659601", "miniOTP-3-i", true},  {"8659609", "miniOTP-3-i-NB", true},
	{"8659610", "C301-i", true},       {"8659632", "C302-i", false},
};

static int model_index(const char *serial)
{
	size_t best_len = 0;
	int best = -1;

	for (size_t i = 0; i < sizeof(models) / sizeof(models[0]); i++) {
		size_t n = strlen(models[i].prefix);
		if (n > best_len && strncmp(serial, models[i].prefix, n) == 0) {
			best = (int)i;
			best_len = n;
		}
	}
	return best;
}

const char *emu_token_model(const char *serial)
{
	int i = model_index(serial);
	return i < 0 ? "unknown" : models[i].name;
}

bool emu_token_restricted(const char *serial)
{
	int i = model_index(serial);
	return i < 0 ? true : models[i].restricted;
}

bool emu_serial_valid(const char *serial)
{
	size_t n = strlen(serial);

	if (n == 0 || n > EMU_SERIAL_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (serial[i] < '0' || serial[i] > '9')
			return false;
	return true;
}

int emu_token_init(emu_token *t, const char *serial, int64_t now)
{
	memset(t, 0, sizeof(*t));
	if (!emu_serial_valid(serial))
		return -1;
	memcpy(t->serial, serial, strlen(serial) + 1);
	t->hash = EMU_HASH_SHA1;
	t->step = 30;
	t->display = 1;
	t->clock_base = now;
	t->clock_ref = now;
	return 0;
}

void emu_token_wipe(emu_token *t)
{
	OPENSSL_cleanse(t, sizeof(*t));
}

void emu_token_power_event(emu_token *t)
{
	t->authenticated = false;
	t->have_challenge = false;
	OPENSSL_cleanse(t->challenge, sizeof(t->challenge));
	/* a request waiting for the button is lost with the power */
	t->m2.pending = EMU_M2_PENDING_NONE;
	OPENSSL_cleanse(t->m2.pending_key, sizeof(t->m2.pending_key));
}

int64_t emu_clock_at(int64_t base, int64_t ref, int32_t drift, int64_t now)
{
	int64_t elapsed = now - ref;
	int64_t extra = elapsed * (int64_t)drift;

	/* floor division so a slow clock (negative ppm) lags, never leads */
	extra = extra >= 0 ? extra / 1000000 : -((-extra + 999999) / 1000000);
	return base + elapsed + extra;
}

int64_t emu_token_time(const emu_token *t, int64_t now)
{
	return emu_clock_at(t->clock_base, t->clock_ref, t->drift_ppm, now);
}

static size_t sw(uint8_t *r, size_t n, unsigned word)
{
	r[n] = (uint8_t)(word >> 8);
	r[n + 1] = (uint8_t)(word & 0xFFu);
	return n + 2;
}

/* Lc of a case-3 APDU: the header plus Lc must cover the whole command. */
static bool case3_ok(const uint8_t *c, size_t clen)
{
	return clen >= 5 && (size_t)c[4] + 5 == clen && c[4] != 0;
}

size_t emu_token_info_data(const emu_token *t, int64_t now,
                           const uint8_t hdr[3], uint8_t *r)
{
	size_t n = 0, slen = strlen(t->serial);
	int64_t tt = emu_token_time(t, now);
	uint32_t clock;

	clock = tt < 0 ? 0u
	               : (tt > (int64_t)UINT32_MAX ? UINT32_MAX : (uint32_t)tt);
	r[n++] = hdr[0];
	r[n++] = hdr[1];
	r[n++] = hdr[2];
	r[n++] = (uint8_t)slen;
	memcpy(r + n, t->serial, slen);
	n += slen;
	r[n++] = 0x0F;
	r[n++] = 0x04;
	r[n++] = (uint8_t)(clock >> 24);
	r[n++] = (uint8_t)(clock >> 16);
	r[n++] = (uint8_t)(clock >> 8);
	r[n++] = (uint8_t)clock;
	return n;
}

static size_t get_info(emu_token *t, int64_t now, const uint8_t *c, size_t clen,
                       uint8_t *r)
{
	/* hdr and sep are opaque bytes for the host: chosen non-zero so a
	 * parser that assumes zeros fails */
	static const uint8_t hdr[3] = {0x02, 0x11, 0x01};

	if (!case3_ok(c, clen) || c[4] != 2)
		return sw(r, 0, EMU_SW_LENGTH);
	if (c[2] != 0 || c[3] != 0 || c[5] != 0x02 || c[6] != 0x11)
		return sw(r, 0, EMU_SW_DATA);
	return sw(r, emu_token_info_data(t, now, hdr, r), EMU_SW_OK);
}

int emu_token_new_challenge(emu_token *t)
{
	int ok;

	/* a new challenge ends the previous authentication */
	emu_token_power_event(t);
	if (t->random != NULL)
		ok = t->random(t->challenge, sizeof(t->challenge),
		               t->random_arg) == 0;
	else
		ok = RAND_bytes(t->challenge, (int)sizeof(t->challenge)) == 1;
	if (!ok)
		return -1;
	t->have_challenge = true;
	return 0;
}

static size_t get_challenge(emu_token *t, const uint8_t *c, size_t clen,
                            uint8_t *r)
{
	if (!case3_ok(c, clen) || c[4] != 1)
		return sw(r, 0, EMU_SW_LENGTH);
	if (c[2] != 0x08 || c[3] != 0 || c[5] != 0)
		return sw(r, 0, EMU_SW_DATA);
	if (emu_token_new_challenge(t) != 0)
		return sw(r, 0, 0x6F00);
	memcpy(r, t->challenge, 8);
	return sw(r, 8, EMU_SW_OK);
}

static size_t authenticate(emu_token *t, const uint8_t *c, size_t clen,
                           uint8_t *r)
{
	uint8_t block[16] = {0}, expect[16];
	bool good;

	if (!case3_ok(c, clen) || c[4] != 16)
		return sw(r, 0, EMU_SW_LENGTH);
	if (c[2] != 0 || c[3] != 0)
		return sw(r, 0, EMU_SW_DATA);
	if (t->locked || !t->have_challenge) {
		emu_token_power_event(t);
		return sw(r, 0, EMU_SW_AUTH);
	}
	memcpy(block, t->challenge, 8);
	if (emu_sm4_ecb(true, block, 16, expect) != 0)
		return sw(r, 0, 0x6F00);
	good = CRYPTO_memcmp(expect, c + 5, 16) == 0;
	/* the challenge is single use, whatever the outcome */
	emu_token_power_event(t);
	if (!good)
		return sw(r, 0, EMU_SW_AUTH);
	t->authenticated = true;
	return sw(r, 0, EMU_SW_OK);
}

/* Common checks of a secure command: authenticated, Lc, MAC.  Returns 0 and
 * the body length, or the status word to answer. */
static unsigned secure_check(const emu_token *t, const uint8_t *c, size_t clen,
                             unsigned expect_lc, size_t *bodylen)
{
	uint8_t mac[4];

	if (!t->authenticated)
		return EMU_SW_AUTH;
	if (!case3_ok(c, clen) || c[4] < 5)
		return EMU_SW_LENGTH;
	if (expect_lc != 0 && c[4] != expect_lc)
		return EMU_SW_LENGTH;
	*bodylen = (size_t)c[4] - 4;
	if (emu_mac(c[1], c[2], c[3], c + 5, *bodylen, mac) != 0)
		return 0x6F00;
	if (CRYPTO_memcmp(mac, c + 5 + *bodylen, 4) != 0)
		return EMU_SW_AUTH;
	return 0;
}

/* The config TLV, strictly: 81 11 1F 01 d 0F 04 t[4] 86 06 0A 01 h 0D 01 s */
static size_t write_config(emu_token *t, int64_t now, const uint8_t *c,
                           size_t clen, uint8_t *r)
{
	static const uint8_t shape[19] = {
		0x81, 0x11, 0x1F, 0x01, 0,    0x0F, 0x04, 0,    0, 0,
		0,    0x86, 0x06, 0x0A, 0x01, 0,    0x0D, 0x01, 0,
	};
	static const bool fixed[19] = {
		1, 1, 1, 1, 0, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 0, 1, 1, 0,
	};
	const uint8_t *v;
	size_t bodylen = 0;
	unsigned w;
	uint32_t clock;

	w = secure_check(t, c, clen, 0x17, &bodylen);
	if (w != 0)
		return sw(r, 0, w);
	if (c[2] != 0 || c[3] != 0)
		return sw(r, 0, EMU_SW_DATA);
	v = c + 5;
	for (size_t i = 0; i < sizeof(shape); i++)
		if (fixed[i] && v[i] != shape[i])
			return sw(r, 0, EMU_SW_DATA);
	if (v[4] > 3 || (v[15] != 1 && v[15] != 2) ||
	    (v[18] != 0x1E && v[18] != 0x3C))
		return sw(r, 0, EMU_SW_DATA);
	clock = ((uint32_t)v[7] << 24) | ((uint32_t)v[8] << 16) |
	        ((uint32_t)v[9] << 8) | (uint32_t)v[10];
	t->display = v[4];
	t->hash = v[15];
	t->step = v[18];
	t->clock_base = (int64_t)clock;
	t->clock_ref = now;
	/* restricted sync: a config write destroys the seed (anti-replay) */
	if (emu_token_restricted(t->serial)) {
		OPENSSL_cleanse(t->seed, sizeof(t->seed));
		t->seedlen = 0;
	}
	t->dirty = true;
	return sw(r, 0, EMU_SW_OK);
}

static size_t write_seed(emu_token *t, const uint8_t *c, size_t clen,
                         uint8_t *r)
{
	uint8_t plain[64];
	size_t bodylen = 0, n;
	unsigned w;
	size_t out;

	w = secure_check(t, c, clen, 0, &bodylen);
	if (w != 0)
		return sw(r, 0, w);
	if (c[2] != 0x01 || c[3] != 0)
		return sw(r, 0, EMU_SW_DATA);
	/* a zero-extended seed of 20..63 bytes pads to 32..64 */
	if (bodylen % 16 != 0 || bodylen < 32 || bodylen > 64)
		return sw(r, 0, EMU_SW_DATA);
	if (emu_sm4_ecb(false, c + 5, bodylen, plain) != 0) {
		out = sw(r, 0, 0x6F00);
		goto done;
	}
	n = bodylen;
	while (n > 0 && plain[n - 1] == 0x00)
		n--;
	if (n == 0 || plain[n - 1] != 0x80 || bodylen - (n - 1) > 16) {
		out = sw(r, 0, EMU_SW_DATA);
		goto done;
	}
	n--;
	if (n == 0 || n > EMU_SEED_MAX) {
		out = sw(r, 0, EMU_SW_DATA);
		goto done;
	}
	OPENSSL_cleanse(t->seed, sizeof(t->seed));
	memcpy(t->seed, plain, n);
	t->seedlen = n;
	t->dirty = true;
	out = sw(r, 0, EMU_SW_OK);
done:
	OPENSSL_cleanse(plain, sizeof(plain));
	return out;
}

size_t emu_token_handle(emu_token *t, int64_t now, const uint8_t *capdu,
                        size_t clen, uint8_t *rapdu)
{
	if (t->family == EMU_FAMILY_MOLTO2)
		return emu_m2_handle(t, now, capdu, clen, rapdu);
	if (clen < 4)
		return sw(rapdu, 0, EMU_SW_LENGTH);
	if (capdu[0] == 0x80) {
		switch (capdu[1]) {
		case 0x41:
			return get_info(t, now, capdu, clen, rapdu);
		case 0x4B:
			return get_challenge(t, capdu, clen, rapdu);
		case 0xCE:
			return authenticate(t, capdu, clen, rapdu);
		default:
			return sw(rapdu, 0, EMU_SW_INS);
		}
	}
	if (capdu[0] == 0x84) {
		switch (capdu[1]) {
		case 0xD4:
			return write_config(t, now, capdu, clen, rapdu);
		case 0xC5:
			return write_seed(t, capdu, clen, rapdu);
		default:
			return sw(rapdu, 0, EMU_SW_INS);
		}
	}
	return sw(rapdu, 0, EMU_SW_CLA);
}
