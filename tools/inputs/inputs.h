/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * safeid inputs: what safeid-tool reads before it touches a token.
 *
 * Decoded text (otpauth://, otpauth-migration://, or anything a QR code may
 * hold) becomes a list of accounts; QR codes come from image files or from
 * the screen; the burn plan check says whether this token family can hold an
 * account, with errors and warnings kept apart.
 *
 * Conventions:
 *  - Functions return INPUT_OK (0) or a negative input_err and, when
 *    given an input_error, fill it with a sentence for a person that names
 *    the input, the problem and the fix.  input_errname() gives a stable
 *    symbol (used by tests/inputs/malformed.txt and by scripts).
 *  - Secrets (account secrets and any decoded text, which may hold one) live
 *    on the heap and are wiped by the matching free function.  No message
 *    ever contains secret bytes or secret characters.
 *  - Nothing here talks to a token.
 */
#ifndef INPUTS_H
#define INPUTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- errors ------------------------------------------------------------ */

typedef enum input_err {
	INPUT_OK = 0,
	INPUT_ERR_ARG = -1,   /* invalid argument (programming error) */
	INPUT_ERR_NOMEM = -2, /* out of memory */

	/* text / URI syntax */
	INPUT_ERR_EMPTY_INPUT = -10, /* nothing to parse */
	INPUT_ERR_TOO_LONG = -11,  /* input or one field longer than allowed */
	INPUT_ERR_NUL = -12,       /* NUL byte (raw or %00) */
	INPUT_ERR_ESCAPE = -13,    /* bad percent escape (%G1, trailing %) */
	INPUT_ERR_SYNTAX = -14,    /* malformed URI (no label, bad host ...) */
	INPUT_ERR_DUPLICATE = -15, /* a parameter given twice */
	INPUT_ERR_PARAM = -16,     /* parameter value unreadable (digits=x) */
	INPUT_ERR_TYPE = -17,      /* otpauth type neither totp nor hotp */
	INPUT_ERR_NO_SECRET = -18, /* secret missing or empty */
	INPUT_ERR_BASE32 = -19,    /* secret is not base32 */
	INPUT_ERR_BASE64 = -20,    /* migration data is not base64 */
	INPUT_ERR_PROTOBUF = -21,  /* migration payload does not decode */
	INPUT_ERR_NO_ACCOUNTS = -22, /* migration payload holds no account */

	/* recognised content that is not an OTP seed */
	INPUT_ERR_SERIAL_BARCODE = -30,  /* digits only, 8659...: a serial */
	INPUT_ERR_NUMBER = -31,          /* a plain number */
	INPUT_ERR_PHONEFACTOR = -32,     /* phonefactor:// (Microsoft MFA) */
	INPUT_ERR_FIDO = -33,            /* FIDO:/ (passkey hybrid pairing) */
	INPUT_ERR_WEB_LINK = -34,        /* http:// or https:// */
	INPUT_ERR_UNKNOWN_CONTENT = -35, /* anything else */

	/* burn plan: an OTP account this token family cannot hold */
	INPUT_ERR_HOTP = -40,        /* counter based; tokens are time based */
	INPUT_ERR_ALGORITHM = -41,   /* SHA-512, MD5 or unknown */
	INPUT_ERR_DIGITS = -42,      /* not 6 digits */
	INPUT_ERR_PERIOD = -43,      /* not 30 or 60 seconds */
	INPUT_ERR_SECRET_LONG = -44, /* more than 63 bytes */

	/* warnings (severity INPUT_SEV_WARNING in a plan report) */
	INPUT_WARN_SECRET_SHORT = -50,    /* under 10 bytes (80 bits) */
	INPUT_WARN_ISSUER_MISMATCH = -51, /* issuer= vs label prefix */
	INPUT_WARN_DEFAULTED = -52, /* reserved; not reported (see flags) */

	/* files, images and screen */
	INPUT_ERR_NOT_FILE = -59,  /* a FIFO, device, directory... where a
	                              regular file is needed */
	INPUT_ERR_IO = -60,        /* file cannot be opened or read */
	INPUT_ERR_NOT_IMAGE = -61, /* neither PNG nor JPEG (or empty file) */
	INPUT_ERR_IMAGE_CORRUPT = -62, /* truncated or damaged image */
	INPUT_ERR_IMAGE_TOO_BIG = -63, /* over the pixel/dimension limit */
	INPUT_ERR_NO_QR = -64,         /* decoded fine, no QR code found */
	INPUT_ERR_NO_DISPLAY = -65,    /* no X11 display to open */
	INPUT_ERR_WAYLAND = -66,       /* Wayland without X: use a command */
	INPUT_ERR_CAPTURE = -67,    /* screen grab or screenshot cmd failed */
	INPUT_ERR_QR_DECODER = -68, /* zbar failed (not "no code") */
	INPUT_ERR_IMAGE_WORK = -69, /* decoding would cost too much work
	                               (a JPEG with too many scans) */

	/* picking */
	INPUT_ERR_NO_MATCH = -70,  /* --pick matched nothing */
	INPUT_ERR_AMBIGUOUS = -71, /* --pick matched several */

	INPUT_ERR_INTERNAL = -99,
} input_err;

