/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * m2store.c: what the module knows of a Molto2 beyond one process.
 *
 * pkcs11-tool runs one process per command: "--login --pin ..." that
 * spends a try and the next one that would spend the last are two
 * processes, and so are "--write-object ... --type secrkey --id 39" and
 * "--delete-object --type secrkey --id 39", which finds the profile only
 * if the module remembers the class it was made as.  So after each change
 * the module saves <state>/safeid-pkcs11/<serial>.molto2 (as store.c
 * saves a .seedslot: directories 0700, file 0600, written whole then
 * renamed), and reads it back as store.c reads its files: a regular file
 * of the user's, writable by no one else, at most M2_STORE_MAX bytes,
 * every field checked, or it is ignored.  Never a seed or a key.
 *
 *   serial=SERIAL
 *   time=UNIX-SECONDS
 *   tries=N | tries=unknown
 *   made=P:HASH:STEP:DIGITS:DISPLAY:TITLE-HEX   (a profile the module made)
 *   attr=P:TYPE:VALUE-HEX                       (one of its kept attributes)
 */
#include <stdlib.h>
#include <string.h>

#include "sp11.h"

/* 100 profiles with their kept attributes in hex, and room. */
#define M2_STORE_MAX (SAFEID_M2_PROFILES * (3 * SP11_M2_KEPT_MAX) + 4096u)
#define LINE_MAX_LEN (32 + 2 * SP11_M2_KEPT_MAX)

/* The longest a tries count can be (SW2 is one byte). */
#define TRIES_MAX 255u

