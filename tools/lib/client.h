/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * client.h: the safeid client library, what a front end (safeid-tool, a
 * desktop window, provisioning commands) needs beyond the protocol core:
 * the account to burn, read from any input and checked before a token is
 * touched; the token, reached through the PKCS#11 module or OpenSC; the
 * burn record; the writer lock; the host clock; and the sentences people
 * read, so every front end says the same thing the same way.
 *
 * Conventions: a function returns 0, or one of enum client_exit with a
 * client_error filled (class, stable code, one sentence naming the thing,
 * the cause and the next step).  Nothing here prints, prompts, exits or
 * handles signals, so a front end may call it from a worker thread (one
 * thread per open backend; the plug-ins load on first use, so make that
 * first call from one thread).  Seeds stay on the heap and are wiped.
 */
#ifndef CLIENT_H
#define CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <safeid/molto2.h>

#include "inputs.h"

/* ---- errors -------------------------------------------------------------- */

/*
 * What went wrong, as classes a front end acts on.  safeid-tool uses them
 * as its exit codes (documented in safeid-tool(1)), so the numbers never
 * change meaning.
 */
enum client_exit {
	CLIENT_EXIT_OK = 0,       /* done; verify: the code matches */
	CLIENT_EXIT_MISMATCH = 1, /* verify: the code does not match */
	CLIENT_EXIT_USAGE = 2,    /* bad request (options, reader choice) */
	CLIENT_EXIT_INPUT = 3,    /* bad input (QR, URI, secret): nothing
	                                written */
	CLIENT_EXIT_NO_TOKEN = 4, /* no reader, no token, busy, or the wait
	                                ran out */
	CLIENT_EXIT_TOKEN = 5,    /* token refused or communication failed;
	                                the token still holds its old seed */
	CLIENT_EXIT_PARTIAL = 6,  /* write interrupted: the token's seed is
	                                erased or unknown; burn again */
	CLIENT_EXIT_DECLINED = 7, /* not confirmed; nothing written */
	CLIENT_EXIT_RECORD = 8,   /* burn done, burn record not saved */
	CLIENT_EXIT_SETUP = 9,    /* module, backend or plug-in not
	                                loadable, or an internal error */
};

#define CLIENT_MSG_MAX 1024

typedef struct client_error {
	int exit_code;            /* one of enum client_exit */
	char code[48];            /* stable symbol, e.g. "no_token" */
	char msg[CLIENT_MSG_MAX]; /* sentence: what, why, what to do */
} client_error;

