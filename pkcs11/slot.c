/*
 * slot.c: one slot per PC/SC reader.  Slot ids are positions in a table
 * that only grows, so an id keeps naming the same reader for the life of
 * the module, even when readers come and go.  A token is present when the
 * get-info probe on that reader succeeds (or its kept answer still holds:
 * presence.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <PCSC/winscard.h>

#include "p11.h"
#include "slot.h"

p11_slot_entry p11_slots[P11_MAX_SLOTS];

static bool known(const char *reader)
{
	size_t i;

	for (i = 0; i < P11_MAX_SLOTS; i++)
		if (p11_slots[i].used && strcmp(p11_slots[i].reader, reader) == 0)
			return true;
	return false;
}

static CK_RV add(const char *reader, bool present)
{
	size_t i;
	CK_RV rv;

	for (i = 0; i < P11_MAX_SLOTS; i++) {
		if (p11_slots[i].used)
			continue;
		rv = p11_mutex_new(&p11_slots[i].lock);
		if (rv != CKR_OK)
			return rv;
		p11_slots[i].used = true;
		snprintf(p11_slots[i].reader, sizeof(p11_slots[i].reader), "%s",
		         reader);
		p11_slots[i].last_present = present;
		p11_slots[i].last_events = 0;
		return CKR_OK;
	}
	p11_debug("more than %u readers: \"%s\" gets no slot",
	          P11_MAX_SLOTS, reader);
	return CKR_OK;
}

/* A card sits on the reader (state from p11_reader_look). */
static bool present_now(const char *reader)
{
	unsigned long st = 0;

	return p11_reader_look(reader, &st) && (st & SCARD_STATE_PRESENT) != 0 &&
	       (st & SCARD_STATE_MUTE) == 0;
}

CK_RV p11_slots_refresh(void)
{
	char *names = NULL;
	const char *r;
	bool present;
	CK_RV rv;

	/* No PC/SC service means no readers: an empty slot list, not an
	 * error (pcscd starts on demand when a reader is plugged in). */
	rv = p11_reader_names(&names);
	if (rv != CKR_OK || names == NULL)
		return rv;
	for (r = names; *r != '\0' && rv == CKR_OK; r += strlen(r) + 1) {
		p11_glock();
		present = known(r);
		p11_gunlock();
		if (present)
			continue;
		/* Looked at outside the module lock: it talks to pcscd. */
		present = present_now(r);
		p11_glock();
		if (!known(r))
			rv = add(r, present);
		p11_gunlock();
	}
	free(names);
	return rv;
}

CK_RV p11_slots_init(void)
{
	memset(p11_slots, 0, sizeof(p11_slots));
	p11_wait_open();
	return p11_slots_refresh();
}

void p11_slots_fini(void)
{
	size_t i;

	p11_wait_cancel();
	p11_presence_fini();
	for (i = 0; i < P11_MAX_SLOTS; i++)
		if (p11_slots[i].used)
			p11_mutex_free(p11_slots[i].lock);
	memset(p11_slots, 0, sizeof(p11_slots));
}

void p11_slots_forget(void)
{
	size_t i;

	p11_presence_forget();
	for (i = 0; i < P11_MAX_SLOTS; i++)
		if (p11_slots[i].used)
			p11_mutex_forget(p11_slots[i].lock);
	memset(p11_slots, 0, sizeof(p11_slots));
}

CK_ULONG p11_slot_count(void)
{
	CK_ULONG i, n = 0;

	p11_glock();
	for (i = 0; i < P11_MAX_SLOTS; i++)
		if (p11_slots[i].used)
			n = i + 1;
	p11_gunlock();
	return n;
}

CK_RV p11_slot_reader(CK_SLOT_ID id, char *reader, size_t cap)
{
	CK_RV rv = CKR_SLOT_ID_INVALID;

	p11_glock();
	if (id < P11_MAX_SLOTS && p11_slots[id].used) {
		snprintf(reader, cap, "%s", p11_slots[id].reader);
		rv = CKR_OK;
	}
	p11_gunlock();
	return rv;
}

void *p11_slot_lock(CK_SLOT_ID id)
{
	void *lock = NULL;

	p11_glock();
	if (id < P11_MAX_SLOTS && p11_slots[id].used)
		lock = p11_slots[id].lock;
	p11_gunlock();
	return lock;
}

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