static bool hex_decode(const char *s, unsigned char *out, size_t cap, size_t *n)
{
	size_t i, len = strlen(s);
	int hi, lo;

	if (len % 2 != 0 || len / 2 > cap)
		return false;
	for (i = 0; i < len / 2; i++) {
		hi = sp11_store_hexval(s[2 * i]);
		lo = sp11_store_hexval(s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	*n = len / 2;
	return true;
}

/* "P:" at the start of s: the profile, and s moved past the colon. */
static bool profile_get(char **s, unsigned *p)
{
	char *colon = strchr(*s, ':');
	unsigned long long v;

	if (colon == NULL)
		return false;
	*colon = '\0';
	if (!sp11_store_number(*s, SAFEID_M2_PROFILES - 1, &v))
		return false;
	*p = (unsigned)v;
	*s = colon + 1;
	return true;
}

/* The next ':'-separated field of *s. */
static char *field_next(char **s)
{
	char *f = *s, *colon = strchr(f, ':');

	if (colon == NULL) {
		*s = f + strlen(f);
		return f;
	}
	*colon = '\0';
	*s = colon + 1;
	return f;
}

static bool made_get(char *v, sp11_m2_file *out)
{
	char *hash, *step, *digits, *disp, *title;
	unsigned long long st, dg;
	sp11_m2_prof *r;
	size_t tlen = 0;
	unsigned p;

	if (!profile_get(&v, &p) || out->made[p])
		return false;
	r = &out->prof[p];
	hash = field_next(&v);
	step = field_next(&v);
	digits = field_next(&v);
	disp = field_next(&v);
	title = v;
	if (strchr(title, ':') != NULL ||
	    !sp11_store_hash(hash, &r->written.hash) ||
	    !sp11_store_number(step, 60, &st) || (st != 30 && st != 60) ||
	    !sp11_store_number(digits, 10, &dg) ||
	    !safeid_family_digits_ok(safeid_family_molto2(), (unsigned)dg) ||
	    !sp11_store_display(disp, &r->display) ||
	    !hex_decode(title, (unsigned char *)r->written.title,
	                SAFEID_M2_TITLE_FIELD, &tlen) ||
	    memchr(r->written.title, 0, tlen) != NULL)
		return false;
	r->written.title[tlen] = '\0';
	r->written.titlelen = tlen;
	r->written.step = (unsigned)st;
	r->written.digits = (unsigned)dg;
	r->written.number = p;
	r->written.seed = true;
	r->made = true;
	out->made[p] = true;
	return true;
}

static bool attr_get(char *v, sp11_m2_file *out)
{
	unsigned char val[SP11_M2_KEPT_MAX];
	const unsigned char *dup;
	unsigned long long type = 0;
	CK_ULONG duplen;
	sp11_m2_prof *r;
	char *ts;
	size_t i, n;
	unsigned p;
	int h;

	if (!profile_get(&v, &p) || !out->made[p])
		return false;
	r = &out->prof[p];
	ts = field_next(&v);
	if (ts[0] == '\0' || strlen(ts) > 16)
		return false;
	for (i = 0; ts[i] != '\0'; i++) {
		if ((h = sp11_store_hexval(ts[i])) < 0)
			return false;
		type = type << 4 | (unsigned)h;
	}
	/* The token holds the label and the ID itself. */
	if (!sp11_kept_type((CK_ATTRIBUTE_TYPE)type) || type == CKA_LABEL ||
	    type == CKA_ID ||
	    sp11_kept_find(r->kept, r->kept_len, (CK_ATTRIBUTE_TYPE)type, &dup,
	                   &duplen) ||
	    !hex_decode(v, val, sizeof(val), &n))
		return false;
	return sp11_kept_add_in(r->kept, sizeof(r->kept), &r->kept_len,
	                        (CK_ATTRIBUTE_TYPE)type, val, (CK_ULONG)n);
}

enum field {
	F_SERIAL,
	F_TIME,
	F_TRIES,
	F_MADE,
	F_ATTR,
	F_COUNT
};
static const char *const field_names[F_COUNT] = {"serial", "time", "tries",
                                                 "made", "attr"};

static bool line_take(char *line, const char *serial, sp11_m2_file *out,
                      unsigned *seen)
{
	unsigned long long v;
	char *val = strchr(line, '=');
	int f;

	if (line[0] == '#' || line[0] == '\0')
		return true;
	if (val == NULL)
		return false;
	*val++ = '\0';
	for (f = 0; f < F_COUNT && strcmp(line, field_names[f]) != 0; f++)
		;
	if (f == F_COUNT)
		return false;
	/* made and attr come once per profile; the others once. */
	if (f != F_MADE && f != F_ATTR) {
		if (*seen & (1u << f))
			return false;
		*seen |= 1u << f;
	}
	switch (f) {
	case F_SERIAL:
		return strcmp(val, serial) == 0;
	case F_TIME:
		if (!sp11_store_number(val, 1ULL << 40, &v))
			return false;
		out->time = (long long)v;
		return true;
	case F_TRIES:
		if (strcmp(val, "unknown") == 0) {
			out->tries = -1;
			return true;
		}
		if (!sp11_store_number(val, TRIES_MAX, &v))
			return false;
		out->tries = (int)v;
		return true;
	case F_MADE:
		return made_get(val, out);
	default:
		return attr_get(val, out);
	}
}

bool sp11_m2_store_parse(char *buf, const char *serial, sp11_m2_file *out)
{
	unsigned seen = 0;
	char *line = buf, *nl;
	bool ok = true;

	memset(out, 0, sizeof(*out));
	out->tries = -1;
	while (ok && *line != '\0') {
		nl = strchr(line, '\n');
		if (nl == NULL || nl - line > (long)LINE_MAX_LEN) {
			ok = false; /* cut short, or a line too long */
			break;
		}
		*nl = '\0';
		ok = line_take(line, serial, out, &seen);
		line = nl + 1;
	}
	ok = ok &&
	     seen == ((1u << F_SERIAL) | (1u << F_TIME) | (1u << F_TRIES));
	if (!ok) {
		memset(out, 0, sizeof(*out));
		out->tries = -1;
	}
	return ok;
}

bool sp11_m2_store_load(const char *serial, sp11_m2_file *out)
{
	char path[4200];
	char *buf;
	bool ok = false;

	memset(out, 0, sizeof(*out));
	out->tries = -1;
	if (!sp11_store_path(serial, "molto2", path, sizeof(path)))
		return false;
	buf = malloc(M2_STORE_MAX);
	if (buf == NULL)
		return false;
	if (sp11_store_file_read(path, buf, M2_STORE_MAX)) {
		ok = sp11_m2_store_parse(buf, serial, out);
		if (!ok)
			sp11_debug("\"%s\" is damaged; ignored (delete it)",
			           path);
	}
	free(buf);
	return ok;
}

static void hex_put(FILE *f, const unsigned char *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		fprintf(f, "%02x", v[i]);
}

static bool body(FILE *f, const char *serial, const void *arg)
{
	const sp11_m2_file *m = arg;
	const unsigned char *v;
	CK_ATTRIBUTE_TYPE t;
	CK_ULONG vl;
	size_t at;
	unsigned p;

	fprintf(f,
	        "# safeid PKCS#11 module: what it knows of this Molto2; "
	        "never a seed or a key\nserial=%s\ntime=%lld\n",
	        serial, m->time);
	if (m->tries < 0)
		fputs("tries=unknown\n", f);
	else
		fprintf(f, "tries=%d\n", m->tries);
	for (p = 0; p < SAFEID_M2_PROFILES; p++) {
		const sp11_m2_prof *r = &m->prof[p];

		if (!m->made[p])
			continue;
		fprintf(f, "made=%u:%s:%u:%u:%u:", p,
		        sp11_store_hash_text(r->written.hash), r->written.step,
		        r->written.digits, safeid_display_seconds(r->display));
		hex_put(f, (const unsigned char *)r->written.title,
		        r->written.titlelen);
		fputc('\n', f);
		at = 0;
		while (sp11_kept_next(r->kept, r->kept_len, &at, &t, &v, &vl)) {
			fprintf(f, "attr=%u:%lx:", p, (unsigned long)t);
			hex_put(f, v, vl);
			fputc('\n', f);
		}
	}
	return true;
}

void sp11_m2_store_save(const char *serial, const sp11_m2_file *f)
{
	sp11_store_write(serial, "molto2", body, f);
}
