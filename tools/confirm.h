/* confirm.h: ask the person on the terminal before writing. */
#ifndef SAFEID_TOOL_CONFIRM_H
#define SAFEID_TOOL_CONFIRM_H

#include "tool.h"

/*
 * With yes: returns 0 at once.  Otherwise asks question on /dev/tty (not
 * stdin, which may carry the secret) and returns 0 on "y"/"yes".  No
 * terminal, or any other answer: EXIT_DECLINED with err filled.
 */
int tool_confirm(bool yes, const char *question, tool_error *err);

#endif /* SAFEID_TOOL_CONFIRM_H */
