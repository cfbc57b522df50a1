/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The Molto2's command interpreter: the family's SM4 and MAC rule under a
 * key derived from the customer key, a profile number in every command,
 * counted wrong keys and a lock, and two requests that wait for the
 * up-arrow button.  Written from the protocol, apart from driver/.  Where
 * the protocol is not public the choices are tests/harness/README.md's.
 */
#include "emu_token.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "emu_crypto.h"

#define SW_OK 0x9000u
#define SW_AWAITING_BUTTON 0x9060u
#define SW_LENGTH 0x6700u
#define SW_DATA 0x6A80u
#define SW_NO_PROFILE 0x6A86u
#define SW_EMPTY 0x6A83u
#define SW_NOT_AUTHENTICATED 0x6982u
#define SW_BAD_MAC 0x6988u
#define SW_NO_CHALLENGE 0x6985u
#define SW_INS 0x6D00u
#define SW_CLA 0x6E00u
#define SW_LE_GIVEN 0x6FFBu
#define SW_INTERNAL 0x6F00u

static const char factory_key[] = "TOKEN2MOLTO1-KEY";
static const char factory_title[] = "Token2";

static size_t sw(uint8_t *r, size_t n, unsigned word)
{
	r[n] = (uint8_t)(word >> 8);
	r[n + 1] = (uint8_t)(word & 0xFFu);
	return n + 2;
}

int emu_m2_derive(const uint8_t *customer_key, size_t len, uint8_t key[16])
{
	uint8_t md[SHA_DIGEST_LENGTH];

	if (customer_key == NULL || len == 0 ||
	    SHA1(customer_key, len, md) == NULL)
		return -1;
	memcpy(key, md, 16);
	OPENSSL_cleanse(md, sizeof(md));
	return 0;
}

int64_t emu_m2_time(const emu_token *t, unsigned p, int64_t now)
{
	const emu_m2_profile *q = &t->m2.p[p];

	return emu_clock_at(q->clock_base, q->clock_ref, t->drift_ppm, now);
}

long emu_m2_code(const emu_token *t, unsigned p, int64_t now,
                 int64_t *token_time)
{
	const emu_m2_profile *q = &t->m2.p[p];
	int64_t tt = emu_m2_time(t, p, now);

	*token_time = tt;
	if (q->seedlen == 0 || tt < 0 || q->step == 0)
		return -1;
	return emu_hotp(q->hash, q->seed, q->seedlen,
	                (uint64_t)tt / (uint64_t)q->step, q->digits);
}

/* Both the device's clock (get info) and profile p's take the time: the
 * RTC is one, each profile keeps the time it was last given. */
static void set_clock(emu_token *t, unsigned p, uint32_t clock, int64_t now)
{
	emu_m2_profile *q = &t->m2.p[p];

	q->clock_base = (int64_t)clock;
	q->clock_ref = now;
	q->timecfg = clock;
	q->flag = 0x20;
	t->clock_base = (int64_t)clock;
	t->clock_ref = now;
}

int emu_m2_init(emu_token *t, const char *serial, int64_t now,
                unsigned profiles, const uint8_t *customer_key, size_t len)
{
	emu_m2_profile *p0;
	int rc = -1;

	if (profiles != 50 && profiles != EMU_M2_PROFILES)
		return -1;
	if (emu_token_init(t, serial, now) != 0)
		return -1;
	t->family = EMU_FAMILY_MOLTO2;
	t->m2.profiles = profiles;
	if (customer_key == NULL)
		rc = emu_m2_derive((const uint8_t *)factory_key,
		                   sizeof(factory_key) - 1, t->m2.key);
	else
		rc = emu_m2_derive(customer_key, len, t->m2.key);
	if (rc != 0)
		goto fail;
	t->m2.tries_max = EMU_M2_TRIES;
	t->m2.tries_left = EMU_M2_TRIES;
	t->m2.locked_sw = EMU_M2_LOCKED_SW;
	t->m2.screen_cmd = true;
	/* A real token comes with a factory seed in profile 0, "0. Token2". */
	p0 = &t->m2.p[0];
	p0->seedlen = 20;
	if (RAND_bytes(p0->seed, (int)p0->seedlen) != 1)
		goto fail;
	memcpy(p0->title, factory_title, sizeof(factory_title) - 1);
	p0->hash = EMU_HASH_SHA1;
	p0->digits = 6;
	p0->step = 30;
	p0->display = 1;
	set_clock(t, 0, (uint32_t)now, now);
	return 0;
fail:
	emu_token_wipe(t);
	return -1;
}

