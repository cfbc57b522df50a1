/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * journal.c: the provisioning journal (provision.h says what it holds).
 *
 * Layout, integers little-endian:
 *   header (96 bytes): "SAFEIDJ1" | version u16 | kdf u8 | aead u8 |
 *     iterations u32 | salt 16 | batch id 16 | created u64 | zero 8 |
 *     digest 16 (SHA-256 of bytes 0-63) | check 16 (HMAC-SHA256 of bytes
 *     0-79 under a key derived from the secret; zero when plaintext)
 *   record: "SJR1" | seq u64 | len u32 | nonce 12 | body len | tag 16
 *     body: AES-256-GCM of "key=value" lines, the AAD being the batch id
 *     and the 28 bytes before the body; plaintext journals keep the lines
 *     as they are and a SHA-256 of AAD and body as the tag.
 *
 * The digest tells a damaged header from a wrong secret (the check), both
 * before any token is touched.  A random nonce per record, never a
 * counter: a resumed run could otherwise repeat one after a torn record.
 * Reading resynchronises on the next record magic after a bad record, so
 * one damaged record costs that record only; damage after the last good
 * record is a torn tail, what a crash during a write leaves.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>

#include "provision_int.h"

#define HDR_LEN 96u
#define REC_HDR 28u
#define TAG_LEN 16u
#define NONCE_LEN 12u
#define BODY_MAX 4096u
#define REC_MAX (REC_HDR + BODY_MAX + TAG_LEN)
#define PBKDF2_ITER 600000u
#define RBUF 65536u

enum {
	KDF_NONE = 0,
	KDF_HKDF_PSK = 1,
	KDF_PBKDF2_PASSWORD = 2
};
enum {
	AEAD_NONE = 0,
	AEAD_AES256GCM = 1
};

static const char hdr_magic[8] = {'S', 'A', 'F', 'E', 'I', 'D', 'J', '1'};
static const char rec_magic[4] = {'S', 'J', 'R', '1'};

struct client_journal {
	int fd;
	bool write;
	char path[4096];
	uint8_t hdr[HDR_LEN];
	uint8_t id[16];
	int kdf, aead;
	uint8_t key[32];     /* record key */
	EVP_CIPHER_CTX *dec; /* keyed once, for reading */
	uint64_t next_seq;
	uint64_t end; /* where the next record goes */
	/* read buffer */
	uint8_t *buf;
	uint64_t buf_off;
	size_t buf_len;
};

static void le_put(uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t le_get(const uint8_t *p, int n)
{
	uint64_t v = 0;

	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static int hkdf(const uint8_t *key, size_t keylen, const uint8_t *salt,
                const char *info, uint8_t out[32])
{
	EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
	EVP_KDF_CTX *ctx = kdf != NULL ? EVP_KDF_CTX_new(kdf) : NULL;
	OSSL_PARAM params[5];
	int rc = -1;

	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
	                                             (char *)"SHA256", 0);
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
	                                              (void *)key, keylen);
	params[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
	                                              (void *)salt, 16);
	params[3] = OSSL_PARAM_construct_octet_string(
		OSSL_KDF_PARAM_INFO, (void *)info, strlen(info));
	params[4] = OSSL_PARAM_construct_end();
	if (ctx != NULL && EVP_KDF_derive(ctx, out, 32, params) == 1)
		rc = 0;
	EVP_KDF_CTX_free(ctx);
	EVP_KDF_free(kdf);
	return rc;
}

/* The record key and the check of the header, from the secret. */
static int keys_derive(client_journal *j, const client_batch_secret *s,
                       uint8_t check[16], client_error *err)
{
	uint8_t master[32], ckey[32], mac[32];
	const uint8_t *salt = j->hdr + 16;
	unsigned iter = (unsigned)le_get(j->hdr + 12, 4);
	unsigned maclen = 0;
	int rc = -1;

	if (j->kdf == KDF_HKDF_PSK) {
		rc = hkdf(s->data, s->len, salt, "safeid journal v1 psk",
		          master);
	} else if (j->kdf == KDF_PBKDF2_PASSWORD) {
		rc = PKCS5_PBKDF2_HMAC((const char *)s->data, (int)s->len, salt,
		                       16, (int)iter, EVP_sha256(), 32,
		                       master) == 1
		             ? 0
		             : -1;
	}
	if (rc == 0)
		rc = hkdf(master, 32, salt, "safeid journal v1 record key",
		          j->key);
	if (rc == 0)
		rc = hkdf(master, 32, salt, "safeid journal v1 check key",
		          ckey);
	if (rc == 0 &&
	    HMAC(EVP_sha256(), ckey, 32, j->hdr, 80, mac, &maclen) == NULL)
		rc = -1;
	if (rc == 0)
		memcpy(check, mac, 16);
	OPENSSL_cleanse(master, sizeof(master));
	OPENSSL_cleanse(ckey, sizeof(ckey));
	if (rc != 0)
		return client_fail(err, CLIENT_EXIT_SETUP, "crypto",
		                   "deriving the journal key failed (OpenSSL): "
		                   "check the OpenSSL installation");
	return 0;
}

