/*
 * safeid inputs: what safeid-tool reads before it touches a token.
 *
 * Decoded text (otpauth://, otpauth-migration://, or anything a QR code may
 * hold) becomes a list of accounts; QR codes come from image files or from
 * the screen; the burn plan check says whether this token family can hold an
 * account, with errors and warnings kept apart.
 *
 * Conventions:
 *  - Functions return SAFEID_IN_OK (0) or a negative safeid_in_err and, when
 *    given a safeid_in_error, fill it with a sentence for a person that names
 *    the input, the problem and the fix.  safeid_in_errname() gives a stable
 *    symbol (used by tests/inputs/malformed.txt and by scripts).
 *  - Secrets (account secrets and any decoded text, which may hold one) live
 *    on the heap and are wiped by the matching free function.  No message
 *    ever contains secret bytes or secret characters.
 *  - Nothing here talks to a token.
 */
#ifndef SAFEID_INPUTS_H
#define SAFEID_INPUTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- errors ------------------------------------------------------------ */

typedef enum safeid_in_err {
	SAFEID_IN_OK = 0,
	SAFEID_IN_ERR_ARG = -1,        /* invalid argument (programming error) */
	SAFEID_IN_ERR_NOMEM = -2,      /* out of memory */

	/* text / URI syntax */
	SAFEID_IN_ERR_EMPTY_INPUT = -10, /* nothing to parse */
	SAFEID_IN_ERR_TOO_LONG = -11,  /* input or one field longer than allowed */
	SAFEID_IN_ERR_NUL = -12,       /* NUL byte (raw or %00) */
	SAFEID_IN_ERR_ESCAPE = -13,    /* bad percent escape (%G1, trailing %) */
	SAFEID_IN_ERR_SYNTAX = -14,    /* malformed URI (no label, bad host ...) */
	SAFEID_IN_ERR_DUPLICATE = -15, /* a parameter given twice */
	SAFEID_IN_ERR_PARAM = -16,     /* parameter value unreadable (digits=x) */
	SAFEID_IN_ERR_TYPE = -17,      /* otpauth type neither totp nor hotp */
	SAFEID_IN_ERR_NO_SECRET = -18, /* secret missing or empty */
	SAFEID_IN_ERR_BASE32 = -19,    /* secret is not base32 */
	SAFEID_IN_ERR_BASE64 = -20,    /* migration data is not base64 */
	SAFEID_IN_ERR_PROTOBUF = -21,  /* migration payload does not decode */
	SAFEID_IN_ERR_NO_ACCOUNTS = -22, /* migration payload holds no account */

	/* recognised content that is not an OTP seed */
	SAFEID_IN_ERR_SERIAL_BARCODE = -30, /* digits only, 8659...: a serial */
	SAFEID_IN_ERR_NUMBER = -31,    /* a plain number */
	SAFEID_IN_ERR_PHONEFACTOR = -32, /* phonefactor:// (Microsoft MFA) */
	SAFEID_IN_ERR_FIDO = -33,      /* FIDO:/ (passkey hybrid pairing) */
	SAFEID_IN_ERR_WEB_LINK = -34,  /* http:// or https:// */
	SAFEID_IN_ERR_UNKNOWN_CONTENT = -35, /* anything else */

	/* burn plan: an OTP account this token family cannot hold */
	SAFEID_IN_ERR_HOTP = -40,      /* counter based; tokens are time based */
	SAFEID_IN_ERR_ALGORITHM = -41, /* SHA-512, MD5 or unknown */
	SAFEID_IN_ERR_DIGITS = -42,    /* not 6 digits */
	SAFEID_IN_ERR_PERIOD = -43,    /* not 30 or 60 seconds */
	SAFEID_IN_ERR_SECRET_LONG = -44, /* more than 63 bytes */

	/* warnings (severity SAFEID_IN_WARNING in a plan report) */
	SAFEID_IN_WARN_SECRET_SHORT = -50, /* under 10 bytes (80 bits) */
	SAFEID_IN_WARN_ISSUER_MISMATCH = -51, /* issuer= vs label prefix */
	SAFEID_IN_WARN_DEFAULTED = -52, /* reserved; not reported (see flags) */

	/* images and screen */
	SAFEID_IN_ERR_IO = -60,        /* file cannot be opened or read */
	SAFEID_IN_ERR_NOT_IMAGE = -61, /* neither PNG nor JPEG (or empty file) */
	SAFEID_IN_ERR_IMAGE_CORRUPT = -62, /* truncated or damaged image */
	SAFEID_IN_ERR_IMAGE_TOO_BIG = -63, /* over the pixel/dimension limit */
	SAFEID_IN_ERR_NO_QR = -64,     /* decoded fine, no QR code found */
	SAFEID_IN_ERR_NO_DISPLAY = -65, /* no X11 display to open */
	SAFEID_IN_ERR_WAYLAND = -66,   /* Wayland without X: use a command */
	SAFEID_IN_ERR_CAPTURE = -67,   /* screen grab or screenshot cmd failed */
	SAFEID_IN_ERR_QR_DECODER = -68, /* zbar failed (not "no code") */

	/* picking */
	SAFEID_IN_ERR_NO_MATCH = -70,  /* --pick matched nothing */
	SAFEID_IN_ERR_AMBIGUOUS = -71, /* --pick matched several */

	SAFEID_IN_ERR_INTERNAL = -99,
} safeid_in_err;

