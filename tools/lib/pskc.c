/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pskc.c: PSKC (RFC 6030) seed files, in the form privacyIDEA's, LinOTP's
 * and python-pskc's importers read: one KeyPackage per token, the seeds
 * encrypted with AES-128-CBC (base64 of IV and ciphertext) under a
 * pre-shared key or a PBKDF2-HMAC-SHA1 key from a password, a MACKey
 * (itself encrypted; privacyIDEA has no fallback without it, LinOTP takes
 * the cipher of every secret from its EncryptionMethod) and an
 * HMAC-SHA1 ValueMAC over IV and ciphertext for every seed.
 *
 * Facts the form follows: the Suite is lower-case element text (sha1,
 * sha256: privacyIDEA falls back to SHA-1 on "HMAC-SHA256");
 * ResponseFormat always carries Length (privacyIDEA needs it); no
 * Data/Time (multiOTP adds it to the clock as an offset) and no
 * TimeDrift (privacyIDEA reads it as seconds); base64 on one line
 * (privacyIDEA and LinOTP compare the MAC text as it is).
 *
 * libxml2's writer escapes markup but passes control characters and
 * invalid UTF-8 through, which would make the file unreadable: every
 * string is checked before it is written.  Its error messages are caught
 * into the error record instead of going to stderr.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlerror.h>
#include <libxml/xmlwriter.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/rand.h>

#include "provision_int.h"

#define NS_PSKC "urn:ietf:params:xml:ns:keyprov:pskc"
#define NS_DS "http://www.w3.org/2000/09/xmldsig#"
#define NS_XENC "http://www.w3.org/2001/04/xmlenc#"
#define NS_XENC11 "http://www.w3.org/2009/xmlenc11#"
#define NS_PKCS5 "http://www.rsasecurity.com/rsalabs/pkcs/schemas/pkcs-5v2-0#"
#define ALG_AES128 NS_XENC "aes128-cbc"
#define ALG_HMAC NS_DS "hmac-sha1"
#define ALG_PBKDF2 NS_PKCS5 "pbkdf2"
#define ALG_TOTP "urn:ietf:params:xml:ns:keyprov:pskc:totp"
#define MAC_KEY_LEN 20

struct client_pskc {
	xmlTextWriterPtr w;
	bool encrypted;
	EVP_CIPHER_CTX *enc; /* AES-128-CBC, keyed once */
	EVP_MAC_CTX *mac;    /* HMAC-SHA1, keyed once */
	uint8_t key[16];     /* AES-128 key */
	uint8_t mac_key[MAC_KEY_LEN];
	char xml_error[256]; /* libxml2's last message */
};

static void xml_error_catch(void *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void xml_error_catch(void *ctx, const char *fmt, ...)
{
	client_pskc *p = ctx;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->xml_error, sizeof(p->xml_error), fmt, ap);
	va_end(ap);
	p->xml_error[strcspn(p->xml_error, "\n")] = '\0';
}

static int xml_fail(client_pskc *p, client_error *err)
{
	return client_fail(err, CLIENT_EXIT_INPUT, "out_write",
	                   "writing the PSKC file failed: %s: nothing was "
	                   "written; free space (or fix the folder) and export "
	                   "again",
	                   p->xml_error[0] != '\0' ? p->xml_error
	                                           : "write error");
}

#define X(call)                         \
	do {                            \
		if ((call) < 0)         \
			goto xml_error; \
	} while (0)

static const xmlChar *U(const char *s)
{
	return (const xmlChar *)s;
}

static void b64(const uint8_t *in, size_t n, char *out)
{
	EVP_EncodeBlock((unsigned char *)out, in, (int)n);
}

/* The cipher and MAC contexts, keyed once for the whole file (a cipher
 * or MAC look-up per seed would be most of an export's time). */
static int contexts_make(client_pskc *p)
{
	EVP_MAC *hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	OSSL_PARAM params[2];
	int ok;

	params[0] =
		OSSL_PARAM_construct_utf8_string("digest", (char *)"SHA1", 0);
	params[1] = OSSL_PARAM_construct_end();
	p->enc = EVP_CIPHER_CTX_new();
	p->mac = hmac != NULL ? EVP_MAC_CTX_new(hmac) : NULL;
	ok = p->enc != NULL && p->mac != NULL &&
	     EVP_EncryptInit_ex(p->enc, EVP_aes_128_cbc(), NULL, p->key,
	                        NULL) == 1 &&
	     EVP_MAC_init(p->mac, p->mac_key, MAC_KEY_LEN, params) == 1;
	EVP_MAC_free(hmac);
	return ok ? 0 : -1;
}

