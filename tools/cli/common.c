/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * common.c: helpers the commands share: opening the backend (after an
 * optional bounded wait for a token), the writer lock, progress lines and
 * the description of a token.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "watchdog.h"

#define LOCK_WAIT_SECONDS CLIENT_LOCK_WAIT_SECONDS

const char *tool_text(const char *s, char *buf, size_t cap)
{
	return input_text_escape(s, s != NULL ? strlen(s) : 0, buf, cap);
}

static int token_wait(const tool_opts *o, client_error *err)
{
	char reader[CLIENT_READER_MAX], shown[TOOL_TEXT_CAP(CLIENT_READER_MAX)];
	int ret = client_reader_find(o->reader, reader, sizeof(reader), err);

	if (ret != 0)
		return ret;
	if (!o->json)
		fprintf(stderr,
		        "Waiting up to %ld s for a token on %s%s%s "
		        "(place it on the reader and press its "
		        "button)...\n",
		        o->wait_seconds, reader[0] != '\0' ? "'" : "any reader",
		        tool_text(reader, shown, sizeof(shown)),
		        reader[0] != '\0' ? "'" : "");
	return client_token_wait(reader, o->wait_seconds, err);
}

/* --verbose: the backend's calls and their results. */
static void trace_show(void *arg, const char *line)
{
	char shown[4096];

	(void)arg;
	fprintf(stderr, "safeid-tool: %s\n",
	        tool_text(line, shown, sizeof(shown)));
}

/* The backend names the reader it chose before it asks its token. */
static void reader_chosen(void *arg, const char *reader)
{
	(void)arg;
	tool_watchdog_reader(reader);
}

int tool_backend_open(const tool_opts *o, client_backend **b, client_error *err)
{
	client_backend_opts bo;
	int ret;

	*b = NULL;
	ret = client_backend_check(o->backend, err);
	if (ret == 0 && o->wait_seconds >= 0)
		ret = token_wait(o, err);
	if (ret != 0)
		return ret;
	memset(&bo, 0, sizeof(bo));
	bo.name = o->backend;
	bo.module_path = o->module;
	bo.on_reader = reader_chosen;
	if (o->verbose) {
		bo.trace = trace_show;
		/* The module's own trace (steps, APDU headers; never data). */
		setenv("SAFEID_PKCS11_DEBUG", "1", 0);
	}
	return client_backend_open(&bo, b, err);
}

static void on_alarm(int sig)
{
	(void)sig; /* only interrupts flock() */
}

/* A blocking flock() bounded by an alarm: the kernel wakes us when the
 * other writer lets go, and the alarm ends the wait if it never does (no
 * polling). */
static int lock_wait(int fd, unsigned seconds)
{
	struct sigaction sa, old;
	int rc;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, &old);
	alarm(seconds);
	rc = flock(fd, LOCK_EX);
	alarm(0);
	sigaction(SIGALRM, &old, NULL);
	return rc;
}

static int lock_take(const tool_opts *o, int *fd, client_error *err)
{
	char path[4200], line[CLIENT_MSG_MAX];
	int ret = client_lock_try(o->state_dir, fd, path, sizeof(path), err);

	if (ret != 1)
		return ret;
	client_text_lock_wait(*fd, LOCK_WAIT_SECONDS, line, sizeof(line));
	if (!o->json)
		fprintf(stderr, "safeid-tool: %s\n", line);
	if (lock_wait(*fd, LOCK_WAIT_SECONDS) == 0) {
		client_lock_held(*fd);
		return 0;
	}
	return client_lock_fail(fd, LOCK_WAIT_SECONDS, path, err);
}

int tool_lock_take(const tool_opts *o, int *fd, client_error *err)
{
	return lock_take(o, fd, err);
}

