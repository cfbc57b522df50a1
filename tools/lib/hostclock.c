/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hostclock.c: the token clock is set from the host clock, so a burn on a
 * host whose clock is off gives a token whose codes are off by as much.
 * The kernel knows whether an NTP daemon keeps it disciplined.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/timex.h>

#include "client.h"

client_ntp_state client_ntp_state_read(void)
{
	const char *force = getenv("SAFEID_ASSUME_NTP");
	struct timex tx;
	int rc;

	if (force != NULL && strcmp(force, "synced") == 0)
		return CLIENT_NTP_SYNCED;
	if (force != NULL && strcmp(force, "unsynced") == 0)
		return CLIENT_NTP_UNSYNCED;
	memset(&tx, 0, sizeof(tx));
	tx.modes = 0; /* read only */
	rc = ntp_adjtime(&tx);
	if (rc < 0)
		return CLIENT_NTP_UNKNOWN;
	if (rc == TIME_ERROR || (tx.status & STA_UNSYNC))
		return CLIENT_NTP_UNSYNCED;
	return CLIENT_NTP_SYNCED;
}

const char *client_ntp_state_name(client_ntp_state s)
{
	switch (s) {
	case CLIENT_NTP_SYNCED:
		return "synced";
	case CLIENT_NTP_UNSYNCED:
		return "unsynced";
	default:
		return "unknown";
	}
}
