/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * csv.c: the CSV seed files of privacyIDEA ("OATH CSV"), LinOTP, multiOTP
 * and Microsoft Entra ID, written exactly as their importers read them,
 * and the rules that refuse what an importer would read wrongly.
 *
 * None of the first three has a CSV parser: they split each line on the
 * separator and do not understand quotes, so a quoted field would be
 * misread.  A field that would need quoting is therefore refused, with
 * the fix, rather than quoted; so is a leading or trailing space (some
 * strip fields, some do not).  No byte-order mark, no header line except
 * where the importer requires one (Entra); privacyIDEA and LinOTP crash
 * on a header.  Lines end in LF, Entra's in CRLF (RFC 4180, what its
 * upload form documents).
 *
 *   privacyidea-csv  serial,hexseed,totp,digits,step
 *                    (with users: first line "# version: 2", then
 *                    user,resolver,realm in front)
 *   linotp-csv       serial,hexseed,totp,digits,step,sha1|sha256
 *   multiotp-csv     serial;manufacturer;totp;hexseed;digits;step
 *   entra-csv        upn,serial number,secret key,time interval,
 *                    manufacturer,model   (base32 secret without '=')
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "provision_int.h"

#define CSV_BUF 65536u

struct client_csv {
	client_format f;
	int fd;
	bool users;
	const char *realm;
	char *buf; /* output buffer, wiped as it goes */
	size_t used;
	bool failed;
};

static const char *const format_names[] = {
	[CLIENT_FORMAT_PSKC] = "pskc",
	[CLIENT_FORMAT_PRIVACYIDEA] = "privacyidea-csv",
	[CLIENT_FORMAT_LINOTP] = "linotp-csv",
	[CLIENT_FORMAT_MULTIOTP] = "multiotp-csv",
	[CLIENT_FORMAT_ENTRA] = "entra-csv",
};

static const char *const server_names[] = {
	[CLIENT_FORMAT_PSKC] = "PSKC",
	[CLIENT_FORMAT_PRIVACYIDEA] = "privacyIDEA",
	[CLIENT_FORMAT_LINOTP] = "LinOTP",
	[CLIENT_FORMAT_MULTIOTP] = "multiOTP",
	[CLIENT_FORMAT_ENTRA] = "Microsoft Entra ID",
};

bool client_format_parse(const char *name, client_format *out)
{
	for (size_t i = 0; i < sizeof(format_names) / sizeof(*format_names);
	     i++)
		if (name != NULL && strcmp(name, format_names[i]) == 0) {
			*out = (client_format)i;
			return true;
		}
	return false;
}

const char *client_format_name(client_format f)
{
	return format_names[f];
}

/* The separators the importer splits on. */
static const char *separators(client_format f)
{
	return f == CLIENT_FORMAT_MULTIOTP ? ";,\t" : ",";
}

static int field_fits(client_format f, const client_xtoken *t, const char *what,
                      const char *v, client_error *err)
{
	const char *sep = separators(f);
	size_t bad = 0, n = strlen(v);
	const char *hit;

	if (!client_text_clean(v, &bad))
		return client_fail(err, CLIENT_EXIT_INPUT, "field_chars",
		                   "token %s: its %s has a control character "
		                   "or invalid UTF-8 at byte %zu, which %s's "
		                   "import cannot read: nothing was written",
		                   t->serial, what, bad + 1, server_names[f]);
	hit = strpbrk(v, sep);
	if (hit == NULL)
		hit = strchr(v, '"');
	if (hit != NULL)
		return client_fail(err, CLIENT_EXIT_INPUT, "field_quote",
		                   "token %s: its %s '%s' holds '%c'; %s's "
		                   "import splits lines on '%c' and does not "
		                   "read quotes, so it would misread the line: "
		                   "rename it without '%c' (or use --format "
		                   "pskc); nothing was written",
		                   t->serial, what, v, *hit, server_names[f],
		                   sep[0], *hit);
	if (n > 0 && (v[0] == ' ' || v[n - 1] == ' '))
		return client_fail(err, CLIENT_EXIT_INPUT, "field_space",
		                   "token %s: its %s '%s' starts or ends with "
		                   "a space, which %s's import may drop: "
		                   "remove it; nothing was written",
		                   t->serial, what, v, server_names[f]);
	return 0;
}

/* The seed lengths privacyIDEA's OATH CSV reads as another hash. */
static const char *pi_guess(size_t seedlen)
{
	switch (seedlen) {
	case 28:
		return "SHA-224";
	case 32:
		return "SHA-256";
	case 48:
		return "SHA-384";
	case 64:
		return "SHA-512";
	default:
		return "SHA-1";
	}
}

