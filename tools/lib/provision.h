/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * provision.h: fleet provisioning in the client library: a stack of
 * tokens burned with fresh random seeds, every seed kept in an encrypted
 * journal before it is sent, and the burned tokens exported in the seed
 * file format a token-management server imports.
 *
 * Same conventions as client.h: 0 or an enum client_exit code with a
 * client_error filled; nothing prints, prompts, exits or handles signals,
 * so a desktop window can drive a batch as safeid-tool does.  Seeds live
 * on the heap or in records the caller wipes (client_jrec_wipe).
 */
#ifndef CLIENT_PROVISION_H
#define CLIENT_PROVISION_H

#include "client.h"

/* ---- the batch secret ---------------------------------------------------- */

typedef enum client_secret_kind {
	CLIENT_SECRET_NONE = 0,     /* plaintext journal / export */
	CLIENT_SECRET_PSK = 1,      /* 32 hex digits: 16 bytes */
	CLIENT_SECRET_PASSWORD = 2, /* 6 to 1024 bytes of text */
} client_secret_kind;

#define CLIENT_PSK_BYTES 16u
#define CLIENT_PASSWORD_MAX 1024u

/* The key a batch is encrypted with: it opens the journal and encrypts
 * the PSKC export.  data is on the heap and wiped by _free. */
typedef struct client_batch_secret {
	client_secret_kind kind;
	uint8_t *data;
	size_t len;
	char source[320]; /* "pre-shared key file 'F'" */
	bool ascii_6_64;  /* password: 6-64 printable ASCII */
} client_batch_secret;

/*
 * Read the secret from path (a regular file; one trailing newline is
 * dropped).  A PSK must be exactly 32 hex digits; a password 6 to 1024
 * bytes of UTF-8 text without control characters.  Errors:
 * CLIENT_EXIT_INPUT naming the file, the problem and the fix.
 */
int client_batch_secret_load(client_batch_secret *s, client_secret_kind kind,
                             const char *path, client_error *err);
void client_batch_secret_free(client_batch_secret *s);

/* ---- users ------------------------------------------------------------- */

#define CLIENT_USER_MAX 256u
#define CLIENT_REALM_MAX 128u

typedef struct client_user {
	char name[CLIENT_USER_MAX];      /* user name or UPN */
	char resolver[CLIENT_REALM_MAX]; /* privacyIDEA; "" when not given */
	char realm[CLIENT_REALM_MAX];
} client_user;

typedef struct client_users {
	size_t count;
	client_user *list;
	char path[4096];
} client_users;

/*
 * One user per line, or CSV with a header naming a column "user" (or
 * "upn", "username") and optionally "resolver" and "realm".  Blank lines
 * are skipped.  Refused (CLIENT_EXIT_INPUT, naming the line): control
 * characters, invalid UTF-8, leading or trailing spaces, quotes, a
 * duplicate user (UPNs compare without case), no user at all.
 */
int client_users_load(client_users *u, const char *path, client_error *err);
void client_users_free(client_users *u);

/* ---- the journal --------------------------------------------------------- */

/*
 * One file per batch: a header (magic, version, key derivation, salt,
 * batch id, a digest of these and a key check), then records, each
 * sealed with AES-256-GCM under a key derived from the batch secret
 * (PBKDF2-HMAC-SHA256, 600,000 iterations, for a password; HKDF-SHA256
 * for a pre-shared key).  A record is appended, written whole and
 * fdatasync'ed before the call returns.  A plaintext journal (records
 * checked by SHA-256 only) exists for those who ask for it explicitly.
 */
typedef struct client_journal client_journal;

typedef enum client_jrec_type {
	CLIENT_JREC_INTENT = 1,  /* seed and plan, before the first write */
	CLIENT_JREC_OUTCOME = 2, /* what the token holds after the burn */
	CLIENT_JREC_VERIFY = 3,  /* the code the person typed matched? */
} client_jrec_type;

