/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * slot.c: one slot per PC/SC reader, and what the module knows of each.
 *
 * Slot ids are positions in a table that only grows, so an id keeps naming
 * the same reader for the life of the module, even when readers come and
 * go.  A token is present (CKF_TOKEN_PRESENT) when PC/SC shows a card that
 * gave its ATR on the reader: whether it is one of ours is C_GetTokenInfo's
 * question (CKR_TOKEN_NOT_RECOGNIZED for any other card), as OpenSC's
 * module has it, and the slot list and slot info cost no exchange with a
 * card that may never answer.
 *
 * Each appearance of a card on a reader (PC/SC's card event count) gets an
 * epoch, a module-wide number never given twice: sessions belong to the
 * appearance they were opened on (session.c) and object handles carry it
 * (object.c), so both end with it.
 *
 * pkcs11-tool, p11-kit and safeid-tool ask for the slot list, slot info,
 * token info, a session and attributes one after the other; reading the
 * token afresh for each would cost a PC/SC connection and a get-info APDU
 * every time.  Instead what was read from a token (family, profile count,
 * serial, model, clock; a Molto2's profiles) is kept with the reader's
 * state at the moment it was read.  pcsc-lite
 * counts each reader's card insertions and removals, so while the count
 * is unchanged and the card still there it is the same card, untouched:
 * the kept info stands.  Any change, an unreadable state, or a write to
 * the token drops it.  Looking at the state is the core's reader watch
 * (no card connection, no APDU), one for the whole module; blocking waits
 * (event.c) use watches of their own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sp11.h"

typedef struct slot_entry {
	bool used;
	char reader[SP11_READER_MAX];
	void *lock; /* serialises token I/O on this reader */
	/* What C_WaitForSlotEvent last reported. */
	bool last_present;
	unsigned last_events; /* card event count; 0: not yet reported */
	/* The card appearance of the last look, and its epoch. */
	bool card_set;
	unsigned card_events;
	CK_ULONG card_epoch;
	/* The token as last read: valid while the reader's state still
	 * shows the card of mark.  foreign: the card there is not one of
	 * ours (CKR_TOKEN_NOT_RECOGNIZED), kept the same way. */
	bool cached;
	bool foreign;
	safeid_detected det;
	safeid_reader_state mark; /* reader's state when info was read */
	long long read_ms;        /* sp11_mono_ms() when info was read */
	/* A Molto2's profiles as last read, kept the same way. */
	bool profs_cached;
	safeid_reader_state profs_mark;
	size_t nprofs;
	safeid_m2_profile profs[SAFEID_M2_PROFILES];
	/* An exchange the module gave up waiting for (courier.c), while it
	 * is still blocked: token calls on the slot fail at once. */
	sp11_courier *stuck;
} slot_entry;

/* The table and the watch, under the module lock. */
static slot_entry slots[SP11_MAX_SLOTS];
static safeid_watch *watch;
static CK_ULONG epoch_last;

static bool known(const char *reader)
{
	size_t i;

	for (i = 0; i < SP11_MAX_SLOTS; i++)
		if (slots[i].used && strcmp(slots[i].reader, reader) == 0)
			return true;
	return false;
}

static CK_RV slot_add(const char *reader, bool present)
{
	size_t i;
	CK_RV rv;

	for (i = 0; i < SP11_MAX_SLOTS; i++) {
		if (slots[i].used)
			continue;
		rv = sp11_mutex_new(&slots[i].lock);
		if (rv != CKR_OK)
			return rv;
		slots[i].used = true;
		snprintf(slots[i].reader, sizeof(slots[i].reader), "%s",
		         reader);
		slots[i].last_present = present;
		slots[i].last_events = 0;
		return CKR_OK;
	}
	sp11_debug("more than %u readers: \"%s\" gets no slot", SP11_MAX_SLOTS,
	           reader);
	return CKR_OK;
}

CK_RV sp11_slots_refresh(void)
{
	safeid_reader_list l;
	CK_RV rv = CKR_OK;
	size_t i;
	int err;

	err = safeid_watch_list(watch, &l);
	/* No PC/SC service means no readers: an empty slot list, not an
	 * error (pcscd starts on demand when a reader is plugged in). */
	if (err == SAFEID_ERR_NO_SERVICE)
		return CKR_OK;
	if (err == SAFEID_ERR_NOMEM)
		return CKR_HOST_MEMORY;
	if (err != SAFEID_OK) {
		sp11_debug("listing readers failed: %s", safeid_strerror(err));
		return CKR_DEVICE_ERROR;
	}
	sp11_module_lock();
	for (i = 0; i < l.count && rv == CKR_OK; i++)
		if (!known(l.names[i]))
			rv = slot_add(l.names[i], l.present[i]);
	sp11_module_unlock();
	safeid_pcsc_list_free(&l);
	return rv;
}

CK_RV sp11_slots_init(void)
{
	CK_RV rv;

	memset(slots, 0, sizeof(slots));
	epoch_last = 0;
	if (safeid_watch_new(&watch) != SAFEID_OK)
		return CKR_HOST_MEMORY;
	sp11_events_open();
	rv = sp11_slots_refresh();
	if (rv != CKR_OK)
		sp11_slots_fini();
	return rv;
}

/* Give back every slot's lock (free, or forget after a fork). */
static void slots_drop(void (*drop)(void *lock))
{
	size_t i;

	for (i = 0; i < SP11_MAX_SLOTS; i++)
		if (slots[i].used)
			drop(slots[i].lock);
	memset(slots, 0, sizeof(slots));
}

void sp11_slots_fini(void)
{
	size_t i;

	sp11_events_close();
	safeid_watch_free(&watch);
	/* A blocked exchange's courier ends on its own. */
	for (i = 0; i < SP11_MAX_SLOTS; i++)
		sp11_courier_unref(slots[i].stuck);
	slots_drop(sp11_mutex_free);
}

void sp11_slots_forget(void)
{
	safeid_watch_forget(&watch);
	slots_drop(sp11_mutex_forget);
}

static CK_ULONG slot_count(void)
{
	CK_ULONG i, n = 0;

	sp11_module_lock();
	for (i = 0; i < SP11_MAX_SLOTS; i++)
		if (slots[i].used)
			n = i + 1;
	sp11_module_unlock();
	return n;
}

CK_RV sp11_slot_reader(CK_SLOT_ID id, char *reader, size_t cap)
{
	CK_RV rv = CKR_SLOT_ID_INVALID;

	sp11_module_lock();
	if (id < SP11_MAX_SLOTS && slots[id].used) {
		snprintf(reader, cap, "%s", slots[id].reader);
		rv = CKR_OK;
	}
	sp11_module_unlock();
	return rv;
}

/* The slot's lock, NULL when there is no such slot.  Locks live as long
 * as the table (slots are never taken away). */
static void *slot_mutex(CK_SLOT_ID id)
{
	void *lock = NULL;

	sp11_module_lock();
	if (id < SP11_MAX_SLOTS && slots[id].used)
		lock = slots[id].lock;
	sp11_module_unlock();
	return lock;
}

CK_RV sp11_slot_check(CK_SLOT_ID id)
{
	return slot_mutex(id) != NULL ? CKR_OK : CKR_SLOT_ID_INVALID;
}

CK_RV sp11_slot_lock(CK_SLOT_ID id)
{
	void *lock = slot_mutex(id);

	if (lock == NULL)
		return CKR_SLOT_ID_INVALID;
	sp11_mutex_lock(lock);
	return CKR_OK;
}

void sp11_slot_unlock(CK_SLOT_ID id)
{
	sp11_mutex_unlock(slot_mutex(id));
}

size_t sp11_slots_readers(CK_SLOT_ID *ids, char (*names)[SP11_READER_MAX],
                          size_t max)
{
	size_t i, n = 0;

	sp11_module_lock();
	for (i = 0; i < SP11_MAX_SLOTS && n < max; i++) {
		if (!slots[i].used)
			continue;
		ids[n] = i;
		memcpy(names[n], slots[i].reader, SP11_READER_MAX);
		n++;
	}
	sp11_module_unlock();
	return n;
}

bool sp11_slot_report(CK_SLOT_ID id, const safeid_reader_state *now)
{
	slot_entry *e;
	bool changed = false;

	sp11_module_lock();
	if (id < SP11_MAX_SLOTS && slots[id].used) {
		e = &slots[id];
		changed =
			now->present != e->last_present ||
			(e->last_events != 0 && now->events != e->last_events);
		e->last_present = now->present;
		e->last_events = now->events;
	}
	sp11_module_unlock();
	return changed;
}

/* ---- the card on a slot's reader ------------------------------------------ */

bool sp11_reader_look(const char *reader, safeid_reader_state *state)
{
	return safeid_watch_look(watch, &reader, 1, state) == SAFEID_OK &&
	       state->known;
}

CK_RV sp11_slot_card(CK_SLOT_ID id, sp11_card *out)
{
	char reader[SP11_READER_MAX];
	safeid_reader_state now;
	slot_entry *e;
	CK_RV rv;

	memset(out, 0, sizeof(*out));
	rv = sp11_slot_reader(id, reader, sizeof(reader));
	if (rv != CKR_OK)
		return rv;
	if (!sp11_reader_look(reader, &now))
		return CKR_OK;
	out->known = true;
	out->present = now.usable;
	out->events = now.events;
	sp11_module_lock();
	e = &slots[id];
	if (!now.usable) {
		e->card_set = false;
	} else if (!e->card_set || e->card_events != now.events) {
		/* A card came (or left and came) since the last look. */
		e->card_set = true;
		e->card_events = now.events;
		e->card_epoch = ++epoch_last;
	}
	out->epoch = e->card_set ? e->card_epoch : 0;
	sp11_module_unlock();
	return CKR_OK;
}

bool sp11_slot_stuck(CK_SLOT_ID id)
{
	sp11_courier *k = NULL;
	bool stuck = false;

	sp11_module_lock();
	if (id < SP11_MAX_SLOTS && slots[id].stuck != NULL) {
		stuck = sp11_courier_busy(slots[id].stuck);
		if (!stuck) {
			/* Its call returned: the reader is free again. */
			k = slots[id].stuck;
			slots[id].stuck = NULL;
		}
	}
	sp11_module_unlock();
	sp11_courier_unref(k);
	return stuck;
}

void sp11_slot_stuck_set(CK_SLOT_ID id, sp11_courier *k)
{
	sp11_courier *old = NULL;

	sp11_courier_ref(k);
	sp11_module_lock();
	if (id < SP11_MAX_SLOTS && slots[id].used) {
		old = slots[id].stuck;
		slots[id].stuck = k;
		k = NULL;
	}
	sp11_module_unlock();
	sp11_courier_unref(old);
	sp11_courier_unref(k);
}

/* ---- the kept token info ------------------------------------------------ */

/* Same card, untouched, since the mark: same event count, still there. */
static bool same_card(const safeid_reader_state *mark,
                      const safeid_reader_state *now)
{
	return mark->usable && now->usable && mark->events == now->events;
}

bool sp11_info_recall(CK_SLOT_ID id, safeid_detected *det, CK_RV *rv)
{
	char reader[SP11_READER_MAX];
	safeid_reader_state now;
	long long elapsed;
	bool hit = false;

	if (sp11_slot_reader(id, reader, sizeof(reader)) != CKR_OK)
		return false;
	sp11_module_lock();
	hit = id < SP11_MAX_SLOTS && slots[id].cached;
	sp11_module_unlock();
	if (!hit || !sp11_reader_look(reader, &now)) {
		sp11_info_forget(id);
		return false;
	}
	sp11_module_lock();
	hit = slots[id].cached && same_card(&slots[id].mark, &now);
	if (hit && slots[id].foreign) {
		*rv = CKR_TOKEN_NOT_RECOGNIZED;
	} else if (hit) {
		*rv = CKR_OK;
		*det = slots[id].det;
		/* The token's clock ran on with ours since it was read. */
		elapsed = (sp11_mono_ms() - slots[id].read_ms) / 1000;
		if (elapsed > 0)
			det->info.clock += (uint32_t)elapsed;
	} else {
		sp11_debug("slot %lu: card event count %u, card usable %d; the "
		           "kept info was read at count %u: reading the token "
		           "again",
		           (unsigned long)id, now.events, now.usable,
		           slots[id].mark.events);
		slots[id].cached = false;
	}
	sp11_module_unlock();
	return hit;
}

void sp11_info_keep_foreign(CK_SLOT_ID id, const safeid_reader_state *mark)
{
	if (!mark->usable)
		return;
	sp11_module_lock();
	if (id < SP11_MAX_SLOTS && slots[id].used) {
		memset(&slots[id].det, 0, sizeof(slots[id].det));
		slots[id].mark = *mark;
		slots[id].foreign = true;
		slots[id].cached = true;
	}
	sp11_module_unlock();
}

void sp11_info_keep(CK_SLOT_ID id, const safeid_reader_state *mark,
                    const safeid_detected *det)
{
	if (!mark->usable) {
		sp11_debug("slot %lu: no usable card on the reader before the "
		           "read: not keeping the token's info",
		           (unsigned long)id);
		return;
	}
	sp11_module_lock();
	if (id < SP11_MAX_SLOTS && slots[id].used) {
		slots[id].det = *det;
		slots[id].mark = *mark;
		slots[id].read_ms = sp11_mono_ms();
		slots[id].foreign = false;
		slots[id].cached = true;
	}
	sp11_module_unlock();
}

void sp11_info_keep_if_same(CK_SLOT_ID id, const safeid_reader_state *mark,
                            const safeid_detected *det)
{
	char reader[SP11_READER_MAX];
	safeid_reader_state now;

	memset(&now, 0, sizeof(now));
	if (sp11_slot_reader(id, reader, sizeof(reader)) != CKR_OK ||
	    !sp11_reader_look(reader, &now) || !same_card(mark, &now)) {
		sp11_debug("slot %lu: card event count %u, was %u before the "
		           "operation: not keeping the token's info",
		           (unsigned long)id, now.events, mark->events);
		return;
	}
	sp11_info_keep(id, mark, det);
}

void sp11_info_forget(CK_SLOT_ID id)
{
	sp11_module_lock();
	if (id < SP11_MAX_SLOTS) {
		slots[id].cached = false;
		slots[id].profs_cached = false;
	}
	sp11_module_unlock();
}

void sp11_profiles_keep(CK_SLOT_ID id, const safeid_reader_state *mark,
                        const safeid_m2_profile *p, size_t n)
{
	if (!mark->usable || n > SAFEID_M2_PROFILES)
		return;
	sp11_module_lock();
	if (id < SP11_MAX_SLOTS && slots[id].used) {
		memcpy(slots[id].profs, p, n * sizeof(*p));
		slots[id].nprofs = n;
		slots[id].profs_mark = *mark;
		slots[id].profs_cached = true;
	}
	sp11_module_unlock();
}

bool sp11_profiles_recall(CK_SLOT_ID id, safeid_m2_profile *out, size_t cap,
                          size_t *n)
{
	char reader[SP11_READER_MAX];
	safeid_reader_state now;
	bool hit;

	*n = 0;
	if (sp11_slot_reader(id, reader, sizeof(reader)) != CKR_OK ||
	    !sp11_reader_look(reader, &now))
		return false;
	sp11_module_lock();
	hit = slots[id].profs_cached && slots[id].nprofs <= cap &&
	      same_card(&slots[id].profs_mark, &now);
	if (hit) {
		memcpy(out, slots[id].profs, slots[id].nprofs * sizeof(*out));
		*n = slots[id].nprofs;
	}
	sp11_module_unlock();
	return hit;
}

/* ---- entry points ------------------------------------------------------- */

/* CKF_TOKEN_PRESENT: a card that answered PC/SC's power-up is on the
 * reader.  Only when PC/SC cannot say is the token asked. */
static bool token_present(CK_SLOT_ID id)
{
	safeid_detected det;
	sp11_card card;
	CK_RV rv;

	if (sp11_slot_card(id, &card) == CKR_OK && card.known)
		return card.present;
	rv = sp11_token_probe(id, &det);
	return rv == CKR_OK || rv == CKR_TOKEN_NOT_RECOGNIZED;
}

CK_RV C_GetSlotList(CK_BBOOL tokenPresent, CK_SLOT_ID_PTR pSlotList,
                    CK_ULONG_PTR pulCount)
{
	CK_SLOT_ID ids[SP11_MAX_SLOTS];
	CK_ULONG i, n = 0, total;
	CK_RV rv = sp11_ready();

	if (rv != CKR_OK)
		return rv;
	if (pulCount == NULL)
		return CKR_ARGUMENTS_BAD;
	/* The list may change only on a length query (PKCS#11 5.5). */
	if (pSlotList == NULL) {
		rv = sp11_slots_refresh();
		if (rv != CKR_OK)
			return rv;
	}
	total = slot_count();
	for (i = 0; i < total; i++) {
		if (tokenPresent && !token_present(i))
			continue;
		ids[n++] = i;
	}
	if (pSlotList != NULL) {
		if (*pulCount < n) {
			*pulCount = n;
			return CKR_BUFFER_TOO_SMALL;
		}
		memcpy(pSlotList, ids, n * sizeof(ids[0]));
	}
	*pulCount = n;
	return CKR_OK;
}

CK_RV C_GetSlotInfo(CK_SLOT_ID slotID, CK_SLOT_INFO_PTR pInfo)
{
	char reader[SP11_READER_MAX];
	CK_RV rv = sp11_ready();

	if (rv != CKR_OK)
		return rv;
	if (pInfo == NULL)
		return CKR_ARGUMENTS_BAD;
	rv = sp11_slot_reader(slotID, reader, sizeof(reader));
	if (rv != CKR_OK)
		return rv;
	memset(pInfo, 0, sizeof(*pInfo));
	sp11_text_pad(pInfo->slotDescription, sizeof(pInfo->slotDescription),
	              reader);
	sp11_text_pad(pInfo->manufacturerID, sizeof(pInfo->manufacturerID),
	              "PC/SC reader");
	pInfo->flags = CKF_REMOVABLE_DEVICE | CKF_HW_SLOT;
	if (token_present(slotID))
		pInfo->flags |= CKF_TOKEN_PRESENT;
	return CKR_OK;
}