#define INPUT_MSG_MAX 512u

typedef struct input_error {
	int code;                /* input_err */
	char msg[INPUT_MSG_MAX]; /* input + problem + fix; never a secret */
} input_error;

/* Stable symbol, e.g. "INPUT_ERR_HOTP".  Never NULL. */
const char *input_errname(int code);
/* Generic sentence for the code (the input_error message is sharper). */
const char *input_strerror(int code);
/* Symbol -> code (for data tables); returns 1 (not a code) if unknown. */
int input_errcode(const char *name);
/* true for INPUT_ERR_SERIAL_BARCODE .. INPUT_ERR_UNKNOWN_CONTENT. */
bool input_is_not_otp(int code);

/*
 * Whom a message's advice speaks to: safeid-tool (its options; the
 * default) or a window (its controls).  Set once, before any other call
 * and before any thread starts.
 */
typedef enum input_front {
	INPUT_FRONT_TOOL = 0,
	INPUT_FRONT_WINDOW = 1,
} input_front;

void input_front_set(input_front f);
input_front input_front_get(void);
/* The advice for the front end set: tool's words, or window's. */
const char *input_advice(const char *tool, const char *window);

/* ---- limits ------------------------------------------------------------ */

#define INPUT_TEXT_MAX 16384u /* whole decoded text (a QR holds < 3 KiB) */
#define INPUT_FIELD_MAX 256u  /* issuer, account name, other values */
#define INPUT_SECRET_CHARS_MAX 1024u /* secret parameter, encoded */
#define INPUT_ACCOUNTS_MAX 256u      /* accounts in one migration payload */
#define INPUT_IMAGE_PIXELS_MAX 100000000u /* 100 megapixels */
#define INPUT_IMAGE_SIDE_MAX 32768u
#define INPUT_FILE_MAX (256u * 1024u * 1024u) /* image file bytes */

/* ---- accounts ------------------------------------------------------------ */

typedef enum input_otp_type {
	INPUT_OTP_UNKNOWN = 0,
	INPUT_OTP_TOTP = 1,
	INPUT_OTP_HOTP = 2,
} input_otp_type;

typedef enum input_alg {
	INPUT_ALG_SHA1 = 1,
	INPUT_ALG_SHA256 = 2,
	INPUT_ALG_SHA512 = 3,
	INPUT_ALG_MD5 = 4,
	INPUT_ALG_UNKNOWN = 5, /* named but not recognised */
} input_alg;

/* Flags noted while parsing, reported as warnings by the plan check. */
#define INPUT_ACCT_ISSUER_MISMATCH 0x1u  /* issuer= differs from label */
#define INPUT_ACCT_ALG_DEFAULTED 0x2u    /* no algorithm given: SHA-1 */
#define INPUT_ACCT_DIGITS_DEFAULTED 0x4u /* no digits given: 6 */

