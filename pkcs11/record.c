/*
 * record.c: what this process knows about each token it has written to,
 * keyed by serial.  The token cannot be read back (no config or seed read
 * command), so a later clock sync can only re-send a configuration the
 * module saw at burn time, and the seed state after a failed burn is only
 * known here.  Never holds the seed.
 */
#include <stdio.h>
#include <string.h>

#include "sp11.h"

typedef struct record_entry {
	bool used;
	char serial[SAFEID_SERIAL_MAX + 1];
	sp11_record rec;
} record_entry;

static record_entry records[SP11_MAX_RECORDS];

static record_entry *entry_find(const char *serial)
{
	size_t i;

	for (i = 0; i < SP11_MAX_RECORDS; i++)
		if (records[i].used && strcmp(records[i].serial, serial) == 0)
			return &records[i];
	return NULL;
}

bool sp11_record_find(const char *serial, sp11_record *out)
{
	const record_entry *e;
	bool found = false;

	sp11_module_lock();
	e = entry_find(serial);
	if (e != NULL) {
		*out = e->rec;
		found = true;
	}
	sp11_module_unlock();
	return found;
}

void sp11_record_get(const char *serial, sp11_record *out)
{
	if (sp11_record_find(serial, out))
		return;
	memset(out, 0, sizeof(*out));
	out->seed_state = CKS_SAFEID_SEED_OLD;
}

void sp11_record_put(const char *serial, const sp11_record *rec)
{
	record_entry *e;
	size_t i;

	sp11_module_lock();
	e = entry_find(serial);
	for (i = 0; e == NULL && i < SP11_MAX_RECORDS; i++)
		if (!records[i].used)
			e = &records[i];
	/* Table full: reuse the first entry rather than lose the newest
	 * knowledge (64 tokens in one process is far beyond real use). */
	if (e == NULL)
		e = &records[0];
	e->used = true;
	snprintf(e->serial, sizeof(e->serial), "%s", serial);
	e->rec = *rec;
	sp11_module_unlock();
}

void sp11_records_clear(void)
{
	memset(records, 0, sizeof(records));
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