static int rules_check(client_format f, const client_xtoken *t,
                       const char *realm, client_error *err)
{
	const char *guess = pi_guess(t->seedlen);
	bool sha1 = t->hash == SAFEID_HASH_SHA1;

	if (f == CLIENT_FORMAT_PRIVACYIDEA &&
	    (sha1 ? strcmp(guess, "SHA-1") != 0 : t->seedlen != 32))
		return client_fail(err, CLIENT_EXIT_INPUT, "format_hash",
		                   "token %s: privacyIDEA's OATH CSV has no "
		                   "hash column and reads a %zu-byte seed as "
		                   "%s, but the token runs %s: use --format "
		                   "pskc (the hash is in its Suite), or burn "
		                   "%s tokens with --seed-bytes %s",
		                   t->serial, t->seedlen, guess,
		                   sha1 ? "SHA-1" : "SHA-256",
		                   sha1 ? "SHA-1" : "SHA-256",
		                   sha1 ? "20" : "32");
	if (f == CLIENT_FORMAT_PRIVACYIDEA && t->user != NULL &&
	    t->user->realm[0] == '\0' && (realm == NULL || realm[0] == '\0'))
		return client_fail(err, CLIENT_EXIT_INPUT, "format_realm",
		                   "privacyIDEA's CSV with users needs each "
		                   "user's realm: give --realm REALM, or a "
		                   "'realm' column in the users file");
	if (f == CLIENT_FORMAT_MULTIOTP && !sha1)
		return client_fail(err, CLIENT_EXIT_INPUT, "format_hash",
		                   "token %s runs SHA-256, but multiOTP's CSV "
		                   "import has no hash column and runs every "
		                   "token as SHA-1 (and its import of "
		                   "encrypted PSKC files cuts seeds short): "
		                   "burn SHA-1 tokens (--hash sha1) for "
		                   "multiOTP",
		                   t->serial);
	if (f == CLIENT_FORMAT_ENTRA && !sha1)
		return client_fail(err, CLIENT_EXIT_INPUT, "format_hash",
		                   "token %s runs SHA-256; Microsoft Entra ID "
		                   "takes SHA-1 OATH tokens only: burn them "
		                   "with --hash sha1",
		                   t->serial);
	if (f == CLIENT_FORMAT_ENTRA && t->step != 30 && t->step != 60)
		return client_fail(err, CLIENT_EXIT_INPUT, "format_step",
		                   "token %s: Microsoft Entra ID takes 30 or "
		                   "60 second steps only",
		                   t->serial);
	if (f == CLIENT_FORMAT_ENTRA && t->digits != 6)
		return client_fail(err, CLIENT_EXIT_INPUT, "format_digits",
		                   "token %s shows %u digits; Entra's CSV has "
		                   "no digits column: burn 6-digit tokens",
		                   t->serial, t->digits);
	if (f == CLIENT_FORMAT_ENTRA && t->seedlen > 80)
		return client_fail(err, CLIENT_EXIT_INPUT, "format_seed",
		                   "token %s: Entra takes secrets of at most "
		                   "128 base32 characters (80 bytes)",
		                   t->serial);
	if (f == CLIENT_FORMAT_ENTRA &&
	    (t->user == NULL || t->user->name[0] == '\0'))
		return client_fail(err, CLIENT_EXIT_INPUT, "format_users",
		                   "token %s has no user: Microsoft Entra ID's "
		                   "CSV needs one user (UPN) per token; give "
		                   "--users FILE when provisioning (or export "
		                   "another format)",
		                   t->serial);
	return 0;
}

int client_format_fits(client_format f, const client_xtoken *t,
                       const char *realm, client_error *err)
{
	bool users = t->user != NULL && t->user->name[0] != '\0';
	int ret;

	if (f == CLIENT_FORMAT_PSKC)
		return 0;
	ret = rules_check(f, t, realm, err);
	if (ret == 0)
		ret = field_fits(f, t, "serial", t->serial, err);
	if (ret == 0 && (f == CLIENT_FORMAT_ENTRA))
		ret = field_fits(f, t, "model", t->model, err);
	if (ret == 0 &&
	    (f == CLIENT_FORMAT_ENTRA || f == CLIENT_FORMAT_MULTIOTP))
		ret = field_fits(f, t, "manufacturer", t->manufacturer, err);
	if (ret == 0 && users &&
	    (f == CLIENT_FORMAT_ENTRA || f == CLIENT_FORMAT_PRIVACYIDEA))
		ret = field_fits(f, t, "user", t->user->name, err);
	if (ret == 0 && users && f == CLIENT_FORMAT_PRIVACYIDEA) {
		ret = field_fits(f, t, "resolver", t->user->resolver, err);
		if (ret == 0)
			ret = field_fits(f, t, "realm",
			                 t->user->realm[0] != '\0'
			                         ? t->user->realm
			                         : (realm != NULL ? realm : ""),
			                 err);
	}
	return ret;
}