typedef struct input_account {
	input_otp_type type;
	char *issuer;      /* never NULL ("" when none); UTF-8, decoded */
	char *name;        /* account name without issuer prefix; never NULL */
	uint8_t *secret;   /* raw bytes (base32-decoded); wiped on free */
	size_t secret_len; /* 0 only if the source had none (then an error) */
	input_alg alg;     /* SHA1 when not given */
	unsigned digits;   /* 6 when not given */
	unsigned period;   /* seconds; 30 when not given */
	uint64_t counter;  /* HOTP only */
	unsigned flags;    /* INPUT_ACCT_* */
	char source[128];  /* e.g. "otpauth URI", "migration account 2 of 3" */
} input_account;

typedef struct input_account_list {
	input_account *items; /* contiguous; owned by the list */
	size_t count;
	size_t cap;
} input_account_list;

/* Clear every account, free the array, leave an empty list. */
void input_account_list_clear(input_account_list *l);

/*
 * Parse one decoded text: otpauth://, otpauth-migration://offline?data=...,
 * or recognised non-OTP content (which returns one of the NOT-OTP codes with
 * a message saying what the content is and what to scan instead).
 * Accounts are APPENDED to *out (so several QR codes can fill one list); on
 * error nothing is appended.  `what` names the input in messages, e.g.
 * "QR code 2 in photo.jpg" or "standard input"; NULL means "the input".
 * `len` is the text length (the text need not be NUL terminated; an embedded
 * NUL is an error).  Syntax only: run input_plan_check() on each account.
 */
int input_parse(const char *text, size_t len, const char *what,
                input_account_list *out, input_error *err);

/* The individual parsers (input_parse dispatches to these). */
int input_otpauth_parse(const char *text, size_t len, const char *what,
                        input_account_list *out, input_error *err);
int input_migration_parse(const char *text, size_t len, const char *what,
                          input_account_list *out, input_error *err);

/* Label for listings, "Issuer: name" or "name"; never the secret. */
int input_account_label(const input_account *a, char *buf, size_t cap);
const char *input_alg_name(input_alg alg); /* "SHA1", "SHA256", ... */

/*
 * Pick one account: `sel` is a 1-based index as listings show it ("2"), or
 * a case-insensitive substring of issuer or name ("github", "alice@").
 * With sel NULL or "" and exactly one account, picks it.  Sets *index
 * (0-based).  NO_MATCH / AMBIGUOUS messages list the candidates' labels.
 */
int input_account_pick(const input_account_list *l, const char *sel,
                       size_t *index, input_error *err);

/* ---- base32 (RFC 4648) --------------------------------------------------- */

/*
 * Decode, ignoring case, spaces, tabs, '-' separators and '=' padding
 * (padding only at the end).  *out is heap memory holding a secret: release
 * it with input_secret_free().  Messages give positions, never chars.
 */
int input_base32_decode(const char *in, size_t len, uint8_t **out,
                        size_t *outlen, input_error *err);
/* Encode upper case; `pad` adds '=' padding.  *out: input_secret_free(). */
int input_base32_encode(const uint8_t *in, size_t len, bool pad, char **out);
/* Wipe n bytes then free (p may be NULL). */
void input_secret_free(void *p, size_t n);
/* Wipe that the compiler cannot drop. */
void input_wipe(void *p, size_t n);

/* ---- text from outside, for people and programs ------------------------ */

#define INPUT_UTF8_BAD 0xffffffffu

/*
 * The UTF-8 character at s[0..len) (len > 0): returns its length (1 to 4)
 * with the code point in *cp; or, for bytes that are not strict UTF-8 (a
 * stray continuation byte, an overlong form, a surrogate, a value past
 * U+10FFFF, a sequence cut short), the length of that bad part (at least
 * 1) with *cp = INPUT_UTF8_BAD.
 */
size_t input_utf8_next(const char *s, size_t len, uint32_t *cp);

