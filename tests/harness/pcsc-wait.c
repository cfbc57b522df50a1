/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pcsc-wait: wait, with a bound, until PC/SC shows what a test needs:
 * the service up, a reader present, a card present or absent.  Waiting is
 * done with SCardGetStatusChange (event driven), never with fixed sleeps.
 *
 *   pcsc-wait [--timeout MS] --service
 *   pcsc-wait [--timeout MS] --reader NAME [--present | --absent]
 *   pcsc-wait --list
 *
 * Exit 0 when the condition holds, 1 when the bound is reached (with a
 * message saying what was still missing), 2 on bad usage.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <PCSC/winscard.h>
#include <PCSC/wintypes.h>

/* Re-check interval while pcscd has not created its socket yet; the only
 * condition PC/SC itself cannot signal. */
#define SERVICE_RETRY_MS 20

typedef enum want {
	WANT_READER,
	WANT_PRESENT,
	WANT_ABSENT
} want;

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static DWORD remaining(long long deadline)
{
	long long left = deadline - now_ms();
	return left > 0 ? (DWORD)left : 0;
}

static int establish(SCARDCONTEXT *ctx, long long deadline)
{
	LONG rv;

	for (;;) {
		rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, ctx);
		if (rv == SCARD_S_SUCCESS)
			return 0;
		if (remaining(deadline) == 0) {
			fprintf(stderr,
			        "pcsc-wait: no PC/SC service (%s) within the "
			        "bound; is pcscd running?\n",
			        pcsc_stringify_error(rv));
			return -1;
		}
		(void)poll(NULL, 0, SERVICE_RETRY_MS);
	}
}

static bool reader_listed(SCARDCONTEXT ctx, const char *name)
{
	char *list = NULL;
	DWORD len = SCARD_AUTOALLOCATE;
	bool found = false;

	if (SCardListReaders(ctx, NULL, (LPSTR)&list, &len) != SCARD_S_SUCCESS)
		return false;
	for (const char *p = list; *p != '\0'; p += strlen(p) + 1)
		if (strcmp(p, name) == 0)
			found = true;
	SCardFreeMemory(ctx, list);
	return found;
}

/* Block until the reader list changes or the deadline passes. */
static void wait_reader_change(SCARDCONTEXT ctx, long long deadline)
{
	SCARD_READERSTATE rs;

	memset(&rs, 0, sizeof(rs));
	rs.szReader = "\\\\?PnP?\\Notification";
	rs.dwCurrentState = SCARD_STATE_UNAWARE;
	/* the first call reports the current count; the second waits */
	if (SCardGetStatusChange(ctx, 0, &rs, 1) == SCARD_S_SUCCESS)
		rs.dwCurrentState =
			rs.dwEventState & ~(DWORD)SCARD_STATE_CHANGED;
	(void)SCardGetStatusChange(ctx, remaining(deadline), &rs, 1);
}

static bool state_ok(DWORD st, want w)
{
	if (w == WANT_PRESENT)
		return (st & SCARD_STATE_PRESENT) != 0 &&
		       (st & SCARD_STATE_MUTE) == 0;
	if (w == WANT_ABSENT)
		return (st & SCARD_STATE_EMPTY) != 0;
	return true;
}

