/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * prompt.c: the terminal.  The last question before a write reads
 * /dev/tty so a secret piped to stdin can never be taken for an answer,
 * and a script without a terminal is refused instead of blocking; a
 * secret typed on a terminal is not echoed, and the echo comes back
 * however the reading ends, Ctrl-C included.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <time.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <termios.h>
#include <unistd.h>

#include "prompt.h"

int tool_confirm(bool yes, const char *question, client_error *err)
{
	char answer[16];
	FILE *tty;
	int fd;

	if (yes)
		return 0;
	fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return client_fail(err, CLIENT_EXIT_DECLINED, "no_terminal",
		                   "nothing written: there is no terminal to "
		                   "confirm on; check the plan above and add "
		                   "--yes to go on without asking");
	tty = fdopen(fd, "r+");
	if (tty == NULL) {
		close(fd);
		return client_fail(err, CLIENT_EXIT_DECLINED, "no_terminal",
		                   "nothing written: the terminal cannot be "
		                   "read; add --yes to go on without asking");
	}
	fprintf(tty, "%s [y/N] ", question);
	fflush(tty);
	if (fgets(answer, sizeof(answer), tty) == NULL)
		answer[0] = '\0';
	fclose(tty);
	answer[strcspn(answer, "\r\n")] = '\0';
	if (strcasecmp(answer, "y") == 0 || strcasecmp(answer, "yes") == 0)
		return 0;
	return client_fail(err, CLIENT_EXIT_DECLINED, "declined",
	                   "nothing written: not confirmed (answer 'y' to go "
	                   "on, or add --yes)");
}

/* While echo is off: the terminal to restore if a signal ends us. */
static struct termios quiet_saved;
static volatile sig_atomic_t quiet_fd = -1;
static const int quiet_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
static struct sigaction quiet_old[4];

/* Put the echo back, then die of the signal as we would have: the shell
 * sees the same status and the person gets a working terminal. */
static void quiet_on_signal(int sig)
{
	ssize_t rc;

	if (quiet_fd >= 0) {
		tcsetattr(quiet_fd, TCSANOW, &quiet_saved);
		rc = write(STDERR_FILENO, "\n", 1);
		(void)rc;
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Catch the signals that end a prompt (unless they are ignored, as under
 * nohup: they stay ignored). */
static void quiet_catch(int fd, const struct termios *saved)
{
	struct sigaction sa;

	quiet_saved = *saved;
	quiet_fd = fd;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = quiet_on_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < 4; i++) {
		sigaction(quiet_signals[i], NULL, &quiet_old[i]);
		if (quiet_old[i].sa_handler != SIG_IGN)
			sigaction(quiet_signals[i], &sa, NULL);
	}
}

static void quiet_release(void)
{
	for (size_t i = 0; i < 4; i++)
		if (quiet_old[i].sa_handler != SIG_IGN)
			sigaction(quiet_signals[i], &quiet_old[i], NULL);
	quiet_fd = -1;
}

int tool_secret_ask(int fd, const char *prompt, bool echo, const char *what,
                    size_t max, char **out, size_t *len, size_t *cap,
                    client_error *err)
{
	struct termios old, quiet;
	bool restore = false;
	int ret;

	if (isatty(fd) == 1) {
		fputs(prompt, stderr);
		if (!echo && tcgetattr(fd, &old) == 0) {
			quiet = old;
			quiet.c_lflag &= ~(tcflag_t)ECHO;
			/* the handlers first: a signal between the two
			 * leaves the echo on */
			quiet_catch(fd, &old);
			restore = tcsetattr(fd, TCSAFLUSH, &quiet) == 0;
			if (!restore)
				quiet_release();
		}
	}
	ret = client_secret_read_fd(fd, what, max, out, len, cap, err);
	if (restore) {
		tcsetattr(fd, TCSAFLUSH, &old);
		quiet_release();
		if (ret == 0)
			fputc('\n', stderr);
	}
	return ret;
}

int tool_tty_secret(const char *prompt, const char *what, size_t max,
                    char **out, size_t *len, size_t *cap, client_error *err)
{
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC), ret;

	*out = NULL;
	*len = 0;
	*cap = 0;
	if (fd < 0)
		return 1;
	ret = tool_secret_ask(fd, prompt, false, what, max, out, len, cap, err);
	close(fd);
	return ret;
}

/* Milliseconds left until deadline (CLOCK_MONOTONIC), at least 0. */
static int ms_left(const struct timespec *deadline)
{
	struct timespec now;
	long long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (long long)(deadline->tv_sec - now.tv_sec) * 1000 +
	     (deadline->tv_nsec - now.tv_nsec) / 1000000;
	return ms < 0 ? 0 : ms > 600000 ? 600000 : (int)ms;
}

int tool_press_wait(const char *tell, long timeout_ms)
{
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	bool own = fd >= 0;
	struct timespec deadline;
	struct pollfd p;
	char c;
	int rc = SAFEID_ERR_TIMEOUT;

	if (!own)
		fd = STDIN_FILENO;
	fprintf(stderr, "%s\n", tell);
	fflush(stderr);
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += timeout_ms / 1000;
	deadline.tv_nsec += (timeout_ms % 1000) * 1000000;
	if (deadline.tv_nsec >= 1000000000) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000;
	}
	/* Event driven: poll wakes at the line, or at the bound. */
	for (;;) {
		ssize_t n;

		p.fd = fd;
		p.events = POLLIN;
		p.revents = 0;
		n = poll(&p, 1, ms_left(&deadline));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		n = read(fd, &c, 1);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0) {
			rc = SAFEID_ERR_CANCELLED;
			break;
		}
		if (c == '\n') {
			rc = SAFEID_OK;
			break;
		}
	}
	if (own)
		close(fd);
	return rc;
}
