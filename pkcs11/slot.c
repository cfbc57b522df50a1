/*
 * slot.c: one slot per PC/SC reader, and what the module knows of each.
 *
 * Slot ids are positions in a table that only grows, so an id keeps naming
 * the same reader for the life of the module, even when readers come and
 * go.  A token is present when the get-info probe on that reader succeeds
 * (or its kept answer still holds).
 *
 * pkcs11-tool, p11-kit and safeid-tool ask for the slot list, slot info,
 * token info, a session and attributes one after the other; reading the
 * token afresh for each would cost a PC/SC connection and a get-info APDU
 * every time.  Instead the info read from a token (serial, model, clock)
 * is kept with the reader's state at the moment it was read.  pcsc-lite
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

#include "p11.h"

typedef struct slot_entry {
	bool used;
	char reader[P11_READER_MAX];
	void *lock;          /* serialises token I/O on this reader */
	/* What C_WaitForSlotEvent last reported. */
	bool last_present;
	unsigned last_events; /* card event count; 0: not yet reported */
	/* The token's info as last read: valid while the reader's state
	 * still shows the card of mark. */
	bool cached;
	safeid_info info;
	safeid_reader_state mark; /* reader's state when info was read */
	long long read_ms;   /* p11_mono_ms() when info was read */
} slot_entry;

/* The table and the watch, under the module lock. */
static slot_entry slots[P11_MAX_SLOTS];
static safeid_watch *watch;

static bool known(const char *reader)
{
	size_t i;

	for (i = 0; i < P11_MAX_SLOTS; i++)
		if (slots[i].used && strcmp(slots[i].reader, reader) == 0)
			return true;
	return false;
}

static CK_RV add(const char *reader, bool present)
{
	size_t i;
	CK_RV rv;

	for (i = 0; i < P11_MAX_SLOTS; i++) {
		if (slots[i].used)
			continue;
		rv = p11_mutex_new(&slots[i].lock);
		if (rv != CKR_OK)
			return rv;
		slots[i].used = true;
		snprintf(slots[i].reader, sizeof(slots[i].reader), "%s", reader);
		slots[i].last_present = present;
		slots[i].last_events = 0;
		return CKR_OK;
	}
	p11_debug("more than %u readers: \"%s\" gets no slot",
	          P11_MAX_SLOTS, reader);
	return CKR_OK;
}

CK_RV p11_slots_refresh(void)
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
		p11_debug("listing readers failed: %s", safeid_strerror(err));
		return CKR_DEVICE_ERROR;
	}
	p11_glock();
	for (i = 0; i < l.count && rv == CKR_OK; i++)
		if (!known(l.names[i]))
			rv = add(l.names[i], l.present[i]);
	p11_gunlock();
	safeid_pcsc_list_free(&l);
	return rv;
}

CK_RV p11_slots_init(void)
{
	CK_RV rv;

	memset(slots, 0, sizeof(slots));
	if (safeid_watch_new(&watch) != SAFEID_OK)
		return CKR_HOST_MEMORY;
	p11_wait_open();
	rv = p11_slots_refresh();
	if (rv != CKR_OK)
		p11_slots_fini();
	return rv;
}

void p11_slots_fini(void)
{
	size_t i;

	p11_wait_cancel();
	safeid_watch_free(&watch);
	for (i = 0; i < P11_MAX_SLOTS; i++)
		if (slots[i].used)
			p11_mutex_free(slots[i].lock);
	memset(slots, 0, sizeof(slots));
}

void p11_slots_forget(void)
{
	size_t i;

	safeid_watch_forget(&watch);
	for (i = 0; i < P11_MAX_SLOTS; i++)
		if (slots[i].used)
			p11_mutex_forget(slots[i].lock);
	memset(slots, 0, sizeof(slots));
}

CK_ULONG p11_slot_count(void)
{
	CK_ULONG i, n = 0;

	p11_glock();
	for (i = 0; i < P11_MAX_SLOTS; i++)
		if (slots[i].used)
			n = i + 1;
	p11_gunlock();
	return n;
}

CK_RV p11_slot_reader(CK_SLOT_ID id, char *reader, size_t cap)
{
	CK_RV rv = CKR_SLOT_ID_INVALID;

	p11_glock();
	if (id < P11_MAX_SLOTS && slots[id].used) {
		snprintf(reader, cap, "%s", slots[id].reader);
		rv = CKR_OK;
	}
	p11_gunlock();
	return rv;
}

