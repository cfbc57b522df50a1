/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * watchdog.c: alarm(2) plus a handler that only write(2)s a message made
 * beforehand, settles the burn record (rename/unlink) and _exit(2)s.  Two
 * sets of message buffers: the set being filled is never the one the
 * handler may read, so re-arming needs no lock.  During a write a set
 * holds one message per answer to "how many write commands has the
 * backend begun since the write step began" (none, the configuration,
 * the seed too), and the handler asks that (async-signal-safe) to pick.
 * With --json, each message is the whole output object with the error in
 * it (nothing of it has been written yet).
 */
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "watchdog.h"

#define WD_MSG_MAX 2048
#define WD_VARIANTS 3

/* What the handler does for one answer. */
typedef struct wd_msg {
	char text[WD_MSG_MAX]; /* stderr line */
	char *json;            /* stdout: the whole --json object, or a
	                               newline ending a progress line */
	size_t text_len, json_len;
	int code;
	client_record_fate fate;
} wd_msg;

/* Where the write stands when the token falls silent. */
enum wd_mode {
	WD_PLAIN,   /* no write under way: wd.held */
	WD_WRITING, /* the write step: by the write commands begun */
	WD_WRITTEN, /* the write step succeeded: confirming */
	WD_FAILED,  /* the write step failed: the backend finds out */
};

static struct {
	wd_msg msg[2][WD_VARIANTS];
	bool probe[2];             /* pick by the write commands begun */
	unsigned long base[2];     /* ... since this count */
	volatile sig_atomic_t cur; /* set the handler uses */
	unsigned seconds;
	json_out *j;
	char reader[CLIENT_READER_MAX];
	char step[160]; /* last step armed, for re-arming */
	enum wd_mode mode;
	safeid_seed_state held; /* WD_PLAIN */
	char held_text[1024];   /* WD_PLAIN: said instead of held's
	                               sentence when set (a Molto2's
	                               profiles) */
	int exit_code;
	/* the write under way (tool_watchdog_write) */
	const client_backend *b;
	client_record_txn *txn;
	client_slot token;
	bool burn;
	unsigned long writes0; /* writes begun when the write step began */
	bool started;
} wd;

static void on_alarm(int sig)
{
	int i = wd.cur, v = 0;
	const wd_msg *m;
	ssize_t rc;

	(void)sig;
	if (wd.probe[i]) {
		unsigned long w = client_backend_writes(wd.b);

		v = w == ULONG_MAX || w - wd.base[i] >= 2
		            ? 2
		            : (int)(w - wd.base[i]);
	}
	m = &wd.msg[i][v];
	if (wd.txn != NULL)
		client_record_abandon(wd.txn, m->fate);
	if (m->json_len > 0)
		rc = write(STDOUT_FILENO, m->json, m->json_len);
	rc = write(STDERR_FILENO, m->text, m->text_len);
	(void)rc;
	_exit(m->code);
}

/* What stdout gets when no JSON object can be made (out of memory). */
static char wd_nomem[] =
	"{\"ok\":false,\"exit_code\":9,\"error\":{\"code\":\"nomem\","
	"\"message\":\"out of memory writing the JSON output\"}}\n";
static char wd_newline[] = "\n";

/* One message: the token held what r says when it fell silent. */
static void message_fill(wd_msg *m, const client_write_result *r, int code)
{
	char msg[WD_MSG_MAX - 256], held[1024], reader[CLIENT_READER_MAX];
	int n;

	if (wd.mode == WD_PLAIN && wd.held_text[0] != '\0')
		snprintf(held, sizeof(held), "%s", wd.held_text);
	else
		client_text_held(r, held, sizeof(held));
	/* the reader's name comes from PC/SC, i.e. from a device */
	input_text_escape(wd.reader, strlen(wd.reader), reader, sizeof(reader));
	snprintf(msg, sizeof(msg),
	         "no answer from the token on reader '%s' within %u s at step "
	         "'%s'; the tool gave up. The token now holds: %s. Next: %s",
	         reader[0] != '\0' ? reader : "(not chosen yet)", wd.seconds,
	         wd.step, held, client_text_next_step(r->seed, code));
	n = snprintf(m->text, WD_MSG_MAX, "safeid-tool: %s\n", msg);
	m->text_len = n < 0 ? 0 : strnlen(m->text, WD_MSG_MAX);
	if (m->json != wd_nomem && m->json != wd_newline)
		free(m->json);
	if (wd.j != NULL) {
		m->json = json_render(wd.j, safeid_seed_state_name(r->seed),
		                      client_config_state_name(r->config), code,
		                      "timeout", msg);
		if (m->json == NULL)
			m->json = wd_nomem;
	} else {
		/* End a progress line left open ("  step ... "). */
		m->json = wd_newline;
	}
	m->json_len = strlen(m->json);
	m->code = code;
	m->fate = wd.txn != NULL ? client_record_fate_of(wd.txn, r)
	                         : CLIENT_RECORD_RESTORE;
}

