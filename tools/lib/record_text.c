/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * record_text.c: the text of a burn record, written and read back
 * strictly.  A record is read from disk, where anyone who can write the
 * user's files may have changed it, and it decides what a clock write
 * sends to a token; so reading it takes nothing on trust: every line is
 * a known key, given once, with a value of the one form this file
 * writes, and names that reach a terminal hold no control or
 * direction-changing characters.  No file access here (record.c does
 * that), so the parser can be fuzzed on its own.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "client.h"

#define RECORD_HEAD "# safeid burn record: the configuration, never the seed\n"

bool client_record_serial_ok(const char *serial)
{
	size_t n = strlen(serial);

	if (n == 0 || n > SAFEID_SERIAL_MAX)
		return false;
	for (const char *p = serial; *p != '\0'; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= 'a' && *p <= 'z') || *p == '-'))
			return false;
	return true;
}

/* The code point of the well-formed UTF-8 sequence at s (n bytes left),
 * its length in *len; -1 when malformed (overlong, surrogate, cut). */
static long utf8_next(const unsigned char *s, size_t n, size_t *len)
{
	unsigned char c = s[0];
	size_t k;
	long cp, min;

	if (c < 0x80) {
		*len = 1;
		return c;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		k = 2;
		cp = c & 0x1F;
		min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		k = 3;
		cp = c & 0x0F;
		min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		k = 4;
		cp = c & 0x07;
		min = 0x10000;
	} else {
		return -1;
	}
	if (n < k)
		return -1;
	for (size_t i = 1; i < k; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return -1;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return -1;
	*len = k;
	return cp;
}

/* Characters that must never reach a terminal from a name: C0 and C1
 * controls, DEL, and those that reorder or break the text around them
 * (bidirectional marks, embeddings, overrides and isolates; line and
 * paragraph separators). */
static bool cp_hidden(long cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x061C ||
	       cp == 0x200E || cp == 0x200F || (cp >= 0x2028 && cp <= 0x202E) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

/* A name as the record keeps it: well-formed UTF-8, nothing hidden
 * (client_record_name_copy makes any name so). */
static bool name_ok(const char *s, size_t n)
{
	size_t k;

	for (size_t i = 0; i < n; i += k) {
		long cp = utf8_next((const unsigned char *)s + i, n - i, &k);

		if (cp < 0 || cp_hidden(cp))
			return false;
	}
	return true;
}

void client_record_name_copy(char *out, size_t cap, const char *in)
{
	size_t n = strlen(in), o = 0, k;

	if (cap == 0)
		return;
	for (size_t i = 0; i < n; i += k) {
		long cp = utf8_next((const unsigned char *)in + i, n - i, &k);

		if (cp < 0)
			k = 1;
		if (cp < 0 || cp_hidden(cp)) {
			if (o + 1 >= cap)
				break;
			out[o++] = '?';
			continue;
		}
		/* A character that does not fit whole ends the name. */
		if (o + k >= cap)
			break;
		memcpy(out + o, in + i, k);
		o += k;
	}
	out[o] = '\0';
}

size_t client_record_format(const client_record *r, char *out, size_t cap)
{
	int n;

	n = snprintf(out, cap,
	             RECORD_HEAD
	             "serial=%s\nmodel=%s\nseed=%s\naccount=%s\n"
	             "issuer=%s\nhash=%s\nstep=%u\ndisplay=%u\ntime=%lld\n",
	             r->serial, r->model,
	             r->seed == CLIENT_RECORD_SEED_ERASED ? "erased" : "new",
	             r->account, r->issuer,
	             r->hash == SAFEID_HASH_SHA256 ? "SHA256" : "SHA1", r->step,
	             r->display, r->time);
	return n < 0 || (size_t)n >= cap ? 0 : (size_t)n;
}

/* The keys of a record, in the order this file writes them. */
enum {
	K_SERIAL,
	K_MODEL,
	K_SEED,
	K_ACCOUNT,
	K_ISSUER,
	K_HASH,
	K_STEP,
	K_DISPLAY,
	K_TIME,
	K_COUNT
};

static const char *const keys[K_COUNT] = {
	"serial", "model", "seed",    "account", "issuer",
	"hash",   "step",  "display", "time",
};

/* A whole decimal number as this file writes it: digits only, no sign,
 * no leading zero, at most 10 digits. */
static bool number_get(const char *v, size_t n, unsigned long long *out)
{
	unsigned long long x = 0;

	if (n == 0 || n > 10 || (v[0] == '0' && n > 1))
		return false;
	for (size_t i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return false;
		x = x * 10 + (unsigned)(v[i] - '0');
	}
	*out = x;
	return true;
}

static bool text_is(const char *v, size_t n, const char *want)
{
	return strlen(want) == n && memcmp(v, want, n) == 0;
}

/* Copy a checked value of n bytes into a field of cap bytes. */
static bool field_set(char *out, size_t cap, const char *v, size_t n)
{
	if (n >= cap)
		return false;
	memcpy(out, v, n);
	out[n] = '\0';
	return true;
}

static int why_set(char *why, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int why_set(char *why, size_t cap, const char *fmt, ...)
{
	va_list ap;

	if (cap > 0) {
		va_start(ap, fmt);
		vsnprintf(why, cap, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* One key's value, checked; false when it is not of the form written. */
static bool value_take(int key, const char *v, size_t n, client_record *r)
{
	unsigned long long x;

	switch (key) {
	case K_SERIAL:
		return field_set(r->serial, sizeof(r->serial), v, n) &&
		       client_record_serial_ok(r->serial);
	case K_MODEL:
		for (size_t i = 0; i < n; i++)
			if (v[i] < 0x20 || v[i] > 0x7E)
				return false;
		return field_set(r->model, sizeof(r->model), v, n);
	case K_SEED:
		if (text_is(v, n, "new"))
			r->seed = CLIENT_RECORD_SEED_NEW;
		else if (text_is(v, n, "erased"))
			r->seed = CLIENT_RECORD_SEED_ERASED;
		else
			return false;
		return true;
	case K_ACCOUNT:
		return name_ok(v, n) &&
		       field_set(r->account, sizeof(r->account), v, n);
	case K_ISSUER:
		return name_ok(v, n) &&
		       field_set(r->issuer, sizeof(r->issuer), v, n);
	case K_HASH:
		if (text_is(v, n, "SHA1"))
			r->hash = SAFEID_HASH_SHA1;
		else if (text_is(v, n, "SHA256"))
			r->hash = SAFEID_HASH_SHA256;
		else
			return false;
		return true;
	case K_STEP:
		if (!number_get(v, n, &x) || (x != 30 && x != 60))
			return false;
		r->step = (unsigned)x;
		return true;
	case K_DISPLAY:
		if (!number_get(v, n, &x) ||
		    (x != 15 && x != 30 && x != 60 && x != 120))
			return false;
		r->display = (unsigned)x;
		return true;
	case K_TIME:
		if (!number_get(v, n, &x) || x > 0xFFFFFFFFull)
			return false;
		r->time = (long long)x;
		return true;
	}
	return false;
}

int client_record_parse(const char *text, size_t len, const char *expect,
                        client_record *r, char *why, size_t whycap)
{
	bool seen[K_COUNT] = {false};
	size_t pos = 0, line = 0;

	memset(r, 0, sizeof(*r));
	if (len > CLIENT_RECORD_MAX)
		return why_set(why, whycap, "it is longer than %d bytes",
		               CLIENT_RECORD_MAX);
	if (memchr(text, '\0', len) != NULL)
		return why_set(why, whycap, "it holds a NUL byte");
	while (pos < len) {
		const char *s = text + pos, *nl, *eq;
		size_t n, kn;
		int key = -1;

		line++;
		nl = memchr(s, '\n', len - pos);
		if (nl == NULL)
			return why_set(why, whycap,
			               "line %zu is cut short (no "
			               "end of line)",
			               line);
		n = (size_t)(nl - s);
		pos += n + 1;
		if (n > 0 && s[0] == '#')
			continue;
		eq = memchr(s, '=', n);
		if (eq == NULL)
			return why_set(why, whycap, "line %zu is not KEY=VALUE",
			               line);
		kn = (size_t)(eq - s);
		for (int k = 0; k < K_COUNT; k++)
			if (text_is(s, kn, keys[k]))
				key = k;
		if (key < 0)
			return why_set(why, whycap,
			               "line %zu has an unknown "
			               "key",
			               line);
		if (seen[key])
			return why_set(why, whycap,
			               "line %zu gives '%s' a "
			               "second time",
			               line, keys[key]);
		seen[key] = true;
		if (!value_take(key, eq + 1, n - kn - 1, r))
			return why_set(why, whycap,
			               "line %zu: the value of "
			               "'%s' is not valid",
			               line, keys[key]);
	}
	/* A record written before the seed line existed describes a burn. */
	for (int k = 0; k < K_COUNT; k++)
		if (!seen[k] && k != K_SEED)
			return why_set(why, whycap, "it has no '%s' line",
			               keys[k]);
	if (expect != NULL && strcmp(r->serial, expect) != 0)
		return why_set(why, whycap, "it names another token");
	if (r->seed == CLIENT_RECORD_SEED_ERASED &&
	    (r->account[0] != '\0' || r->issuer[0] != '\0'))
		return why_set(why, whycap,
		               "it names an account for an erased "
		               "seed");
	return 0;
}