static int wait_reader(SCARDCONTEXT ctx, const char *name, want w,
                       long long deadline)
{
	SCARD_READERSTATE rs;
	LONG rv;

	while (!reader_listed(ctx, name)) {
		if (remaining(deadline) == 0) {
			fprintf(stderr,
			        "pcsc-wait: reader '%s' did not appear within "
			        "the bound; check pcscd's log and reader.conf\n",
			        name);
			return -1;
		}
		wait_reader_change(ctx, deadline);
	}
	memset(&rs, 0, sizeof(rs));
	rs.szReader = name;
	rs.dwCurrentState = SCARD_STATE_UNAWARE;
	for (;;) {
		rv = SCardGetStatusChange(ctx, 0, &rs, 1);
		if (rv == SCARD_S_SUCCESS) {
			if (state_ok(rs.dwEventState, w))
				return 0;
			rs.dwCurrentState =
				rs.dwEventState & ~(DWORD)SCARD_STATE_CHANGED;
		}
		if (remaining(deadline) == 0)
			break;
		rv = SCardGetStatusChange(ctx, remaining(deadline), &rs, 1);
		if (rv == SCARD_S_SUCCESS && state_ok(rs.dwEventState, w))
			return 0;
		if (rv != SCARD_S_SUCCESS && rv != SCARD_E_TIMEOUT) {
			fprintf(stderr, "pcsc-wait: reader '%s': %s\n", name,
			        pcsc_stringify_error(rv));
			return -1;
		}
		rs.dwCurrentState = SCARD_STATE_UNAWARE;
	}
	fprintf(stderr,
	        "pcsc-wait: reader '%s': card still %s after the "
	        "bound; is the emulator running and connected?\n",
	        name, w == WANT_PRESENT ? "absent" : "present");
	return -1;
}

static int list_readers(SCARDCONTEXT ctx)
{
	char *list = NULL;
	DWORD len = SCARD_AUTOALLOCATE;
	LONG rv = SCardListReaders(ctx, NULL, (LPSTR)&list, &len);

	if (rv == SCARD_E_NO_READERS_AVAILABLE)
		return 0;
	if (rv != SCARD_S_SUCCESS) {
		fprintf(stderr, "pcsc-wait: cannot list readers: %s\n",
		        pcsc_stringify_error(rv));
		return 1;
	}
	for (const char *p = list; *p != '\0'; p += strlen(p) + 1) {
		SCARD_READERSTATE rs;
		memset(&rs, 0, sizeof(rs));
		rs.szReader = p;
		rs.dwCurrentState = SCARD_STATE_UNAWARE;
		(void)SCardGetStatusChange(ctx, 0, &rs, 1);
		printf("%s\t%s\n", p,
		       (rs.dwEventState & SCARD_STATE_PRESENT) ? "present"
		                                               : "empty");
	}
	SCardFreeMemory(ctx, list);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"timeout", required_argument, NULL, 't'},
		{"service", no_argument, NULL, 's'},
		{"reader", required_argument, NULL, 'r'},
		{"present", no_argument, NULL, 'p'},
		{"absent", no_argument, NULL, 'a'},
		{"list", no_argument, NULL, 'l'},
		{NULL, 0, NULL, 0},
	};
	SCARDCONTEXT ctx = 0;
	const char *reader = NULL;
	long timeout = 10000;
	bool service = false, list = false;
	want w = WANT_READER;
	int c, rc = 1;
	long long deadline;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			timeout = strtol(optarg, NULL, 10);
			break;
		case 's':
			service = true;
			break;
		case 'r':
			reader = optarg;
			break;
		case 'p':
			w = WANT_PRESENT;
			break;
		case 'a':
			w = WANT_ABSENT;
			break;
		case 'l':
			list = true;
			break;
		default:
			fprintf(stderr,
			        "usage: pcsc-wait [--timeout MS] --service | "
			        "--reader NAME [--present|--absent] | --list\n");
			return 2;
		}
	}
	if (timeout < 0 || (!service && !list && reader == NULL)) {
		fprintf(stderr,
		        "pcsc-wait: give --service, --list or --reader NAME "
		        "(and a --timeout in ms >= 0)\n");
		return 2;
	}
	deadline = now_ms() + timeout;
	if (establish(&ctx, list ? now_ms() : deadline) != 0)
		return 1;
	if (list)
		rc = list_readers(ctx);
	else if (reader != NULL)
		rc = wait_reader(ctx, reader, w, deadline) == 0 ? 0 : 1;
	else
		rc = 0;
	SCardReleaseContext(ctx);
	return rc;
}