#define SAFEID_IN_MSG_MAX 512u

typedef struct safeid_in_error {
	int code;                     /* safeid_in_err */
	char msg[SAFEID_IN_MSG_MAX];  /* input + problem + fix; never a secret */
} safeid_in_error;

/* Stable symbol, e.g. "SAFEID_IN_ERR_HOTP".  Never NULL. */
const char *safeid_in_errname(int code);
/* Generic sentence for the code (the safeid_in_error message is sharper). */
const char *safeid_in_strerror(int code);
/* Symbol -> code (for data tables); returns 1 (not a code) if unknown. */
int safeid_in_errcode(const char *name);
/* true for SAFEID_IN_ERR_SERIAL_BARCODE .. SAFEID_IN_ERR_UNKNOWN_CONTENT. */
bool safeid_in_is_not_otp(int code);

/* ---- limits ------------------------------------------------------------ */

#define SAFEID_IN_TEXT_MAX 16384u    /* whole decoded text (a QR holds < 3 KiB) */
#define SAFEID_IN_FIELD_MAX 256u     /* issuer, account name, other values */
#define SAFEID_IN_SECRET_CHARS_MAX 1024u /* secret parameter, encoded */
#define SAFEID_IN_ACCOUNTS_MAX 256u  /* accounts in one migration payload */
#define SAFEID_IN_IMAGE_PIXELS_MAX 100000000u /* 100 megapixels */
#define SAFEID_IN_IMAGE_SIDE_MAX 32768u
#define SAFEID_IN_FILE_MAX (256u * 1024u * 1024u) /* image file bytes */

/* ---- accounts ------------------------------------------------------------ */

typedef enum safeid_otp_type {
	SAFEID_OTP_UNKNOWN = 0,
	SAFEID_OTP_TOTP = 1,
	SAFEID_OTP_HOTP = 2,
} safeid_otp_type;

typedef enum safeid_in_alg {
	SAFEID_ALG_SHA1 = 1,
	SAFEID_ALG_SHA256 = 2,
	SAFEID_ALG_SHA512 = 3,
	SAFEID_ALG_MD5 = 4,
	SAFEID_ALG_UNKNOWN = 5,        /* named but not recognised */
} safeid_in_alg;

/* Flags noted while parsing, reported as warnings by the plan check. */
#define SAFEID_ACCT_ISSUER_MISMATCH 0x1u /* issuer= differs from label */
#define SAFEID_ACCT_ALG_DEFAULTED   0x2u /* no algorithm given: SHA-1 */
#define SAFEID_ACCT_DIGITS_DEFAULTED 0x4u /* no digits given: 6 */

