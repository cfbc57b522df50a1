/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * clock.c: what a clock write sends.  The token cannot report its
 * configuration and a clock write re-sends all of it, so it comes from
 * the person or from the burn record, never from a guess.
 */
#include <string.h>

#include "client.h"

int client_clock_plan_fill(client_clock_plan *p, const char *state_dir,
                           const client_slot *s, const client_clock_opts *o,
                           const char **source, client_error *err)
{
	char path[4200];
	client_record r;
	int rc;

	memset(p, 0, sizeof(*p));
	rc = client_record_load(state_dir, s->serial, &r, path, sizeof(path),
	                        err);
	if (rc > 1)
		return rc;
	*source = rc == 0 ? "burn record" : "options";
	if (rc == 1 &&
	    (o->hash == NULL || o->step == 0 || o->display_seconds == 0))
		return client_fail(
			err, CLIENT_EXIT_USAGE, "config_unknown",
			"the configuration of token %s is unknown: "
			"no burn record at '%s'%s",
			s->serial, path,
			client_front_words(" and not all of --hash, --step and "
		                           "--display given. A clock write "
		                           "re-sends them, so give the values "
		                           "the token was burned with",
		                           ". A clock write re-sends its hash, "
		                           "step and display, which are never "
		                           "guessed: burn the account again "
		                           "instead (a burn sets the clock)"));
	p->hash = rc == 0 ? r.hash : SAFEID_HASH_SHA1;
	p->step = rc == 0 ? r.step : 30;
	p->display_seconds = rc == 0 ? r.display : 30;
	if (o->hash != NULL && !client_hash_parse(o->hash, &p->hash))
		return client_fail(err, CLIENT_EXIT_USAGE, "usage",
		                   "--hash '%s': use sha1 or sha256", o->hash);
	if (o->step > 0)
		p->step = o->step;
	if (o->display_seconds > 0)
		p->display_seconds = o->display_seconds;
	if (rc == 0 &&
	    (o->hash != NULL || o->step > 0 || o->display_seconds > 0))
		*source = "burn record and options";
	return 0;
}