static void wipe_profile(emu_m2_profile *q)
{
	OPENSSL_cleanse(q, sizeof(*q));
}

/* What a factory reset leaves: every profile empty, the factory key, a
 * full tries counter, the token unlocked. */
static void factory_reset(emu_token *t)
{
	unsigned i;

	for (i = 0; i < EMU_M2_PROFILES; i++)
		wipe_profile(&t->m2.p[i]);
	(void)emu_m2_derive((const uint8_t *)factory_key,
	                    sizeof(factory_key) - 1, t->m2.key);
	t->m2.tries_left = t->m2.tries_max;
	t->m2.locked = false;
	t->m2.screen_locked = false;
}

unsigned emu_m2_press_up(emu_token *t)
{
	unsigned done = t->m2.pending;

	if (done == EMU_M2_PENDING_KEY) {
		memcpy(t->m2.key, t->m2.pending_key, sizeof(t->m2.key));
		t->dirty = true;
	} else if (done == EMU_M2_PENDING_RESET) {
		factory_reset(t);
		t->dirty = true;
	}
	t->m2.pending = EMU_M2_PENDING_NONE;
	OPENSSL_cleanse(t->m2.pending_key, sizeof(t->m2.pending_key));
	/* what the authentication was for has changed */
	if (done != EMU_M2_PENDING_NONE)
		t->authenticated = false;
	return done;
}

/* ---- reads ------------------------------------------------------------------ */

static size_t device_info(emu_token *t, int64_t now, uint8_t *r)
{
	/* the opaque bytes are not zero, so a host that assumes zeros fails */
	static const uint8_t hdr[3] = {0x4D, 0x32, 0x01};

	return sw(r, emu_token_info_data(t, now, hdr, r), SW_OK);
}

static void put_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* 95 1F 70 1D flag title[16] rtc[4] timecfg[4] alg step digits seed */
static size_t profile_info(emu_token *t, int64_t now, unsigned p, uint8_t *r)
{
	const emu_m2_profile *q = &t->m2.p[p];
	int64_t tt = emu_m2_time(t, p, now);
	uint32_t rtc = tt < 0 ? 0u : (uint32_t)tt;

	r[0] = 0x95;
	r[1] = 0x1F;
	r[2] = 0x70;
	r[3] = 0x1D;
	r[4] = q->flag;
	memcpy(r + 5, q->title, EMU_M2_TITLE_FIELD);
	/* an untouched profile reads as zeros, clock included */
	put_u32(r + 21, q->flag != 0 ? rtc : 0u);
	put_u32(r + 25, q->timecfg);
	r[29] = (uint8_t)q->hash;
	r[30] = (uint8_t)q->step;
	r[31] = (uint8_t)q->digits;
	r[32] = q->seedlen > 0 ? 1 : 0;
	return sw(r, 33, SW_OK);
}

static size_t get_info(emu_token *t, int64_t now, const uint8_t *c, size_t clen,
                       uint8_t *r)
{
	/* 80 41 00 00 [00]: the device */
	if (c[2] == 0 && c[3] == 0 && (clen == 4 || (clen == 5 && c[4] == 0)))
		return device_info(t, now, r);
	/* 80 41 00 pp 01 70: profile pp, case 3; a trailing Le is refused
	 * as a real token does */
	if (clen >= 6 && c[4] == 1 && c[5] == 0x70 && c[2] == 0) {
		if (clen == 7)
			return sw(r, 0, SW_LE_GIVEN);
		if (clen != 6)
			return sw(r, 0, SW_LENGTH);
		if (c[3] >= t->m2.profiles)
			return sw(r, 0, SW_NO_PROFILE);
		return profile_info(t, now, c[3], r);
	}
	/* the single-profile form 80 41 00 00 02 02 11 among the rest */
	return sw(r, 0, SW_LENGTH);
}

static size_t get_challenge(emu_token *t, const uint8_t *c, size_t clen,
                            uint8_t *r)
{
	/* 80 4B 08 00 00 (Le); the single-profile form has a body */
	if (clen != 5 || (c[4] != 0 && c[4] != 8))
		return sw(r, 0, SW_LENGTH);
	if (c[2] != 0x08 || c[3] != 0)
		return sw(r, 0, SW_DATA);
	if (emu_token_new_challenge(t) != 0)
		return sw(r, 0, SW_INTERNAL);
	memcpy(r, t->challenge, 8);
	return sw(r, 8, SW_OK);
}

