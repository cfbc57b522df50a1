/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * probe_info.c: the info structures (blank padding, clock text), the
 * two-call patterns of the slot and mechanism lists, invalid slot ids.
 */
#include <string.h>

#include "probe.h"

/* A fixed-width string field: blank padded, so no NUL anywhere. */
static bool padded(const CK_UTF8CHAR *s, size_t n)
{
	return memchr(s, '\0', n) == NULL;
}

static void padding(probe *p)
{
	CK_INFO info;
	CK_SLOT_INFO si;
	const CK_TOKEN_INFO *ti = &p->ti;
	bool ok, clock = true;
	size_t i;

	ok = p->f->C_GetInfo(&info) == CKR_OK &&
	     padded(info.manufacturerID, sizeof(info.manufacturerID)) &&
	     padded(info.libraryDescription, sizeof(info.libraryDescription));
	if (p->have_slot) {
		ok = ok && p->f->C_GetSlotInfo(p->slot, &si) == CKR_OK &&
		     padded(si.slotDescription, sizeof(si.slotDescription)) &&
		     padded(si.manufacturerID, sizeof(si.manufacturerID)) &&
		     padded(ti->label, sizeof(ti->label)) &&
		     padded(ti->manufacturerID, sizeof(ti->manufacturerID)) &&
		     padded(ti->model, sizeof(ti->model)) &&
		     padded(ti->serialNumber, sizeof(ti->serialNumber));
		if (ti->flags & CKF_CLOCK_ON_TOKEN)
			for (i = 0; i < 14; i++)
				clock = clock && ti->utcTime[i] >= '0' &&
				        ti->utcTime[i] <= '9';
	}
	probe_check(p, 'M', "info.padding", ok,
	            "CK_INFO, CK_SLOT_INFO, CK_TOKEN_INFO text fields blank "
	            "padded, no NUL");
	if (p->have_slot && (ti->flags & CKF_CLOCK_ON_TOKEN))
		probe_check(p, 'M', "info.utc_time", clock,
		            "CKF_CLOCK_ON_TOKEN: utcTime %.16s is "
		            "YYYYMMDDhhmmss..",
		            (const char *)ti->utcTime);
}

static void slot_lists(probe *p)
{
	CK_SLOT_ID ids[64], few[1];
	CK_ULONG n = 0, m, present = 0;
	bool ok;
	CK_RV rv;

	rv = p->f->C_GetSlotList(CK_FALSE, NULL, &n);
	ok = rv == CKR_OK && n >= 1 && n <= 64;
	m = 0;
	if (ok) {
		rv = p->f->C_GetSlotList(CK_FALSE, few, &m);
		ok = rv == CKR_BUFFER_TOO_SMALL && m == n;
	}
	if (ok) {
		m = n;
		rv = p->f->C_GetSlotList(CK_FALSE, ids, &m);
		ok = rv == CKR_OK && m == n;
	}
	probe_check(p, 'M', "slots.two_call", ok,
	            "C_GetSlotList: %lu slots; empty buffer, then exact: %s",
	            (unsigned long)n, probe_rv(rv));
	rv = p->f->C_GetSlotList(CK_TRUE, NULL, &present);
	probe_check(p, 'M', "slots.present", rv == CKR_OK && present <= n,
	            "C_GetSlotList(tokenPresent): %s, %lu of %lu", probe_rv(rv),
	            (unsigned long)present, (unsigned long)n);
}

static void bad_slot(probe *p)
{
	const CK_SLOT_ID bad = 0x7ead0e11;
	CK_SLOT_INFO si;
	CK_TOKEN_INFO ti;
	CK_SESSION_HANDLE s;
	CK_ULONG n = 0;
	CK_RV r1, r2, r3, r4;

	r1 = p->f->C_GetSlotInfo(bad, &si);
	r2 = p->f->C_GetTokenInfo(bad, &ti);
	r3 = p->f->C_GetMechanismList(bad, NULL, &n);
	r4 = p->f->C_OpenSession(bad, CKF_SERIAL_SESSION, NULL, NULL, &s);
	probe_check(p, 'M', "slots.invalid_id",
	            r1 == CKR_SLOT_ID_INVALID && r2 == CKR_SLOT_ID_INVALID &&
	                    r3 == CKR_SLOT_ID_INVALID &&
	                    r4 == CKR_SLOT_ID_INVALID,
	            "unknown slot id: slot info %s, token info %s, mechanisms "
	            "%s, session %s",
	            probe_rv(r1), probe_rv(r2), probe_rv(r3), probe_rv(r4));
}

static void mechanisms(probe *p)
{
	CK_MECHANISM_TYPE list[256];
	CK_ULONG n = 0, m;
	bool ok;
	CK_RV rv;

	rv = p->f->C_GetMechanismList(p->slot, NULL, &n);
	ok = rv == CKR_OK && n <= 256;
	if (ok && n > 0) {
		m = n - 1;
		rv = p->f->C_GetMechanismList(p->slot, list, &m);
		ok = rv == CKR_BUFFER_TOO_SMALL && m == n;
		m = n;
		if (ok)
			rv = p->f->C_GetMechanismList(p->slot, list, &m);
		ok = ok && rv == CKR_OK && m == n;
	}
	probe_check(p, 'M', "mechanisms.two_call", ok,
	            "C_GetMechanismList: %lu mechanisms: %s", (unsigned long)n,
	            probe_rv(rv));
}

void probe_infos(probe *p)
{
	padding(p);
	slot_lists(p);
	bad_slot(p);
	if (p->have_slot)
		mechanisms(p);
}