typedef struct client_jrec {
	client_jrec_type type;
	uint64_t seq;        /* set by the journal */
	unsigned long index; /* token number in the batch, from 1 */
	char serial[SAFEID_SERIAL_MAX + 1];
	int64_t time; /* host time of the record */
	/* intent */
	char model[CLIENT_MODEL_MAX];
	client_user user; /* name "" when none */
	safeid_hash hash;
	unsigned digits, step, display;
	uint8_t seed[SAFEID_SEED_MAX];
	size_t seedlen;
	bool verify_wanted; /* the person will type a code */
	/* outcome */
	safeid_seed_state state;
	bool clock_known;
	uint64_t clock; /* token clock read back after the burn */
	char error[48]; /* client_error code of a failed burn */
	/* verify */
	bool match;
	long offset; /* steps between token and host clock */
} client_jrec;

void client_jrec_wipe(client_jrec *r);

/* What reading a journal found besides its good records. */
typedef struct client_journal_damage {
	size_t records;     /* good records read */
	size_t bad;         /* records skipped in the middle (failed
	                               authentication or form) */
	size_t gaps;        /* records missing by sequence number */
	uint64_t first_bad; /* file offset of the first bad one */
	bool torn;          /* the file ends in a cut-short record */
	uint64_t torn_at, torn_bytes;
	uint64_t good_end; /* end of the last good record */
} client_journal_damage;

/* true when records before the end are lost (not only a torn tail). */
bool client_journal_damaged(const client_journal_damage *d);
/* One sentence naming the damage ("" when none). */
void client_journal_damage_text(const client_journal_damage *d,
                                const char *path, char *out, size_t cap);

/*
 * Create a new journal at path (must not exist) in a directory only the
 * user may enter (made 0700 when missing); s NULL or kind NONE makes a
 * plaintext journal.  The file is 0600; file and directory are fsync'ed.
 */
int client_journal_create(const char *path, const client_batch_secret *s,
                          client_journal **out, client_error *err);
/*
 * Open an existing journal: owner, mode 0600, regular file, header digest
 * and the key check are verified before it returns, so a wrong secret
 * is refused before any token is touched.  write: open for appending,
 * under an exclusive lock (one writer per journal).
 */
int client_journal_open(const char *path, const client_batch_secret *s,
                        bool write, client_journal **out, client_error *err);
void client_journal_close(client_journal **j);
bool client_journal_plaintext(const client_journal *j);
const char *client_journal_path(const client_journal *j);

/*
 * Read every record in order: visit(arg, rec) for each good one (rec is
 * wiped after the call; return non-zero to stop).  d says what was
 * skipped.  Reading streams: memory stays flat whatever the size.
 */
typedef int (*client_journal_visit)(void *arg, const client_jrec *rec);
int client_journal_read(client_journal *j, client_journal_visit visit,
                        void *arg, client_journal_damage *d, client_error *err);
/*
 * Cut a torn tail off (after client_journal_read said so), so the next
 * record follows the last good one.
 */
int client_journal_trim(client_journal *j, const client_journal_damage *d,
                        client_error *err);
/* Keep room for the next n bytes of records (a full disk is found before
 * the token is touched). */
int client_journal_reserve(client_journal *j, size_t n, client_error *err);
/* Seal, append, fdatasync.  rec->seq is set. */
int client_journal_append(client_journal *j, client_jrec *rec,
                          client_error *err);

/* ---- the tokens of a journal ------------------------------------------- */

/* One burn attempt, as the journal tells it (no seed). */
typedef struct client_jtoken {
	unsigned long index;
	uint64_t intent_seq;
	char serial[SAFEID_SERIAL_MAX + 1];
	char model[CLIENT_MODEL_MAX];
	char user[CLIENT_USER_MAX];
	safeid_hash hash;
	unsigned seedlen, step, digits;
	bool has_outcome; /* false: killed mid-burn: unknown */
	safeid_seed_state state;
	bool clock_known;
	uint64_t clock;
	bool verify_wanted;
	bool seed_lost; /* its intent (with the seed) is damaged */
	int verify;     /* 0 not asked, 1 match, -1 mismatch */
	bool latest;    /* the newest attempt on its serial */
} client_jtoken;