/*
 * The one way text from a QR code, a file, a token or a reader reaches a
 * terminal or a window: s[0..len) into buf (cap bytes, NUL-terminated),
 * printable UTF-8 kept as it is; control characters (C0, DEL, C1), the
 * characters that reorder or hide text (bidirectional embeddings,
 * overrides, isolates and marks, zero-width and other invisible format
 * characters, line and paragraph separators, tags) written as \xNN
 * (below U+0080) or \uNNNN; bytes that are not UTF-8 as \xNN each.
 * Escaping twice gives what escaping once gives, so a message that
 * already holds escaped text can be escaped whole when it is shown.
 * Text that does not fit is cut after a whole character and ends with
 * "...".  Returns buf.
 */
char *input_text_escape(const char *s, size_t len, char *buf, size_t cap);

/* ---- reading whole files and streams ----------------------------------- */

typedef struct input_buf {
	uint8_t *data; /* len bytes and a NUL; may hold a secret */
	size_t len;
	size_t cap; /* bytes allocated (all wiped on free) */
} input_buf;

/* Stop after the first newline (a terminal gives one line at a time). */
#define INPUT_READ_LINE 0x1u

/*
 * Read everything from fd (a file, a pipe, a terminal) into b, at most max
 * bytes.  hint sizes the first buffer (a file's size, when known);
 * outgrown buffers are wiped.  Returns INPUT_OK; INPUT_ERR_TOO_LONG when
 * there is more than max; INPUT_ERR_NOMEM; INPUT_ERR_IO with errno set.
 * No message: the caller names what it read.  On error b is empty.
 */
int input_read_fd(int fd, size_t max, size_t hint, unsigned flags,
                  input_buf *b);

/* Refuse a symbolic link (a path the caller made, in its own directory). */
#define INPUT_FILE_NOFOLLOW 0x2u
/* Also read a pipe (FIFO) that a program writes to, such as a shell's
 * <(command), for at most INPUT_PIPE_SECONDS. */
#define INPUT_FILE_PIPE 0x4u
#define INPUT_PIPE_SECONDS 60

/*
 * Read the whole regular file at path, at most max bytes, into b.  It is
 * opened without blocking (a FIFO or a device cannot hang the open) and
 * its type and size are checked before a byte is read.  Returns INPUT_OK;
 * INPUT_ERR_NOT_FILE when it is not a regular file (a pipe, a device, a
 * directory; with INPUT_FILE_NOFOLLOW, a symbolic link); with
 * INPUT_FILE_PIPE, a pipe is read, INPUT_ERR_EMPTY_INPUT when nothing
 * came (no program writes to it) and INPUT_ERR_IO with errno ETIMEDOUT
 * when its writer stays silent; INPUT_ERR_TOO_LONG when it is larger than
 * max; INPUT_ERR_NOMEM; INPUT_ERR_IO with errno set.  No message: the caller names the file.  *mode (may be NULL) gets
 * the file's st_mode when known (0 otherwise).  On error b is empty.
 */
int input_read_file(const char *path, size_t max, unsigned flags, input_buf *b,
                    unsigned *mode);
/* "a pipe (FIFO)", "a directory", ... for a st_mode. */
const char *input_file_kind(unsigned mode);
/* Wipe and free (b may be empty). */
void input_buf_free(input_buf *b);

/* ---- burn plan check ------------------------------------------------------ */

typedef enum input_severity {
	INPUT_SEV_ERROR = 0,
	INPUT_SEV_WARNING = 1,
} input_severity;

typedef struct input_issue {
	int code; /* INPUT_ERR_* or INPUT_WARN_* */
	input_severity severity;
	char msg[INPUT_MSG_MAX];
} input_issue;

#define INPUT_ISSUES_MAX 12u

typedef struct input_plan_report {
	input_issue issues[INPUT_ISSUES_MAX];
	size_t count;
	size_t errors;
	size_t warnings;
	/* When errors == 0: the token settings.  hash: 1 SHA-1, 2 SHA-256 (the
	 * values of safeid_hash in safeid/safeid.h); step: 30 or 60. */
	int hash;
	unsigned step;
	unsigned digits; /* 6; 4 to 10 where the mask allows them */
} input_plan_report;

/* The code lengths a token family shows, bit n set for n digits: the
 * single-profile tokens 6, a Token2 Molto2 4, 6, 8 or 10. */
