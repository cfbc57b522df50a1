/*
 * prompt.c: the terminal.  The last question before a write reads
 * /dev/tty so a secret piped to stdin can never be taken for an answer,
 * and a script without a terminal is refused instead of blocking; a
 * secret typed on a terminal is not echoed.
 */
#include <fcntl.h>
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
			restore = tcsetattr(fd, TCSAFLUSH, &quiet) == 0;
		}
	}
	ret = client_secret_read_fd(fd, what, max, out, len, cap, err);
	if (restore) {
		tcsetattr(fd, TCSAFLUSH, &old);
		if (ret == 0)
			fputc('\n', stderr);
	}
	return ret;
}