void *p11_slot_lock(CK_SLOT_ID id)
{
	void *lock = NULL;

	p11_glock();
	if (id < P11_MAX_SLOTS && slots[id].used)
		lock = slots[id].lock;
	p11_gunlock();
	return lock;
}

size_t p11_slots_readers(CK_SLOT_ID *ids, char (*names)[P11_READER_MAX],
                         size_t max)
{
	size_t i, n = 0;

	p11_glock();
	for (i = 0; i < P11_MAX_SLOTS && n < max; i++) {
		if (!slots[i].used)
			continue;
		ids[n] = i;
		memcpy(names[n], slots[i].reader, P11_READER_MAX);
		n++;
	}
	p11_gunlock();
	return n;
}

bool p11_slot_event(CK_SLOT_ID id, const safeid_reader_state *now)
{
	slot_entry *e;
	bool changed = false;

	p11_glock();
	if (id < P11_MAX_SLOTS && slots[id].used) {
		e = &slots[id];
		changed = now->present != e->last_present ||
		          (e->last_events != 0 && now->events != e->last_events);
		e->last_present = now->present;
		e->last_events = now->events;
	}
	p11_gunlock();
	return changed;
}

/* ---- the kept token info ------------------------------------------------ */

bool p11_reader_look(const char *reader, safeid_reader_state *state)
{
	return safeid_watch_look(watch, &reader, 1, state) == SAFEID_OK &&
	       state->known;
}

/* Same card, untouched, since the mark: same event count, still there. */
static bool same_card(const safeid_reader_state *mark,
                      const safeid_reader_state *now)
{
	return mark->usable && now->usable && mark->events == now->events;
}

bool p11_info_cached(CK_SLOT_ID id, safeid_info *info)
{
	char reader[P11_READER_MAX];
	safeid_reader_state now;
	long long elapsed;
	bool hit = false;

	if (p11_slot_reader(id, reader, sizeof(reader)) != CKR_OK)
		return false;
	p11_glock();
	hit = id < P11_MAX_SLOTS && slots[id].cached;
	p11_gunlock();
	if (!hit || !p11_reader_look(reader, &now)) {
		p11_info_forget(id);
		return false;
	}
	p11_glock();
	hit = slots[id].cached && same_card(&slots[id].mark, &now);
	if (hit) {
		*info = slots[id].info;
		/* The token's clock ran on with ours since it was read. */
		elapsed = (p11_mono_ms() - slots[id].read_ms) / 1000;
		if (elapsed > 0)
			info->clock += (uint32_t)elapsed;
	} else {
		p11_debug("slot %lu: card event count %u, card usable %d; the "
		          "kept info was read at count %u: reading the token "
		          "again", (unsigned long)id, now.events, now.usable,
		          slots[id].mark.events);
		slots[id].cached = false;
	}
	p11_gunlock();
	return hit;
}

void p11_info_keep(CK_SLOT_ID id, const safeid_reader_state *mark,
                   const safeid_info *info)
{
	if (!mark->usable) {
		p11_debug("slot %lu: no usable card on the reader before the "
		          "read: not keeping the token's info", (unsigned long)id);
		return;
	}
	p11_glock();
	if (id < P11_MAX_SLOTS && slots[id].used) {
		slots[id].info = *info;
		slots[id].mark = *mark;
		slots[id].read_ms = p11_mono_ms();
		slots[id].cached = true;
	}
	p11_gunlock();
}

void p11_info_keep_if_same(CK_SLOT_ID id, const safeid_reader_state *mark,
                           const safeid_info *info)
{
	char reader[P11_READER_MAX];
	safeid_reader_state now;

	memset(&now, 0, sizeof(now));
	if (p11_slot_reader(id, reader, sizeof(reader)) != CKR_OK ||
	    !p11_reader_look(reader, &now) || !same_card(mark, &now)) {
		p11_debug("slot %lu: card event count %u, was %u before the "
		          "operation: not keeping the token's info",
		          (unsigned long)id, now.events, mark->events);
		return;
	}
	p11_info_keep(id, mark, info);
}

void p11_info_forget(CK_SLOT_ID id)
{
	p11_glock();
	if (id < P11_MAX_SLOTS)
		slots[id].cached = false;
	p11_gunlock();
}

/* ---- entry points ------------------------------------------------------- */

/* Probe under the slot lock, so it never interleaves with a burn. */
static CK_RV probe_locked(CK_SLOT_ID id, safeid_info *info)
{
	void *lock = p11_slot_lock(id);
	CK_RV rv;

	if (lock == NULL)
		return CKR_SLOT_ID_INVALID;
	p11_mutex_lock(lock);
	rv = p11_token_probe(id, info);
	p11_mutex_unlock(lock);
	return rv;
}

