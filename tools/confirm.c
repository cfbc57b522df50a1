/*
 * confirm.c: the last question before a write.  It reads /dev/tty so a
 * secret piped to stdin can never be taken for an answer, and a script
 * without a terminal is refused instead of blocking.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "confirm.h"

int tool_confirm(bool yes, const char *question, tool_error *err)
{
	char answer[16];
	FILE *tty;
	int fd;

	if (yes)
		return 0;
	fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return tool_fail(err, EXIT_DECLINED, "no_terminal",
		                 "nothing written: there is no terminal to confirm "
		                 "on; check the plan above and add --yes to go on "
		                 "without asking");
	tty = fdopen(fd, "r+");
	if (tty == NULL) {
		close(fd);
		return tool_fail(err, EXIT_DECLINED, "no_terminal",
		                 "nothing written: the terminal cannot be read; "
		                 "add --yes to go on without asking");
	}
	fprintf(tty, "%s [y/N] ", question);
	fflush(tty);
	if (fgets(answer, sizeof(answer), tty) == NULL)
		answer[0] = '\0';
	fclose(tty);
	answer[strcspn(answer, "\r\n")] = '\0';
	if (strcasecmp(answer, "y") == 0 || strcasecmp(answer, "yes") == 0)
		return 0;
	return tool_fail(err, EXIT_DECLINED, "declined",
	                 "nothing written: not confirmed (answer 'y' to go on, "
	                 "or add --yes)");
}