/* ---- authentication and its counter ------------------------------------------ */

static size_t authenticate(emu_token *t, const uint8_t *c, size_t clen,
                           uint8_t *r)
{
	uint8_t block[16] = {0}, expect[16];
	emu_m2 *m = &t->m2;
	bool good;

	if (clen != 21 || c[4] != 16)
		return sw(r, 0, SW_LENGTH);
	if (c[2] != 0 || c[3] != 0)
		return sw(r, 0, SW_DATA);
	if (m->locked || t->locked) {
		t->have_challenge = false;
		return sw(r, 0, t->locked ? 0x6983u : m->locked_sw);
	}
	if (!t->have_challenge)
		return sw(r, 0, SW_NO_CHALLENGE);
	memcpy(block, t->challenge, 8);
	t->have_challenge = false; /* single use, whatever the outcome */
	OPENSSL_cleanse(t->challenge, sizeof(t->challenge));
	if (emu_sm4_ecb_key(m->key, true, block, 16, expect) != 0)
		return sw(r, 0, SW_INTERNAL);
	good = CRYPTO_memcmp(expect, c + 5, 16) == 0;
	OPENSSL_cleanse(expect, sizeof(expect));
	if (!good) {
		if (m->tries_left > 0)
			m->tries_left--;
		if (m->tries_left == 0)
			m->locked = true;
		t->dirty = true;
		return sw(r, 0, 0x6300u | m->tries_left);
	}
	t->authenticated = true;
	if (!m->keep_tries && m->tries_left != m->tries_max) {
		m->tries_left = m->tries_max;
		t->dirty = true;
	}
	return sw(r, 0, SW_OK);
}

/* A secure command's checks: authenticated, Lc (lc: 0 for any), P1, the
 * profile (when per_profile), the MAC.  0 and the body length, or the
 * status word to answer. */
static unsigned secure_check(const emu_token *t, const uint8_t *c, size_t clen,
                             unsigned p1, unsigned lc, bool per_profile,
                             size_t *bodylen)
{
	uint8_t mac[4];

	if (!t->authenticated)
		return SW_NOT_AUTHENTICATED;
	if (clen < 10 || (size_t)c[4] + 5 != clen || (lc != 0 && c[4] != lc))
		return SW_LENGTH;
	if (c[2] != p1 || (!per_profile && c[3] != 0))
		return SW_DATA;
	if (per_profile && c[3] >= t->m2.profiles)
		return SW_NO_PROFILE;
	*bodylen = (size_t)c[4] - 4;
	if (emu_mac_key(t->m2.key, c[1], c[2], c[3], c + 5, *bodylen, mac) != 0)
		return SW_INTERNAL;
	if (CRYPTO_memcmp(mac, c + 5 + *bodylen, 4) != 0)
		return SW_BAD_MAC;
	return 0;
}

/* Strip 80 00.. padding from the end of plain (len bytes, len - n <= 16);
 * the content's length, or -1 when the padding is not there. */
static long unpad(const uint8_t *plain, size_t len)
{
	size_t n = len;

	while (n > 0 && plain[n - 1] == 0x00)
		n--;
	if (n == 0 || plain[n - 1] != 0x80 || len - (n - 1) > 16)
		return -1;
	return (long)(n - 1);
}

static bool all_zero(const uint8_t *b, size_t n)
{
	uint8_t acc = 0;

	for (size_t i = 0; i < n; i++)
		acc |= b[i];
	return acc == 0;
}

/* ---- writes ------------------------------------------------------------------- */

static size_t write_seed(emu_token *t, const uint8_t *c, size_t clen,
                         uint8_t *r)
{
	emu_m2_profile *q;
	uint8_t plain[64];
	size_t bodylen = 0, out;
	unsigned w;
	long n;

	w = secure_check(t, c, clen, 0x01, 0, true, &bodylen);
	if (w != 0)
		return sw(r, 0, w);
	if (bodylen % 16 != 0 || bodylen < 16 || bodylen > 64)
		return sw(r, 0, SW_DATA);
	q = &t->m2.p[c[3]];
	if (emu_sm4_ecb_key(t->m2.key, false, c + 5, bodylen, plain) != 0) {
		out = sw(r, 0, SW_INTERNAL);
		goto done;
	}
	/* all zeros, no 80: the form that clears the profile */
	if (all_zero(plain, bodylen)) {
		OPENSSL_cleanse(q->seed, sizeof(q->seed));
		q->seedlen = 0;
		t->dirty = true;
		out = sw(r, 0, SW_OK);
		goto done;
	}
	n = unpad(plain, bodylen);
	if (n <= 0 || n > (long)EMU_SEED_MAX) {
		out = sw(r, 0, SW_DATA);
		goto done;
	}
	OPENSSL_cleanse(q->seed, sizeof(q->seed));
	memcpy(q->seed, plain, (size_t)n);
	q->seedlen = (size_t)n;
	q->flag = 0x20;
	t->dirty = true;
	out = sw(r, 0, SW_OK);
done:
	OPENSSL_cleanse(plain, sizeof(plain));
	return out;
}