#define INPUT_DIGITS_SINGLE (1u << 6)
#define INPUT_DIGITS_MOLTO2 ((1u << 4) | (1u << 6) | (1u << 8) | (1u << 10))

/*
 * Check one account against this token family: type, algorithm, digits,
 * period, secret length; plus warnings.  Returns INPUT_OK when there is
 * no error (warnings may exist), else the code of the first error.
 * `what` names the account in messages (NULL: its label).
 */
int input_plan_check(const input_account *a, const char *what,
                     input_plan_report *r);
/* The same for a family whose tokens show the code lengths of
 * digits_mask (INPUT_DIGITS_*); input_plan_check is the single-profile
 * family's. */
int input_plan_check_digits(const input_account *a, const char *what,
                            unsigned digits_mask, input_plan_report *r);

/*
 * Convenience for `scan` and the malformed-input table: parse `text` and
 * plan-check every account; returns the first error (parse or plan) with
 * its message in *err, or INPUT_OK.  Accounts are not kept.
 */
int input_text_check(const char *text, size_t len, const char *what,
                     input_error *err);

/* ---- QR codes: files and screen --------------------------------------- */
/* These are in safeid_inputs_image (zbar, libpng, libjpeg, X11), apart from
 * the parsers above (safeid_inputs_text); safeid-tool reaches them through
 * its plug-in safeid-tool-image.so, so it starts without those libraries. */

typedef struct input_qr_code {
	char *text; /* decoded bytes + NUL; may hold a secret: wiped on free */
	size_t len; /* bytes, without the NUL (text may contain NULs) */
	int x, y;   /* bounding box, pixels of the image / screen */
	int width, height;
	int monitor; /* index into input_screen_result.monitors; -1: file */
} input_qr_code;

typedef struct input_qr_list {
	input_qr_code *items;
	size_t count;
	size_t cap;
	unsigned image_width, image_height; /* last image scanned */
} input_qr_list;

void input_qr_list_clear(input_qr_list *l);

/*
 * Decode every QR code in a PNG or JPEG file (format by content, not name).
 * Codes are appended in reading order (top to bottom, left to right).
 * Finding no code is INPUT_ERR_NO_QR with a message on what to try.
 */
int input_qr_decode_file(const char *path, input_qr_list *out,
                         input_error *err);
/* Same from memory (`what` names it in messages). */
int input_qr_decode_buffer(const uint8_t *data, size_t len, const char *what,
                           input_qr_list *out, input_error *err);
/* Same from 8-bit grey pixels (stride = width), e.g. a screen grab. */
int input_qr_decode_gray(const uint8_t *gray, unsigned width, unsigned height,
                         input_qr_list *out, input_error *err);

typedef struct input_monitor {
	char name[64];
	int x, y;
	unsigned width, height;
	size_t codes; /* QR codes found on it */
} input_monitor;

#define INPUT_MONITORS_MAX 16u

typedef struct input_screen_result {
	input_qr_list codes; /* positions in root-window coordinates */
	input_monitor monitors[INPUT_MONITORS_MAX];
	size_t monitor_count;
} input_screen_result;

void input_screen_result_clear(input_screen_result *r);

/*
 * Capture every monitor of the X11 display (`display` NULL: $DISPLAY) and
 * decode the QR codes on each.  No code found: INPUT_ERR_NO_QR whose
 * message lists the monitors searched with their sizes; monitors are filled
 * in either case.  Under Wayland without DISPLAY: INPUT_ERR_WAYLAND,
 * saying to use a screenshot command (--screenshot-cmd 'grim -').
 */
int input_screen_scan(const char *display, input_screen_result *out,
                      input_error *err);

/*
 * Run a user-given screenshot command with /bin/sh -c and decode the PNG or
 * JPEG it makes: if the command contains "{file}", that is replaced by a
 * fresh private temporary path (0600, removed afterwards) the command must
 * write to; otherwise the image is read from the command's stdout.
 */
int input_screen_scan_cmd(const char *cmd, input_screen_result *out,
                          input_error *err);

#ifdef __cplusplus
}
#endif

#endif /* INPUTS_H */
