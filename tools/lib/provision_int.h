/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * provision_int.h: helpers shared by the provisioning files of the client
 * library (not for front ends; they use provision.h).
 */
#ifndef CLIENT_PROVISION_INT_H
#define CLIENT_PROVISION_INT_H

#include "provision.h"

/* Length of the well-formed UTF-8 sequence at p (n bytes left); 0 when
 * it is not one (overlong, surrogate, beyond U+10FFFF, cut short). */
size_t client_utf8_len(const unsigned char *p, size_t n);
/* Valid UTF-8 without C0 controls or DEL: text that XML and a CSV line
 * can carry.  *bad gets the offset of the first byte that is not. */
bool client_text_clean(const char *s, size_t *bad);

/* Lower-case hex of n bytes into out (2n + 1). */
void client_hex(const uint8_t *in, size_t n, char *out);
/* RFC 4648 base32 without '=' padding into out (cap >= 8 * n / 5 + 2). */
void client_base32(const uint8_t *in, size_t n, char *out, size_t cap);

/* "sha1" / "sha256". */
const char *client_hash_lower(safeid_hash h);

/* A table entry for the attempt an intent record starts. */
void client_jtoken_from_intent(client_jtoken *x, const client_jrec *r);

/* The value of a hex digit (either case), -1 when c is none. */
int client_hex_digit(int c);

/* Microseconds on the monotonic clock. */
long long client_mono_us(void);

/* ---- export writers ---------------------------------------------------- */

/* One token as an export writes it. */
typedef struct client_xtoken {
	const char *serial;
	const char *model; /* "" when unknown */
	const char *manufacturer;
	const client_user *user; /* NULL when none */
	safeid_hash hash;
	unsigned digits, step;
	const uint8_t *seed;
	size_t seedlen;
} client_xtoken;

/*
 * Can format f carry token t (seed may be NULL: a plan check)?  The rules
 * are what the servers' own importers read wrongly (provision.h); the
 * message names the token, the problem and the fix.
 */
int client_format_fits(client_format f, const client_xtoken *t,
                       const char *realm, client_error *err);

/* PSKC (RFC 6030) through libxml2's writer onto fd; s NULL: plaintext. */
typedef struct client_pskc client_pskc;
int client_pskc_begin(client_pskc **out, int fd, const client_batch_secret *s,
                      client_error *err);
int client_pskc_token(client_pskc *w, const client_xtoken *t,
                      client_error *err);
/* Ends the document and flushes; frees w in any case. */
int client_pskc_end(client_pskc **w, client_error *err);

/* The CSV formats onto fd. */
typedef struct client_csv client_csv;
int client_csv_begin(client_csv **out, int fd, client_format f, bool users,
                     const char *realm, client_error *err);
int client_csv_token(client_csv *w, const client_xtoken *t, client_error *err);
int client_csv_end(client_csv **w, client_error *err);

#endif /* CLIENT_PROVISION_INT_H */
