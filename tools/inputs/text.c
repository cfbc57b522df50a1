/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Text that came from outside (a QR code, a file, a token, a reader's
 * name) on its way to a person or a program: UTF-8 checked the strict way
 * (no overlong forms, no surrogates, nothing past U+10FFFF), and, for a
 * terminal or a window, every character that could move the cursor, clear
 * the screen, reorder or hide what follows written out as an escape, so
 * what is shown is what the text holds.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"

size_t input_utf8_next(const char *s, size_t len, uint32_t *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned char lo = 0x80, hi = 0xbf;
	size_t need;
	uint32_t v;

	*cp = INPUT_UTF8_BAD;
	if (len == 0)
		return 0;
	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] < 0xc2 || p[0] > 0xf4)
		return 1; /* a continuation byte, an overlong lead, or past 4 */
	if (p[0] < 0xe0) {
		need = 1;
		v = p[0] & 0x1fu;
	} else if (p[0] < 0xf0) {
		need = 2;
		v = p[0] & 0x0fu;
		lo = p[0] == 0xe0 ? 0xa0 : 0x80; /* overlong */
		hi = p[0] == 0xed ? 0x9f : 0xbf; /* surrogates */
	} else {
		need = 3;
		v = p[0] & 0x07u;
		lo = p[0] == 0xf0 ? 0x90 : 0x80; /* overlong */
		hi = p[0] == 0xf4 ? 0x8f : 0xbf; /* past U+10FFFF */
	}
	/* A bad sequence is as long as its valid beginning: one U+FFFD or
	 * one escape for each broken character, not for each byte. */
	for (size_t i = 1; i <= need; i++) {
		if (i >= len || p[i] < lo || p[i] > hi)
			return i;
		v = (v << 6) | (p[i] & 0x3fu);
		lo = 0x80;
		hi = 0xbf;
	}
	*cp = v;
	return need + 1;
}

/* Characters that act instead of showing: controls, and those that
 * reorder, join, hide or break the text around them. */
static int text_is_hidden(uint32_t c)
{
	return c < 0x20 || (c >= 0x7f && c <= 0x9f) ||
	       c == 0xad ||                    /* soft hyphen */
	       c == 0x061c ||                  /* Arabic letter mark */
	       (c >= 0x200b && c <= 0x200f) || /* zero width, LRM, RLM */
	       (c >= 0x2028 && c <= 0x202e) || /* separators, embeddings,
	                                             overrides */
	       (c >= 0x2060 && c <= 0x206f) || /* joiners, isolates */
	       c == 0xfeff ||                  /* zero-width no-break */
	       (c >= 0xfff9 && c <= 0xfffb) || /* annotations */
	       (c >= 0xe0000 && c <= 0xe007f); /* tags */
}

/* The printable form of the character (or bad bytes) at s[0..len) into
 * piece; returns its length, *used the bytes of s it stands for. */
static size_t text_piece(const char *s, size_t len, char piece[16],
                         size_t *used)
{
	uint32_t c;
	size_t n = input_utf8_next(s, len, &c), k = 0;

	*used = n;
	if (c == INPUT_UTF8_BAD) {
		for (size_t b = 0; b < n; b++)
			k += (size_t)snprintf(piece + k, 16 - k, "\\x%02x",
			                      (unsigned char)s[b]);
	} else if (c < 0x80 && text_is_hidden(c)) {
		k = (size_t)snprintf(piece, 16, "\\x%02x", (unsigned)c);
	} else if (text_is_hidden(c)) {
		k = (size_t)snprintf(piece, 16,
		                     c > 0xffff ? "\\U%08x" : "\\u%04x",
		                     (unsigned)c);
	} else {
		memcpy(piece, s, n);
		k = n;
	}
	return k;
}

char *input_text_escape(const char *s, size_t len, char *buf, size_t cap)
{
	size_t o = 0, total = 0, room;
	char piece[16];

	if (cap == 0)
		return buf;
	if (s == NULL)
		len = 0;
	for (size_t i = 0, n; i < len; i += n)
		total += text_piece(s + i, len - i, piece, &n);
	/* Cut, when it must be, after whole characters, and say so. */
	room = total < cap ? cap - 1 : (cap > 3 ? cap - 4 : 0);
	for (size_t i = 0, n, k; i < len; i += n) {
		k = text_piece(s + i, len - i, piece, &n);
		if (o + k > room)
			break;
		memcpy(buf + o, piece, k);
		o += k;
	}
	if (total >= cap && cap > 3) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
	return buf;
}
