/*
 * slot.h: the slot table, shared by slot.c and event.c.
 */
#ifndef SAFEID_P11_SLOT_H
#define SAFEID_P11_SLOT_H

#include "p11.h"

typedef struct p11_slot_entry {
	bool used;
	char reader[P11_READER_MAX];
	void *lock;          /* serialises token I/O on this reader */
	/* What C_WaitForSlotEvent last reported (under the module lock). */
	bool last_present;
	unsigned long last_events; /* PC/SC event counter of the reader */
	/* The token's info as last read (presence.c, under the module
	 * lock): valid while the reader's state still equals mark. */
	bool cached;
	safeid_info info;
	unsigned long mark;  /* reader's dwEventState when info was read */
	long long read_ms;   /* CLOCK_MONOTONIC ms when info was read */
} p11_slot_entry;

extern p11_slot_entry p11_slots[P11_MAX_SLOTS];

/* Wake a thread blocked in C_WaitForSlotEvent (C_Finalize). */
void p11_wait_cancel(void);
/* Accept C_WaitForSlotEvent calls again (C_Initialize). */
void p11_wait_open(void);

#endif /* SAFEID_P11_SLOT_H */