static size_t write_title(emu_token *t, const uint8_t *c, size_t clen,
                          uint8_t *r)
{
	emu_m2_profile *q;
	uint8_t plain[16];
	size_t bodylen = 0;
	unsigned w;
	long n;

	w = secure_check(t, c, clen, 0x00, 0x14, true, &bodylen);
	if (w != 0)
		return sw(r, 0, w);
	if (emu_sm4_ecb_key(t->m2.key, false, c + 5, 16, plain) != 0)
		return sw(r, 0, SW_INTERNAL);
	/* 1..12 bytes; kept in clear, zero-padded, as a real one does */
	n = unpad(plain, sizeof(plain));
	if (n <= 0 || n > 12 || memchr(plain, 0, (size_t)n) != NULL)
		return sw(r, 0, SW_DATA);
	q = &t->m2.p[c[3]];
	memset(q->title, 0, sizeof(q->title));
	memcpy(q->title, plain, (size_t)n);
	q->flag = 0x20;
	t->dirty = true;
	return sw(r, 0, SW_OK);
}

static uint32_t get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* 81 14 1F 01 d 0F 04 t[4] 86 09 0A 01 h 0B 01 n 0D 01 s, or the clock
 * only: 81 06 0F 04 t[4]. */
static size_t write_config(emu_token *t, int64_t now, const uint8_t *c,
                           size_t clen, uint8_t *r)
{
	static const uint8_t full[22] = {
		0x81, 0x14, 0x1F, 0x01, 0, 0x0F, 0x04, 0, 0,    0,    0,
		0x86, 0x09, 0x0A, 0x01, 0, 0x0B, 0x01, 0, 0x0D, 0x01, 0,
	};
	static const bool fixed[22] = {
		1, 1, 1, 1, 0, 1, 1, 0, 0, 0, 0,
		1, 1, 1, 1, 0, 1, 1, 0, 1, 1, 0,
	};
	static const uint8_t clock_only[4] = {0x81, 0x06, 0x0F, 0x04};
	const uint8_t *v = c + 5;
	emu_m2_profile *q;
	size_t bodylen = 0;
	unsigned w;

	w = secure_check(t, c, clen, 0x01, 0, true, &bodylen);
	if (w != 0)
		return sw(r, 0, w);
	q = &t->m2.p[c[3]];
	if (bodylen == sizeof(clock_only) + 4 &&
	    memcmp(v, clock_only, sizeof(clock_only)) == 0) {
		/* the clock only: seed, title and config stay */
		set_clock(t, c[3], get_u32(v + 4), now);
		t->dirty = true;
		return sw(r, 0, SW_OK);
	}
	if (bodylen != sizeof(full))
		return sw(r, 0, SW_LENGTH);
	for (size_t i = 0; i < sizeof(full); i++)
		if (fixed[i] && v[i] != full[i])
			return sw(r, 0, SW_DATA);
	if (v[4] > 3 || (v[15] != 1 && v[15] != 2) ||
	    (v[18] != 4 && v[18] != 6 && v[18] != 8 && v[18] != 10) ||
	    (v[21] != 0x1E && v[21] != 0x3C))
		return sw(r, 0, SW_DATA);
	q->display = v[4];
	q->hash = v[15];
	q->digits = v[18];
	q->step = v[21];
	set_clock(t, c[3], get_u32(v + 7), now);
	t->dirty = true;
	return sw(r, 0, SW_OK);
}