typedef struct safeid_account {
	safeid_otp_type type;
	char *issuer;          /* never NULL ("" when none); UTF-8, decoded */
	char *name;            /* account name without issuer prefix; never NULL */
	uint8_t *secret;       /* raw bytes (base32-decoded); wiped on free */
	size_t secret_len;     /* 0 only if the source had none (then an error) */
	safeid_in_alg alg;     /* SHA1 when not given */
	unsigned digits;       /* 6 when not given */
	unsigned period;       /* seconds; 30 when not given */
	uint64_t counter;      /* HOTP only */
	unsigned flags;        /* SAFEID_ACCT_* */
	char source[128];      /* e.g. "otpauth URI", "migration account 2 of 3" */
} safeid_account;

typedef struct safeid_account_list {
	safeid_account *items; /* contiguous; owned by the list */
	size_t count;
	size_t cap;
} safeid_account_list;

/* Wipe the secret, free the strings, zero the struct (not the pointer). */
void safeid_account_clear(safeid_account *a);
/* Clear every account, free the array, leave an empty list. */
void safeid_account_list_clear(safeid_account_list *l);

/*
 * Parse one decoded text: otpauth://, otpauth-migration://offline?data=...,
 * or recognised non-OTP content (which returns one of the NOT-OTP codes with
 * a message saying what the content is and what to scan instead).
 * Accounts are APPENDED to *out (so several QR codes can fill one list); on
 * error nothing is appended.  `what` names the input in messages, e.g.
 * "QR code 2 in photo.jpg" or "standard input"; NULL means "the input".
 * `len` is the text length (the text need not be NUL terminated; an embedded
 * NUL is an error).  Syntax only: run safeid_plan_check() on each account.
 */
int safeid_in_parse(const char *text, size_t len, const char *what,
                    safeid_account_list *out, safeid_in_error *err);

/* The individual parsers (safeid_in_parse dispatches to these). */
int safeid_in_parse_otpauth(const char *text, size_t len, const char *what,
                            safeid_account_list *out, safeid_in_error *err);
int safeid_in_parse_migration(const char *text, size_t len, const char *what,
                              safeid_account_list *out, safeid_in_error *err);

/* Label for listings, "Issuer: name" or "name"; never the secret. */
int safeid_account_label(const safeid_account *a, char *buf, size_t cap);
const char *safeid_in_alg_name(safeid_in_alg alg); /* "SHA1", "SHA256", ... */

/*
 * Pick one account: `sel` is a 1-based index as listings show it ("2"), or
 * a case-insensitive substring of issuer or name ("github", "alice@").
 * With sel NULL or "" and exactly one account, picks it.  Sets *index
 * (0-based).  NO_MATCH / AMBIGUOUS messages list the candidates' labels.
 */
int safeid_account_pick(const safeid_account_list *l, const char *sel,
                        size_t *index, safeid_in_error *err);

/* ---- base32 (RFC 4648) --------------------------------------------------- */

/*
 * Decode, ignoring case, spaces, tabs, '-' separators and '=' padding
 * (padding only at the end).  *out is heap memory holding a secret: release
 * it with safeid_in_secret_free().  Messages give positions, never chars.
 */
int safeid_base32_decode(const char *in, size_t len, uint8_t **out,
                         size_t *outlen, safeid_in_error *err);
/* Encode upper case; `pad` adds '=' padding.  *out: safeid_in_secret_free(). */
int safeid_base32_encode(const uint8_t *in, size_t len, bool pad, char **out);
/* Wipe n bytes then free (p may be NULL). */
void safeid_in_secret_free(void *p, size_t n);
/* Wipe that the compiler cannot drop. */
void safeid_in_wipe(void *p, size_t n);

/* ---- burn plan check ------------------------------------------------------ */

typedef enum safeid_in_severity {
	SAFEID_IN_ERROR = 0,
	SAFEID_IN_WARNING = 1,
} safeid_in_severity;

typedef struct safeid_in_issue {
	int code;                    /* SAFEID_IN_ERR_* or SAFEID_IN_WARN_* */
	safeid_in_severity severity;
	char msg[SAFEID_IN_MSG_MAX];
} safeid_in_issue;

#define SAFEID_IN_ISSUES_MAX 12u

typedef struct safeid_plan_report {
	safeid_in_issue issues[SAFEID_IN_ISSUES_MAX];
	size_t count;
	size_t errors;
	size_t warnings;
	/* When errors == 0: the token settings.  hash: 1 SHA-1, 2 SHA-256 (the
	 * values of safeid_hash in safeid/safeid.h); step: 30 or 60. */
	int hash;
	unsigned step;
} safeid_plan_report;

