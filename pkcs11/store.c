/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * store.c: what the module knows of a token beyond one process: how its
 * seed slot was made (kept.c) and the configuration written with it.
 *
 * "pkcs11-tool --write-object ... --label totp" and a later
 * "pkcs11-tool --read-object --type secrkey --label totp" are two
 * processes; the second finds the object only if the module remembers
 * what the first made.  So after each write to a token the module saves,
 * per user, <state>/safeid-pkcs11/<serial>.seedslot (state:
 * $XDG_STATE_HOME, else ~/.local/state; beside safeid-tool's folder, not
 * in it; directories 0700, file 0600, written whole then renamed into
 * place).  Its lines: serial=, time=
 * (Unix seconds), config=HASH/STEP/DISPLAY or config=unknown, made=yes or
 * no, and one attr=TYPE:VALUE (hex) per kept attribute.  Never the seed.
 *
 * Besides its own files the module reads safeid-tool's burn record of the
 * token (<state>/safeid/<serial>.burn: serial=, hash=, step=, display=,
 * time=; other lines are not the module's business), so a token burned
 * through the OpenSC driver still reads its step, hash and display.  The
 * newer of the two wins.  Both are what a safeid program wrote at its
 * last write; a token rewritten since by anything else is not known.
 *
 * Files read back are distrusted: opened without following links and
 * without blocking, a regular file of the user's, writable by no one
 * else, at most STORE_MAX bytes, every field checked; anything else is
 * ignored (with a debug line), as if there were no file.  Saving is best
 * effort: without a state directory the knowledge lives as long as the
 * process (record.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sp11.h"

#define STORE_MAX 16384u
#define LINE_MAX_LEN (16 + 2 * SP11_KEPT_MAX + 32)
#define PATH_CAP 4096

/* The user's state directory: $XDG_STATE_HOME or ~/.local/state; false
 * when neither is an absolute path. */
static bool state_dir(char *out, size_t cap)
{
	const char *xdg = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	int n;

	if (xdg != NULL && xdg[0] == '/')
		n = snprintf(out, cap, "%s", xdg);
	else if (home != NULL && home[0] == '/')
		n = snprintf(out, cap, "%s/.local/state", home);
	else
		return false;
	return n > 0 && (size_t)n < cap;
}

/* Serials name files: ASCII digits only, as every token's are. */
bool sp11_store_serial_ok(const char *serial)
{
	size_t n = strlen(serial);

	if (n == 0 || n > SAFEID_SERIAL_MAX)
		return false;
	return strspn(serial, "0123456789") == n;
}

/* ---- reading ------------------------------------------------------------ */

/* The whole file at path into buf (NUL-terminated), if it is one we may
 * trust; false otherwise (missing: quietly). */
bool sp11_store_file_read(const char *path, char *buf, size_t cap)
{
	struct stat st;
	ssize_t r;
	size_t got = 0;
	int fd;
	bool ok = false;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		if (errno != ENOENT)
			sp11_debug("\"%s\": %s; ignored", path,
			           strerror(errno));
		return false;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_uid != geteuid() || (st.st_mode & (S_IWGRP | S_IWOTH)) ||
	    st.st_size < 0 || (size_t)st.st_size >= cap) {
		sp11_debug("\"%s\" is not a regular file of this user, "
		           "writable by no one else, under %zu bytes; ignored",
		           path, cap);
		goto fail;
	}
	while (got < cap - 1) {
		r = read(fd, buf + got, cap - 1 - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			goto fail;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	buf[got] = '\0';
	ok = strlen(buf) == got;
fail:
	close(fd);
	return ok;
}

bool sp11_store_number(const char *s, unsigned long long max,
                       unsigned long long *out)
{
	unsigned long long v = 0;
	size_t i, n = strlen(s);

	if (n == 0 || n > 20 || (n > 1 && s[0] == '0'))
		return false;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		if (v > (max - (unsigned)(s[i] - '0')) / 10)
			return false;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	*out = v;
	return true;
}

bool sp11_store_hash(const char *s, safeid_hash *h)
{
	if (strcmp(s, "SHA1") == 0)
		*h = SAFEID_HASH_SHA1;
	else if (strcmp(s, "SHA256") == 0)
		*h = SAFEID_HASH_SHA256;
	else
		return false;
	return true;
}

static bool step_get(const char *s, unsigned *step)
{
	unsigned long long v;

	if (!sp11_store_number(s, 60, &v) || (v != 30 && v != 60))
		return false;
	*step = (unsigned)v;
	return true;
}

bool sp11_store_display(const char *s, safeid_display *d)
{
	unsigned long long v;

	return sp11_store_number(s, 120, &v) &&
	       safeid_display_from_seconds((unsigned)v, d) == SAFEID_OK;
}

int sp11_store_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* "TYPE:VALUE" in lower-case hex into the kept attributes. */
static bool attr_get(const char *s, sp11_record *rec)
{
	unsigned char val[SP11_KEPT_MAX];
	const char *colon = strchr(s, ':');
	const unsigned char *dup;
	CK_ULONG duplen;
	unsigned long long type = 0;
	size_t i, n;
	int hi, lo;

	if (colon == NULL || colon == s || colon - s > 16)
		return false;
	for (i = 0; s + i < colon; i++) {
		if ((hi = sp11_store_hexval(s[i])) < 0)
			return false;
		type = type << 4 | (unsigned)hi;
	}
	n = strlen(colon + 1);
	if (n % 2 != 0 || n / 2 > sizeof(val))
		return false;
	for (i = 0; i < n / 2; i++) {
		hi = sp11_store_hexval(colon[1 + 2 * i]);
		lo = sp11_store_hexval(colon[2 + 2 * i]);
		if (hi < 0 || lo < 0)
			return false;
		val[i] = (unsigned char)(hi << 4 | lo);
	}
	/* Each attribute once, and only those the module keeps. */
	if (!sp11_kept_type((CK_ATTRIBUTE_TYPE)type) ||
	    sp11_kept_find(rec->kept, rec->kept_len, (CK_ATTRIBUTE_TYPE)type,
	                   &dup, &duplen))
		return false;
	return sp11_kept_add(rec->kept, &rec->kept_len, (CK_ATTRIBUTE_TYPE)type,
	                     val, (CK_ULONG)(n / 2));
}

static bool config_get(const char *s, sp11_record *rec)
{
	char buf[32];
	char *step, *disp;

	if (strcmp(s, "unknown") == 0) {
		rec->cfg_known = false;
		return true;
	}
	if (strlen(s) >= sizeof(buf))
		return false;
	strcpy(buf, s);
	step = strchr(buf, '/');
	disp = step != NULL ? strchr(step + 1, '/') : NULL;
	if (disp == NULL)
		return false;
	*step++ = '\0';
	*disp++ = '\0';
	rec->cfg_known = sp11_store_hash(buf, &rec->hash) &&
	                 step_get(step, &rec->step) &&
	                 sp11_store_display(disp, &rec->display);
	return rec->cfg_known;
}

/* The fields of both files, each seen once. */
enum field {
	F_SERIAL,
	F_TIME,
	F_CONFIG,
	F_MADE,
	F_HASH,
	F_STEP,
	F_DISPLAY,
	F_ATTR,
	F_COUNT
};
static const char *const field_names[F_COUNT] = {
	"serial", "time", "config", "made", "hash", "step", "display", "attr"};

#define SEEN(f) (1u << (f))
/* Every "key=value" line of the file the field takes; -1: a comment or a
 * blank line; F_COUNT: a key of no field; -2: a line to refuse (no '=',
 * a field seen before). */
static int field_take(char *line, unsigned *seen, char **value)
{
	char *v = strchr(line, '=');
	int f;

	if (line[0] == '#' || line[0] == '\0')
		return -1;
	if (v == NULL)
		return -2;
	*v = '\0';
	*value = v + 1;
	for (f = 0; f < F_COUNT && strcmp(line, field_names[f]) != 0; f++)
		;
	if (f == F_COUNT || f == F_ATTR)
		return f;
	if (*seen & SEEN(f))
		return -2;
	*seen |= SEEN(f);
	return f;
}

/* The serial and time fields, which both files have. */
static bool common_field(int f, const char *v, const char *serial,
                         sp11_record *rec)
{
	unsigned long long t;

	if (f == F_SERIAL)
		return strcmp(v, serial) == 0;
	if (!sp11_store_number(v, 1ULL << 40, &t))
		return false;
	rec->time = (long long)t;
	return true;
}

/* One line of the module's file. */
static bool module_line(char *line, const char *serial, sp11_record *rec,
                        unsigned *seen)
{
	char *v = NULL;
	int f = field_take(line, seen, &v);

	switch (f) {
	case -1:
		return true;
	case F_SERIAL:
	case F_TIME:
		return common_field(f, v, serial, rec);
	case F_CONFIG:
		return config_get(v, rec);
	case F_MADE:
		rec->made = strcmp(v, "yes") == 0;
		return rec->made || strcmp(v, "no") == 0;
	case F_ATTR:
		return attr_get(v, rec);
	default:
		return false;
	}
}

/* Split buf into lines and give each to fn; false at the first refusal. */
static bool lines_each(char *buf,
                       bool (*fn)(char *, const char *, sp11_record *,
                                  unsigned *),
                       const char *serial, sp11_record *rec, unsigned *seen)
{
	char *line = buf, *nl;

	while (*line != '\0') {
		nl = strchr(line, '\n');
		if (nl == NULL)
			return false; /* cut short */
		*nl = '\0';
		if (nl - line > LINE_MAX_LEN || !fn(line, serial, rec, seen))
			return false;
		line = nl + 1;
	}
	return true;
}

/* One line of safeid-tool's burn record: only its configuration; its
 * other fields are not the module's business. */
static bool tool_line(char *line, const char *serial, sp11_record *rec,
                      unsigned *seen)
{
	char *v = NULL;
	int f = field_take(line, seen, &v);

	switch (f) {
	case -2:
		return false;
	case F_SERIAL:
	case F_TIME:
		return common_field(f, v, serial, rec);
	case F_HASH:
		return sp11_store_hash(v, &rec->hash);
	case F_STEP:
		return step_get(v, &rec->step);
	case F_DISPLAY:
		return sp11_store_display(v, &rec->display);
	default:
		return true;
	}
}

bool sp11_store_parse(char *buf, const char *serial, bool tool,
                      sp11_record *out)
{
	unsigned seen = 0;
	bool ok;

	memset(out, 0, sizeof(*out));
	if (tool) {
		ok = lines_each(buf, tool_line, serial, out, &seen) &&
		     seen == (SEEN(F_SERIAL) | SEEN(F_TIME) | SEEN(F_HASH) |
		              SEEN(F_STEP) | SEEN(F_DISPLAY));
		out->cfg_known = ok;
	} else {
		ok = lines_each(buf, module_line, serial, out, &seen) &&
		     seen == (SEEN(F_SERIAL) | SEEN(F_TIME) | SEEN(F_CONFIG) |
		              SEEN(F_MADE)) &&
		     (out->made || out->kept_len == 0);
	}
	if (!ok)
		memset(out, 0, sizeof(*out));
	return ok;
}

/* The file at path read and parsed; false (with a debug line when the file
 * is there but damaged) otherwise. */
static bool file_load(const char *path, const char *serial, bool tool,
                      sp11_record *out)
{
	char *buf = malloc(STORE_MAX);
	bool ok = false;

	memset(out, 0, sizeof(*out));
	if (buf == NULL)
		return false;
	if (sp11_store_file_read(path, buf, STORE_MAX)) {
		ok = sp11_store_parse(buf, serial, tool, out);
		if (!ok)
			sp11_debug("\"%s\" is damaged; ignored (delete it)",
			           path);
	}
	free(buf);
	return ok;
}

bool sp11_store_load(const char *serial, sp11_record *out)
{
	char dir[PATH_CAP], path[PATH_CAP + 64];
	sp11_record tool;
	bool mine, theirs;

	memset(out, 0, sizeof(*out));
	if (!sp11_store_serial_ok(serial) || !state_dir(dir, sizeof(dir)))
		return false;
	snprintf(path, sizeof(path), "%s/safeid-pkcs11/%s.seedslot", dir,
	         serial);
	mine = file_load(path, serial, false, out);
	snprintf(path, sizeof(path), "%s/safeid/%s.burn", dir, serial);
	theirs = file_load(path, serial, true, &tool);
	/* safeid-tool burned the token after the module's last write (or
	 * the module never did): its configuration, and the seed slot as
	 * the module never made it. */
	if (theirs && (!mine || tool.time > out->time)) {
		*out = tool;
		return true;
	}
	return mine;
}

/* ---- saving ------------------------------------------------------------- */

/* mkdir -p, 0700 for what it makes. */
static bool dirs_make(char *path)
{
	char *p;

	for (p = path + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) != 0 && errno != EEXIST) {
			*p = '/';
			return false;
		}
		*p = '/';
	}
	return mkdir(path, 0700) == 0 || errno == EEXIST;
}

const char *sp11_store_hash_text(safeid_hash h)
{
	return h == SAFEID_HASH_SHA256 ? "SHA256" : "SHA1";
}

static bool body_write(FILE *f, const char *serial, const sp11_record *rec)
{
	const unsigned char *v;
	CK_ATTRIBUTE_TYPE t;
	CK_ULONG vl, i;
	size_t at = 0;

	fprintf(f,
	        "# safeid PKCS#11 module: how this token's seed slot was "
	        "made; never the seed\nserial=%s\ntime=%lld\n",
	        serial, rec->time);
	if (rec->cfg_known)
		fprintf(f, "config=%s/%u/%u\n", sp11_store_hash_text(rec->hash),
		        rec->step, safeid_display_seconds(rec->display));
	else
		fputs("config=unknown\n", f);
	fprintf(f, "made=%s\n", rec->made ? "yes" : "no");
	while (rec->made &&
	       sp11_kept_next(rec->kept, rec->kept_len, &at, &t, &v, &vl)) {
		fprintf(f, "attr=%lx:", (unsigned long)t);
		for (i = 0; i < vl; i++)
			fprintf(f, "%02x", v[i]);
		fputc('\n', f);
	}
	return fflush(f) == 0 && !ferror(f);
}

bool sp11_store_path(const char *serial, const char *ext, char *out, size_t cap)
{
	char dir[PATH_CAP];
	int n;

	if (!sp11_store_serial_ok(serial) || !state_dir(dir, sizeof(dir)))
		return false;
	n = snprintf(out, cap, "%s/safeid-pkcs11/%s.%s", dir, serial, ext);
	return n > 0 && (size_t)n < cap;
}

void sp11_store_write(const char *serial, const char *ext,
                      bool (*body)(FILE *f, const char *serial,
                                   const void *arg),
                      const void *arg)
{
	char dir[PATH_CAP], path[PATH_CAP + 64], tmp[PATH_CAP + 64];
	FILE *f;
	bool ok;
	int fd;

	if (!sp11_store_serial_ok(serial) || !state_dir(dir, sizeof(dir)))
		return;
	if (strlen(dir) + sizeof("/safeid-pkcs11") >= sizeof(dir))
		return;
	strcat(dir, "/safeid-pkcs11");
	snprintf(path, sizeof(path), "%s/%s.%s", dir, serial, ext);
	snprintf(tmp, sizeof(tmp), "%s/.%s.%s.XXXXXX", dir, serial, ext);
	if (!dirs_make(dir)) {
		sp11_debug("cannot make \"%s\": %s; what the module knows of "
		           "token %s lasts as long as this process",
		           dir, strerror(errno), serial);
		return;
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		sp11_debug("cannot write in \"%s\": %s; what the module knows "
		           "of token %s lasts as long as this process",
		           dir, strerror(errno), serial);
		return;
	}
	(void)fchmod(fd, 0600);
	f = fdopen(fd, "w");
	if (f == NULL) {
		close(fd);
		unlink(tmp);
		return;
	}
	ok = body(f, serial, arg) && fflush(f) == 0 && !ferror(f) &&
	     fsync(fd) == 0;
	ok = fclose(f) == 0 && ok;
	if (!ok || rename(tmp, path) != 0) {
		sp11_debug("saving \"%s\" failed: %s; what the module knows "
		           "of token %s lasts as long as this process",
		           path, strerror(errno), serial);
		unlink(tmp);
	}
}

static bool seedslot_body(FILE *f, const char *serial, const void *arg)
{
	return body_write(f, serial, arg);
}

void sp11_store_save(const char *serial, const sp11_record *rec)
{
	sp11_store_write(serial, "seedslot", seedslot_body, rec);
}