int tool_writer_open(const tool_opts *o, int *lockfd, client_backend **b,
                     client_slot *s, client_error *err)
{
	int ret;

	*b = NULL;
	ret = lock_take(o, lockfd, err);
	if (ret != 0)
		return ret;
	ret = tool_backend_open(o, b, err);
	if (ret != 0)
		return ret;
	tool_watchdog_arm(client_step_text(CLIENT_STEP_INFO), SAFEID_SEED_OLD,
	                  CLIENT_EXIT_TOKEN);
	ret = client_slot_read(*b, o->reader, s, err);
	tool_watchdog_disarm();
	if (ret != 0)
		return ret;
	tool_watchdog_reader(s->reader);
	return 0;
}

/* Add a sentence to an error message. */
static void msg_append(client_error *err, const char *text)
{
	size_t n = strlen(err->msg);

	if (text[0] != '\0')
		snprintf(err->msg + n, sizeof(err->msg) - n, "%s%s",
		         n > 0 && err->msg[n - 1] != '.' ? ". " : " ", text);
}

int tool_write_settle(const tool_opts *o, json_out *j, int ret,
                      client_record_txn *t, const client_write_result *res,
                      client_error *err)
{
	char note[CLIENT_MSG_MAX];
	client_error rerr;
	int rret;

	tool_watchdog_write_end();
	memset(&rerr, 0, sizeof(rerr));
	rret = client_record_end(t, res, note, sizeof(note), &rerr);
	if (o->json) {
		json_str(j, "seed_state", safeid_seed_state_name(res->seed));
		json_str(j, "config_state",
		         client_config_state_name(res->config));
	}
	if (ret != 0) {
		msg_append(err, note);
		if (rret != 0)
			msg_append(err, rerr.msg);
		return ret;
	}
	if (rret != 0)
		*err = rerr;
	return rret;
}

void tool_step_show(void *arg, client_step step, int phase)
{
	const tool_opts *o = arg;

	/* Every step gets its own bound on a silent token. */
	tool_watchdog_step(step, phase);
	if (o->json)
		return;
	if (phase == CLIENT_PHASE_START)
		printf("  %s ... ", client_step_text(step));
	else
		printf("%s\n", phase == CLIENT_PHASE_OK ? "done" : "FAILED");
	fflush(stdout);
}

uint64_t tool_now(const tool_opts *o)
{
	return o->at >= 0 ? (uint64_t)o->at : (uint64_t)time(NULL);
}

unsigned tool_display(const tool_opts *o)
{
	return o->display > 0 ? (unsigned)o->display : 30u;
}

void tool_slot_show(const tool_opts *o, json_out *j, const client_slot *s,
                    uint64_t host_now)
{
	long long drift = (long long)s->clock - (long long)host_now;
	char when[96], shown[TOOL_TEXT_CAP(CLIENT_READER_MAX)];

	if (o->json) {
		json_str(j, "reader", s->reader);
		json_bool(j, "token_present", s->present);
		json_bool(j, "foreign_card", s->foreign);
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
	/* the reader's name, the serial and the model come from devices */
	printf("Reader:     %s\n", tool_text(s->reader, shown, sizeof(shown)));
	if (!s->present) {
		printf("Token:      none (%s)\n",
		       client_text(s->foreign ? CLIENT_TEXT_FOREIGN_CARD
		                              : CLIENT_TEXT_PLACE_TOKEN));
		return;
	}
	printf("Serial:     %s\n", tool_text(s->serial, shown, sizeof(shown)));
	printf("Model:      %s%s%s%s\n",
	       s->model[0] != '\0' ? tool_text(s->model, shown, sizeof(shown))
	                           : "unknown",
	       s->restricted_sync ? " (" : "",
	       s->restricted_sync ? client_text(CLIENT_TEXT_RESTRICTED) : "",
	       s->restricted_sync ? ")" : "");
	if (s->clock_known) {
		client_text_drift(s->clock, host_now, when, sizeof(when));
		printf("Clock:      %s\n", when);
	} else {
		printf("Clock:      not readable\n");
	}
}
