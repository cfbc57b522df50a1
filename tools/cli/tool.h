/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tool.h: the options of one safeid-tool run.  The exit codes and the
 * error record are the client library's (client.h).
 */
#ifndef TOOL_TOOL_H
#define TOOL_TOOL_H

#include <stdbool.h>

#include "client.h"

/* The options of one run (global and per command). */
typedef struct tool_opts {
	const char *command;
	/* global */
	const char *reader;  /* -r */
	const char *module;  /* --module */
	const char *backend; /* --backend */
	bool json;
	bool verbose;
	bool yes;
	long wait_seconds; /* --wait; <0: not given */
	long timeout;      /* --timeout: bound on one token step (s) */
	/* input */
	const char *qr_file;
	long pick; /* --pick N (1-based); 0: not given */
	const char *match;
	bool screen;
	const char *screenshot_cmd;
	const char *uri; /* "-" */
	const char *uri_file;
	const char *secret;     /* "-" */
	const char *secret_arg; /* base32 in argv (warned) */
	char *secret_copy;      /* heap copy of it; argv is blanked */
	const char *account;    /* --account for a bare secret */
	const char *issuer;     /* --issuer for a bare secret */
	/* configuration overrides */
	const char *hash; /* --hash sha1|sha256 */
	long step;        /* --step 30|60; 0: not given */
	long display;     /* --display 15|30|60|120; 0: not given */
	/* clock */
	bool erase_seed;
	/* verify / code */
	const char *code_src; /* --code - */
	long window;          /* --window N steps */
	long long at;         /* --at UNIX; <0: now */
	long count;           /* --count N codes */
	/* state */
	const char *state_dir; /* --state-dir (tests); default XDG */
	/* provision / export */
	bool count_given;          /* --count was given */
	const char *journal;       /* --journal FILE */
	const char *psk_file;      /* --psk-file F: 32 hex digits */
	const char *password_file; /* --password-file F */
	bool insecure_plaintext;   /* journal / PSKC without encryption */
	long seed_bytes;           /* --seed-bytes; 0: 20, or 32 for SHA-256 */
	const char *users_file;    /* --users FILE */
	bool verify_codes;         /* --verify: type each token's code */
	bool reburn;               /* --reburn */
	const char *out;           /* --out FILE */
	const char *format;        /* --format pskc|privacyidea-csv|... */
	bool force;                /* --force: replace --out */
	bool include_unknown;      /* --include-unknown */
	const char *realm;         /* --realm REALM (privacyidea-csv) */
	/* a Token2 Molto2 */
	long profile;             /* --profile N; -1: not given */
	bool all;                 /* --all: every account of the input */
	long first_profile;       /* --first-profile N; -1: not given */
	bool overwrite;           /* --overwrite: replace occupied profiles */
	long digits;              /* --digits 4|6|8|10; 0: not given */
	const char *title;        /* --title TEXT */
	const char *key_file;     /* --customer-key-file F */
	const char *new_key_file; /* --new-key-file F (set-key) */
	bool last_try;            /* --last-try: consent to the last try */
	bool verify_key;          /* --verify-key (set-key) */
	long press_wait;          /* --press-wait SECONDS; 0: default */
	const char *token_opt;    /* the first option given that reaches a
	                             token (-r, --wait, ...), or NULL */
} tool_opts;

#endif /* TOOL_TOOL_H */
