/*
 * Reader listing and choice: names with card presence, and picking one by
 * index or by a case-insensitive part of its name.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "pcsc_internal.h"

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

/* Split a PC/SC multi-string ("a\0b\0\0") into the list. */
static int split_names(const char *multi, safeid_reader_list *out)
{
	const char *s;
	size_t n = 0, i = 0;

	for (s = multi; *s != '\0'; s += strlen(s) + 1)
		n++;
	if (n == 0)
		return SAFEID_OK;
	out->names = calloc(n, sizeof(*out->names));
	out->present = calloc(n, sizeof(*out->present));
	if (out->names == NULL || out->present == NULL)
		return SAFEID_ERR_NOMEM;
	for (s = multi; *s != '\0'; s += strlen(s) + 1) {
		out->names[i] = strdup(s);
		if (out->names[i] == NULL)
			return SAFEID_ERR_NOMEM;
		out->count = ++i;
	}
	return SAFEID_OK;
}

/* Card presence of every reader, asked once without waiting. */
static int fill_presence(SCARDCONTEXT ctx, safeid_reader_list *l)
{
	SCARD_READERSTATE *st;
	size_t i;
	LONG rv;
	int rc = SAFEID_ERR_NOMEM;

	st = calloc(l->count, sizeof(*st));
	if (st == NULL)
		goto fail;
	for (i = 0; i < l->count; i++) {
		st[i].szReader = l->names[i];
		st[i].dwCurrentState = SCARD_STATE_UNAWARE;
	}
	rv = SCardGetStatusChange(ctx, 0, st, (DWORD)l->count);
	if (rv != SCARD_S_SUCCESS && rv != SCARD_E_TIMEOUT) {
		rc = sid_pcsc_err(rv, SID_PCSC_SETUP);
		goto fail;
	}
	for (i = 0; i < l->count; i++)
		l->present[i] = (st[i].dwEventState & SCARD_STATE_PRESENT) != 0 &&
		                (st[i].dwEventState & SCARD_STATE_MUTE) == 0;
	rc = SAFEID_OK;
fail:
	free(st);
	return rc;
}

int safeid_pcsc_list(safeid_reader_list *out)
{
	SCARDCONTEXT ctx = 0;
	bool have_ctx = false;
	char *multi = NULL;
	DWORD len = 0;
	LONG rv;
	int rc = SAFEID_ERR_ARG;

	if (out == NULL)
		return SAFEID_ERR_ARG;
	memset(out, 0, sizeof(*out));
	rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &ctx);
	if (rv != SCARD_S_SUCCESS) {
		rc = sid_pcsc_err(rv, SID_PCSC_SETUP);
		goto fail;
	}
	have_ctx = true;
	rv = SCardListReaders(ctx, NULL, NULL, &len);
	if (rv == SCARD_E_NO_READERS_AVAILABLE) {
		rc = SAFEID_OK; /* an empty list: the caller says "no reader" */
		goto fail;
	}
	if (rv != SCARD_S_SUCCESS) {
		rc = sid_pcsc_err(rv, SID_PCSC_SETUP);
		goto fail;
	}
	rc = SAFEID_ERR_NOMEM;
	multi = calloc(1, (size_t)len + 2);
	if (multi == NULL)
		goto fail;
	rv = SCardListReaders(ctx, NULL, multi, &len);
	if (rv == SCARD_E_NO_READERS_AVAILABLE) {
		rc = SAFEID_OK; /* the last reader left between the two calls */
		goto fail;
	}
	if (rv != SCARD_S_SUCCESS) {
		rc = sid_pcsc_err(rv, SID_PCSC_SETUP);
		goto fail;
	}
	rc = split_names(multi, out);
	if (rc == SAFEID_OK && out->count > 0)
		rc = fill_presence(ctx, out);
fail:
	if (rc != SAFEID_OK)
		safeid_pcsc_list_free(out);
	free(multi);
	if (have_ctx)
		(void)SCardReleaseContext(ctx);
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
