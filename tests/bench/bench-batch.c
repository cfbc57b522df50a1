/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bench-batch: tokens presented one after another on one reader, for the
 * batch-throughput figure of tests/bench/run.
 *
 *   bench-batch --emu SAFEID_EMU --ctl SOCK [--ready TEXT] [--in FILE]
 *               [--log FILE] [--reader NAME] --state FILE [--state FILE]...
 *               -- COMMAND...
 *
 * For each state file (one token each): take the current token out of the
 * field (`safeid-emu ctl remove`), start COMMAND (e.g. `safeid-tool burn
 * --wait 10 ...`), wait until it prints TEXT on stderr (it is then waiting
 * for a token by PC/SC events), present the next token (`ctl load FILE`,
 * which puts it in the field), and wait for COMMAND to end.  Prints per
 * token "token=I load_us=N arrival_to_done_us=N detect_us=N status=N"
 * (arrival: the moment `ctl load` answered, i.e. the token is in the
 * reader's field; detect: when PC/SC reported the card on --reader NAME,
 * seen by this program's own SCardGetStatusChange during the same swap, -1
 * without --reader) and at the end "batch_us=N tokens=N ok=N" (first
 * remove to last exit).
 * Everything is event driven: blocking reads and waits, no sleeps.
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <PCSC/winscard.h>
#include <PCSC/wintypes.h>

#include "bench-util.h"

#define MAX_STATES 256

extern char **environ;

typedef struct opts {
	const char *emu, *ctl, *ready, *in, *log, *reader;
	const char *states[MAX_STATES];
	int nstates;
	char **cmd;
} opts;

static int wait_child(pid_t pid)
{
	int st = 0;

	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR)
			return 255;
	}
	return bench_status(st);
}

/* `safeid-emu ctl --ctl SOCK VERB [ARG]`, its answer to the log. */
static int emu_ctl(const opts *o, const char *verb, const char *arg)
{
	char *argv[] = {(char *)o->emu,
	                (char *)"ctl",
	                (char *)"--ctl",
	                (char *)o->ctl,
	                (char *)verb,
	                (char *)arg,
	                NULL};
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int rc;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, o->log, O_WRONLY | O_APPEND,
	                                 0);
	rc = posix_spawn(&pid, o->emu, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		fprintf(stderr, "bench-batch: cannot start '%s': %s\n", o->emu,
		        strerror(rc));
		return -1;
	}
	rc = wait_child(pid);
	if (rc != 0)
		fprintf(stderr,
		        "bench-batch: 'safeid-emu ctl %s' failed (status "
		        "%d); see %s\n",
		        verb, rc, o->log);
	return rc == 0 ? 0 : -1;
}

/* Copies the child's stderr to the log until TEXT is seen (found = 1) or
 * the pipe ends; with TEXT NULL, until the pipe ends. */
static int pump(int fd, FILE *log, const char *text)
{
	char buf[4096], seen[8192];
	size_t have = 0;
	ssize_t n;

	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 0;
		fwrite(buf, 1, (size_t)n, log);
		fflush(log);
		if (text == NULL)
			continue;
		if (have + (size_t)n >= sizeof(seen))
			have = 0; /* text is one short line: a restart is enough */
		memcpy(seen + have, buf, (size_t)n);
		have += (size_t)n;
		seen[have] = '\0';
		if (strstr(seen, text) != NULL)
			return 1;
	}
}

/* Blocks (event driven, bounded) until PC/SC shows a card on the reader;
 * the time it did, or -1. */
static long long card_seen(SCARDCONTEXT ctx, const char *reader)
{
	SCARD_READERSTATE st;
	LONG rv;

	memset(&st, 0, sizeof(st));
	st.szReader = reader;
	st.dwCurrentState = SCARD_STATE_EMPTY;
	for (;;) {
		rv = SCardGetStatusChange(ctx, 20000, &st, 1);
		if (rv != SCARD_S_SUCCESS) {
			fprintf(stderr,
			        "bench-batch: waiting for a card on '%s': "
			        "%s\n",
			        reader, pcsc_stringify_error(rv));
			return -1;
		}
		if (st.dwEventState & SCARD_STATE_PRESENT)
			return bench_now_us();
		st.dwCurrentState =
			st.dwEventState & ~(DWORD)SCARD_STATE_CHANGED;
	}
}