/* base64(IV || AES-128-CBC(key, plain)) and base64(HMAC-SHA1(mac key,
 * IV || CT)) (mac_out NULL: no MAC). */
static int seal(client_pskc *p, const uint8_t *plain, size_t n, char *cv_out,
                char *mac_out)
{
	uint8_t buf[16 + SAFEID_SEED_MAX + 16], mac[EVP_MAX_MD_SIZE];
	size_t maclen = 0;
	int l1 = 0, l2 = 0, ok;

	ok = RAND_bytes(buf, 16) == 1 &&
	     EVP_EncryptInit_ex(p->enc, NULL, NULL, NULL, buf) == 1 &&
	     EVP_EncryptUpdate(p->enc, buf + 16, &l1, plain, (int)n) == 1 &&
	     EVP_EncryptFinal_ex(p->enc, buf + 16 + l1, &l2) == 1;
	if (ok) {
		b64(buf, 16 + (size_t)(l1 + l2), cv_out);
		if (mac_out != NULL) {
			ok = EVP_MAC_init(p->mac, NULL, 0, NULL) == 1 &&
			     EVP_MAC_update(p->mac, buf,
			                    16 + (size_t)(l1 + l2)) == 1 &&
			     EVP_MAC_final(p->mac, mac, &maclen, sizeof(mac)) ==
			             1;
			b64(mac, maclen, mac_out);
		}
	}
	OPENSSL_cleanse(buf, sizeof(buf));
	return ok ? 0 : -1;
}

static int encryption_key_write(client_pskc *p, const client_batch_secret *s)
{
	uint8_t salt[16];
	char salt64[32];

	if (s->kind == CLIENT_SECRET_PSK) {
		memcpy(p->key, s->data, 16);
		X(xmlTextWriterStartElementNS(p->w, U("pskc"),
		                              U("EncryptionKey"), NULL));
		X(xmlTextWriterWriteElementNS(p->w, U("ds"), U("KeyName"), NULL,
		                              U("Pre-shared-key")));
		X(xmlTextWriterEndElement(p->w));
		return 0;
	}
	if (RAND_bytes(salt, sizeof(salt)) != 1 ||
	    PKCS5_PBKDF2_HMAC((const char *)s->data, (int)s->len, salt,
	                      sizeof(salt), CLIENT_PSKC_ITERATIONS, EVP_sha1(),
	                      16, p->key) != 1)
		return -1;
	b64(salt, sizeof(salt), salt64);
	X(xmlTextWriterStartElementNS(p->w, U("pskc"), U("EncryptionKey"),
	                              NULL));
	X(xmlTextWriterStartElementNS(p->w, U("xenc11"), U("DerivedKey"),
	                              NULL));
	X(xmlTextWriterStartElementNS(p->w, U("xenc11"),
	                              U("KeyDerivationMethod"), NULL));
	X(xmlTextWriterWriteAttribute(p->w, U("Algorithm"), U(ALG_PBKDF2)));
	X(xmlTextWriterStartElementNS(p->w, U("pkcs5"), U("PBKDF2-params"),
	                              NULL));
	X(xmlTextWriterStartElement(p->w, U("Salt")));
	X(xmlTextWriterWriteElement(p->w, U("Specified"), U(salt64)));
	X(xmlTextWriterEndElement(p->w));
	X(xmlTextWriterWriteFormatElement(p->w, U("IterationCount"), "%u",
	                                  CLIENT_PSKC_ITERATIONS));
	X(xmlTextWriterWriteElement(p->w, U("KeyLength"), U("16")));
	X(xmlTextWriterEndElement(p->w)); /* PBKDF2-params */
	X(xmlTextWriterEndElement(p->w)); /* KeyDerivationMethod */
	X(xmlTextWriterEndElement(p->w)); /* DerivedKey */
	X(xmlTextWriterEndElement(p->w)); /* EncryptionKey */
	return 0;
xml_error:
	return -1;
}

/* EncryptionMethod and CipherData of one encrypted value. */
static int cipher_write(client_pskc *p, const char *cv)
{
	X(xmlTextWriterStartElementNS(p->w, U("xenc"), U("EncryptionMethod"),
	                              NULL));
	X(xmlTextWriterWriteAttribute(p->w, U("Algorithm"), U(ALG_AES128)));
	X(xmlTextWriterEndElement(p->w));
	X(xmlTextWriterStartElementNS(p->w, U("xenc"), U("CipherData"), NULL));
	X(xmlTextWriterWriteElementNS(p->w, U("xenc"), U("CipherValue"), NULL,
	                              U(cv)));
	X(xmlTextWriterEndElement(p->w));
	return 0;
xml_error:
	return -1;
}

