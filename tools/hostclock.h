/* hostclock.h: is the host clock trustworthy enough to set a token by? */
#ifndef SAFEID_TOOL_HOSTCLOCK_H
#define SAFEID_TOOL_HOSTCLOCK_H

#include <stdbool.h>

typedef enum tool_ntp_state {
	TOOL_NTP_SYNCED = 0,     /* the kernel says NTP keeps it in step */
	TOOL_NTP_UNSYNCED = 1,   /* not synchronised: codes may be off */
	TOOL_NTP_UNKNOWN = 2,    /* the kernel could not tell */
} tool_ntp_state;

/* Ask the kernel (ntp_adjtime, read-only).  $SAFEID_ASSUME_NTP=synced or
 * =unsynced overrides it (for tests and containers without NTP). */
tool_ntp_state tool_host_ntp_state(void);
const char *tool_ntp_state_name(tool_ntp_state s); /* "synced", ... */

#endif /* SAFEID_TOOL_HOSTCLOCK_H */
