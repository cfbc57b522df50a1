/*
 * watchdog.c: alarm(2) plus a handler that only write(2)s a message made
 * beforehand and _exit(2)s.  Two message buffers: the one being filled is
 * never the one the handler may read, so re-arming needs no lock.  With
 * --json, the message made beforehand is the whole output object with
 * the error in it (nothing of it has been written yet).
 */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "watchdog.h"

#define WD_MSG_MAX 2048

static struct {
	char text[2][WD_MSG_MAX];   /* stderr line */
	char *json[2];              /* stdout: the whole --json object, or a
	                               newline ending a progress line */
	size_t text_len[2], json_len[2];
	int code[2];
	volatile sig_atomic_t cur;  /* buffer the handler uses */
	unsigned seconds;
	json_out *j;
	char reader[CLIENT_READER_MAX];
	char step[160];             /* last step armed, for re-arming */
	safeid_seed_state after_write;
	safeid_seed_state held;
	int exit_code;
	bool started;
} wd;

static void on_alarm(int sig)
{
	int i = wd.cur;
	ssize_t rc;

	(void)sig;
	if (wd.json_len[i] > 0)
		rc = write(STDOUT_FILENO, wd.json[i], wd.json_len[i]);
	rc = write(STDERR_FILENO, wd.text[i], wd.text_len[i]);
	(void)rc;
	_exit(wd.code[i]);
}

/* What stdout gets when no JSON object can be made (out of memory). */
static char wd_nomem[] =
	"{\"ok\":false,\"exit_code\":9,\"error\":{\"code\":\"nomem\","
	"\"message\":\"out of memory writing the JSON output\"}}\n";
static char wd_newline[] = "\n";

/* Fill the buffer the handler is not using, then switch to it. */
static void message_prepare(void)
{
	int i = !wd.cur;
	char msg[WD_MSG_MAX - 256], reader[CLIENT_READER_MAX];
	int n;

	/* the reader's name comes from PC/SC, i.e. from a device */
	input_text_escape(wd.reader, strlen(wd.reader), reader, sizeof(reader));
	snprintf(msg, sizeof(msg),
	         "no answer from the token on reader '%s' within %u s at step "
	         "'%s'; the tool gave up. The token now holds: %s. Next: %s",
	         reader[0] != '\0' ? reader : "(not chosen yet)",
	         wd.seconds, wd.step, safeid_seed_state_text(wd.held),
	         client_text_next_step(wd.held, wd.exit_code));
	n = snprintf(wd.text[i], WD_MSG_MAX, "safeid-tool: %s\n", msg);
	wd.text_len[i] = n < 0 ? 0 : strnlen(wd.text[i], WD_MSG_MAX);
	if (wd.json[i] != wd_nomem && wd.json[i] != wd_newline)
		free(wd.json[i]);
	wd.json[i] = NULL;
	wd.json_len[i] = 0;
	if (wd.j != NULL) {
		wd.json[i] = json_render(wd.j, safeid_seed_state_name(wd.held),
		                         wd.exit_code, "timeout", msg);
		if (wd.json[i] == NULL)
			wd.json[i] = wd_nomem;
	} else {
		/* End a progress line left open ("  step ... "). */
		wd.json[i] = wd_newline;
	}
	wd.json_len[i] = strlen(wd.json[i]);
	wd.code[i] = wd.exit_code;
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
	wd.after_write = SAFEID_SEED_NEW;
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

void tool_watchdog_arm(const char *step, safeid_seed_state held,
                       int exit_code)
{
	if (!wd.started)
		return;
	alarm(0);
	if (step != wd.step)
		snprintf(wd.step, sizeof(wd.step), "%s", step);
	wd.held = held;
	wd.exit_code = exit_code;
	message_prepare();
	/* Progress written so far must be out before the handler's newline
	 * may follow it (with --json nothing is written before the end). */
	fflush(stdout);
	alarm(wd.seconds);
}

void tool_watchdog_after_write(safeid_seed_state held)
{
	wd.after_write = held;
}

void tool_watchdog_step(client_step step, int phase)
{
	const char *name = client_step_text(step);

	if (!wd.started)
		return;
	if (step == CLIENT_STEP_BURN_WRITE || step == CLIENT_STEP_CLOCK_WRITE) {
		if (phase == CLIENT_PHASE_START)
			tool_watchdog_arm(name, SAFEID_SEED_UNKNOWN,
			                  CLIENT_EXIT_PARTIAL);
		else if (phase == CLIENT_PHASE_OK)
			tool_watchdog_arm("confirm the write", wd.after_write,
			                  wd.after_write == SAFEID_SEED_ERASED
			                          ? CLIENT_EXIT_PARTIAL
			                          : CLIENT_EXIT_TOKEN);
		else
			tool_watchdog_arm("find out what the token holds after "
			                  "the failed write",
			                  SAFEID_SEED_UNKNOWN,
			                  CLIENT_EXIT_PARTIAL);
		return;
	}
	/* Any other step: same state, a fresh bound. */
	if (phase == CLIENT_PHASE_START)
		tool_watchdog_arm(name, wd.held, wd.exit_code);
	else
		tool_watchdog_arm(wd.step, wd.held, wd.exit_code);
}

void tool_watchdog_disarm(void)
{
	alarm(0);
}