/* Fill err (printf-style message); returns exit_code for convenience. */
int client_fail(client_error *err, int exit_code, const char *code,
                const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* ---- secrets ------------------------------------------------------------- */

/* No core dumps, no ptrace by other users' tools: call before any secret
 * is read.  Returns 0 or -1 (then the front end warns). */
int client_secrets_protect(void);

/*
 * Read all of fd (a file, a pipe; a terminal gives one line) up to max
 * bytes into a fresh NUL-terminated heap buffer; release it with
 * input_secret_free(*out, *cap).  what names the source in messages.
 */
int client_secret_read_fd(int fd, const char *what, size_t max, char **out,
                          size_t *len, size_t *cap, client_error *err);
/* Same for a file; *exposed tells that other users may read it (the front
 * end warns with client_text_exposed). */
int client_secret_read_file(const char *path, size_t max, char **out,
                            size_t *len, size_t *cap, bool *exposed,
                            client_error *err);

/* ---- the account to burn ------------------------------------------------- */

typedef struct client_input {
	input_account_list accounts; /* every account found */
	size_t chosen;               /* index into accounts, once chosen */
	input_plan_report report;    /* plan check of the chosen account */
	char source[320];            /* "QR code in 'photo.png'", ... */
	char skipped[1024];          /* codes that held no OTP account */
	size_t qr_codes;             /* QR codes decoded (0: not QR) */
	input_monitor monitors[INPUT_MONITORS_MAX];
	size_t monitor_count; /* screen: monitors searched */
} client_input;

/* What a bare base32 secret does not say itself. */
typedef struct client_secret_opts {
	safeid_hash hash;
	unsigned step;       /* 30 or 60 */
	unsigned digits;     /* 0: 6 */
	const char *account; /* NULL: "token" */
	const char *issuer;  /* NULL: none */
} client_secret_opts;

/*
 * Read the accounts of one input into in (reset first; nothing picked
 * yet).  QR codes are read by the image plug-in, loaded on first use.
 * what names the input in messages ("the URI on standard input").
 */
int client_input_qr_read(const char *path, client_input *in, client_error *err);
/* A PNG or JPEG image of len bytes in memory (pasted from a clipboard);
 * what names it in messages ("the image on the clipboard"). */
int client_input_image_read(const uint8_t *data, size_t len, const char *what,
                            client_input *in, client_error *err);
/* shot_cmd NULL: every monitor of the X11 display; else a screenshot
 * command (its image on stdout, or written to {file}). */
int client_input_screen_read(const char *shot_cmd, client_input *in,
                             client_error *err);
int client_input_uri_parse(const char *text, size_t len, const char *what,
                           client_input *in, client_error *err);
/* A bare secret gets the same checks as a QR code: it becomes an otpauth
 * URI first. */
int client_input_secret_parse(const char *b32, size_t len,
                              const client_secret_opts *o, const char *what,
                              client_input *in, client_error *err);
/*
 * Pick one account (pick: 1-based index, 0 none; else match: part of its
 * issuer or name) and plan-check it: errors fail with CLIENT_EXIT_INPUT;
 * warnings stay in in->report for the front end to show.
 */
int client_input_choose(client_input *in, long pick, const char *match,
                        client_error *err);
/* The same for a token family whose tokens show the code lengths of
 * digits_mask (INPUT_DIGITS_*): client_input_choose is the single-profile
 * family's. */
int client_input_choose_digits(client_input *in, long pick, const char *match,
                               unsigned digits_mask, client_error *err);
/* Every account of in, plan-checked for digits_mask (a burn of them all):
 * the first that cannot be burned fails with CLIENT_EXIT_INPUT, named. */
int client_input_check_all(const client_input *in, unsigned digits_mask,
                           client_error *err);
/* The chosen account (valid after client_input_choose). */
const input_account *client_input_account(const client_input *in);
/* Wipe and free everything. */
void client_input_free(client_input *in);

/* "sha1", "SHA-256", ... (any case); false when neither. */
bool client_hash_parse(const char *name, safeid_hash *out);

/* ---- codes --------------------------------------------------------------- */

/* The code of the chosen account at time t, with its digits
 * (in->report.digits: 6, or 4 to 10 for a Molto2's). */
uint32_t client_code_at(const client_input *in, uint64_t t);
/* The same code as text, zero-padded to its digits (out: 11 bytes). */
void client_code_text(const client_input *in, uint64_t t, char out[11]);
/* A typed code: digits only, spaces ignored ("123 456"); out gets the 6
 * digits and a NUL. */
int client_code_parse(const char *text, size_t len, char out[7],
                      client_error *err);
/* The same for a code of digits digits (4 to 10); out: 11 bytes. */
int client_code_parse_digits(const char *text, size_t len, unsigned digits,
                             char out[11], client_error *err);
/* Offset k in steps with code(now + k*step) == typed, smallest |k| first,
 * within window steps; false when none. */
bool client_code_find(const client_input *in, uint64_t now, long window,
                      uint32_t typed, long *offset);
/* The verify verdict when nothing matched: CLIENT_EXIT_MISMATCH. */
int client_code_mismatch(client_error *err, long window);

/* ---- the token ----------------------------------------------------------- */

#define CLIENT_READER_MAX 256
#define CLIENT_MODEL_MAX 64

/* One reader (PKCS#11: one slot) and the token on it, if any. */
typedef struct client_slot {
	unsigned long handle;           /* backend's id (PKCS#11 slot id) */
	char reader[CLIENT_READER_MAX]; /* reader name, as the backend has it */
	bool present;                   /* a recognised token is on it */
	bool foreign;                   /* a card is on it that is not a token
	                                   of this family (present is false) */
	char serial[SAFEID_SERIAL_MAX + 1];
	char model[CLIENT_MODEL_MAX]; /* "" when the model is unknown */
	bool restricted_sync;         /* a clock write erases the seed */
	bool clock_known;
	uint64_t clock; /* token clock, Unix time UTC */
	/* A Token2 Molto2 (see "multi-profile tokens" below): profiles,
	 * titles, a customer key.  Else a single-profile token. */
	bool molto2;
	unsigned profiles;   /* 1; 50 or 100 on a Molto2 */
	bool profiles_known; /* false: 50 assumed, as profile 99
	                                   did not answer */
} client_slot;

typedef struct client_slot_list {
	size_t count;
	client_slot *slots;
} client_slot_list;

void client_slot_list_free(client_slot_list *l);

/* The code lengths token s shows (INPUT_DIGITS_*). */
unsigned client_slot_digits(const client_slot *s);

/*
 * Pick a slot by decimal index or case-insensitive name substring; NULL or
 * "" picks the only reader with a token (or the only reader).  Returns the
 * index or -1 with err filled (naming the readers to choose from).
 */
long client_slot_pick(const client_slot_list *l, const char *spec,
                      client_error *err);

/* What a burn sends.  The seed stays owned (and wiped) by the caller. */
typedef struct client_burn_plan {
	const uint8_t *seed;
	size_t seedlen;
	safeid_hash hash;
	unsigned step;            /* 30 or 60 */
	unsigned display_seconds; /* 15, 30, 60 or 120 */
	bool clock_given;         /* false: the host clock at the write */
	uint32_t clock;
	const char *expect_serial; /* refuse when another token is there */
} client_burn_plan;

/* The plan for the chosen account of in (its seed stays in in). */
void client_burn_plan_fill(client_burn_plan *p, const client_input *in,
                           unsigned display_seconds);

/* What a clock sync sends: the configuration must be known. */
typedef struct client_clock_plan {
	safeid_hash hash;
	unsigned step;
	unsigned display_seconds;
	bool erase_seed_ok; /* consent on a restricted-sync model */
	bool clock_given;
	uint32_t clock;
	const char *expect_serial; /* refuse when another token is there */
} client_clock_plan;

/* The settings a person gives for a clock write; NULL / 0: not given. */
typedef struct client_clock_opts {
	const char *hash; /* "sha1" or "sha256" */
	unsigned step;
	unsigned display_seconds;
} client_clock_opts;

/*
 * The configuration a clock write re-sends for token s: the options win,
 * the burn record in state_dir fills the rest; with neither the write is
 * refused (never guessed).  *source says where it came from ("burn
 * record", "options", "burn record and options").
 */
int client_clock_plan_fill(client_clock_plan *p, const char *state_dir,
                           const client_slot *s, const client_clock_opts *o,
                           const char **source, client_error *err);
/* The refusal of a clock write on a restricted-sync model without the
 * person's consent: CLIENT_EXIT_DECLINED, nothing written (every backend
 * refuses such a write too). */
int client_clock_refuse(const client_slot *s, client_error *err);

/* What a write did to the token's configuration (clock, hash, step,
 * display), as far as the host can know. */
typedef enum client_config_state {
	CLIENT_CONFIG_UNCHANGED = 0, /* no configuration write was carried
	                                out (none sent, or refused) */
	CLIENT_CONFIG_WRITTEN,       /* the token accepted the one sent */
	CLIENT_CONFIG_UNKNOWN,       /* sent, but its answer was lost or
	                                garbled: the old one or the new */
} client_config_state;

/* "unchanged", "written", "unknown" (JSON). */
const char *client_config_state_name(client_config_state s);

/* Outcome of a burn or a clock write, as far as the host can know. */
typedef struct client_write_result {
	client_slot before; /* token as read before writing */
	client_slot after;  /* token as read after (clock confirmed) */
	bool after_valid;
	safeid_seed_state seed;     /* what the token now holds */
	client_config_state config; /* what became of its configuration */
	safeid_hash hash;           /* the configuration sent */
	unsigned step;
	unsigned display_seconds;
	bool write_failed; /* a write step failed (the message then
	                               says what the token holds) */
} client_write_result;

/* The steps of a write, reported as each starts and ends. */
typedef enum client_step {
	CLIENT_STEP_INFO = 0,    /* read token info */
	CLIENT_STEP_BURN_WRITE,  /* authenticate, write config, then seed */
	CLIENT_STEP_CLOCK_WRITE, /* authenticate, write config with clock */
	CLIENT_STEP_READ_BACK,   /* read the clock back */
} client_step;

enum {
	CLIENT_PHASE_START = 0,
	CLIENT_PHASE_OK = 1,
	CLIENT_PHASE_FAIL = 2
};
typedef void (*client_step_fn)(void *arg, client_step step, int phase);

/* What the token holds after a write, in one sentence: its seed and,
 * when the write changed it or may have, its configuration. */
void client_text_held(const client_write_result *res, char *out, size_t cap);

/* A short phrase for a person: "read token info", ... */
const char *client_step_text(client_step step);

/*
 * The reader picked by spec (index or part of its name) from PC/SC's list,
 * into name ("" when spec is NULL or "": any reader).
 */
int client_reader_find(const char *spec, char *name, size_t cap,
                       client_error *err);
/* Wait up to seconds for a token on reader (NULL or "": any), by PC/SC
 * events. */
int client_token_wait(const char *reader, long seconds, client_error *err);

typedef struct client_backend client_backend;

typedef struct client_backend_opts {
	const char *name;        /* "pkcs11" (NULL) or "opensc" */
	const char *module_path; /* PKCS#11 module; NULL = the default */
	/* One line per call to the module or OpenSC and its result (never a
	 * secret); NULL: no trace. */
	void (*trace)(void *arg, const char *line);
	/* Called with the reader chosen, before its token is asked. */
	void (*on_reader)(void *arg, const char *reader);
	void *arg; /* for both */
} client_backend_opts;

/* Check that the backend name is known and can be loaded (the OpenSC one
 * is a plug-in), without opening it. */
int client_backend_check(const char *name, client_error *err);
int client_backend_open(const client_backend_opts *o, client_backend **out,
                        client_error *err);
void client_backend_close(client_backend **b);

/* All readers, with the token on each when present. */
int client_slot_list_read(client_backend *b, client_slot_list *out,
                          client_error *err);
/* The token on the reader picked by spec (see client_slot_pick). */
int client_slot_read(client_backend *b, const char *spec, client_slot *out,
                     client_error *err);
/*
 * Burn: read info, write config then seed, read info again.  The token
 * there must be plan->expect_serial (when given), or nothing is written.
 * The clock read back must be the one written: a token that accepts the
 * writes but keeps another time fails (CLIENT_EXIT_TOKEN, or _PARTIAL
 * when its seed is gone), its clock named in the message.
 */
int client_seed_burn(client_backend *b, const char *spec,
                     const client_burn_plan *plan, client_step_fn step,
                     void *arg, client_write_result *res, client_error *err);
/* Set the clock (a config write); the same checks. */
int client_clock_set(client_backend *b, const char *spec,
                     const client_clock_plan *plan, client_step_fn step,
                     void *arg, client_write_result *res, client_error *err);

/*
 * The write commands (configuration, seed) the backend has begun to send
 * since it was opened, for a front end that gives up on a silent token:
 * while it stays what it was when a step began, nothing was written in
 * that step.  Async-signal-safe (it only reads a counter), so a watchdog's
 * signal handler may call it.  ULONG_MAX when the backend cannot tell (a
 * PKCS#11 module other than safeid's).
 */
unsigned long client_backend_writes(const client_backend *b);

/* ---- multi-profile tokens (the Token2 Molto2) ---------------------------- */

/*
 * A Molto2 holds up to 100 accounts, each in a profile of its own with
 * its seed, a title of 1 to 12 bytes for its display, and its hash,
 * digits (4, 6, 8 or 10), step and clock.  Its key comes from a customer
 * key that works like a PIN: the token counts wrong keys and locks
 * itself.  Anyone holding it reads every profile's title and settings
 * without the key, so a Molto2 needs no burn record: the token itself
 * says what each profile is set to, and its clock sync keeps seeds and
 * settings.  Two commands (key change, factory reset) wait for a press of
 * the token's up-arrow button (the person's part is a callback).
 */

/* What one profile holds, as the token says without the key. */
typedef struct client_profile {
	unsigned number;
	bool seed;                             /* a seed is present */
	char title[SAFEID_M2_TITLE_FIELD + 1]; /* as stored (from the token:
	                               shown through input_text_escape) */
	safeid_hash hash;                      /* 0: none set */
	unsigned digits;                       /* 0: none set */
	unsigned step;                         /* 0: none set */
	/* Only whether a seed is there is known, not the title and
	 * settings (the PKCS#11 module lists the profiles with a seed). */
	bool info_unknown;
} client_profile;

typedef struct client_profile_list {
	client_slot token;
	size_t count; /* the token's profile count */
	client_profile items[SAFEID_M2_PROFILES];
} client_profile_list;

/* The refusal of a write to another token than the one in the plan:
 * CLIENT_EXIT_TOKEN, nothing written. */
int client_token_changed(const client_slot *now, const char *expect,
                         client_error *err);

/* Every profile of the Molto2 picked by spec (see client_slot_pick).  A
 * single-profile token: CLIENT_EXIT_USAGE, it has no profiles to show. */
int client_profiles_read(client_backend *b, const char *spec,
                         client_profile_list *out, client_error *err);

/* The customer key a command uses, and what is known of the tries. */
typedef struct client_m2_key {
	char *bytes; /* NULL: the factory key (it protects
	                               nothing); else len bytes, wiped */
	size_t len, cap;
	bool last_try; /* the person agreed to spend the last
	                               try (or to try a token believed
	                               locked) */
} client_m2_key;

#define CLIENT_M2_KEY_FILE_MAX (SAFEID_M2_CUSTOMER_KEY_MAX + 2)

/*
 * The customer key in the file at path: its bytes, one final newline cut
 * (1 to 1024 bytes).  The file is not trusted: it must be a regular file
 * of the user's that no one else may read or write, at most
 * CLIENT_M2_KEY_FILE_MAX bytes; else CLIENT_EXIT_INPUT naming the problem
 * and the fix.  what names the option in messages ("--customer-key-file").
 */
int client_m2_key_file(const char *path, const char *what, client_m2_key *k,
                       client_error *err);
/* A key typed by the person: text[0..len) (its trailing newline cut) is
 * taken over by k; empty leaves k the factory key. */
int client_m2_key_take(client_m2_key *k, char *text, size_t len, size_t cap,
                       client_error *err);
/* Wipe and free; k becomes the factory key. */
void client_m2_key_free(client_m2_key *k);

/*
 * The tries the token last reported for the key of the Molto2 serial
 * (63 NN after a wrong key), kept in the state directory (override, or
 * the burn records' default) as <serial>.tries, because no command reads
 * the counter without spending a try.  *tries = -1 when unknown (none
 * kept, or a key was accepted since: whether that refills the counter is
 * not public).  The file is untrusted: CLIENT_EXIT_INPUT when it is not a
 * small regular file of the user's with one valid line.
 */
int client_tries_load(const char *state_dir, const char *serial, int *tries,
                      client_error *err);
/* Keep tries (< 0: forget it); 0 or an errno value. */
int client_tries_save(const char *state_dir, const char *serial, int tries);

/*
 * The title of an account for a Molto2's display: text (NULL: the
 * account's issuer, else its name), its control and reordering characters
 * and bytes that are not UTF-8 made '?', cut to 12 bytes on a character
 * boundary.  out gets it NUL-terminated; returns its length (0: none);
 * *cut tells that it was shortened.
 */
size_t client_m2_title(const input_account *a, const char *text,
                       char out[SAFEID_M2_TITLE_MAX + 1], bool *cut);

/* One account of a Molto2 burn. */
typedef struct client_m2_account {
	unsigned profile;
	const uint8_t *seed; /* owned (and wiped) by the caller */
	size_t seedlen;
	safeid_hash hash;
	unsigned step;                       /* 30 or 60 */
	unsigned digits;                     /* 4, 6, 8 or 10 */
	char title[SAFEID_M2_TITLE_MAX + 1]; /* "": the profile keeps its */
	size_t titlelen;
	bool title_cut; /* shortened to fit */
	bool replaces;  /* the profile holds a seed now */
	size_t index;   /* the account in the input (0-based) */
} client_m2_account;

/* What a Molto2 command does. */
typedef enum client_m2_op {
	CLIENT_M2_BURN = 0, /* accounts into profiles */
	CLIENT_M2_SYNC,     /* clock of every (or the listed) profile */
	CLIENT_M2_WIPE,     /* delete one profile's seed */
	CLIENT_M2_LOCK,     /* screen lock */
	CLIENT_M2_UNLOCK,   /* screen unlock */
	CLIENT_M2_SET_KEY,  /* change the customer key (▲) */
	CLIENT_M2_RESET,    /* factory reset (▲) */
} client_m2_op;

/* "burn", "clock sync", ... for messages. */
const char *client_m2_op_text(client_m2_op op);

/* The person's part of a wait for ▲: called once the token waits (what
 * says for which request); SAFEID_OK once they say they pressed it,
 * SAFEID_ERR_TIMEOUT after timeout_ms, SAFEID_ERR_CANCELLED when they gave
 * up.  Nothing is sent to the token meanwhile. */
typedef int (*client_press_fn)(void *arg, safeid_m2_press what,
                               long timeout_ms);
/* Each step of a Molto2 command as it starts (phase CLIENT_PHASE_START)
 * and ends; profile -1 for the token's own steps (info, authenticate). */
typedef void (*client_m2_step_fn)(void *arg, int profile, safeid_m2_step step,
                                  int phase);

typedef struct client_m2_request {
	client_m2_op op;
	const char *expect_serial; /* refuse when another token is there */
	const char *state_dir;     /* the tries count (NULL: default) */
	const client_m2_key *key;  /* NULL: the factory key (not for reset) */
	/* burn */
	const client_m2_account *acc;
	size_t n;
	bool overwrite;           /* write over occupied profiles */
	unsigned display_seconds; /* 15, 30, 60 or 120 */
	bool clock_given;         /* false: the host clock at the write */
	uint32_t clock;
	/* sync: these profiles (NULL: every one); wipe: profiles[0] */
	const unsigned *profiles;
	size_t nprofiles;
	/* set-key */
	const client_m2_key *new_key;
	bool verify_key; /* authenticate with it after the press
	                               (costs a try when it did not change) */
	/* set-key, reset */
	long press_ms;         /* <= 0: SAFEID_M2_PRESS_MS */
	client_press_fn press; /* NULL: do not wait (pending) */
	void *press_arg;
	client_m2_step_fn step; /* may be NULL */
	void *step_arg;
} client_m2_request;

/* What one profile holds of each part after a command. */
typedef struct client_m2_result {
	unsigned profile;
	safeid_m2_step step;    /* reached: failed there, or DONE */
	int err;                /* safeid_err there, or SAFEID_OK */
	safeid_seed_state seed; /* OLD, NEW, ERASED, UNKNOWN */
	safeid_seed_state title;
	safeid_seed_state config; /* hash, step, digits, display, clock */
	bool confirmed;           /* read back as written */
	/* config UNKNOWN because the token refused the write of one or more
	 * of the profiles asked in one call, without saying which (the
	 * PKCS#11 module's clock of every profile): nothing was lost */
	bool refused_unsaid;
} client_m2_result;

typedef struct client_m2_outcome {
	client_slot before; /* the token, as read before */
	client_m2_op op;
	safeid_m2_step step; /* reached (DONE at the end) */
	int err;             /* the first safeid_err, or SAFEID_OK */
	size_t n;            /* results: one per profile concerned */
	client_m2_result results[SAFEID_M2_PROFILES];
	size_t done;     /* profiles whose part completed */
	int tries_left;  /* as the token last said; -1 unknown */
	bool have_after; /* clock: get info read at the end */
	uint64_t clock_after;
	unsigned apdus; /* APDUs sent; 0: the backend cannot
	                               tell */
	/* set-key, reset */
	safeid_m2_outcome press;
	int press_answer; /* the callback's answer; 1: not called */
	unsigned seeds_before, seeds_after;
	bool read_after;
} client_m2_outcome;

/* out before anything is sent: every profile rq concerns holds what it
 * held (OLD), err SAFEID_OK, tries as known. */
void client_m2_outcome_begin(client_m2_outcome *out,
                             const client_m2_request *rq, int tries_known);

/*
 * Carry out rq on the Molto2 picked by spec: the token must be
 * rq->expect_serial (when given), else nothing is sent.  The tries the
 * token last reported (client_tries_load) are given to the backend, which
 * refuses (SAFEID_ERR_LAST_TRY, nothing sent) to spend the last one
 * without key->last_try, and whatever the token says of them is kept
 * again.  out says, per profile and part, what the token now holds.  On
 * failure err's sentence says what happened and what each profile
 * concerned holds, and its exit code promises it (safeid-tool(1)):
 * CLIENT_EXIT_TOKEN when every profile holds what it held or what was
 * written, CLIENT_EXIT_PARTIAL when a part is unknown or a profile holds
 * a seed without its settings, CLIENT_EXIT_DECLINED when nothing was sent
 * (an occupied profile, the last try), CLIENT_EXIT_USAGE for a profile
 * the token does not have.
 */
int client_m2_run(client_backend *b, const char *spec,
                  const client_m2_request *rq, client_m2_outcome *out,
                  client_error *err);

/* What profile r holds after a command, in one sentence ("profile 57:
 * seed as written (the token accepted it); title ...; settings ..."). */
void client_m2_text_held(const client_m2_result *r, char *out, size_t cap);
/* "9 tries left before the token locks itself", "the token is locked",
 * "the tries left are not known". */
void client_m2_text_tries(int tries, char *out, size_t cap);
/* What the profiles of out hold now, in a few sentences: those done in a
 * list, each other one that changed or failed, then "every other profile
 * as it was". */
void client_m2_text_outcome(const client_m2_outcome *out, char *buf,
                            size_t cap);
/* The exit code (safeid-tool(1)) that promises what out says of the
 * profiles: PARTIAL when some part is unknown or half written, else
 * TOKEN. */
int client_m2_held_code(const client_m2_outcome *out);

/* ---- burn record --------------------------------------------------------- */

/*
 * So a later clock sync knows the configuration the token holds (the
 * token cannot be asked).  Never the seed.  One file per token,
 * <state dir>/<serial>.burn (default $XDG_STATE_HOME/safeid, else
 * ~/.local/state/safeid), directory 0700, file 0600, "key=value" lines.
 * A record is only ever true: every write moves the token's record aside
 * first and settles it afterwards by what the write did (kept, replaced,
 * or removed), so nothing that stops a write half-way leaves a record
 * describing a configuration the token may no longer hold.  Reading one
 * trusts nothing: a regular file of the user's, not writable by others,
 * at most CLIENT_RECORD_MAX bytes, every field strictly checked.
 */
#define CLIENT_RECORD_MAX 4096

/* What the token holds besides its configuration. */
typedef enum client_record_seed {
	CLIENT_RECORD_SEED_NEW = 0, /* the seed of the account, burned here */
	CLIENT_RECORD_SEED_ERASED,  /* none: a clock write erased it */
} client_record_seed;

typedef struct client_record {
	char serial[SAFEID_SERIAL_MAX + 1];
	char model[64]; /* printable ASCII */
	client_record_seed seed;
	char account[256]; /* UTF-8, no control or bidi characters; */
	char issuer[256];  /* "" when the seed was erased */
	safeid_hash hash;
	unsigned step;
	unsigned display; /* seconds */
	long long time;   /* Unix time of the write */
} client_record;

/* The state directory (no trailing slash); -1 when no home is known. */
int client_record_dir(const char *override, char *out, size_t cap);
/* The record of a complete burn of in's chosen account into token. */
void client_record_fill(client_record *r, const client_input *in,
                        const client_slot *token, unsigned display,
                        long long time);
/*
 * The record of a complete clock write p into token s, whose record was
 * prev (NULL: none): prev's account with the configuration sent, or, on
 * a restricted-sync model, an erased seed.  false when the write leaves
 * no record (an unrestricted token that has none: its account is not
 * known here).
 */
bool client_record_fill_clock(client_record *r, const client_record *prev,
                              const client_slot *s, const client_clock_plan *p,
                              long long time);
/* Write atomically (temp file, fsync, rename).  On failure err names the
 * file and the cause (e.g. a full disk), CLIENT_EXIT_RECORD; path
 * receives the file name either way. */
int client_record_save(const char *dir_override, const client_record *r,
                       char *path, size_t pathcap, client_error *err);
/* 0 when found and valid; 1 when there is none; CLIENT_EXIT_INPUT with
 * err when it is there but unusable (not a regular file of the user's,
 * writable by others, too long, damaged). */
int client_record_load(const char *dir_override, const char *serial,
                       client_record *r, char *path, size_t pathcap,
                       client_error *err);

/* The record's text; its length, or 0 when cap is too small. */
size_t client_record_format(const client_record *r, char *out, size_t cap);
/* Parse a record's text strictly (nothing unknown, repeated, malformed
 * or out of range; expect: the serial it must name, NULL: any).  0, or -1
 * with why: a phrase naming the line and key, never quoting the file. */
int client_record_parse(const char *text, size_t len, const char *expect,
                        client_record *r, char *why, size_t whycap);
/* A serial that may name a file: letters, digits and '-'. */
bool client_record_serial_ok(const char *serial);
/* A name as a record keeps it: control and bidi characters and bytes
 * that are not UTF-8 become '?'; cut at a character boundary. */
void client_record_name_copy(char *out, size_t cap, const char *in);

/* A write in progress and the record of its token (client_record_begin). */
typedef struct client_record_txn {
	char dir[4096];   /* "" when no record is possible */
	char path[4200];  /* <serial>.burn */
	char aside[4200]; /* the previous record while set aside */
	char ready[4200]; /* the record of a complete write, written
	                              ahead; "" when none */
	bool have_prev, have_made, burn;
	client_record prev, made;
	int ready_errno; /* why ready could not be written, or 0 */
} client_record_txn;

/*
 * Before a write: load the token's record (into t->prev), write the
 * record of a complete write (made; NULL: none) ahead, and set the old
 * one aside.  burn: the write sends a seed (else a clock write).  Refuses
 * (CLIENT_EXIT_SETUP, nothing written) only when an old record exists
 * and cannot be set aside.
 */
int client_record_begin(const char *dir_override, const char *serial,
                        const client_record *made, bool burn,
                        client_record_txn *t, client_error *err);
/*
 * After the write, by its outcome res: keep the old record (nothing the
 * write changed makes it untrue), put the new one in place, record an
 * erased seed, or remove the record.  note receives a sentence for the
 * person when the record was removed ("" else).  0, or
 * CLIENT_EXIT_RECORD with err saying which file could not be written
 * and exactly what a later 'clock' then needs.
 */
int client_record_end(client_record_txn *t, const client_write_result *res,
                      char *note, size_t notecap, client_error *err);

/* What to do with the record when the process must end mid-write. */
typedef enum client_record_fate {
	CLIENT_RECORD_RESTORE, /* nothing was written: the old one */
	CLIENT_RECORD_INSTALL, /* the write was complete: the new one */
	CLIENT_RECORD_DROP,    /* a write's outcome is unknown: none */
} client_record_fate;
/* What client_record_end does for the outcome res (the erased record of
 * a burn aside, which it writes new): for a watchdog that must choose
 * beforehand. */
client_record_fate client_record_fate_of(const client_record_txn *t,
                                         const client_write_result *res);
/* Async-signal-safe (rename and unlink only): for a watchdog that ends
 * the process; t must stay valid. */
void client_record_abandon(const client_record_txn *t, client_record_fate fate);

/* ---- writer lock --------------------------------------------------------- */

/*
 * One token-writing front end at a time per user: an flock on <state
 * dir>/.lock, held until client_lock_release, so a burn and its burn
 * record are one unit.  The PC/SC transaction in the core still guards
 * the APDUs against other users.  client_lock_try returns 0 when taken or
 * when no lock is possible (no home, read-only: *fd is then -1), 1 when
 * another writer holds it: *fd is open and path names the lock, so the
 * front end may wait (flock(*fd, LOCK_EX), bounded) or give up with
 * client_lock_fail.  The lock file is never followed through a symbolic
 * link: one that is not a regular file of the user's gives
 * CLIENT_EXIT_SETUP with err (nothing may be written then).
 */
int client_lock_try(const char *state_dir, int *fd, char *path, size_t cap,
                    client_error *err);
/* How long a front end waits for another writer (every front end the
 * same: a burn takes seconds, a person at another one minutes). */
#define CLIENT_LOCK_WAIT_SECONDS 120u
/* The lock was still held after seconds (0: not waited for): closes
 * *fd, CLIENT_EXIT_NO_TOKEN; the message names the holder. */
int client_lock_fail(int *fd, unsigned seconds, const char *path,
                     client_error *err);
void client_lock_release(int *fd);
/* Taken after a wait: say in the file who holds it (client_lock_try does
 * when it takes it at once). */
void client_lock_held(int fd);
/* Who holds the lock on fd, as a sentence's subject ("another
 * safeid-tool", "a safeid window (safeid-gui)", ...). */
void client_lock_holder(int fd, char *out, size_t cap);

/* ---- host clock ---------------------------------------------------------- */

/* The token clock is set from the host clock: is that one trustworthy? */
typedef enum client_ntp_state {
	CLIENT_NTP_SYNCED = 0,   /* the kernel says NTP keeps it in step */
	CLIENT_NTP_UNSYNCED = 1, /* not synchronised: codes may be off */
	CLIENT_NTP_UNKNOWN = 2,  /* the kernel could not tell */
} client_ntp_state;

/* Ask the kernel (ntp_adjtime, read-only).  $SAFEID_ASSUME_NTP=synced or
 * =unsynced overrides it (for tests and containers without NTP). */
client_ntp_state client_ntp_state_read(void);
const char *client_ntp_state_name(client_ntp_state s); /* "synced", ... */
/* "synchronised by NTP", ... */
const char *client_ntp_state_text(client_ntp_state s);

/* ---- front ends ---------------------------------------------------------- */

/*
 * Whom the sentences speak to.  Advice names what the person can do
 * there: safeid-tool's options and commands (the default), or a
 * window's controls ("Burn", "Sync token clock"), never an option a
 * window does not have.  Set once, first thing, before any other call
 * and before any thread starts (the OpenSC plug-in, which no window
 * uses, always speaks to the tool).
 */
typedef enum client_front {
	CLIENT_FRONT_TOOL = INPUT_FRONT_TOOL,
	CLIENT_FRONT_WINDOW = INPUT_FRONT_WINDOW,
} client_front;

void client_front_set(client_front f);
client_front client_front_get(void);
/* The words for the front end set: tool's, or window's (NULL: the
 * tool's). */
const char *client_front_words(const char *tool, const char *window);

/* ---- sentences ----------------------------------------------------------- */

/* What front ends tell people, in one place so they all say the same. */
typedef enum client_text_id {
	CLIENT_TEXT_POWER_CYCLE,    /* after a burn: switch the token off/on */
	CLIENT_TEXT_NTP_ADVICE,     /* the host clock is not synchronised */
	CLIENT_TEXT_NO_READER,      /* no reader at all */
	CLIENT_TEXT_PLACE_TOKEN,    /* a reader without a token */
	CLIENT_TEXT_RESTRICTED,     /* what restricted sync means */
	CLIENT_TEXT_CLOCK_UNREAD,   /* the clock was not read back */
	CLIENT_TEXT_BURN_QUESTION,  /* the last question before a burn */
	CLIENT_TEXT_ERASE_QUESTION, /* ... before a clock write that erases */
	CLIENT_TEXT_BURN_AGAIN,     /* after a clock write erased the seed */
	CLIENT_TEXT_BURNABLE,       /* scan: the account fits this family */
	CLIENT_TEXT_NO_RECORD,      /* no burn record for a token */
	CLIENT_TEXT_MATCH,          /* verify: right code, clock in step */
	CLIENT_TEXT_FACTORY_KEY,    /* the factory customer key is in use */
	CLIENT_TEXT_M2_NO_RECORD,   /* why a Molto2 has no burn record */
	CLIENT_TEXT_M2_BURN_QUESTION,   /* the last question before a burn */
	CLIENT_TEXT_OVERWRITE_QUESTION, /* ... when it replaces seeds */
	CLIENT_TEXT_WIPE_QUESTION,      /* before a profile's seed is deleted */
	CLIENT_TEXT_RESET_QUESTION,     /* before a factory reset */
	CLIENT_TEXT_LAST_TRY,           /* one try left: what it means */
	CLIENT_TEXT_TITLES_PUBLIC, /* titles are readable without the key */
	CLIENT_TEXT_FOREIGN_CARD,  /* a card that is not a token of ours */
	/* what a window says besides (its controls named) */
	CLIENT_TEXT_RESTRICTED_BURN, /* restricted sync: burn, clock alone */
	CLIENT_TEXT_NOTHING_TO_BURN, /* Burn with no account nor clock sync */
	CLIENT_TEXT_INPUT_HINT,      /* the other ways to give the account */
	CLIENT_TEXT_DROP_HINT,       /* an image dragged over the window */
	CLIENT_TEXT_BUSY,            /* work asked for while work runs */
	CLIENT_TEXT_READING,         /* an input being read */
	CLIENT_TEXT_SCANNING,        /* every monitor being read */
	CLIENT_TEXT_SECRET_HIDDEN,   /* the secret, until shown */
	CLIENT_TEXT_CLIP_TEXT,       /* the clipboard's text was not read */
	CLIENT_TEXT_CLIP_IMAGE,      /* the clipboard's image was not read */
	CLIENT_TEXT_CLIP_NONE,       /* the clipboard has neither */
	CLIENT_TEXT_READERS_WAIT,    /* readers not known yet */
	CLIENT_TEXT_TOKEN_READING,   /* a card placed, being read */
	CLIENT_TEXT_NOT_FAMILY,      /* a card that is no token (or mute) */
	CLIENT_TEXT_NO_ACCOUNT,      /* verify without an account */
	CLIENT_TEXT_CLOSE_WAIT,      /* close asked during a write */
	CLIENT_TEXT_COUNT
} client_text_id;

/* The sentence for the front end set (client_front_set). */
const char *client_text(client_text_id id);

/* CLIENT_TEXT_FOREIGN_CARD, for code built without the table (the OpenSC
 * plug-in carries no copy of it). */
#define CLIENT_FOREIGN_CARD_TEXT                                              \
	"the card on it is not a programmable OTP token of this family (if "  \
	"it is a security key such as a YubiKey, it was tapped by mistake): " \
	"use the OTP token"

/* "2026-01-01 00:00:00 UTC" */
void client_text_time(uint64_t t, char *out, size_t cap);
/* "It should show 123456 now (12 s left), then 654321." */
void client_text_codes(const client_input *in, uint64_t now, char *out,
                       size_t cap);
/* "Token clock set to ... (+1 s from the host clock)." (verb: "set to",
 * "now"). */
void client_text_clock(const char *verb, uint64_t clock, uint64_t host_now,
                       char *out, size_t cap);
/* verify: "MATCH, but the token's clock is 2 steps (about 60 s) ahead
 * of this host. ..." for offset steps != 0. */
void client_text_offset(long offset, unsigned step, char *out, size_t cap);
/* What to do after the token stopped answering, given what it holds and
 * the class of the failure. */
const char *client_text_next_step(safeid_seed_state held, int exit_code);
/* What to tell the person when the token waits for ▲ (what: key change
 * or reset), with the bound in seconds. */
void client_text_press(safeid_m2_press what, const char *serial, long seconds,
                       char *out, size_t cap);
/* The warning for a secret file that other users may read. */
void client_text_exposed(const char *path, char *out, size_t cap);
/* "2026-01-01 00:00:00 UTC (+1 s from the host clock)" */
void client_text_drift(uint64_t clock, uint64_t host_now, char *out,
                       size_t cap);
/* "no token on reader 'R': place the token on the reader, ..." */
void client_text_no_token(const char *reader, char *out, size_t cap);
/* "QR code in 'a.png': 2 accounts" (scan's first line). */
void client_text_accounts(const client_input *in, char *out, size_t cap);
/* "Monitor RIGHT-2: 1024x800 at +1280+0, 1 QR code" */
void client_text_monitor(const input_monitor *m, char *out, size_t cap);
/* "Burning into token S" (the front end ends it: ':', '…'). */
void client_text_burning(const char *serial, char *out, size_t cap);
/* "Setting the clock of token S on 'R' (SHA-1, 30 s step, 30 s
 * display, from the burn record)"; source as client_clock_plan_fill
 * gives it. */
void client_text_clock_setting(const char *serial, const char *reader,
                               const client_clock_plan *p, const char *source,
                               char *out, size_t cap);
/* verify: "Clock offset: -1 step (-30 s)" */
void client_text_steps(long offset, unsigned step, char *out, size_t cap);
/* Another writer holds the lock on fd: "another safeid-tool is writing a
 * token; waiting up to N s for it to finish..." */
void client_text_lock_wait(int fd, unsigned seconds, char *out, size_t cap);
/* A file that is not on this computer: "cannot open 'NAME': ..." */
void client_text_not_local(const char *name, char *out, size_t cap);

/* ---- watching readers ---------------------------------------------------- */

/* The readers PC/SC knows and the state of each (card present, usable),
 * learnt without talking to a token. */
typedef struct client_reader_view {
	size_t count;
	char names[SAFEID_WATCH_MAX][CLIENT_READER_MAX];
	safeid_reader_state states[SAFEID_WATCH_MAX];
} client_reader_view;

typedef struct client_reader_watch client_reader_watch;

int client_reader_watch_new(client_reader_watch **out, client_error *err);
/*
 * Block until the readers or their cards differ from *v, then fill *v
 * with them (the first call answers at once).  By PC/SC events, never by
 * polling: call it from a thread of its own.  When the PC/SC service is
 * gone: CLIENT_EXIT_NO_TOKEN ("no_service", the sentence says so), and
 * the next call first waits, by file system events on pcscd's socket,
 * until the service answers again.  After client_reader_watch_cancel():
 * CLIENT_EXIT_SETUP, "cancelled".
 */
int client_reader_watch_next(client_reader_watch *w, client_reader_view *v,
                             client_error *err);
/* From any thread: end the call in progress and every later one. */
void client_reader_watch_cancel(client_reader_watch *w);
/* Once the thread that waits has returned. */
void client_reader_watch_free(client_reader_watch **w);

#endif /* CLIENT_H */
