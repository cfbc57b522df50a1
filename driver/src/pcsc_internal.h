/* SPDX-License-Identifier: BSD-2-Clause */
/* Shared by the PC/SC transport files: pcsc-lite result codes to ours. */
#ifndef SAFEID_PCSC_INTERNAL_H
#define SAFEID_PCSC_INTERNAL_H

#include <PCSC/winscard.h>

#include "internal.h"

/* Where the call failed: the same PC/SC code means different things while
 * connecting (no token yet) and while talking (the token went away). */
enum sid_pcsc_phase {
	SID_PCSC_SETUP,
	SID_PCSC_CONNECT,
	SID_PCSC_TRANSMIT,
};

int sid_pcsc_err(LONG rv, enum sid_pcsc_phase phase);

#endif /* SAFEID_PCSC_INTERNAL_H */