/* The token's state seed/config, the configuration being the write's. */
static void state_set(client_write_result *r, safeid_seed_state seed,
                      client_config_state config)
{
	memset(r, 0, sizeof(*r));
	if (wd.txn != NULL && wd.txn->have_made) {
		r->hash = wd.txn->made.hash;
		r->step = wd.txn->made.step;
		r->display_seconds = wd.txn->made.display;
	}
	r->seed = seed;
	r->config = config;
}

/* The exit code that promises what a state says (safeid-tool --help). */
static int state_code(const client_write_result *r)
{
	return r->seed == SAFEID_SEED_OLD || r->seed == SAFEID_SEED_NEW
	               ? CLIENT_EXIT_TOKEN
	               : CLIENT_EXIT_PARTIAL;
}

/* Fill the set the handler is not using, then switch to it. */
static void message_prepare(void)
{
	int i = !wd.cur;
	bool r = wd.token.restricted_sync;
	client_write_result st[WD_VARIANTS];
	int nv = 1;

	wd.probe[i] = false;
	switch (wd.mode) {
	case WD_PLAIN:
		state_set(&st[0], wd.held, CLIENT_CONFIG_UNCHANGED);
		message_fill(&wd.msg[i][0], &st[0], wd.exit_code);
		break;
	case WD_WRITTEN:
		state_set(&st[0],
		          wd.burn ? SAFEID_SEED_NEW
		          : r     ? SAFEID_SEED_ERASED
		                  : SAFEID_SEED_OLD,
		          CLIENT_CONFIG_WRITTEN);
		message_fill(&wd.msg[i][0], &st[0], state_code(&st[0]));
		break;
	case WD_WRITING:
	case WD_FAILED:
		/* none begun; the configuration; the seed too */
		state_set(&st[0], SAFEID_SEED_OLD, CLIENT_CONFIG_UNCHANGED);
		state_set(&st[1], r ? SAFEID_SEED_UNKNOWN : SAFEID_SEED_OLD,
		          CLIENT_CONFIG_UNKNOWN);
		if (wd.burn)
			state_set(&st[2], SAFEID_SEED_UNKNOWN,
			          CLIENT_CONFIG_WRITTEN);
		else
			st[2] = st[1];
		nv = WD_VARIANTS;
		for (int v = 0; v < nv; v++)
			message_fill(&wd.msg[i][v], &st[v], state_code(&st[v]));
		wd.probe[i] = true;
		wd.base[i] = wd.writes0;
		break;
	}
	wd.cur = i;
}

int tool_watchdog_start(unsigned seconds, json_out *j)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGALRM, &sa, NULL) != 0)
		return -1;
	wd.seconds = seconds;
	wd.j = j;
	wd.started = true;
	return 0;
}

void tool_watchdog_reader(const char *reader)
{
	snprintf(wd.reader, sizeof(wd.reader), "%s", reader);
	/* The armed message must name it from now on. */
	if (wd.started && wd.step[0] != '\0')
		message_prepare();
}

/* Re-arm for step in the current mode. */
static void rearm(const char *step)
{
	alarm(0);
	if (step != wd.step)
		snprintf(wd.step, sizeof(wd.step), "%s", step);
	message_prepare();
	/* Progress written so far must be out before the handler's newline
	 * may follow it (with --json nothing is written before the end). */
	fflush(stdout);
	alarm(wd.seconds);
}

void tool_watchdog_arm(const char *step, safeid_seed_state held, int exit_code)
{
	if (!wd.started)
		return;
	wd.mode = WD_PLAIN;
	wd.held = held;
	wd.held_text[0] = '\0';
	wd.exit_code = exit_code;
	rearm(step);
}

void tool_watchdog_arm_text(const char *step, safeid_seed_state held,
                            const char *held_text, int exit_code)
{
	if (!wd.started)
		return;
	wd.mode = WD_PLAIN;
	wd.held = held;
	snprintf(wd.held_text, sizeof(wd.held_text), "%s", held_text);
	wd.exit_code = exit_code;
	rearm(step);
}

void tool_watchdog_write(const client_backend *b, const client_slot *s,
                         client_record_txn *t, bool burn)
{
	wd.b = b;
	wd.txn = t;
	wd.token = *s;
	wd.burn = burn;
}

void tool_watchdog_write_end(void)
{
	alarm(0);
	wd.txn = NULL;
	wd.b = NULL;
	wd.mode = WD_PLAIN;
}

void tool_watchdog_step(client_step step, int phase)
{
	const char *name = client_step_text(step);

	if (!wd.started)
		return;
	if (step == CLIENT_STEP_BURN_WRITE || step == CLIENT_STEP_CLOCK_WRITE) {
		if (phase == CLIENT_PHASE_START) {
			wd.mode = WD_WRITING;
			wd.writes0 = client_backend_writes(wd.b);
			rearm(name);
		} else if (phase == CLIENT_PHASE_OK) {
			wd.mode = WD_WRITTEN;
			rearm("confirm the write");
		} else {
			wd.mode = WD_FAILED;
			rearm("find out what the token holds after the failed "
			      "write");
		}
		return;
	}
	/* Any other step: same state, a fresh bound. */
	rearm(phase == CLIENT_PHASE_START ? name : wd.step);
}

void tool_watchdog_disarm(void)
{
	alarm(0);
}