static int one_token(const opts *o, SCARDCONTEXT ctx, int idx, FILE *log)
{
	posix_spawn_file_actions_t fa;
	long long t0, t1, t2, td = -1;
	int p[2], rc, st, found = 1;
	pid_t pid;

	if (emu_ctl(o, "remove", NULL) != 0 || pipe(p) != 0)
		return -1;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, o->in, O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, o->log, O_WRONLY | O_APPEND,
	                                 0);
	posix_spawn_file_actions_adddup2(&fa, p[1], 2);
	posix_spawn_file_actions_addclose(&fa, p[0]);
	rc = posix_spawnp(&pid, o->cmd[0], &fa, NULL, o->cmd, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	if (rc != 0) {
		close(p[0]);
		fprintf(stderr, "bench-batch: cannot start '%s': %s\n",
		        o->cmd[0], strerror(rc));
		return -1;
	}
	if (o->ready != NULL)
		found = pump(p[0], log, o->ready);
	t0 = bench_now_us();
	rc = found ? emu_ctl(o, "load", o->states[idx]) : -1;
	t1 = bench_now_us();
	if (rc == 0 && o->reader != NULL)
		td = card_seen(ctx, o->reader);
	pump(p[0], log, NULL);
	close(p[0]);
	st = wait_child(pid);
	t2 = bench_now_us();
	if (!found)
		fprintf(stderr,
		        "bench-batch: token %d: '%s' ended (status %d) "
		        "without printing '%s'; see %s\n",
		        idx, o->cmd[0], st, o->ready, o->log);
	if (rc != 0 || !found)
		return -1;
	printf("token=%d load_us=%lld arrival_to_done_us=%lld detect_us=%lld "
	       "status=%d\n",
	       idx, t1 - t0, t2 - t1, td >= 0 ? td - t1 : -1, st);
	fflush(stdout);
	return st == 0 ? 0 : 1;
}

static int parse(int argc, char **argv, opts *o)
{
	int i;

	memset(o, 0, sizeof(*o));
	o->in = "/dev/null";
	o->log = "/dev/null";
	for (i = 1; i + 1 < argc && strcmp(argv[i], "--") != 0; i += 2) {
		const char *k = argv[i], *v = argv[i + 1];

		if (strcmp(k, "--emu") == 0)
			o->emu = v;
		else if (strcmp(k, "--ctl") == 0)
			o->ctl = v;
		else if (strcmp(k, "--ready") == 0)
			o->ready = v;
		else if (strcmp(k, "--in") == 0)
			o->in = v;
		else if (strcmp(k, "--log") == 0)
			o->log = v;
		else if (strcmp(k, "--reader") == 0)
			o->reader = v;
		else if (strcmp(k, "--state") == 0 && o->nstates < MAX_STATES)
			o->states[o->nstates++] = v;
		else
			break;
	}
	if (i + 1 >= argc || strcmp(argv[i], "--") != 0 || o->emu == NULL ||
	    o->ctl == NULL || o->nstates == 0) {
		fprintf(stderr,
		        "usage: bench-batch --emu SAFEID_EMU --ctl SOCK "
		        "[--ready TEXT] [--in FILE] [--log FILE] [--reader NAME] "
		        "--state FILE... -- COMMAND...\n");
		return -1;
	}
	o->cmd = argv + i + 1;
	return 0;
}

int main(int argc, char **argv)
{
	SCARDCONTEXT ctx = 0;
	FILE *log;
	long long start;
	int i, rc, ok = 0;
	opts o;

	if (parse(argc, argv, &o) != 0)
		return 2;
	log = fopen(o.log, "a");
	if (log == NULL) {
		fprintf(stderr, "bench-batch: cannot open the log '%s': %s\n",
		        o.log, strerror(errno));
		return 1;
	}
	if (o.reader != NULL &&
	    SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &ctx) !=
	            SCARD_S_SUCCESS) {
		fprintf(stderr,
		        "bench-batch: no PC/SC service for --reader; is "
		        "pcscd running?\n");
		fclose(log);
		return 1;
	}
	start = bench_now_us();
	for (i = 0; i < o.nstates; i++) {
		rc = one_token(&o, ctx, i, log);
		if (rc < 0)
			break;
		ok += rc == 0;
	}
	printf("batch_us=%lld tokens=%d ok=%d\n", bench_now_us() - start, i,
	       ok);
	if (ctx != 0)
		(void)SCardReleaseContext(ctx);
	fclose(log);
	return i == o.nstates && ok == i ? 0 : 1;
}
