/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * wait.c: waiting for a token to be placed, by PC/SC events (bounded, no
 * polling), before any backend is opened.
 */
#include <stdio.h>
#include <string.h>

#include "client.h"

int client_reader_find(const char *spec, char *name, size_t cap,
                       client_error *err)
{
	safeid_reader_list l;
	size_t idx = 0;
	int rc;

	name[0] = '\0';
	memset(&l, 0, sizeof(l));
	rc = safeid_pcsc_list(&l);
	if (rc != SAFEID_OK)
		return client_fail(err, CLIENT_EXIT_NO_TOKEN, "no_service",
		                   "cannot list readers: %s",
		                   safeid_strerror(rc));
	if (spec != NULL && spec[0] != '\0') {
		rc = safeid_pcsc_pick(&l, spec, &idx);
		if (rc != SAFEID_OK) {
			safeid_pcsc_list_free(&l);
			return client_fail(err, CLIENT_EXIT_USAGE,
			                   "reader_unknown", "-r '%s': %s",
			                   spec, safeid_strerror(rc));
		}
		snprintf(name, cap, "%s", l.names[idx]);
	}
	safeid_pcsc_list_free(&l);
	return 0;
}

int client_token_wait(const char *reader, long seconds, client_error *err)
{
	char found[CLIENT_READER_MAX];
	int rc;

	if (reader != NULL && reader[0] == '\0')
		reader = NULL;
	rc = safeid_pcsc_wait_card(reader, seconds * 1000L, found,
	                           sizeof(found));
	if (rc == SAFEID_ERR_TIMEOUT)
		return client_fail(err, CLIENT_EXIT_NO_TOKEN, "wait_timeout",
		                   "no token was placed within %ld seconds: "
		                   "put the token on the reader, switch it on "
		                   "and run again",
		                   seconds);
	if (rc != SAFEID_OK)
		return client_fail(err, CLIENT_EXIT_NO_TOKEN, "wait_failed",
		                   "waiting for a token failed: %s",
		                   safeid_strerror(rc));
	return 0;
}
