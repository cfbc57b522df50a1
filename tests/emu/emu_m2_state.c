/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The Molto2's lines of the state file: the token's own settings, then one
 * line per profile, "pN=seed:HEX title:HEX hash:SHA1 digits:6 step:30
 * display:30 clock:BASE@REF timecfg:T flag:20" (every profile, empty or
 * not, so the file shows all of them).
 */
#include "emu_state.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

static int parse_flag(const char *val, bool *out)
{
	if (strcmp(val, "0") != 0 && strcmp(val, "1") != 0)
		return -1;
	*out = val[0] == '1';
	return 0;
}

static int parse_range(const char *val, int64_t lo, int64_t hi, unsigned *out)
{
	int64_t v;

	if (emu_parse_i64(val, &v) != 0 || v < lo || v > hi)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* One "name:value" field of a profile line. */
static int profile_field(emu_m2_profile *q, const char *name, const char *val)
{
	size_t n = 0;
	int64_t v = 0;
	int w;
	char *at;

	if (strcmp(name, "seed") == 0) {
		if (emu_parse_hex(val, q->seed, sizeof(q->seed), &q->seedlen) !=
		    0)
			return -1;
	} else if (strcmp(name, "title") == 0) {
		memset(q->title, 0, sizeof(q->title));
		if (emu_parse_hex(val, q->title, sizeof(q->title), &n) != 0)
			return -1;
	} else if (strcmp(name, "hash") == 0) {
		if (strcmp(val, "SHA1") == 0)
			q->hash = EMU_HASH_SHA1;
		else if (strcmp(val, "SHA256") == 0)
			q->hash = EMU_HASH_SHA256;
		else if (strcmp(val, "none") == 0)
			q->hash = 0;
		else
			return -1;
	} else if (strcmp(name, "digits") == 0) {
		/* 0: never configured */
		if (parse_range(val, 0, 10, &q->digits) != 0 ||
		    (q->digits != 0 && q->digits % 2 != 0) || q->digits == 2)
			return -1;
	} else if (strcmp(name, "step") == 0) {
		if (parse_range(val, 0, 60, &q->step) != 0 ||
		    (q->step != 0 && q->step != 30 && q->step != 60))
			return -1;
	} else if (strcmp(name, "display") == 0) {
		if (emu_parse_i64(val, &v) != 0 || v < 0 || v > 120 ||
		    (w = emu_display_wire((unsigned)v)) < 0)
			return -1;
		q->display = (unsigned)w;
	} else if (strcmp(name, "clock") == 0) {
		char base[32];

		at = strchr(val, '@');
		if (at == NULL || (size_t)(at - val) >= sizeof(base))
			return -1;
		memcpy(base, val, (size_t)(at - val));
		base[at - val] = '\0';
		if (emu_parse_i64(base, &q->clock_base) != 0 ||
		    emu_parse_i64(at + 1, &q->clock_ref) != 0)
			return -1;
	} else if (strcmp(name, "timecfg") == 0) {
		if (emu_parse_i64(val, &v) != 0 || v < 0 ||
		    v > (int64_t)UINT32_MAX)
			return -1;
		q->timecfg = (uint32_t)v;
	} else if (strcmp(name, "flag") == 0) {
		uint8_t f;

		if (emu_parse_hex(val, &f, 1, &n) != 0 || n != 1)
			return -1;
		q->flag = f;
	} else {
		return -1;
	}
	return 0;
}

static int profile_line(emu_token *t, unsigned p, const char *val)
{
	char buf[512];
	char *tok, *save = NULL, *colon;
	emu_m2_profile q;
	int rc = -1;

	if (strlen(val) >= sizeof(buf))
		return -1;
	memset(&q, 0, sizeof(q));
	memcpy(buf, val, strlen(val) + 1);
	for (tok = strtok_r(buf, " ", &save); tok != NULL;
	     tok = strtok_r(NULL, " ", &save)) {
		colon = strchr(tok, ':');
		if (colon == NULL)
			goto fail;
		*colon = '\0';
		if (profile_field(&q, tok, colon + 1) != 0)
			goto fail;
	}
	t->m2.p[p] = q;
	rc = 0;
fail:
	OPENSSL_cleanse(&q, sizeof(q));
	OPENSSL_cleanse(buf, sizeof(buf));
	return rc;
}

int emu_m2_state_line(emu_token *t, const char *key, const char *val)
{
	emu_m2 *m = &t->m2;
	size_t n = 0;
	char *end = NULL;
	unsigned long p;

	if (key[0] == 'p' && key[1] >= '0' && key[1] <= '9') {
		p = strtoul(key + 1, &end, 10);
		if (*end != '\0' || p >= EMU_M2_PROFILES)
			return -1;
		return profile_line(t, (unsigned)p, val);
	}
	if (strcmp(key, "profiles") == 0)
		return parse_range(val, 1, EMU_M2_PROFILES, &m->profiles);
	if (strcmp(key, "key") == 0) {
		if (emu_parse_hex(val, m->key, sizeof(m->key), &n) != 0 ||
		    n != sizeof(m->key))
			return -1;
		return 0;
	}
	if (strcmp(key, "tries_max") == 0)
		return parse_range(val, 1, 255, &m->tries_max);
	if (strcmp(key, "tries_left") == 0)
		return parse_range(val, 0, 255, &m->tries_left);
	if (strcmp(key, "locked_sw") == 0) {
		unsigned long v = strtoul(val, &end, 16);

		if (end == val || *end != '\0' || v < 0x6000 || v > 0xFFFF)
			return -1;
		m->locked_sw = (unsigned)v;
		return 0;
	}
	if (strcmp(key, "locked") == 0)
		return parse_flag(val, &m->locked);
	if (strcmp(key, "keep_tries") == 0)
		return parse_flag(val, &m->keep_tries);
	if (strcmp(key, "screen_cmd") == 0)
		return parse_flag(val, &m->screen_cmd);
	if (strcmp(key, "screen_locked") == 0)
		return parse_flag(val, &m->screen_locked);
	return -1;
}

int emu_m2_state_check(const emu_token *t)
{
	const emu_m2 *m = &t->m2;
	uint8_t zero[16] = {0};

	if (m->profiles != 50 && m->profiles != EMU_M2_PROFILES)
		return -1;
	if (CRYPTO_memcmp(m->key, zero, sizeof(zero)) == 0)
		return -1;
	if (m->tries_max == 0 || m->tries_left > m->tries_max ||
	    m->locked_sw == 0)
		return -1;
	return 0;
}

/* Append to buf; -1 once it does not fit. */
static int add(char *buf, size_t cap, size_t *n, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int add(char *buf, size_t cap, size_t *n, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (*n >= cap)
		return -1;
	va_start(ap, fmt);
	w = vsnprintf(buf + *n, cap - *n, fmt, ap);
	va_end(ap);
	if (w < 0 || (size_t)w >= cap - *n)
		return -1;
	*n += (size_t)w;
	return 0;
}

static int add_hex(char *buf, size_t cap, size_t *n, const uint8_t *b,
                   size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (add(buf, cap, n, "%02x", b[i]) != 0)
			return -1;
	return 0;
}

static const char *hash_word(unsigned h)
{
	return h == EMU_HASH_SHA1     ? "SHA1"
	       : h == EMU_HASH_SHA256 ? "SHA256"
	                              : "none";
}

int emu_m2_state_text(const emu_token *t, char *buf, size_t cap, size_t *len)
{
	const emu_m2 *m = &t->m2;
	size_t n = 0, tl;
	unsigned p;

	if (add(buf, cap, &n,
	        "# safeid-emu token state; holds the seeds and the customer "
	        "key's hash: keep it 0600\n"
	        "family=molto2\nserial=%s\nprofiles=%u\nkey=",
	        t->serial, m->profiles) != 0 ||
	    add_hex(buf, cap, &n, m->key, sizeof(m->key)) != 0 ||
	    add(buf, cap, &n,
	        "\ntries_max=%u\ntries_left=%u\nlocked=%d\nlocked_sw=%04X\n"
	        "keep_tries=%d\nscreen_cmd=%d\nscreen_locked=%d\n"
	        "clock_base=%" PRId64 "\nclock_ref=%" PRId64
	        "\ndrift_ppm=%" PRId32 "\n",
	        m->tries_max, m->tries_left, m->locked, m->locked_sw,
	        m->keep_tries, m->screen_cmd, m->screen_locked, t->clock_base,
	        t->clock_ref, t->drift_ppm) != 0)
		return -1;
	for (p = 0; p < EMU_M2_PROFILES; p++) {
		const emu_m2_profile *q = &m->p[p];

		for (tl = sizeof(q->title); tl > 0 && q->title[tl - 1] == 0;
		     tl--)
			;
		if (add(buf, cap, &n, "p%u=seed:", p) != 0 ||
		    add_hex(buf, cap, &n, q->seed, q->seedlen) != 0 ||
		    add(buf, cap, &n, " title:") != 0 ||
		    add_hex(buf, cap, &n, q->title, tl) != 0 ||
		    add(buf, cap, &n,
		        " hash:%s digits:%u step:%u display:%u clock:%" PRId64
		        "@%" PRId64 " timecfg:%" PRIu32 " flag:%02x\n",
		        hash_word(q->hash), q->digits, q->step,
		        emu_display_seconds(q->display), q->clock_base,
		        q->clock_ref, q->timecfg, q->flag) != 0)
			return -1;
	}
	*len = n;
	return 0;
}