typedef struct client_jtable {
	size_t count, cap;
	client_jtoken *t;
} client_jtable;

/* Every attempt in journal order, latest marked per serial. */
int client_jtable_read(client_journal *j, client_jtable *out,
                       client_journal_damage *d, client_error *err);
void client_jtable_free(client_jtable *t);
/* What the token of attempt t holds as far as the journal knows. */
safeid_seed_state client_jtoken_state(const client_jtoken *t);
/* A burned token with a confirmed new seed (and a matching code when the
 * person was to type one). */
bool client_jtoken_done(const client_jtoken *t);

/* ---- exports ----------------------------------------------------------- */

typedef enum client_format {
	CLIENT_FORMAT_PSKC = 0,
	CLIENT_FORMAT_PRIVACYIDEA,
	CLIENT_FORMAT_LINOTP,
	CLIENT_FORMAT_MULTIOTP,
	CLIENT_FORMAT_ENTRA,
} client_format;

/* "pskc", "privacyidea-csv", ...; false when unknown. */
bool client_format_parse(const char *name, client_format *out);
const char *client_format_name(client_format f);

#define CLIENT_MANUFACTURER "Token2"
#define CLIENT_PSKC_ITERATIONS 100000u

typedef struct client_export_opts {
	client_format format;
	const char *out_path;
	bool force;           /* replace an existing file */
	bool include_unknown; /* also unconfirmed / unverified tokens */
	const client_batch_secret *secret; /* PSKC: PSK or password */
	bool plaintext;    /* PSKC without encryption, asked for */
	const char *realm; /* privacyidea-csv with users */
} client_export_opts;

/* Why a token is left out of an export (reason: a short phrase). */
typedef void (*client_export_left_fn)(void *arg, const client_jtoken *t,
                                      const char *reason);

typedef struct client_export_result {
	size_t written; /* tokens in the file */
	size_t left_out;
	size_t unknown_included;
	client_journal_damage damage;
} client_export_result;

/*
 * What can be checked before any token is burned: the format can carry
 * the plan (hash, seed length, step, digits, users), the output folder
 * takes a file, and no file is there (unless force).
 */
typedef struct client_export_plan {
	safeid_hash hash;
	unsigned seedlen, step, digits;
	const client_users *users; /* NULL: none */
	size_t count;              /* tokens planned (0: unknown) */
} client_export_plan;

int client_export_check(const client_export_opts *o,
                        const client_export_plan *p, client_error *err);

/*
 * Write the export of journal j: the latest attempt of every serial whose
 * burn is done (client_jtoken_done), others only with include_unknown;
 * left is told of every token left out.  The file is written to a
 * temporary file, fsync'ed and renamed into place (0600); on any error
 * nothing is left behind and an existing file is untouched.
 */
int client_export_write(client_journal *j, const client_export_opts *o,
                        client_export_left_fn left, void *arg,
                        client_export_result *res, client_error *err);

/* ---- the provisioning session -------------------------------------------- */

typedef struct client_provision_opts {
	safeid_hash hash;
	unsigned seedlen;          /* bytes, 16..63 */
	unsigned step;             /* 30 or 60 */
	unsigned display;          /* 15, 30, 60, 120 */
	bool reburn;               /* burn a token done in an earlier run */
	const client_users *users; /* NULL: none */
	bool verify;               /* the person types each token's code */
} client_provision_opts;

typedef struct client_provision client_provision;

/*
 * Open (or, when create, create: it must not exist) the journal of a
 * batch and read it:
 * tokens done, numbering, unknown states.  A journal damaged before its
 * end is refused (CLIENT_EXIT_INPUT: the damage named; export what can be
 * read); a torn tail, what a crash leaves, is cut off and reported in d.
 */