/* ---- writing ------------------------------------------------------------- */

static int flush_out(client_csv *w)
{
	size_t off = 0;

	while (off < w->used && !w->failed) {
		ssize_t n = write(w->fd, w->buf + off, w->used - off);

		if (n <= 0)
			w->failed = true;
		else
			off += (size_t)n;
	}
	OPENSSL_cleanse(w->buf, w->used);
	w->used = 0;
	return w->failed ? -1 : 0;
}

static void put(client_csv *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void put(client_csv *w, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (CSV_BUF - w->used < 1024 && flush_out(w) != 0)
		return;
	va_start(ap, fmt);
	n = vsnprintf(w->buf + w->used, CSV_BUF - w->used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= CSV_BUF - w->used)
		w->failed = true;
	else
		w->used += (size_t)n;
}

static int write_fail(client_error *err)
{
	return client_fail(err, CLIENT_EXIT_INPUT, "out_write",
	                   "writing the CSV file failed (a full disk?): "
	                   "nothing was written; free space and export again");
}

int client_csv_begin(client_csv **out, int fd, client_format f, bool users,
                     const char *realm, client_error *err)
{
	client_csv *w = calloc(1, sizeof(*w));

	*out = NULL;
	if (w == NULL || (w->buf = OPENSSL_malloc(CSV_BUF)) == NULL) {
		free(w);
		return client_fail(err, CLIENT_EXIT_SETUP, "nomem",
		                   "out of memory");
	}
	w->f = f;
	w->fd = fd;
	w->users = users;
	w->realm = realm;
	if (f == CLIENT_FORMAT_PRIVACYIDEA && users)
		put(w, "# version: 2\n");
	if (f == CLIENT_FORMAT_ENTRA)
		put(w, "upn,serial number,secret key,time interval,"
		       "manufacturer,model\r\n");
	*out = w;
	return 0;
}

int client_csv_token(client_csv *w, const client_xtoken *t, client_error *err)
{
	char enc[2 * SAFEID_SEED_MAX + 2];
	const client_user *u = t->user;
	int ret = client_format_fits(w->f, t, w->realm, err);

	if (ret != 0)
		return ret;
	if (w->f == CLIENT_FORMAT_ENTRA)
		client_base32(t->seed, t->seedlen, enc, sizeof(enc));
	else
		client_hex(t->seed, t->seedlen, enc);
	switch (w->f) {
	case CLIENT_FORMAT_PRIVACYIDEA:
		if (w->users)
			put(w, "%s,%s,%s,", u != NULL ? u->name : "",
			    u != NULL ? u->resolver : "",
			    u != NULL && u->realm[0] != '\0' ? u->realm
			    : w->realm != NULL               ? w->realm
			                                     : "");
		put(w, "%s,%s,totp,%u,%u\n", t->serial, enc, t->digits,
		    t->step);
		break;
	case CLIENT_FORMAT_LINOTP:
		put(w, "%s,%s,totp,%u,%u,%s\n", t->serial, enc, t->digits,
		    t->step, client_hash_lower(t->hash));
		break;
	case CLIENT_FORMAT_MULTIOTP:
		put(w, "%s;%s;totp;%s;%u;%u\n", t->serial, t->manufacturer, enc,
		    t->digits, t->step);
		break;
	case CLIENT_FORMAT_ENTRA:
		put(w, "%s,%s,%s,%u,%s,%s\r\n", u->name, t->serial, enc,
		    t->step, t->manufacturer, t->model);
		break;
	default:
		break;
	}
	OPENSSL_cleanse(enc, sizeof(enc));
	return w->failed ? write_fail(err) : 0;
}

int client_csv_end(client_csv **pw, client_error *err)
{
	client_csv *w = *pw;
	int ret = 0;

	if (w == NULL)
		return 0;
	if (flush_out(w) != 0)
		ret = write_fail(err);
	OPENSSL_clear_free(w->buf, CSV_BUF);
	free(w);
	*pw = NULL;
	return ret;
}