static void digest16(const uint8_t *a, size_t alen, const uint8_t *b,
                     size_t blen, uint8_t out[16])
{
	uint8_t d[32];
	EVP_MD_CTX *c = EVP_MD_CTX_new();

	memset(d, 0, sizeof(d));
	if (c != NULL && EVP_DigestInit_ex(c, EVP_sha256(), NULL) == 1 &&
	    EVP_DigestUpdate(c, a, alen) == 1 &&
	    (blen == 0 || EVP_DigestUpdate(c, b, blen) == 1))
		EVP_DigestFinal_ex(c, d, NULL);
	EVP_MD_CTX_free(c);
	memcpy(out, d, 16);
}

static client_journal *journal_new(const char *path)
{
	client_journal *j = calloc(1, sizeof(*j));

	if (j == NULL)
		return NULL;
	j->fd = -1;
	snprintf(j->path, sizeof(j->path), "%s", path);
	return j;
}

void client_journal_close(client_journal **pj)
{
	client_journal *j = *pj;

	if (j == NULL)
		return;
	if (j->fd >= 0)
		close(j->fd);
	OPENSSL_cleanse(j->key, sizeof(j->key));
	EVP_CIPHER_CTX_free(j->dec);
	if (j->buf != NULL)
		OPENSSL_clear_free(j->buf, RBUF);
	free(j);
	*pj = NULL;
}

bool client_journal_plaintext(const client_journal *j)
{
	return j->aead == AEAD_NONE;
}

const char *client_journal_path(const client_journal *j)
{
	return j->path;
}

/* The directory of path must be the user's alone: made 0700 if missing. */
static int dir_private(const char *path, bool make, client_error *err)
{
	char tmp[4096], *dir;
	struct stat st;

	snprintf(tmp, sizeof(tmp), "%s", path);
	dir = dirname(tmp);
	if (make && mkdir(dir, 0700) != 0 && errno != EEXIST)
		return client_fail(err, CLIENT_EXIT_INPUT, "journal_dir",
		                   "cannot create the journal folder '%s': %s: "
		                   "create it (mode 0700) or give another "
		                   "--journal",
		                   dir, strerror(errno));
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return client_fail(err, CLIENT_EXIT_INPUT, "journal_dir",
		                   "the journal folder '%s' does not exist: "
		                   "create it (mkdir -m 700) or give another "
		                   "--journal",
		                   dir);
	if (st.st_uid != geteuid() || (st.st_mode & 077) != 0)
		return client_fail(err, CLIENT_EXIT_INPUT, "journal_dir",
		                   "the journal folder '%s' is open to other "
		                   "users (mode %04o) or not yours: keep the "
		                   "journal in a private folder ('chmod 700 "
		                   "%s')",
		                   dir, (unsigned)(st.st_mode & 07777), dir);
	return 0;
}