static size_t change_key(emu_token *t, const uint8_t *c, size_t clen,
                         uint8_t *r)
{
	uint8_t plain[32];
	size_t bodylen = 0, out;
	unsigned w;

	w = secure_check(t, c, clen, 0x00, 0x24, false, &bodylen);
	if (w != 0)
		return sw(r, 0, w);
	if (emu_sm4_ecb_key(t->m2.key, false, c + 5, 32, plain) != 0)
		return sw(r, 0, SW_INTERNAL);
	/* 00 | K' | 80 | 14 x 00 */
	if (plain[0] != 0x00 || plain[17] != 0x80 ||
	    !all_zero(plain + 18, 14)) {
		out = sw(r, 0, SW_DATA);
		goto done;
	}
	memcpy(t->m2.pending_key, plain + 1, 16);
	t->m2.pending = EMU_M2_PENDING_KEY;
	out = sw(r, 0, SW_AWAITING_BUTTON);
done:
	OPENSSL_cleanse(plain, sizeof(plain));
	return out;
}

/* Works without authentication, as a real token was seen doing. */
static size_t delete_seed(emu_token *t, const uint8_t *c, size_t clen,
                          uint8_t *r)
{
	emu_m2_profile *q;

	if (clen != 5 || c[4] != 0)
		return sw(r, 0, SW_LENGTH);
	if (c[2] != 0)
		return sw(r, 0, SW_DATA);
	if (c[3] >= t->m2.profiles)
		return sw(r, 0, SW_NO_PROFILE);
	q = &t->m2.p[c[3]];
	if (q->seedlen == 0)
		return sw(r, 0, SW_EMPTY);
	/* the title and the config stay */
	OPENSSL_cleanse(q->seed, sizeof(q->seed));
	q->seedlen = 0;
	t->dirty = true;
	return sw(r, 0, SW_OK);
}

static size_t reset(emu_token *t, const uint8_t *c, size_t clen, uint8_t *r)
{
	if (clen != 5 || c[4] != 0)
		return sw(r, 0, SW_LENGTH);
	if (c[2] != 0 || c[3] != 0)
		return sw(r, 0, SW_DATA);
	t->m2.pending = EMU_M2_PENDING_RESET;
	return sw(r, 0, SW_AWAITING_BUTTON);
}

static size_t screen(emu_token *t, const uint8_t *c, size_t clen, uint8_t *r)
{
	bool lock = clen == 5 && c[4] == 0;
	bool unlock = clen == 6 && c[4] == 1 && c[5] == 1;

	if (!t->m2.screen_cmd)
		return sw(r, 0, SW_INS);
	if (c[2] != 0x0C || c[3] != 0x02)
		return sw(r, 0, SW_DATA);
	if (!lock && !unlock)
		return sw(r, 0, SW_LENGTH);
	if (!t->authenticated)
		return sw(r, 0, SW_NOT_AUTHENTICATED);
	if (t->m2.screen_locked != lock) {
		t->m2.screen_locked = lock;
		t->dirty = true;
	}
	return sw(r, 0, SW_OK);
}

/* A locked token answers nothing but reads, a challenge (whose answer it
 * refuses) and the factory reset that is the way out. */
static bool allowed_when_locked(const uint8_t *c)
{
	return c[0] == 0x80 &&
	       (c[1] == 0x41 || c[1] == 0x4B || c[1] == 0xCE || c[1] == 0x56);
}

size_t emu_m2_handle(emu_token *t, int64_t now, const uint8_t *c, size_t clen,
                     uint8_t *r)
{
	/* Any command cancels a request waiting for the button. */
	t->m2.pending = EMU_M2_PENDING_NONE;
	OPENSSL_cleanse(t->m2.pending_key, sizeof(t->m2.pending_key));
	if (clen < 4)
		return sw(r, 0, SW_LENGTH);
	if (t->m2.locked && !allowed_when_locked(c))
		return sw(r, 0, t->m2.locked_sw);
	if (c[0] == 0x80) {
		switch (c[1]) {
		case 0x41:
			return get_info(t, now, c, clen, r);
		case 0x4B:
			return get_challenge(t, c, clen, r);
		case 0xCE:
			return authenticate(t, c, clen, r);
		case 0xE6:
			return delete_seed(t, c, clen, r);
		case 0x56:
			return reset(t, c, clen, r);
		case 0xD8:
			return screen(t, c, clen, r);
		default:
			return sw(r, 0, SW_INS);
		}
	}
	if (c[0] == 0x84) {
		switch (c[1]) {
		case 0xC5:
			return write_seed(t, c, clen, r);
		case 0xD5:
			return write_title(t, c, clen, r);
		case 0xD4:
			return write_config(t, now, c, clen, r);
		case 0xD7:
			return change_key(t, c, clen, r);
		default:
			return sw(r, 0, SW_INS);
		}
	}
	return sw(r, 0, SW_CLA);
}