static int mac_method_write(client_pskc *p)
{
	char cv[128];

	if (RAND_bytes(p->mac_key, MAC_KEY_LEN) != 1 || contexts_make(p) != 0 ||
	    seal(p, p->mac_key, MAC_KEY_LEN, cv, NULL) != 0)
		return -1;
	X(xmlTextWriterStartElementNS(p->w, U("pskc"), U("MACMethod"), NULL));
	X(xmlTextWriterWriteAttribute(p->w, U("Algorithm"), U(ALG_HMAC)));
	X(xmlTextWriterStartElementNS(p->w, U("pskc"), U("MACKey"), NULL));
	X(cipher_write(p, cv));
	X(xmlTextWriterEndElement(p->w));
	X(xmlTextWriterEndElement(p->w));
	return 0;
xml_error:
	return -1;
}

static void errors_catch(client_pskc *p)
{
	xmlSetGenericErrorFunc(p, xml_error_catch);
}

static void errors_release(void)
{
	xmlSetGenericErrorFunc(NULL, NULL);
}

static void pskc_free(client_pskc **pp)
{
	client_pskc *p = *pp;

	if (p == NULL)
		return;
	if (p->w != NULL)
		xmlFreeTextWriter(p->w);
	EVP_CIPHER_CTX_free(p->enc);
	EVP_MAC_CTX_free(p->mac);
	OPENSSL_cleanse(p->key, sizeof(p->key));
	OPENSSL_cleanse(p->mac_key, sizeof(p->mac_key));
	free(p);
	*pp = NULL;
}

int client_pskc_begin(client_pskc **out, int fd, const client_batch_secret *s,
                      client_error *err)
{
	client_pskc *p = calloc(1, sizeof(*p));
	xmlOutputBufferPtr ob;
	bool pw = s != NULL && s->kind == CLIENT_SECRET_PASSWORD;

	*out = NULL;
	if (p == NULL)
		return client_fail(err, CLIENT_EXIT_SETUP, "nomem",
		                   "out of memory");
	p->encrypted = s != NULL && s->kind != CLIENT_SECRET_NONE;
	errors_catch(p);
	ob = xmlOutputBufferCreateFd(fd, NULL);
	p->w = ob != NULL ? xmlNewTextWriter(ob) : NULL;
	if (p->w == NULL) {
		if (ob != NULL)
			xmlOutputBufferClose(ob);
		goto xml_error;
	}
	X(xmlTextWriterSetIndent(p->w, 1));
	X(xmlTextWriterSetIndentString(p->w, U("  ")));
	X(xmlTextWriterStartDocument(p->w, NULL, "UTF-8", NULL));
	X(xmlTextWriterStartElementNS(p->w, U("pskc"), U("KeyContainer"),
	                              U(NS_PSKC)));
	X(xmlTextWriterWriteAttributeNS(p->w, U("xmlns"), U("ds"), NULL,
	                                U(NS_DS)));
	X(xmlTextWriterWriteAttributeNS(p->w, U("xmlns"), U("xenc"), NULL,
	                                U(NS_XENC)));
	if (pw) {
		X(xmlTextWriterWriteAttributeNS(p->w, U("xmlns"), U("xenc11"),
		                                NULL, U(NS_XENC11)));
		X(xmlTextWriterWriteAttributeNS(p->w, U("xmlns"), U("pkcs5"),
		                                NULL, U(NS_PKCS5)));
	}
	X(xmlTextWriterWriteAttribute(p->w, U("Version"), U("1.0")));
	if (p->encrypted) {
		X(encryption_key_write(p, s));
		X(mac_method_write(p));
	}
	errors_release();
	*out = p;
	return 0;
xml_error:
	errors_release();
	xml_fail(p, err);
	pskc_free(&p);
	return err->exit_code;
}

/* Text written into the file: checked, since libxml2 would pass control
 * characters and invalid UTF-8 through. */
static int text_check(const client_xtoken *t, const char *what, const char *v,
                      client_error *err)
{
	size_t bad = 0;

	if (client_text_clean(v, &bad))
		return 0;
	return client_fail(err, CLIENT_EXIT_INPUT, "field_chars",
	                   "token %s: its %s holds a control character or "
	                   "invalid UTF-8 at byte %zu, which XML cannot carry: "
	                   "nothing was written",
	                   t->serial, what, bad + 1);
}

