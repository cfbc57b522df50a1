/*
 * common.c: helpers the commands share: opening the backend (after an
 * optional bounded wait for a token by PC/SC events), progress lines and
 * the description of a token.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <safeid/safeid.h>

#include "commands.h"
#include "lock.h"
#include "plugin.h"
#include "watchdog.h"

static int wait_for_token(const tool_opts *o, tool_error *err)
{
	safeid_reader_list l;
	char name[TOOL_READER_MAX], found[TOOL_READER_MAX];
	const char *reader = NULL;
	size_t idx = 0;
	int rc;

	memset(&l, 0, sizeof(l));
	rc = safeid_pcsc_list(&l);
	if (rc != SAFEID_OK)
		return tool_fail(err, EXIT_NO_TOKEN, "no_service",
		                 "cannot list readers: %s", safeid_strerror(rc));
	if (o->reader != NULL && o->reader[0] != '\0') {
		rc = safeid_pcsc_pick(&l, o->reader, &idx);
		if (rc != SAFEID_OK) {
			safeid_pcsc_list_free(&l);
			return tool_fail(err, EXIT_USAGE, "reader_unknown",
			                 "-r '%s': %s", o->reader,
			                 safeid_strerror(rc));
		}
		snprintf(name, sizeof(name), "%s", l.names[idx]);
		reader = name;
	}
	safeid_pcsc_list_free(&l);
	if (!o->json)
		fprintf(stderr, "Waiting up to %ld s for a token on %s%s%s "
		                "(place it on the reader and press its button)...\n",
		        o->wait_seconds, reader != NULL ? "'" : "any reader",
		        reader != NULL ? reader : "", reader != NULL ? "'" : "");
	rc = safeid_pcsc_wait_card(reader, o->wait_seconds * 1000L, found,
	                           sizeof(found));
	if (rc == SAFEID_ERR_TIMEOUT)
		return tool_fail(err, EXIT_NO_TOKEN, "wait_timeout",
		                 "no token was placed within %ld seconds: put the "
		                 "token on the reader, switch it on and run again",
		                 o->wait_seconds);
	if (rc != SAFEID_OK)
		return tool_fail(err, EXIT_NO_TOKEN, "wait_failed",
		                 "waiting for a token failed: %s",
		                 safeid_strerror(rc));
	return 0;
}

int tool_open(const tool_opts *o, const tool_backend_ops **ops,
              tool_backend **b, tool_error *err)
{
	tool_backend_opts bo;
	int ret;

	*b = NULL;
	if (o->backend == NULL || strcmp(o->backend, "pkcs11") == 0)
		*ops = tool_backend_pkcs11();
	else if (strcmp(o->backend, "opensc") == 0)
		*ops = tool_load_opensc_backend(err);
	else
		return tool_fail(err, EXIT_USAGE, "usage",
		                 "--backend '%s' is unknown: use pkcs11 or opensc",
		                 o->backend);
	if (*ops == NULL)
		return err->exit_code;
	if (o->wait_seconds >= 0) {
		ret = wait_for_token(o, err);
		if (ret != 0)
			return ret;
	}
	memset(&bo, 0, sizeof(bo));
	bo.module_path = o->module;
	bo.argv0 = o->argv0;
	bo.verbose = o->verbose;
	return (*ops)->open(&bo, b, err);
}

void tool_progress(void *arg, const char *name, int phase)
{
	const tool_opts *o = arg;

	/* Every step gets its own bound on a silent token. */
	tool_watchdog_step(name, phase);
	if (o->json)
		return;
	if (phase == TOOL_PHASE_START)
		printf("  %s ... ", name);
	else
		printf("%s\n", phase == TOOL_PHASE_OK ? "done" : "FAILED");
	fflush(stdout);
}

void tool_fmt_time(uint64_t t, char *out, size_t cap)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL || strftime(out, cap, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		snprintf(out, cap, "%llu", (unsigned long long)t);
}

uint64_t tool_now(const tool_opts *o)
{
	return o->at >= 0 ? (uint64_t)o->at : (uint64_t)time(NULL);
}

unsigned tool_display(const tool_opts *o)
{
	return o->display > 0 ? (unsigned)o->display : 30u;
}

void tool_show_slot(const tool_opts *o, json_out *j, const tool_slot *s,
                    uint64_t host_now)
{
	long long drift = (long long)s->clock - (long long)host_now;
	char when[48];

	if (o->json) {
		json_str(j, "reader", s->reader);
		json_bool(j, "token_present", s->present);
		if (!s->present)
			return;
		json_str(j, "serial", s->serial);
		json_str(j, "model", s->model[0] != '\0' ? s->model : NULL);
		json_bool(j, "restricted_sync", s->restricted_sync);
		if (s->clock_known) {
			json_uint(j, "token_clock", s->clock);
			json_int(j, "drift_seconds", drift);
		} else {
			json_null(j, "token_clock");
			json_null(j, "drift_seconds");
		}
		json_uint(j, "host_clock", host_now);
		return;
	}
	printf("Reader:     %s\n", s->reader);
	if (!s->present) {
		printf("Token:      none (place the token and press its button)\n");
		return;
	}
	printf("Serial:     %s\n", s->serial);
	printf("Model:      %s%s\n", s->model[0] != '\0' ? s->model : "unknown",
	       s->restricted_sync ? " (restricted sync: a clock write erases "
	                            "the seed)"
	                          : "");
	if (s->clock_known) {
		tool_fmt_time(s->clock, when, sizeof(when));
		printf("Clock:      %s (%+lld s from the host clock)\n", when,
		       drift);
	} else {
		printf("Clock:      not readable\n");
	}
}

int tool_open_writer(const tool_opts *o, int *lockfd,
                     const tool_backend_ops **ops, tool_backend **b,
                     tool_slot *s, tool_error *err)
{
	int ret = tool_lock(o->state_dir, 120, o->json, lockfd, err);

	if (ret != 0)
		return ret;
	ret = tool_open(o, ops, b, err);
	if (ret != 0)
		return ret;
	tool_watchdog_arm("read token info", SAFEID_SEED_OLD, EXIT_TOKEN);
	ret = (*ops)->info(*b, o->reader, s, err);
	tool_watchdog_disarm();
	if (ret != 0)
		return ret;
	tool_watchdog_reader(s->reader);
	return 0;
}
