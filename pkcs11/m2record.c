/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * m2record.c: what this process knows of each Molto2, keyed by serial:
 * the tries the token last told (it tells only on a wrong key, so the
 * count must be remembered to set the PIN flags and to keep the last try
 * back), and per profile what the module's writes left there (old, new,
 * erased, unknown, from the core's per-part results) and how the module
 * made it.  Never a seed or a key.
 *
 * As record.c does for the single-profile family, a write reserves its
 * token's entry before anything is sent.  Each change is saved
 * (m2store.c), and sp11_m2_refresh takes an earlier process's file when
 * it is newer than what this process knows: the tries count and how the
 * profiles were made.  Which writes this process tried (touched, the
 * seed state) is this process's alone.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sp11.h"

typedef struct m2_entry {
	char serial[SAFEID_SERIAL_MAX + 1];
	bool known;     /* loaded from a file or changed here */
	long long time; /* the knowledge dates from then */
	int tries;
	sp11_m2_prof *prof; /* SAFEID_M2_PROFILES of them */
} m2_entry;

/* Under the module lock; few tokens: a plain array. */
static m2_entry *entries;
static size_t nentries, capentries;

static m2_entry *entry_find(const char *serial)
{
	size_t i;

	for (i = 0; i < nentries; i++)
		if (strcmp(entries[i].serial, serial) == 0)
			return &entries[i];
	return NULL;
}

static m2_entry *entry_make(const char *serial)
{
	m2_entry *e = entry_find(serial), *grown;
	size_t cap;

	if (e != NULL)
		return e;
	if (nentries == capentries) {
		cap = capentries == 0 ? 4 : capentries * 2;
		grown = realloc(entries, cap * sizeof(*entries));
		if (grown == NULL)
			return NULL;
		entries = grown;
		capentries = cap;
	}
	e = &entries[nentries];
	memset(e, 0, sizeof(*e));
	e->prof = calloc(SAFEID_M2_PROFILES, sizeof(*e->prof));
	if (e->prof == NULL)
		return NULL;
	snprintf(e->serial, sizeof(e->serial), "%s", serial);
	e->tries = -1;
	nentries++;
	return e;
}

/* The entry as a file's content (the part that outlives the process). */
static void entry_to_file(const m2_entry *e, sp11_m2_file *f)
{
	unsigned p;

	memset(f, 0, sizeof(*f));
	f->time = e->time;
	f->tries = e->tries;
	for (p = 0; p < SAFEID_M2_PROFILES; p++) {
		if (!e->prof[p].made)
			continue;
		f->made[p] = true;
		f->prof[p] = e->prof[p];
	}
}

/* Save the entry of serial; caller holds nothing. */
static void entry_save(const char *serial)
{
	sp11_m2_file *f = malloc(sizeof(*f));
	m2_entry *e;
	bool have = false;

	if (f == NULL)
		return;
	sp11_module_lock();
	e = entry_find(serial);
	if (e != NULL) {
		entry_to_file(e, f);
		have = true;
	}
	sp11_module_unlock();
	if (have)
		sp11_m2_store_save(serial, f);
	free(f);
}

void sp11_m2_refresh(const char *serial)
{
	sp11_m2_file *f = malloc(sizeof(*f));
	m2_entry *e;
	unsigned p;

	if (f == NULL)
		return;
	if (!sp11_m2_store_load(serial, f)) {
		free(f);
		return;
	}
	sp11_module_lock();
	e = entry_make(serial);
	if (e != NULL && (!e->known || f->time > e->time)) {
		e->known = true;
		e->time = f->time;
		e->tries = f->tries;
		for (p = 0; p < SAFEID_M2_PROFILES; p++) {
			sp11_m2_prof *r = &e->prof[p];

			r->made = f->made[p];
			r->written = f->prof[p].written;
			r->display = f->prof[p].display;
			r->kept_len = f->made[p] ? f->prof[p].kept_len : 0;
			memcpy(r->kept, f->prof[p].kept, r->kept_len);
		}
	}
	sp11_module_unlock();
	free(f);
}

int sp11_m2_tries(const char *serial)
{
	m2_entry *e;
	int tries = -1;

	sp11_module_lock();
	e = entry_find(serial);
	if (e != NULL)
		tries = e->tries;
	sp11_module_unlock();
	return tries;
}

void sp11_m2_tries_put(const char *serial, int tries)
{
	m2_entry *e;
	bool put = false;

	sp11_module_lock();
	e = entry_make(serial);
	if (e != NULL) {
		e->tries = tries < 0 ? -1 : tries;
		e->known = true;
		e->time = (long long)time(NULL);
		put = true;
	}
	sp11_module_unlock();
	if (put)
		entry_save(serial);
	else
		sp11_debug("no memory left to remember the tries of token %s",
		           serial);
}

bool sp11_m2_known(const char *serial)
{
	m2_entry *e;
	bool known;

	sp11_m2_refresh(serial);
	sp11_module_lock();
	e = entry_find(serial);
	known = e != NULL && e->known;
	sp11_module_unlock();
	return known;
}

void sp11_m2_prof_get(const char *serial, unsigned p, sp11_m2_prof *out)
{
	m2_entry *e;

	memset(out, 0, sizeof(*out));
	out->seed_state = CKS_SAFEID_SEED_OLD;
	if (p >= SAFEID_M2_PROFILES)
		return;
	sp11_module_lock();
	e = entry_find(serial);
	if (e != NULL)
		*out = e->prof[p];
	sp11_module_unlock();
}

bool sp11_m2_prof_find(const char *serial, unsigned p, sp11_m2_prof *out)
{
	sp11_m2_prof_get(serial, p, out);
	return out->touched;
}

CK_RV sp11_m2_reserve(const char *serial)
{
	m2_entry *e;

	sp11_module_lock();
	e = entry_make(serial);
	sp11_module_unlock();
	if (e != NULL)
		return CKR_OK;
	sp11_debug("no memory left to remember token %s: nothing written to "
	           "it",
	           serial);
	return CKR_HOST_MEMORY;
}

void sp11_m2_prof_put(const char *serial, unsigned p, const sp11_m2_prof *prof)
{
	m2_entry *e;
	bool put = false;

	if (p >= SAFEID_M2_PROFILES)
		return;
	sp11_module_lock();
	e = entry_make(serial);
	if (e != NULL) {
		e->prof[p] = *prof;
		e->prof[p].touched = true;
		if (!prof->made)
			e->prof[p].kept_len = 0;
		e->known = true;
		e->time = (long long)time(NULL);
		put = true;
	}
	sp11_module_unlock();
	if (put)
		entry_save(serial);
}

bool sp11_m2_prof_current(const sp11_m2_prof *r, const safeid_m2_profile *now)
{
	const safeid_m2_profile *w = &r->written;

	return r->made && now->seed && now->hash == w->hash &&
	       now->step == w->step && now->digits == w->digits &&
	       now->titlelen == w->titlelen &&
	       memcmp(now->title, w->title, w->titlelen) == 0;
}

void sp11_m2_records_clear(void)
{
	size_t i;

	for (i = 0; i < nentries; i++)
		free(entries[i].prof);
	free(entries);
	entries = NULL;
	nentries = capentries = 0;
}
