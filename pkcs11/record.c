/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * record.c: what this process knows about each token it has written to,
 * keyed by serial.  The token cannot be read back (no config or seed read
 * command), so a later clock sync can only re-send a configuration the
 * module saw at burn time, and the seed state after a failed burn is only
 * known here.  Never holds the seed.
 *
 * A provisioning run burns hundreds or thousands of tokens in one
 * process, and forgetting one would turn "unknown" or "new" into a wrong
 * "old".  So the table grows with the tokens (sorted by serial, found by
 * binary search) and a write reserves its token's entry before anything
 * is sent (sp11_record_reserve): a burn that could not be remembered is
 * refused, not done.  Should an entry still be lost, every token this
 * process knows nothing about reads "unknown", never "old".
 *
 * sp11_record_get adds what earlier processes left (store.c), the newest
 * knowledge winning.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sp11.h"

typedef struct record_entry {
	char serial[SAFEID_SERIAL_MAX + 1];
	sp11_record rec;     /* without the kept attributes (kept_len 0) */
	unsigned char *kept; /* rec's kept attributes, kept_len bytes */
	size_t kept_len, kept_cap;
} record_entry;

/* Sorted by serial; under the module lock. */
static record_entry *records;
static size_t nrecords, caprecords;
static bool records_lost;

/* Index of serial, or where it would go (*found false). */
static size_t entry_index(const char *serial, bool *found)
{
	size_t lo = 0, hi = nrecords, mid;
	int c;

	*found = false;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(records[mid].serial, serial);
		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The entry of serial, made when missing; NULL when out of memory. */
static record_entry *entry_make(const char *serial)
{
	record_entry *grown, *e;
	size_t i, cap;
	bool found;

	i = entry_index(serial, &found);
	if (found)
		return &records[i];
	if (nrecords == caprecords) {
		cap = caprecords == 0 ? 64 : caprecords * 2;
		grown = realloc(records, cap * sizeof(*records));
		if (grown == NULL)
			return NULL;
		records = grown;
		caprecords = cap;
	}
	memmove(&records[i + 1], &records[i],
	        (nrecords - i) * sizeof(*records));
	nrecords++;
	e = &records[i];
	memset(e, 0, sizeof(*e));
	snprintf(e->serial, sizeof(e->serial), "%s", serial);
	e->rec.seed_state = CKS_SAFEID_SEED_OLD;
	return e;
}

/* Room for kept_len bytes of kept attributes in e. */
static bool entry_room(record_entry *e, size_t kept_len)
{
	unsigned char *grown;

	if (kept_len <= e->kept_cap)
		return true;
	grown = realloc(e->kept, kept_len);
	if (grown == NULL)
		return false;
	e->kept = grown;
	e->kept_cap = kept_len;
	return true;
}

CK_RV sp11_record_reserve(const char *serial, size_t kept_len)
{
	record_entry *e;
	CK_RV rv = CKR_HOST_MEMORY;

	sp11_module_lock();
	e = entry_make(serial);
	if (e != NULL && entry_room(e, kept_len))
		rv = CKR_OK;
	sp11_module_unlock();
	if (rv != CKR_OK)
		sp11_debug("no memory left to remember token %s: nothing "
		           "written to it",
		           serial);
	return rv;
}

static void entry_copy(const record_entry *e, sp11_record *out)
{
	*out = e->rec;
	out->kept_len = 0;
	if (e->rec.made && e->kept_len <= sizeof(out->kept)) {
		memcpy(out->kept, e->kept, e->kept_len);
		out->kept_len = e->kept_len;
	}
}

/* What this process knows of serial: its entry, else nothing (seed state
 * OLD, or UNKNOWN once an entry was lost). */
static bool local_get(const char *serial, sp11_record *out)
{
	bool found;
	size_t i;

	memset(out, 0, sizeof(*out));
	sp11_module_lock();
	i = entry_index(serial, &found);
	if (found)
		entry_copy(&records[i], out);
	else
		out->seed_state = records_lost ? CKS_SAFEID_SEED_UNKNOWN
		                               : CKS_SAFEID_SEED_OLD;
	sp11_module_unlock();
	return found;
}

bool sp11_record_find(const char *serial, sp11_record *out)
{
	bool lost;

	if (local_get(serial, out) && out->touched)
		return true;
	sp11_module_lock();
	lost = records_lost;
	sp11_module_unlock();
	/* Forgotten: it may have been written to; say so, never "old". */
	if (lost) {
		out->touched = true;
		out->seed_state = CKS_SAFEID_SEED_UNKNOWN;
	}
	return lost;
}

void sp11_record_get(const char *serial, sp11_record *out)
{
	sp11_record stored;
	bool local = local_get(serial, out);

	/* Hash, step, display and how the seed slot was made: an earlier
	 * process's record when newer than this process's knowledge. */
	if (!sp11_store_load(serial, &stored))
		return;
	if (local && out->time > stored.time)
		return;
	out->cfg_known = stored.cfg_known;
	out->hash = stored.hash;
	out->step = stored.step;
	out->display = stored.display;
	out->made = stored.made;
	out->kept_len = stored.kept_len;
	memcpy(out->kept, stored.kept, stored.kept_len);
	out->time = stored.time;
}

void sp11_record_put(const char *serial, sp11_record *rec)
{
	record_entry *e;

	rec->touched = true;
	rec->time = (long long)time(NULL);
	sp11_module_lock();
	e = entry_make(serial);
	if (e == NULL) {
		records_lost = true;
		sp11_module_unlock();
		sp11_debug("no memory left to remember token %s: from now on "
		           "tokens this process knows nothing of read as "
		           "unknown",
		           serial);
		return;
	}
	e->rec = *rec;
	e->rec.kept_len = 0;
	e->kept_len = 0;
	if (rec->made && entry_room(e, rec->kept_len)) {
		memcpy(e->kept, rec->kept, rec->kept_len);
		e->kept_len = rec->kept_len;
	} else {
		/* Without its attributes the seed slot reads as never made
		 * by this module: less known, nothing untrue. */
		e->rec.made = false;
	}
	sp11_module_unlock();
}

void sp11_record_refused(const char *serial)
{
	sp11_record rec;

	/* The attempt is recorded, what the token holds unchanged. */
	sp11_record_get(serial, &rec);
	sp11_record_put(serial, &rec);
}

void sp11_records_clear(void)
{
	size_t i;

	for (i = 0; i < nrecords; i++)
		free(records[i].kept);
	free(records);
	records = NULL;
	nrecords = caprecords = 0;
	records_lost = false;
}

CK_ULONG sp11_seed_state_to_cks(safeid_seed_state s)
{
	switch (s) {
	case SAFEID_SEED_OLD:
		return CKS_SAFEID_SEED_OLD;
	case SAFEID_SEED_ERASED:
		return CKS_SAFEID_SEED_ERASED;
	case SAFEID_SEED_NEW:
		return CKS_SAFEID_SEED_NEW;
	case SAFEID_SEED_UNKNOWN:
	default:
		return CKS_SAFEID_SEED_UNKNOWN;
	}
}