static int sync_dir(const char *path)
{
	char tmp[4096];
	int fd, rc;

	snprintf(tmp, sizeof(tmp), "%s", path);
	fd = open(dirname(tmp), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = EIO;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int client_journal_create(const char *path, const client_batch_secret *s,
                          client_journal **out, client_error *err)
{
	client_journal *j;
	uint8_t check[16];
	int ret, e;

	*out = NULL;
	ret = dir_private(path, true, err);
	if (ret != 0)
		return ret;
	j = journal_new(path);
	if (j == NULL)
		return client_fail(err, CLIENT_EXIT_SETUP, "nomem",
		                   "out of memory");
	memcpy(j->hdr, hdr_magic, 8);
	le_put(j->hdr + 8, 1, 2);
	if (s == NULL || s->kind == CLIENT_SECRET_NONE)
		j->kdf = KDF_NONE;
	else if (s->kind == CLIENT_SECRET_PSK)
		j->kdf = KDF_HKDF_PSK;
	else
		j->kdf = KDF_PBKDF2_PASSWORD;
	j->aead = j->kdf == KDF_NONE ? AEAD_NONE : AEAD_AES256GCM;
	j->hdr[10] = (uint8_t)j->kdf;
	j->hdr[11] = (uint8_t)j->aead;
	le_put(j->hdr + 12, j->kdf == KDF_PBKDF2_PASSWORD ? PBKDF2_ITER : 0, 4);
	if (RAND_bytes(j->hdr + 16, 32) != 1) {
		ret = client_fail(err, CLIENT_EXIT_SETUP, "crypto",
		                  "OpenSSL's random generator failed: check "
		                  "the OpenSSL installation");
		goto fail;
	}
	memcpy(j->id, j->hdr + 32, 16);
	le_put(j->hdr + 48, (uint64_t)time(NULL), 8);
	digest16(j->hdr, 64, NULL, 0, j->hdr + 64);
	if (j->kdf != KDF_NONE) {
		ret = keys_derive(j, s, check, err);
		if (ret != 0)
			goto fail;
		memcpy(j->hdr + 80, check, 16);
	}
	j->fd = open(path,
	             O_RDWR | O_CREAT | O_EXCL | O_APPEND | O_NOFOLLOW |
	                     O_CLOEXEC,
	             0600);
	if (j->fd < 0) {
		e = errno;
		ret = client_fail(err, CLIENT_EXIT_INPUT, "journal_create",
		                  e == EEXIST ? "the journal '%s' exists: give "
		                                "its batch secret to resume "
		                                "it, or another --journal (%s)"
		                              : "cannot create the journal "
		                                "'%s': "
		                                "%s",
		                  path, strerror(e));
		goto fail;
	}
	if (flock(j->fd, LOCK_EX | LOCK_NB) != 0 ||
	    write_all(j->fd, j->hdr, HDR_LEN) != 0 || fsync(j->fd) != 0 ||
	    sync_dir(path) != 0) {
		e = errno;
		close(j->fd);
		j->fd = -1;
		unlink(path);
		ret = client_fail(err, CLIENT_EXIT_RECORD, "journal_write",
		                  "cannot write the journal '%s': %s (a full "
		                  "disk?): nothing was burned; free space and "
		                  "run again",
		                  path, strerror(e));
		goto fail;
	}
	j->write = true;
	j->end = HDR_LEN;
	*out = j;
	return 0;
fail:
	client_journal_close(&j);
	return ret;
}

static const char *kind_name(int kdf)
{
	return kdf == KDF_HKDF_PSK          ? "a pre-shared key (--psk-file)"
	       : kdf == KDF_PBKDF2_PASSWORD ? "a password (--password-file)"
	                                    : "no secret "
	                                      "(--insecure-plaintext)";
}

static int header_check(client_journal *j, const client_batch_secret *s,
                        client_error *err)
{
	uint8_t d[16], check[16];
	int want, ret;

	if (memcmp(j->hdr, hdr_magic, 8) != 0)
		return client_fail(err, CLIENT_EXIT_INPUT, "journal_magic",
		                   "'%s' is not a safeid journal (no journal "
		                   "header): give the journal of the batch",
		                   j->path);
	digest16(j->hdr, 64, NULL, 0, d);
	if (memcmp(d, j->hdr + 64, 16) != 0)
		return client_fail(err, CLIENT_EXIT_INPUT, "journal_header",
		                   "the header of journal '%s' is damaged (its "
		                   "digest does not match): restore the "
		                   "journal from a copy",
		                   j->path);
	if (le_get(j->hdr + 8, 2) != 1)
		return client_fail(err, CLIENT_EXIT_INPUT, "journal_version",
		                   "journal '%s' has version %u, this tool "
		                   "reads version 1: use a newer safeid-tool",
		                   j->path, (unsigned)le_get(j->hdr + 8, 2));
	j->kdf = j->hdr[10];
	j->aead = j->hdr[11];
	if (j->kdf > KDF_PBKDF2_PASSWORD || j->aead > AEAD_AES256GCM ||
	    (j->kdf == KDF_NONE) != (j->aead == AEAD_NONE) ||
	    (j->kdf == KDF_PBKDF2_PASSWORD &&
	     (le_get(j->hdr + 12, 4) < 100000 ||
	      le_get(j->hdr + 12, 4) > 100000000)))
		return client_fail(err, CLIENT_EXIT_INPUT, "journal_header",
		                   "journal '%s' names a key derivation this "
		                   "tool does not know: use a newer "
		                   "safeid-tool",
		                   j->path);
	memcpy(j->id, j->hdr + 32, 16);
	if (j->kdf == KDF_NONE)
		return 0;
	want = j->kdf == KDF_HKDF_PSK ? CLIENT_SECRET_PSK
	                              : CLIENT_SECRET_PASSWORD;
	if (s == NULL || s->kind == CLIENT_SECRET_NONE)
		return client_fail(err, CLIENT_EXIT_USAGE, "journal_secret",
		                   "journal '%s' is encrypted with %s: give it",
		                   j->path, kind_name(j->kdf));
	if ((int)s->kind != want)
		return client_fail(err, CLIENT_EXIT_INPUT, "journal_secret",
		                   "journal '%s' is encrypted with %s, not %s: "
		                   "give the batch's own secret",
		                   j->path, kind_name(j->kdf),
		                   s->kind == CLIENT_SECRET_PSK
		                           ? "a pre-shared key"
		                           : "a password");
	ret = keys_derive(j, s, check, err);
	if (ret != 0)
		return ret;
	if (CRYPTO_memcmp(check, j->hdr + 80, 16) != 0)
		return client_fail(err, CLIENT_EXIT_INPUT,
		                   "journal_wrong_secret",
		                   "wrong batch secret for journal '%s': %s "
		                   "does not open it; give the secret the "
		                   "batch was started with",
		                   j->path, s->source);
	return 0;
}

int client_journal_open(const char *path, const client_batch_secret *s,
                        bool write, client_journal **out, client_error *err)
{
	client_journal *j;
	struct stat st;
	ssize_t got;
	int ret;

	*out = NULL;
	if (write) {
		ret = dir_private(path, false, err);
		if (ret != 0)
			return ret;
	}
	j = journal_new(path);
	if (j == NULL)
		return client_fail(err, CLIENT_EXIT_SETUP, "nomem",
		                   "out of memory");
	j->fd = open(path, (write ? O_RDWR | O_APPEND : O_RDONLY) | O_NOFOLLOW |
	                           O_CLOEXEC | O_NOCTTY);
	if (j->fd < 0) {
		ret = client_fail(err, CLIENT_EXIT_INPUT, "journal_open",
		                  "cannot open the journal '%s': %s: check the "
		                  "name (a symbolic link is not followed)",
		                  path, strerror(errno));
		goto fail;
	}
	if (fstat(j->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		ret = client_fail(err, CLIENT_EXIT_INPUT, "journal_type",
		                  "the journal '%s' is not a regular "
		                  "file",
		                  path);
		goto fail;
	}
	if (st.st_uid != geteuid() || (st.st_mode & 077) != 0) {
		ret = client_fail(err, CLIENT_EXIT_INPUT, "journal_mode",
		                  "the journal '%s' is not yours or others may "
		                  "read it (mode %04o): 'chmod 600 %s' (and "
		                  "check who could have read it)",
		                  path, (unsigned)(st.st_mode & 07777), path);
		goto fail;
	}
	if (write && flock(j->fd, LOCK_EX | LOCK_NB) != 0) {
		ret = client_fail(err, CLIENT_EXIT_INPUT, "journal_busy",
		                  "the journal '%s' is in use by another "
		                  "safeid-tool: finish that one first",
		                  path);
		goto fail;
	}
	got = pread(j->fd, j->hdr, HDR_LEN, 0);
	if (got != (ssize_t)HDR_LEN) {
		ret = client_fail(err, CLIENT_EXIT_INPUT, "journal_short",
		                  "the journal '%s' is cut short inside its "
		                  "header (%lld of %u bytes): it was truncated "
		                  "or is not a safeid journal; restore it from "
		                  "a copy",
		                  path, (long long)(got < 0 ? 0 : got),
		                  HDR_LEN);
		goto fail;
	}
	ret = header_check(j, s, err);
	if (ret != 0)
		goto fail;
	j->write = write;
	j->end = (uint64_t)st.st_size;
	*out = j;
	return 0;
fail:
	client_journal_close(&j);
	return ret;
}

/* ---- records: text body -------------------------------------------------- */

static const char *const state_names[] = {"old", "erased", "new", "unknown"};

static size_t body_build(const client_jrec *r, char *b, size_t cap)
{
	char hex[2 * SAFEID_SEED_MAX + 1];
	size_t n = 0;

#define PUT(...)                                                              \
	do {                                                                  \
		int k_ = snprintf(b + n, n < cap ? cap - n : 0, __VA_ARGS__); \
		n += k_ > 0 ? (size_t)k_ : 0;                                 \
	} while (0)
	PUT("t=%s\ni=%lu\ns=%s\ntime=%lld\n",
	    r->type == CLIENT_JREC_INTENT    ? "intent"
	    : r->type == CLIENT_JREC_OUTCOME ? "outcome"
	                                     : "verify",
	    r->index, r->serial, (long long)r->time);
	if (r->type == CLIENT_JREC_INTENT) {
		client_hex(r->seed, r->seedlen, hex);
		PUT("m=%s\nh=%s\nd=%u\np=%u\ny=%u\nk=%s\n", r->model,
		    client_hash_lower(r->hash), r->digits, r->step, r->display,
		    hex);
		OPENSSL_cleanse(hex, sizeof(hex));
		if (r->verify_wanted)
			PUT("v=1\n");
		if (r->user.name[0] != '\0')
			PUT("u=%s\nur=%s\nue=%s\n", r->user.name,
			    r->user.resolver, r->user.realm);
	} else if (r->type == CLIENT_JREC_OUTCOME) {
		PUT("st=%s\n", state_names[r->state <= SAFEID_SEED_UNKNOWN
		                                   ? r->state
		                                   : SAFEID_SEED_UNKNOWN]);
		if (r->clock_known)
			PUT("c=%llu\n", (unsigned long long)r->clock);
		if (r->error[0] != '\0')
			PUT("e=%s\n", r->error);
	} else {
		PUT("ok=%d\noff=%ld\n", r->match ? 1 : 0, r->offset);
	}
#undef PUT
	return n;
}

static bool num_get(const char *v, unsigned long long max,
                    unsigned long long *out)
{
	char *end = NULL;

	if (v[0] < '0' || v[0] > '9')
		return false;
	errno = 0;
	*out = strtoull(v, &end, 10);
	return errno == 0 && *end == '\0' && *out <= max;
}

static bool copy_field(char *dst, size_t cap, const char *v)
{
	if (strlen(v) >= cap || !client_text_clean(v, NULL))
		return false;
	snprintf(dst, cap, "%s", v);
	return true;
}

static bool seed_get(client_jrec *r, const char *v)
{
	size_t n = strlen(v);

	if (n == 0 || n % 2 != 0 || n / 2 > SAFEID_SEED_MAX)
		return false;
	for (size_t i = 0; i < n / 2; i++) {
		int hi = client_hex_digit(v[2 * i]);
		int lo = client_hex_digit(v[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return false;
		r->seed[i] = (uint8_t)(hi << 4 | lo);
	}
	r->seedlen = n / 2;
	return true;
}

/* One "key=value" line into r; false when malformed. */
static bool field_parse(client_jrec *r, const char *k, const char *v,
                        unsigned *have)
{
	unsigned long long x;

	if (strcmp(k, "t") == 0) {
		if (strcmp(v, "intent") == 0)
			r->type = CLIENT_JREC_INTENT;
		else if (strcmp(v, "outcome") == 0)
			r->type = CLIENT_JREC_OUTCOME;
		else if (strcmp(v, "verify") == 0)
			r->type = CLIENT_JREC_VERIFY;
		else
			return false;
		*have |= 1;
	} else if (strcmp(k, "i") == 0) {
		if (!num_get(v, 100000000, &x) || x == 0)
			return false;
		r->index = (unsigned long)x;
		*have |= 2;
	} else if (strcmp(k, "s") == 0) {
		if (!copy_field(r->serial, sizeof(r->serial), v) || v[0] == 0)
			return false;
		*have |= 4;
	} else if (strcmp(k, "time") == 0) {
		if (!num_get(v, 1ULL << 40, &x))
			return false;
		r->time = (int64_t)x;
	} else if (strcmp(k, "m") == 0) {
		return copy_field(r->model, sizeof(r->model), v);
	} else if (strcmp(k, "h") == 0) {
		if (strcmp(v, "sha1") == 0)
			r->hash = SAFEID_HASH_SHA1;
		else if (strcmp(v, "sha256") == 0)
			r->hash = SAFEID_HASH_SHA256;
		else
			return false;
		*have |= 8;
	} else if (strcmp(k, "d") == 0) {
		if (!num_get(v, 10, &x) || x < 6)
			return false;
		r->digits = (unsigned)x;
	} else if (strcmp(k, "p") == 0) {
		if (!num_get(v, 60, &x) || (x != 30 && x != 60))
			return false;
		r->step = (unsigned)x;
		*have |= 16;
	} else if (strcmp(k, "y") == 0) {
		if (!num_get(v, 120, &x))
			return false;
		r->display = (unsigned)x;
	} else if (strcmp(k, "k") == 0) {
		if (!seed_get(r, v))
			return false;
		*have |= 32;
	} else if (strcmp(k, "v") == 0) {
		r->verify_wanted = strcmp(v, "1") == 0;
	} else if (strcmp(k, "u") == 0) {
		return copy_field(r->user.name, sizeof(r->user.name), v);
	} else if (strcmp(k, "ur") == 0) {
		return copy_field(r->user.resolver, sizeof(r->user.resolver),
		                  v);
	} else if (strcmp(k, "ue") == 0) {
		return copy_field(r->user.realm, sizeof(r->user.realm), v);
	} else if (strcmp(k, "st") == 0) {
		for (x = 0; x < 4; x++)
			if (strcmp(v, state_names[x]) == 0)
				break;
		if (x == 4)
			return false;
		r->state = (safeid_seed_state)x;
		*have |= 64;
	} else if (strcmp(k, "c") == 0) {
		if (!num_get(v, 0xffffffffULL, &x))
			return false;
		r->clock = x;
		r->clock_known = true;
	} else if (strcmp(k, "e") == 0) {
		return copy_field(r->error, sizeof(r->error), v);
	} else if (strcmp(k, "ok") == 0) {
		if (strcmp(v, "0") != 0 && strcmp(v, "1") != 0)
			return false;
		r->match = v[0] == '1';
		*have |= 128;
	} else if (strcmp(k, "off") == 0) {
		char *end = NULL;

		r->offset = strtol(v, &end, 10);
		return end != v && *end == '\0' && r->offset > -100000 &&
		       r->offset < 100000;
	}
	/* Unknown keys belong to a newer version: ignored. */
	return true;
}

static bool body_parse(char *b, size_t n, client_jrec *r)
{
	unsigned have = 0, need;
	char *line = b, *nl, *eq;

	memset(r, 0, sizeof(*r));
	r->digits = 6;
	r->display = 30;
	r->step = 30;
	if (n == 0 || b[n - 1] != '\n' || memchr(b, '\0', n) != NULL)
		return false;
	while (line < b + n) {
		nl = memchr(line, '\n', (size_t)(b + n - line));
		*nl = '\0';
		eq = strchr(line, '=');
		if (eq == NULL)
			return false;
		*eq = '\0';
		if (!field_parse(r, line, eq + 1, &have))
			return false;
		line = nl + 1;
	}
	need = r->type == CLIENT_JREC_INTENT    ? 1 | 2 | 4 | 8 | 16 | 32
	       : r->type == CLIENT_JREC_OUTCOME ? 1 | 2 | 4 | 64
	                                        : 1 | 2 | 4 | 128;
	return (have & need) == need;
}

void client_jrec_wipe(client_jrec *r)
{
	OPENSSL_cleanse(r, sizeof(*r));
}

/* ---- sealing ------------------------------------------------------------- */

static int seal(client_journal *j, uint8_t *rec, size_t bodylen)
{
	uint8_t aad[16 + REC_HDR];
	EVP_CIPHER_CTX *c;
	int len = 0, ok;

	memcpy(aad, j->id, 16);
	memcpy(aad + 16, rec, REC_HDR);
	if (j->aead == AEAD_NONE) {
		digest16(aad, sizeof(aad), rec + REC_HDR, bodylen,
		         rec + REC_HDR + bodylen);
		return 0;
	}
	c = EVP_CIPHER_CTX_new();
	ok = c != NULL &&
	     EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), NULL, j->key, rec + 16) ==
	             1 &&
	     EVP_EncryptUpdate(c, NULL, &len, aad, (int)sizeof(aad)) == 1 &&
	     EVP_EncryptUpdate(c, rec + REC_HDR, &len, rec + REC_HDR,
	                       (int)bodylen) == 1 &&
	     EVP_EncryptFinal_ex(c, rec + REC_HDR + len, &len) == 1 &&
	     EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, TAG_LEN,
	                         rec + REC_HDR + bodylen) == 1;
	EVP_CIPHER_CTX_free(c);
	return ok ? 0 : -1;
}

/* Check and decrypt in place; false when the record is not authentic.
 * The context is keyed once per journal: reading 20,000 records then
 * costs no cipher look-up per record. */
static bool unseal(client_journal *j, uint8_t *rec, size_t bodylen)
{
	uint8_t aad[16 + REC_HDR], tag[16];
	EVP_CIPHER_CTX *c;
	int len = 0, ok;

	memcpy(aad, j->id, 16);
	memcpy(aad + 16, rec, REC_HDR);
	if (j->aead == AEAD_NONE) {
		digest16(aad, sizeof(aad), rec + REC_HDR, bodylen, tag);
		return CRYPTO_memcmp(tag, rec + REC_HDR + bodylen, 16) == 0;
	}
	if (j->dec == NULL) {
		j->dec = EVP_CIPHER_CTX_new();
		if (j->dec == NULL ||
		    EVP_DecryptInit_ex(j->dec, EVP_aes_256_gcm(), NULL, j->key,
		                       NULL) != 1) {
			EVP_CIPHER_CTX_free(j->dec);
			j->dec = NULL;
			return false;
		}
	}
	c = j->dec;
	memcpy(tag, rec + REC_HDR + bodylen, TAG_LEN);
	ok = EVP_DecryptInit_ex(c, NULL, NULL, NULL, rec + 16) == 1 &&
	     EVP_DecryptUpdate(c, NULL, &len, aad, (int)sizeof(aad)) == 1 &&
	     EVP_DecryptUpdate(c, rec + REC_HDR, &len, rec + REC_HDR,
	                       (int)bodylen) == 1 &&
	     EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, TAG_LEN, tag) == 1 &&
	     EVP_DecryptFinal_ex(c, rec + REC_HDR + len, &len) == 1;
	if (!ok)
		OPENSSL_cleanse(rec + REC_HDR, bodylen);
	return ok;
}

/* ---- test builds: a crash at a chosen point ------------------------------ */

#ifdef SAFEID_TEST_HOOKS
/*
 * SAFEID_TEST_JOURNAL_FAULT=WHAT:N, in builds with test hooks only (never
 * in a release build: see the top CMakeLists.txt): the process kills
 * itself with SIGKILL at one point of token N's records, the way a crash
 * or power cut would end it.  WHAT: torn-intent, torn-outcome (half the
 * record written and synced, then killed), after-intent (intent synced,
 * before the first APDU), before-outcome (the burn done, its outcome not
 * written).  It never skips a write or a sync: a run it does not kill is
 * an ordinary run.
 */
static bool fault_is(const char *what, unsigned long index)
{
	const char *v = getenv("SAFEID_TEST_JOURNAL_FAULT");
	size_t n = strlen(what);

	return v != NULL && strncmp(v, what, n) == 0 && v[n] == ':' &&
	       strtoul(v + n + 1, NULL, 10) == index;
}

static void fault_kill(void)
{
	raise(SIGKILL);
}
#else
static bool fault_is(const char *what, unsigned long index)
{
	(void)what;
	(void)index;
	return false;
}

static void fault_kill(void)
{
}
#endif

int client_journal_reserve(client_journal *j, size_t n, client_error *err)
{
	int rc = fallocate(j->fd, FALLOC_FL_KEEP_SIZE, (off_t)j->end, (off_t)n);

	/* A file system without fallocate: a full disk shows at the write,
	 * still before the token is touched. */
	if (rc == 0 || errno == EOPNOTSUPP || errno == ENOSYS)
		return 0;
	return client_fail(err, CLIENT_EXIT_RECORD, "journal_full",
	                   "cannot keep room in the journal '%s' for the next "
	                   "token: %s: nothing was burned; free space on that "
	                   "disk and run the same command again",
	                   j->path, strerror(errno));
}

int client_journal_append(client_journal *j, client_jrec *r, client_error *err)
{
	uint8_t *rec = OPENSSL_zalloc(REC_MAX);
	char *body;
	size_t blen, total;
	bool intent = r->type == CLIENT_JREC_INTENT;
	int ret = 0, e;

	if (rec == NULL)
		return client_fail(err, CLIENT_EXIT_SETUP, "nomem",
		                   "out of memory");
	body = (char *)rec + REC_HDR;
	blen = body_build(r, body, BODY_MAX + 1);
	if (blen > BODY_MAX) {
		ret = client_fail(err, CLIENT_EXIT_SETUP, "journal_record",
		                  "a journal record would exceed %u bytes: "
		                  "shorten the user names",
		                  BODY_MAX);
		goto out;
	}
	memcpy(rec, rec_magic, 4);
	le_put(rec + 4, j->next_seq, 8);
	le_put(rec + 12, blen, 4);
	if (RAND_bytes(rec + 16, NONCE_LEN) != 1 || seal(j, rec, blen) != 0) {
		ret = client_fail(err, CLIENT_EXIT_SETUP, "crypto",
		                  "sealing a journal record failed (OpenSSL): "
		                  "nothing was burned");
		goto out;
	}
	total = REC_HDR + blen + TAG_LEN;
	if (!intent && fault_is("before-outcome", r->index))
		fault_kill();
	if (fault_is(intent ? "torn-intent" : "torn-outcome", r->index)) {
		if (write_all(j->fd, rec, total / 2) == 0)
			(void)fdatasync(j->fd);
		fault_kill();
	}
	if (write_all(j->fd, rec, total) != 0 || fdatasync(j->fd) != 0) {
		e = errno;
		/* Leave no half record behind when the disk allows it; if
		 * not, the reader drops it as a torn tail. */
		if (ftruncate(j->fd, (off_t)j->end) != 0)
			e = e != 0 ? e : errno;
		ret = client_fail(err, CLIENT_EXIT_RECORD, "journal_write",
		                  "writing the journal '%s' failed: %s (a full "
		                  "disk?)",
		                  j->path, strerror(e));
		goto out;
	}
	r->seq = j->next_seq++;
	j->end += total;
	if (intent && fault_is("after-intent", r->index))
		fault_kill();
out:
	OPENSSL_clear_free(rec, REC_MAX);
	return ret;
}

/* ---- reading ------------------------------------------------------------- */

/* Bytes [off, off + n) of the file, through the read buffer; NULL when
 * the file ends first (*avail says how many there are). */
static const uint8_t *bytes_at(client_journal *j, uint64_t off, size_t n,
                               size_t *avail)
{
	ssize_t got;

	if (off < j->buf_off || off + n > j->buf_off + j->buf_len) {
		got = pread(j->fd, j->buf, RBUF, (off_t)off);
		j->buf_off = off;
		j->buf_len = got > 0 ? (size_t)got : 0;
	}
	*avail = (size_t)(j->buf_off + j->buf_len - off);
	if (off + n > j->buf_off + j->buf_len)
		return NULL;
	return j->buf + (off - j->buf_off);
}

/* Offset of the next record magic at or after off; UINT64_MAX if none. */
static uint64_t magic_find(client_journal *j, uint64_t off)
{
	const uint8_t *p, *hit;
	size_t avail;

	for (;;) {
		(void)bytes_at(j, off, 4, &avail);
		if (off < j->buf_off || avail < 4)
			return UINT64_MAX;
		p = j->buf + (off - j->buf_off);
		hit = memmem(p, avail, rec_magic, 4);
		if (hit != NULL)
			return off + (uint64_t)(hit - p);
		off += avail - 3;
		j->buf_len = 0; /* force a read from the new offset */
	}
}

bool client_journal_damaged(const client_journal_damage *d)
{
	return d->bad > 0 || d->gaps > 0;
}

void client_journal_damage_text(const client_journal_damage *d,
                                const char *path, char *out, size_t cap)
{
	size_t n = 0;
	int k;

	out[0] = '\0';
	if (d->bad > 0 || d->gaps > 0) {
		k = snprintf(out, cap,
		             "journal '%s' is damaged: %zu record(s) from byte "
		             "%llu on fail their check, %zu more are missing; "
		             "the %zu readable records are kept",
		             path, d->bad, (unsigned long long)d->first_bad,
		             d->gaps, d->records);
		n = k > 0 ? (size_t)k : 0;
	}
	if (d->torn && n < cap)
		snprintf(out + n, cap - n,
		         "%sjournal '%s' ends in a record cut short at byte "
		         "%llu (%llu bytes, what a crash during a write "
		         "leaves); the %zu records before it are kept",
		         n > 0 ? "; " : "", path,
		         (unsigned long long)d->torn_at,
		         (unsigned long long)d->torn_bytes, d->records);
}

int client_journal_read(client_journal *j, client_journal_visit visit,
                        void *arg, client_journal_damage *d, client_error *err)
{
	uint64_t off = HDR_LEN, bad_at = UINT64_MAX, expect = 0, next;
	uint8_t *rec = NULL;
	const uint8_t *p;
	client_jrec r;
	size_t avail, blen, bad_here = 0;
	int ret = 0;

	memset(&r, 0, sizeof(r));
	memset(d, 0, sizeof(*d));
	d->good_end = HDR_LEN;
	if (j->buf == NULL)
		j->buf = OPENSSL_malloc(RBUF);
	rec = OPENSSL_malloc(REC_MAX);
	if (j->buf == NULL || rec == NULL) {
		OPENSSL_free(rec);
		return client_fail(err, CLIENT_EXIT_SETUP, "nomem",
		                   "out of memory");
	}
	j->buf_len = 0;
	for (;;) {
		p = bytes_at(j, off, REC_HDR, &avail);
		if (p == NULL && avail == 0)
			break; /* the end */
		if (p == NULL || memcmp(p, rec_magic, 4) != 0)
			goto bad;
		blen = (size_t)le_get(p + 12, 4);
		if (blen == 0 || blen > BODY_MAX)
			goto bad;
		p = bytes_at(j, off, REC_HDR + blen + TAG_LEN, &avail);
		if (p == NULL)
			goto bad;
		memcpy(rec, p, REC_HDR + blen + TAG_LEN);
		if (!unseal(j, rec, blen) ||
		    !body_parse((char *)rec + REC_HDR, blen, &r)) {
			OPENSSL_cleanse(rec, REC_HDR + blen + TAG_LEN);
			OPENSSL_cleanse(r.seed, sizeof(r.seed));
			goto bad;
		}
		OPENSSL_cleanse(rec, REC_HDR + blen + TAG_LEN);
		r.seq = le_get(p + 4, 8);
		if (r.seq < expect) {
			client_jrec_wipe(&r);
			goto bad;
		}
		/* Good: damage seen since the last good record was in the
		 * middle of the journal. */
		/* Records missing by number, besides the bad ones. */
		if (r.seq - expect > bad_here)
			d->gaps += (size_t)(r.seq - expect - bad_here);
		if (bad_at != UINT64_MAX) {
			if (d->bad == 0)
				d->first_bad = bad_at;
			d->bad += bad_here;
			bad_at = UINT64_MAX;
			bad_here = 0;
		}
		expect = r.seq + 1;
		d->records++;
		off += REC_HDR + blen + TAG_LEN;
		d->good_end = off;
		ret = visit != NULL ? visit(arg, &r) : 0;
		/* Only intents hold a seed. */
		if (r.type == CLIENT_JREC_INTENT)
			OPENSSL_cleanse(r.seed, sizeof(r.seed));
		if (ret != 0)
			break;
		continue;
	bad:
		if (bad_at == UINT64_MAX)
			bad_at = off;
		bad_here++;
		next = magic_find(j, off + 1);
		if (next == UINT64_MAX)
			break;
		off = next;
	}
	if (bad_at != UINT64_MAX) {
		struct stat st;

		d->torn = true;
		d->torn_at = bad_at;
		if (fstat(j->fd, &st) == 0 && (uint64_t)st.st_size > bad_at)
			d->torn_bytes = (uint64_t)st.st_size - bad_at;
	}
	j->next_seq = expect;
	client_jrec_wipe(&r);
	OPENSSL_clear_free(rec, REC_MAX);
	return ret;
}

int client_journal_trim(client_journal *j, const client_journal_damage *d,
                        client_error *err)
{
	if (!d->torn || !j->write)
		return 0;
	if (ftruncate(j->fd, (off_t)d->torn_at) != 0 || fdatasync(j->fd) != 0)
		return client_fail(err, CLIENT_EXIT_RECORD, "journal_write",
		                   "cannot cut the torn record off journal "
		                   "'%s': %s",
		                   j->path, strerror(errno));
	j->end = d->torn_at;
	return 0;
}