/*
 * Check one account against this token family: type, algorithm, digits,
 * period, secret length; plus warnings.  Returns SAFEID_IN_OK when there is
 * no error (warnings may exist), else the code of the first error.
 * `what` names the account in messages (NULL: its label).
 */
int safeid_plan_check(const safeid_account *a, const char *what,
                      safeid_plan_report *r);

/*
 * Convenience for `scan` and the malformed-input table: parse `text` and
 * plan-check every account; returns the first error (parse or plan) with
 * its message in *err, or SAFEID_IN_OK.  Accounts are not kept.
 */
int safeid_in_check_text(const char *text, size_t len, const char *what,
                         safeid_in_error *err);

/* ---- QR codes: files and screen --------------------------------------- */
/* These are in safeid_inputs_image (zbar, libpng, libjpeg, X11), apart from
 * the parsers above (safeid_inputs_text); safeid-tool reaches them through
 * its plug-in safeid-tool-image.so, so it starts without those libraries. */

typedef struct safeid_qr_code {
	char *text;      /* decoded bytes + NUL; may hold a secret: wiped on free */
	size_t len;      /* bytes, without the NUL (text may contain NULs) */
	int x, y;        /* bounding box, pixels of the image / screen */
	int width, height;
	int monitor;     /* index into safeid_screen_result.monitors; -1: file */
} safeid_qr_code;

typedef struct safeid_qr_list {
	safeid_qr_code *items;
	size_t count;
	size_t cap;
	unsigned image_width, image_height; /* last image scanned */
} safeid_qr_list;

void safeid_qr_list_clear(safeid_qr_list *l);

/*
 * Decode every QR code in a PNG or JPEG file (format by content, not name).
 * Codes are appended in reading order (top to bottom, left to right).
 * Finding no code is SAFEID_IN_ERR_NO_QR with a message on what to try.
 */
int safeid_qr_decode_file(const char *path, safeid_qr_list *out,
                          safeid_in_error *err);
/* Same from memory (`what` names it in messages). */
int safeid_qr_decode_buffer(const uint8_t *data, size_t len, const char *what,
                            safeid_qr_list *out, safeid_in_error *err);
/* Same from 8-bit grey pixels (stride = width), e.g. a screen grab. */
int safeid_qr_decode_gray(const uint8_t *gray, unsigned width, unsigned height,
                          safeid_qr_list *out, safeid_in_error *err);

typedef struct safeid_monitor {
	char name[64];
	int x, y;
	unsigned width, height;
	size_t codes;    /* QR codes found on it */
} safeid_monitor;

#define SAFEID_IN_MONITORS_MAX 16u

typedef struct safeid_screen_result {
	safeid_qr_list codes;  /* positions in root-window coordinates */
	safeid_monitor monitors[SAFEID_IN_MONITORS_MAX];
	size_t monitor_count;
} safeid_screen_result;

void safeid_screen_result_clear(safeid_screen_result *r);

/*
 * Capture every monitor of the X11 display (`display` NULL: $DISPLAY) and
 * decode the QR codes on each.  No code found: SAFEID_IN_ERR_NO_QR whose
 * message lists the monitors searched with their sizes; monitors are filled
 * in either case.  Under Wayland without DISPLAY: SAFEID_IN_ERR_WAYLAND,
 * saying to use a screenshot command (--screenshot-cmd 'grim -').
 */
int safeid_screen_scan(const char *display, safeid_screen_result *out,
                       safeid_in_error *err);

/*
 * Run a user-given screenshot command with /bin/sh -c and decode the PNG or
 * JPEG it makes: if the command contains "{file}", that is replaced by a
 * fresh private temporary path (0600, removed afterwards) the command must
 * write to; otherwise the image is read from the command's stdout.
 */
int safeid_screen_scan_cmd(const char *cmd, safeid_screen_result *out,
                           safeid_in_error *err);

#ifdef __cplusplus
}
#endif

#endif /* SAFEID_INPUTS_H */
