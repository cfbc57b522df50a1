/*
 * record.c: reading and writing burn records (client.h says what they
 * hold and where).
 *
 * Writes go to a temporary file in the same directory, then fsync and
 * rename, so a crash or a full disk leaves the previous record intact,
 * never a half-written one that a later clock sync would trust.
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client.h"

/* The serial names a file: only letters, digits and '-' may do that. */
static bool serial_ok(const char *serial)
{
	if (serial[0] == '\0')
		return false;
	for (const char *p = serial; *p != '\0'; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= 'a' && *p <= 'z') || *p == '-'))
			return false;
	return true;
}

int client_record_dir(const char *override, char *out, size_t cap)
{
	const char *xdg = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	int n;

	if (override != NULL && override[0] != '\0')
		n = snprintf(out, cap, "%s", override);
	else if (xdg != NULL && xdg[0] == '/')
		n = snprintf(out, cap, "%s/safeid", xdg);
	else if (home != NULL && home[0] == '/')
		n = snprintf(out, cap, "%s/.local/state/safeid", home);
	else
		return -1;
	return n < 0 || (size_t)n >= cap ? -1 : 0;
}

void client_record_fill(client_record *r, const client_input *in,
                        const client_slot *token, unsigned display,
                        long long time)
{
	const input_account *a = client_input_account(in);

	memset(r, 0, sizeof(*r));
	snprintf(r->serial, sizeof(r->serial), "%s", token->serial);
	snprintf(r->model, sizeof(r->model), "%s", token->model);
	snprintf(r->account, sizeof(r->account), "%s", a->name);
	snprintf(r->issuer, sizeof(r->issuer), "%s", a->issuer);
	r->hash = (safeid_hash)in->report.hash;
	r->step = in->report.step;
	r->display = display;
	r->time = time;
}

/* mkdir -p with mode 0700 for the directories it creates. */
static int dirs_make(char *path)
{
	for (char *p = path + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) != 0 && errno != EEXIST) {
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	if (mkdir(path, 0700) != 0 && errno != EEXIST)
		return -1;
	return 0;
}

/* Names and labels come from a QR code: keep them on one line. */
static void field_put(FILE *f, const char *key, const char *val)
{
	fprintf(f, "%s=", key);
	for (const unsigned char *p = (const unsigned char *)val; *p != '\0';
	     p++)
		fputc(*p < 0x20 || *p == 0x7f ? '?' : *p, f);
	fputc('\n', f);
}

static int body_write(int fd, const client_record *r)
{
	FILE *f = fdopen(fd, "w");
	int bad;

	if (f == NULL)
		return -1;
	fprintf(f, "# safeid burn record: the configuration, never the seed\n");
	field_put(f, "serial", r->serial);
	field_put(f, "model", r->model);
	field_put(f, "account", r->account);
	field_put(f, "issuer", r->issuer);
	fprintf(f, "hash=%s\n",
	        r->hash == SAFEID_HASH_SHA256 ? "SHA256" : "SHA1");
	fprintf(f, "step=%u\ndisplay=%u\ntime=%lld\n", r->step, r->display,
	        r->time);
	bad = fflush(f) != 0 || ferror(f) || fsync(fd) != 0;
	if (fclose(f) != 0)
		bad = 1;
	return bad ? -1 : 0;
}

int client_record_save(const char *dir_override, const client_record *r,
                       char *path, size_t pathcap, client_error *err)
{
	char dir[4096], tmp[4200];
	int fd, saved;

	path[0] = '\0';
	if (client_record_dir(dir_override, dir, sizeof(dir)) != 0)
		return client_fail(err, CLIENT_EXIT_RECORD, "record",
		                   "the burn succeeded, but the burn record "
		                   "was not saved: neither XDG_STATE_HOME nor "
		                   "HOME is set; set HOME, or give "
		                   "--hash/--step/--display to a later "
		                   "'clock'");
	if (!serial_ok(r->serial))
		return client_fail(err, CLIENT_EXIT_RECORD, "record",
		                   "the burn succeeded, but the token's serial "
		                   "is not usable as a file name, so no burn "
		                   "record was saved; a later 'clock' needs "
		                   "--hash, --step and --display");
	snprintf(path, pathcap, "%s/%s.burn", dir, r->serial);
	snprintf(tmp, sizeof(tmp), "%s/.%s.burn.XXXXXX", dir, r->serial);
	if (dirs_make(dir) != 0) {
		saved = errno;
		goto fail;
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		saved = errno;
		goto fail;
	}
	fchmod(fd, 0600);
	if (body_write(fd, r) != 0 || rename(tmp, path) != 0) {
		saved = errno != 0 ? errno : EIO;
		unlink(tmp);
		goto fail;
	}
	return 0;
fail:
	return client_fail(err, CLIENT_EXIT_RECORD, "record",
	                   "the burn succeeded and the token holds the new "
	                   "seed, but the burn record '%s' could not be "
	                   "written: %s. Free space or fix the permissions of "
	                   "'%s'; until then a later 'clock' needs --hash, "
	                   "--step and --display",
	                   path, strerror(saved), dir);
}

static void field_get(const char *line, const char *key, char *out,
                      size_t cap)
{
	size_t k = strlen(key);

	if (strncmp(line, key, k) == 0 && line[k] == '=')
		snprintf(out, cap, "%s", line + k + 1);
}

int client_record_load(const char *dir_override, const char *serial,
                       client_record *r, char *path, size_t pathcap,
                       client_error *err)
{
	char dir[4096], line[600], hash[16] = "", num[3][32] = {"", "", ""};
	FILE *f;

	memset(r, 0, sizeof(*r));
	path[0] = '\0';
	if (client_record_dir(dir_override, dir, sizeof(dir)) != 0 ||
	    !serial_ok(serial))
		return 1;
	snprintf(path, pathcap, "%s/%s.burn", dir, serial);
	f = fopen(path, "r");
	if (f == NULL)
		return errno == ENOENT ? 1
		                       : client_fail(err, CLIENT_EXIT_SETUP,
		                                     "record",
		                                     "cannot read the burn "
		                                     "record '%s': %s",
		                                     path, strerror(errno));
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		field_get(line, "serial", r->serial, sizeof(r->serial));
		field_get(line, "model", r->model, sizeof(r->model));
		field_get(line, "account", r->account, sizeof(r->account));
		field_get(line, "issuer", r->issuer, sizeof(r->issuer));
		field_get(line, "hash", hash, sizeof(hash));
		field_get(line, "step", num[0], sizeof(num[0]));
		field_get(line, "display", num[1], sizeof(num[1]));
		field_get(line, "time", num[2], sizeof(num[2]));
	}
	fclose(f);
	r->hash = strcmp(hash, "SHA256") == 0 ? SAFEID_HASH_SHA256
	                                      : SAFEID_HASH_SHA1;
	r->step = (unsigned)strtoul(num[0], NULL, 10);
	r->display = (unsigned)strtoul(num[1], NULL, 10);
	r->time = strtoll(num[2], NULL, 10);
	if (strcmp(r->serial, serial) != 0 ||
	    (strcmp(hash, "SHA1") != 0 && strcmp(hash, "SHA256") != 0) ||
	    (r->step != 30 && r->step != 60) ||
	    (r->display != 15 && r->display != 30 && r->display != 60 &&
	     r->display != 120))
		return client_fail(err, CLIENT_EXIT_SETUP, "record",
		                   "the burn record '%s' is damaged: delete it "
		                   "and give --hash, --step and --display",
		                   path);
	return 0;
}