CK_RV C_GetSlotList(CK_BBOOL tokenPresent, CK_SLOT_ID_PTR pSlotList,
                    CK_ULONG_PTR pulCount)
{
	CK_SLOT_ID ids[P11_MAX_SLOTS];
	safeid_info info;
	CK_ULONG i, n = 0, total;
	CK_RV rv = p11_ready();

	if (rv != CKR_OK)
		return rv;
	if (pulCount == NULL)
		return CKR_ARGUMENTS_BAD;
	/* The list may change only on a length query (PKCS#11 5.5). */
	if (pSlotList == NULL) {
		rv = p11_slots_refresh();
		if (rv != CKR_OK)
			return rv;
	}
	total = p11_slot_count();
	for (i = 0; i < total; i++) {
		if (tokenPresent && probe_locked(i, &info) != CKR_OK)
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
	char reader[P11_READER_MAX];
	safeid_info info;
	CK_RV rv = p11_ready();

	if (rv != CKR_OK)
		return rv;
	if (pInfo == NULL)
		return CKR_ARGUMENTS_BAD;
	rv = p11_slot_reader(slotID, reader, sizeof(reader));
	if (rv != CKR_OK)
		return rv;
	memset(pInfo, 0, sizeof(*pInfo));
	p11_pad(pInfo->slotDescription, sizeof(pInfo->slotDescription), reader);
	p11_pad(pInfo->manufacturerID, sizeof(pInfo->manufacturerID),
	        "PC/SC reader");
	pInfo->flags = CKF_REMOVABLE_DEVICE | CKF_HW_SLOT;
	if (probe_locked(slotID, &info) == CKR_OK)
		pInfo->flags |= CKF_TOKEN_PRESENT;
	return CKR_OK;
}

/* The serial is the token's identity: if it is longer than the 16
 * characters PKCS#11 allows, keep its end, where serials differ. */
static void serial16(CK_CHAR out[16], const char *serial)
{
	size_t n = strlen(serial);

	p11_pad(out, 16, n > 16 ? serial + (n - 16) : serial);
}

CK_RV C_GetTokenInfo(CK_SLOT_ID slotID, CK_TOKEN_INFO_PTR pInfo)
{
	char label[64], utc[16];
	safeid_info info;
	CK_RV rv = p11_ready();

	if (rv != CKR_OK)
		return rv;
	if (pInfo == NULL)
		return CKR_ARGUMENTS_BAD;
	rv = probe_locked(slotID, &info);
	if (rv != CKR_OK)
		return rv;
	memset(pInfo, 0, sizeof(*pInfo));
	snprintf(label, sizeof(label), "SafeID %s", info.serial);
	p11_pad(pInfo->label, sizeof(pInfo->label), label);
	p11_pad(pInfo->manufacturerID, sizeof(pInfo->manufacturerID),
	        "ExcelSecu/Token2 family");
	p11_pad(pInfo->model, sizeof(pInfo->model),
	        info.model != NULL ? info.model->name : "unknown model");
	serial16(pInfo->serialNumber, info.serial);
	/* No PIN: CKF_LOGIN_REQUIRED stays off.  The seed slot is writable. */
	pInfo->flags = CKF_CLOCK_ON_TOKEN | CKF_TOKEN_INITIALIZED;
	pInfo->ulMaxSessionCount = CK_EFFECTIVELY_INFINITE;
	pInfo->ulSessionCount = CK_UNAVAILABLE_INFORMATION;
	pInfo->ulMaxRwSessionCount = CK_EFFECTIVELY_INFINITE;
	pInfo->ulRwSessionCount = CK_UNAVAILABLE_INFORMATION;
	pInfo->ulMaxPinLen = 0;
	pInfo->ulMinPinLen = 0;
	pInfo->ulTotalPublicMemory = CK_UNAVAILABLE_INFORMATION;
	pInfo->ulFreePublicMemory = CK_UNAVAILABLE_INFORMATION;
	pInfo->ulTotalPrivateMemory = CK_UNAVAILABLE_INFORMATION;
	pInfo->ulFreePrivateMemory = CK_UNAVAILABLE_INFORMATION;
	p11_clock_text(info.clock, utc);
	memcpy(pInfo->utcTime, utc, sizeof(pInfo->utcTime));
	return CKR_OK;
}
