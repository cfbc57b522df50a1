/*
 * hostclock.c: the token clock is set from the host clock, so a burn on a
 * host whose clock is off gives a token whose codes are off by as much.
 * The kernel knows whether an NTP daemon keeps it disciplined.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/timex.h>

#include "hostclock.h"

tool_ntp_state tool_host_ntp_state(void)
{
	const char *force = getenv("SAFEID_ASSUME_NTP");
	struct timex tx;
	int rc;

	if (force != NULL && strcmp(force, "synced") == 0)
		return TOOL_NTP_SYNCED;
	if (force != NULL && strcmp(force, "unsynced") == 0)
		return TOOL_NTP_UNSYNCED;
	memset(&tx, 0, sizeof(tx));
	tx.modes = 0; /* read only */
	rc = ntp_adjtime(&tx);
	if (rc < 0)
		return TOOL_NTP_UNKNOWN;
	if (rc == TIME_ERROR || (tx.status & STA_UNSYNC))
		return TOOL_NTP_UNSYNCED;
	return TOOL_NTP_SYNCED;
}

const char *tool_ntp_state_name(tool_ntp_state s)
{
	switch (s) {
	case TOOL_NTP_SYNCED:
		return "synced";
	case TOOL_NTP_UNSYNCED:
		return "unsynced";
	default:
		return "unknown";
	}
}
