/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Reader listing and choice: names with card presence, and picking one by
 * index or by a case-insensitive part of its name.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void safeid_pcsc_list_free(safeid_reader_list *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; l->names != NULL && i < l->count; i++)
		free(l->names[i]);
	free(l->names);
	free(l->present);
	memset(l, 0, sizeof(*l));
}

int safeid_pcsc_list(safeid_reader_list *out)
{
	safeid_watch *w = NULL;
	int rc;

	if (out == NULL)
		return SAFEID_ERR_ARG;
	memset(out, 0, sizeof(*out));
	rc = safeid_watch_new(&w);
	if (rc == SAFEID_OK)
		rc = safeid_watch_list(w, out);
	safeid_watch_free(&w);
	return rc;
}

static bool contains_nocase(const char *hay, const char *needle)
{
	size_t n = strlen(needle), i;

	for (; *hay != '\0'; hay++) {
		for (i = 0; i < n && hay[i] != '\0'; i++)
			if (tolower((unsigned char)hay[i]) !=
			    tolower((unsigned char)needle[i]))
				break;
		if (i == n)
			return true;
	}
	return false;
}

static bool all_digits(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/* No spec: the only reader, else the first one with a card. */
static int pick_default(const safeid_reader_list *l, size_t *index)
{
	size_t i;

	if (l->count == 1) {
		*index = 0;
		return SAFEID_OK;
	}
	for (i = 0; i < l->count; i++) {
		if (l->present != NULL && l->present[i]) {
			*index = i;
			return SAFEID_OK;
		}
	}
	return SAFEID_ERR_NO_TOKEN;
}

int safeid_pcsc_pick(const safeid_reader_list *l, const char *spec,
                     size_t *index)
{
	size_t i, found = 0, hits = 0;
	unsigned long v;

	if (l == NULL || index == NULL)
		return SAFEID_ERR_ARG;
	if (l->count == 0)
		return SAFEID_ERR_NO_READER;
	if (spec == NULL || spec[0] == '\0')
		return pick_default(l, index);
	if (all_digits(spec)) {
		v = strtoul(spec, NULL, 10);
		if (v >= l->count || strlen(spec) > 6)
			return SAFEID_ERR_READER_UNKNOWN;
		*index = (size_t)v;
		return SAFEID_OK;
	}
	/* An exact name wins over parts of longer names. */
	for (i = 0; i < l->count; i++) {
		if (strcmp(l->names[i], spec) == 0) {
			*index = i;
			return SAFEID_OK;
		}
	}
	for (i = 0; i < l->count; i++) {
		if (contains_nocase(l->names[i], spec)) {
			found = i;
			hits++;
		}
	}
	if (hits == 0)
		return SAFEID_ERR_READER_UNKNOWN;
	if (hits > 1)
		return SAFEID_ERR_ARG;
	*index = found;
	return SAFEID_OK;
}
