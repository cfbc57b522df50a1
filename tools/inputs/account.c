/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Account lists: ownership of the secrets they hold, labels for listings,
 * and choosing one account the way a person names it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

/* Wipe the secret, free the strings, zero the struct (not the pointer). */
static void account_clear(input_account *a)
{
	if (a == NULL)
		return;
	input_secret_free(a->secret, a->secret_len);
	free(a->issuer);
	free(a->name);
	memset(a, 0, sizeof(*a));
}

void input_account_list_truncate(input_account_list *l, size_t keep)
{
	while (l->count > keep)
		account_clear(&l->items[--l->count]);
}

void input_account_list_clear(input_account_list *l)
{
	if (l == NULL)
		return;
	input_account_list_truncate(l, 0);
	free(l->items);
	memset(l, 0, sizeof(*l));
}

input_account *input_account_list_push(input_account_list *l)
{
	input_account *a;

	if (l->count == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 4;
		input_account *n = calloc(ncap, sizeof(*n));
		if (n == NULL)
			return NULL;
		/* copy then wipe the old array: it held secret pointers only,
		 * but keep no stale copies of account structs around */
		if (l->count > 0)
			memcpy(n, l->items, l->count * sizeof(*n));
		input_wipe(l->items, l->cap * sizeof(*n));
		free(l->items);
		l->items = n;
		l->cap = ncap;
	}
	a = &l->items[l->count++];
	memset(a, 0, sizeof(*a));
	return a;
}

const char *input_alg_name(input_alg alg)
{
	switch (alg) {
	case INPUT_ALG_SHA1:
		return "SHA1";
	case INPUT_ALG_SHA256:
		return "SHA256";
	case INPUT_ALG_SHA512:
		return "SHA512";
	case INPUT_ALG_MD5:
		return "MD5";
	case INPUT_ALG_UNKNOWN:
		break;
	}
	return "unknown";
}

int input_account_label(const input_account *a, char *buf, size_t cap)
{
	const char *iss, *nm;
	char raw[2 * INPUT_FIELD_MAX + 8];

	if (a == NULL || buf == NULL || cap == 0)
		return INPUT_ERR_ARG;
	iss = a->issuer != NULL ? a->issuer : "";
	nm = a->name != NULL ? a->name : "";
	if (iss[0] != '\0' && nm[0] != '\0')
		snprintf(raw, sizeof(raw), "%.*s: %.*s", (int)INPUT_FIELD_MAX,
		         iss, (int)INPUT_FIELD_MAX, nm);
	else if (iss[0] != '\0' || nm[0] != '\0')
		snprintf(raw, sizeof(raw), "%.*s", (int)INPUT_FIELD_MAX,
		         iss[0] != '\0' ? iss : nm);
	else
		snprintf(raw, sizeof(raw), "(unnamed account)");
	/* what the QR code says, never what it does to a terminal */
	input_text_escape(raw, strlen(raw), buf, cap);
	return INPUT_OK;
}

static int pick_contains(const char *hay, const char *needle)
{
	size_t hl, nl;

	if (hay == NULL)
		return 0;
	hl = strlen(hay);
	nl = strlen(needle);
	for (size_t i = 0; i + nl <= hl; i++)
		if (strncasecmp(hay + i, needle, nl) == 0)
			return 1;
	return 0;
}

/* "1. GitHub: alice; 2. ..." for messages, cut to fit. */
static void pick_listing(const input_account_list *l, char *buf, size_t cap)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < l->count && o + 1 < cap; i++) {
		char lab[200];
		int n;

		input_account_label(&l->items[i], lab, sizeof(lab));
		n = snprintf(buf + o, cap - o, "%s%zu. %s", i ? "; " : "",
		             i + 1, lab);
		if (n < 0 || (size_t)n >= cap - o)
			break;
		o += (size_t)n;
	}
}

static int pick_is_index(const char *sel, size_t *val)
{
	char *end = NULL;
	unsigned long v;

	if (sel[0] < '0' || sel[0] > '9')
		return 0;
	v = strtoul(sel, &end, 10);
	if (end == NULL || *end != '\0')
		return 0;
	*val = (size_t)v;
	return 1;
}

int input_account_pick(const input_account_list *l, const char *sel,
                       size_t *index, input_error *err)
{
	char listing[INPUT_MSG_MAX / 2];
	size_t found = 0, hit = 0, num;

	if (l == NULL || index == NULL)
		return input_fail(err, INPUT_ERR_ARG,
		                  "account pick: missing argument");
	if (l->count == 0)
		return input_fail(
			err, INPUT_ERR_NO_MATCH,
			"there is no account to choose from; scan a QR code that holds one");
	pick_listing(l, listing, sizeof(listing));
	if (sel == NULL || sel[0] == '\0') {
		if (l->count == 1) {
			*index = 0;
			return INPUT_OK;
		}
		return input_fail(
			err, INPUT_ERR_AMBIGUOUS,
			"the input holds %zu accounts (%s); choose one with --pick NUMBER or --pick NAME",
			l->count, listing);
	}
	if (pick_is_index(sel, &num)) {
		if (num >= 1 && num <= l->count) {
			*index = num - 1;
			return INPUT_OK;
		}
		return input_fail(
			err, INPUT_ERR_NO_MATCH,
			"--pick %zu: there are only %zu accounts (%s); choose a number from 1 to %zu",
			num, l->count, listing, l->count);
	}
	for (size_t i = 0; i < l->count; i++) {
		if (pick_contains(l->items[i].issuer, sel) ||
		    pick_contains(l->items[i].name, sel)) {
			if (found++ == 0)
				hit = i;
		}
	}
	if (found == 1) {
		*index = hit;
		return INPUT_OK;
	}
	if (found == 0)
		return input_fail(
			err, INPUT_ERR_NO_MATCH,
			"--pick: no account's issuer or name contains the text given (accounts: %s); choose by number or another part of the name",
			listing);
	return input_fail(
		err, INPUT_ERR_AMBIGUOUS,
		"--pick: %zu accounts match the text given (accounts: %s); choose by number",
		found, listing);
}