static int package_write(client_pskc *p, const client_xtoken *t)
{
	char cv[128], mac[64], plain[128];

	X(xmlTextWriterStartElementNS(p->w, U("pskc"), U("KeyPackage"), NULL));
	X(xmlTextWriterStartElementNS(p->w, U("pskc"), U("DeviceInfo"), NULL));
	X(xmlTextWriterWriteElementNS(p->w, U("pskc"), U("Manufacturer"), NULL,
	                              U(t->manufacturer)));
	X(xmlTextWriterWriteElementNS(p->w, U("pskc"), U("SerialNo"), NULL,
	                              U(t->serial)));
	if (t->model[0] != '\0')
		X(xmlTextWriterWriteElementNS(p->w, U("pskc"), U("Model"), NULL,
		                              U(t->model)));
	X(xmlTextWriterEndElement(p->w));
	X(xmlTextWriterStartElementNS(p->w, U("pskc"), U("Key"), NULL));
	X(xmlTextWriterWriteAttribute(p->w, U("Id"), U(t->serial)));
	X(xmlTextWriterWriteAttribute(p->w, U("Algorithm"), U(ALG_TOTP)));
	X(xmlTextWriterStartElementNS(p->w, U("pskc"), U("AlgorithmParameters"),
	                              NULL));
	X(xmlTextWriterWriteElementNS(p->w, U("pskc"), U("Suite"), NULL,
	                              U(client_hash_lower(t->hash))));
	X(xmlTextWriterStartElementNS(p->w, U("pskc"), U("ResponseFormat"),
	                              NULL));
	X(xmlTextWriterWriteFormatAttribute(p->w, U("Length"), "%u",
	                                    t->digits));
	X(xmlTextWriterWriteAttribute(p->w, U("Encoding"), U("DECIMAL")));
	X(xmlTextWriterEndElement(p->w));
	X(xmlTextWriterEndElement(p->w)); /* AlgorithmParameters */
	X(xmlTextWriterStartElementNS(p->w, U("pskc"), U("Data"), NULL));
	X(xmlTextWriterStartElementNS(p->w, U("pskc"), U("Secret"), NULL));
	if (p->encrypted) {
		if (seal(p, t->seed, t->seedlen, cv, mac) != 0)
			goto xml_error;
		X(xmlTextWriterStartElementNS(p->w, U("pskc"),
		                              U("EncryptedValue"), NULL));
		X(cipher_write(p, cv));
		X(xmlTextWriterEndElement(p->w));
		X(xmlTextWriterWriteElementNS(p->w, U("pskc"), U("ValueMAC"),
		                              NULL, U(mac)));
	} else {
		b64(t->seed, t->seedlen, plain);
		X(xmlTextWriterWriteElementNS(p->w, U("pskc"), U("PlainValue"),
		                              NULL, U(plain)));
		OPENSSL_cleanse(plain, sizeof(plain));
	}
	X(xmlTextWriterEndElement(p->w)); /* Secret */
	X(xmlTextWriterStartElementNS(p->w, U("pskc"), U("TimeInterval"),
	                              NULL));
	X(xmlTextWriterWriteFormatElementNS(p->w, U("pskc"), U("PlainValue"),
	                                    NULL, "%u", t->step));
	X(xmlTextWriterEndElement(p->w)); /* TimeInterval */
	X(xmlTextWriterEndElement(p->w)); /* Data */
	X(xmlTextWriterEndElement(p->w)); /* Key */
	X(xmlTextWriterEndElement(p->w)); /* KeyPackage */
	return 0;
xml_error:
	OPENSSL_cleanse(plain, sizeof(plain));
	return -1;
}

int client_pskc_token(client_pskc *p, const client_xtoken *t, client_error *err)
{
	int ret;

	ret = text_check(t, "serial", t->serial, err);
	if (ret == 0)
		ret = text_check(t, "model", t->model, err);
	if (ret == 0)
		ret = text_check(t, "manufacturer", t->manufacturer, err);
	if (ret != 0)
		return ret;
	errors_catch(p);
	ret = package_write(p, t);
	errors_release();
	return ret == 0 ? 0 : xml_fail(p, err);
}

int client_pskc_end(client_pskc **pp, client_error *err)
{
	client_pskc *p = *pp;
	int ret = 0;

	errors_catch(p);
	if (xmlTextWriterEndDocument(p->w) < 0 || xmlTextWriterFlush(p->w) < 0)
		ret = xml_fail(p, err);
	errors_release();
	pskc_free(pp);
	return ret;
}