int client_provision_open(const char *journal, const client_batch_secret *s,
                          bool create, const client_provision_opts *o,
                          client_provision **out, client_journal_damage *d,
                          client_error *err);
void client_provision_close(client_provision **p);

/* Confirmed burns in the journal (distinct tokens). */
size_t client_provision_done(const client_provision *p);
/* The number the next attempt gets. */
unsigned long client_provision_next_index(const client_provision *p);
/* Attempts (latest per token) whose state is not settled (unknown,
 * erased, killed mid-burn, code mismatch), i from 0; NULL past the end. */
const client_jtoken *client_provision_unsettled(const client_provision *p,
                                                size_t i);
client_journal *client_provision_journal(client_provision *p);

/* The result of one token. */
typedef struct client_provision_token {
	unsigned long index;
	char serial[SAFEID_SERIAL_MAX + 1];
	char model[CLIENT_MODEL_MAX];
	char reader[CLIENT_READER_MAX];
	char user[CLIENT_USER_MAX];
	client_write_result res;
	long long overhead_us; /* journal and bookkeeping time */
} client_provision_token;

/*
 * May token s be burned?  Refused (CLIENT_EXIT_DECLINED): a token done in
 * this batch (from an earlier run: unless reburn); no user left.
 */
int client_provision_check(const client_provision *p, const client_slot *s,
                           client_error *err);
/*
 * Burn the token s on reader: a fresh seed from OpenSSL's CSPRNG, the
 * intent record appended and synced, then the burn through b (as
 * client_seed_burn, with s's serial expected), then the outcome record.
 * A failure to record the intent ends before any APDU; a failed burn is
 * recorded with what the token holds and returned as client_seed_burn's
 * error.  The seed is kept (for client_provision_verify) until the next
 * burn or close.
 */
int client_provision_burn(client_provision *p, client_backend *b,
                          const char *reader, const client_slot *s,
                          client_step_fn step, void *arg,
                          client_provision_token *t, client_error *err);
/*
 * The code the person typed for the last token burned: a verify record
 * (match within one step either side, or not).  CLIENT_EXIT_MISMATCH
 * when it does not match (recorded: the token is not exported).
 */
int client_provision_verify(client_provision *p, const char *typed,
                            uint64_t now, long *offset, client_error *err);

/* ---- tokens arriving on readers ------------------------------------------ */

/*
 * Waiting by PC/SC events for the next token on one reader or on every
 * reader: a card counts once; after client_arrivals_done it must leave
 * (or another card come) before that reader counts again.
 */
typedef struct client_arrivals client_arrivals;

/* spec: a reader (index or part of its name), NULL: every reader. */
int client_arrivals_new(const char *spec, client_arrivals **out,
                        client_error *err);
/* Wait for a reader holding a card not handled yet, up to timeout_ms (<0:
 * no bound); its name into reader.  CLIENT_EXIT_NO_TOKEN on timeout;
 * CLIENT_EXIT_DECLINED (code "cancelled") after client_arrivals_cancel. */
int client_arrivals_next(client_arrivals *a, long timeout_ms, char *reader,
                         size_t cap, client_error *err);
/* The card now on reader is handled. */
void client_arrivals_done(client_arrivals *a, const char *reader);
/* From any thread: end the wait in progress and every later one. */
void client_arrivals_cancel(client_arrivals *a);
void client_arrivals_free(client_arrivals **a);

/* ---- files -------------------------------------------------------------- */

/* A file written whole or not at all: a temporary file beside path
 * (0600), then fsync, rename (without replacing unless force), fsync of
 * the directory. */
typedef struct client_outfile {
	int fd;
	char path[4096], tmp[4096 + 16];
	bool force;
} client_outfile;

int client_outfile_check(const char *path, bool force, client_error *err);
int client_outfile_open(client_outfile *f, const char *path, bool force,
                        client_error *err);
int client_outfile_commit(client_outfile *f, client_error *err);
void client_outfile_abort(client_outfile *f);

#endif /* CLIENT_PROVISION_H */
