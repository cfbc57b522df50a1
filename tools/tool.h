/*
 * tool.h: what every part of safeid-tool shares: exit codes, the error
 * record, the options of one run.
 */
#ifndef SAFEID_TOOL_TOOL_H
#define SAFEID_TOOL_TOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Exit codes.  Documented in --help and safeid-tool(1); scripts rely on
 * them, so the numbers never change meaning.
 */
enum tool_exit {
	EXIT_OK_ = 0,          /* done; verify: the code matches */
	EXIT_MISMATCH = 1,     /* verify: the code does not match */
	EXIT_USAGE = 2,        /* bad command line */
	EXIT_INPUT = 3,        /* bad input (QR, URI, secret): nothing written */
	EXIT_NO_TOKEN = 4,     /* no reader, no token, busy, or --wait ran out */
	EXIT_TOKEN = 5,        /* token refused or communication failed;
	                          the token still holds its old seed */
	EXIT_PARTIAL = 6,      /* write interrupted: the token's seed is erased
	                          or unknown; burn again */
	EXIT_DECLINED = 7,     /* not confirmed (answer no, or no terminal and
	                          no --yes); nothing written */
	EXIT_RECORD = 8,       /* burn done, but the burn record was not saved */
	EXIT_SETUP = 9,        /* module, backend or plug-in not loadable, or an
	                          internal error */
};

#define TOOL_MSG_MAX 1024

typedef struct tool_error {
	int exit_code;          /* one of enum tool_exit */
	char code[48];          /* stable symbol for --json, e.g. "no_token" */
	char msg[TOOL_MSG_MAX]; /* sentence: what, why, what to do */
} tool_error;

/* Fill err (printf-style message); returns exit_code for convenience. */
int tool_fail(tool_error *err, int exit_code, const char *code,
              const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* The options of one run (global and per command). */
typedef struct tool_opts {
	const char *argv0;
	const char *command;
	/* global */
	const char *reader;       /* -r */
	const char *module;       /* --module */
	const char *backend;      /* --backend */
	bool json;
	bool verbose;
	bool yes;
	long wait_seconds;        /* --wait; <0: not given */
	long timeout;             /* --timeout: bound on one token step (s) */
	/* input */
	const char *qr_file;
	long pick;                /* --pick N (1-based); 0: not given */
	const char *match;
	bool screen;
	const char *screenshot_cmd;
	const char *uri;          /* "-" */
	const char *uri_file;
	const char *secret;       /* "-" */
	const char *secret_arg;   /* base32 in argv (warned) */
	char *secret_copy;        /* heap copy of it; argv is blanked */
	const char *account;      /* --account for a bare secret */
	const char *issuer;       /* --issuer for a bare secret */
	/* configuration overrides */
	const char *hash;         /* --hash sha1|sha256 */
	long step;                /* --step 30|60; 0: not given */
	long display;             /* --display 15|30|60|120; 0: not given */
	/* clock */
	bool erase_seed;
	/* verify / code */
	const char *code_src;     /* --code - */
	long window;              /* --window N steps */
	long long at;             /* --at UNIX; <0: now */
	long count;               /* --count N codes */
	/* state */
	const char *state_dir;    /* --state-dir (tests); default XDG */
} tool_opts;

#endif /* SAFEID_TOOL_TOOL_H */
