/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * record.c: burn records on disk (client.h says what they hold, where,
 * and how a write settles them; record_text.c is their text).
 *
 * Writes go to a temporary file in the same directory, then fsync and
 * rename, so a crash or a full disk never leaves a half-written record.
 * Reads take nothing on trust: the directory and the file must be the
 * user's and writable by no one else, the file a regular one (a FIFO, a
 * device or a symbolic link is refused without being opened for what it
 * points to) and small; then its text is parsed strictly.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client.h"
#include "state_file.h"

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

/* The token's model as the record keeps it: printable ASCII. */
static void model_copy(char *out, size_t cap, const char *in)
{
	size_t i;

	for (i = 0; in[i] != '\0' && i + 1 < cap; i++)
		out[i] = in[i] >= 0x20 && in[i] <= 0x7E ? in[i] : '?';
	out[i] = '\0';
}

void client_record_fill(client_record *r, const client_input *in,
                        const client_slot *token, unsigned display,
                        long long time)
{
	const input_account *a = client_input_account(in);

	memset(r, 0, sizeof(*r));
	snprintf(r->serial, sizeof(r->serial), "%s", token->serial);
	model_copy(r->model, sizeof(r->model), token->model);
	r->seed = CLIENT_RECORD_SEED_NEW;
	client_record_name_copy(r->account, sizeof(r->account), a->name);
	client_record_name_copy(r->issuer, sizeof(r->issuer), a->issuer);
	r->hash = (safeid_hash)in->report.hash;
	r->step = in->report.step;
	r->display = display;
	r->time = time;
}

bool client_record_fill_clock(client_record *r, const client_record *prev,
                              const client_slot *s, const client_clock_plan *p,
                              long long time)
{
	memset(r, 0, sizeof(*r));
	if (prev == NULL && !s->restricted_sync)
		return false;
	if (prev != NULL)
		*r = *prev;
	snprintf(r->serial, sizeof(r->serial), "%s", s->serial);
	model_copy(r->model, sizeof(r->model), s->model);
	if (s->restricted_sync) {
		r->seed = CLIENT_RECORD_SEED_ERASED;
		r->account[0] = '\0';
		r->issuer[0] = '\0';
	}
	r->hash = p->hash;
	r->step = p->step;
	r->display = p->display_seconds;
	r->time = time;
	return true;
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

/* A file or directory the user may trust: theirs, and no one else may
 * write it.  NULL when so, else what is wrong. */
static const char *owner_problem(const struct stat *st, char *buf, size_t cap)
{
	if (st->st_uid != geteuid()) {
		snprintf(buf, cap, "it belongs to user %u, not to you (%u)",
		         (unsigned)st->st_uid, (unsigned)geteuid());
		return buf;
	}
	if (st->st_mode & (S_IWGRP | S_IWOTH)) {
		snprintf(buf, cap, "other users may write it (mode %04o)",
		         (unsigned)(st->st_mode & 07777));
		return buf;
	}
	return NULL;
}

static const char *type_name(mode_t m)
{
	if (S_ISLNK(m))
		return "a symbolic link";
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISCHR(m) || S_ISBLK(m))
		return "a device";
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISSOCK(m))
		return "a socket";
	return "not a regular file";
}

/* The state directory, opened for one of its files; -1 with err (or
 * errno ENOENT and no err when it does not exist). */
static int dir_open(const char *dir, client_error *err)
{
	return client_state_dir_open(dir, "the burn records", err);
}

int client_state_dir_open(const char *dir, const char *what, client_error *err)
{
	char why[128];
	struct stat st;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0) {
		if (errno != ENOENT)
			client_fail(err, CLIENT_EXIT_INPUT, "record",
			            "cannot open the state directory '%s': %s; "
			            "fix its permissions",
			            dir, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || owner_problem(&st, why, sizeof(why))) {
		close(fd);
		client_fail(err, CLIENT_EXIT_INPUT, "record",
		            "%s in '%s' are not used: %s. Make the directory "
		            "yours with mode 0700 (chmod 700 '%s'), or choose "
		            "another %s",
		            what, dir, why, dir,
		            client_front_words("with --state-dir",
		                               "in XDG_STATE_HOME"));
		errno = EPERM;
		return -1;
	}
	return fd;
}

/* What a clock write needs once the record is gone (a window cannot give
 * the configuration, so there only a burn sets the clock). */
static const char *record_gone_words(void)
{
	return client_front_words("a later 'clock' then needs --hash, --step "
	                          "and --display",
	                          "then only a burn can set the token's "
	                          "clock here");
}

/* The refusal of an unusable record file. */
static int record_refuse(const char *path, const char *why, client_error *err)
{
	return client_fail(err, CLIENT_EXIT_INPUT, "record",
	                   "the burn record '%s' is not used: %s. Delete it "
	                   "(rm '%s'); %s",
	                   path, why, path, record_gone_words());
}

/* Read a record file (client_state_file_read).  0, 1 when there is none,
 * or CLIENT_EXIT_INPUT. */
static int file_read(int dfd, const char *name, const char *path, char *buf,
                     size_t cap, size_t *len, client_error *err)
{
	char why[160];
	int rc = client_state_file_read(dfd, name, buf, cap, len, why,
	                                sizeof(why));

	return rc < 0 ? record_refuse(path, why, err) : rc;
}

int client_state_file_read(int dfd, const char *name, char *buf, size_t cap,
                           size_t *len, char *why, size_t whycap)
{
	struct stat st, fst;
	ssize_t n;
	int fd, ret = 0;

	*len = 0;
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
		if (errno == ENOENT)
			return 1;
		snprintf(why, whycap, "%s", strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(why, whycap, "it is %s, not a regular file",
		         type_name(st.st_mode));
		return -1;
	}
	if (owner_problem(&st, why, whycap) != NULL)
		return -1;
	fd = openat(dfd, name,
	            O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, whycap, "%s", strerror(errno));
		return -1;
	}
	/* The same file as checked, not one put there since. */
	if (fstat(fd, &fst) != 0 || !S_ISREG(fst.st_mode) ||
	    fst.st_ino != st.st_ino || fst.st_dev != st.st_dev ||
	    owner_problem(&fst, why, whycap) != NULL) {
		snprintf(why, whycap, "it changed while it was read");
		ret = -1;
		goto out;
	}
	while (*len < cap) {
		n = read(fd, buf + *len, cap - *len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(why, whycap, "%s", strerror(errno));
			ret = -1;
			goto out;
		}
		if (n == 0)
			break;
		*len += (size_t)n;
	}
out:
	close(fd);
	return ret;
}

int client_record_load(const char *dir_override, const char *serial,
                       client_record *r, char *path, size_t pathcap,
                       client_error *err)
{
	char dir[4096], name[SAFEID_SERIAL_MAX + 8], why[160];
	char buf[CLIENT_RECORD_MAX + 1];
	size_t len = 0;
	int dfd, ret;

	memset(r, 0, sizeof(*r));
	path[0] = '\0';
	if (client_record_dir(dir_override, dir, sizeof(dir)) != 0 ||
	    !client_record_serial_ok(serial))
		return 1;
	snprintf(name, sizeof(name), "%s.burn", serial);
	snprintf(path, pathcap, "%s/%s", dir, name);
	dfd = dir_open(dir, err);
	if (dfd < 0)
		return errno == ENOENT ? 1 : err->exit_code;
	ret = file_read(dfd, name, path, buf, sizeof(buf), &len, err);
	close(dfd);
	if (ret != 0)
		return ret;
	if (len > CLIENT_RECORD_MAX) {
		snprintf(why, sizeof(why), "it is longer than %d bytes",
		         CLIENT_RECORD_MAX);
		return record_refuse(path, why, err);
	}
	if (client_record_parse(buf, len, serial, r, why, sizeof(why)) != 0) {
		memset(r, 0, sizeof(*r));
		return client_fail(
			err, CLIENT_EXIT_INPUT, "record",
			"the burn record '%s' is damaged (%s): delete "
			"it (rm '%s'); %s",
			path, why, path, record_gone_words());
	}
	return 0;
}

/* The directory for a new record: made (0700) when missing, and the
 * user's alone.  0, or an errno value. */
static int dir_ready(char *dir)
{
	struct stat st;
	char why[128];

	if (dirs_make(dir) != 0)
		return errno;
	if (lstat(dir, &st) != 0)
		return errno;
	if (!S_ISDIR(st.st_mode) || owner_problem(&st, why, sizeof(why)))
		return EPERM;
	return 0;
}

/* Write r to a new temporary file next to its record; its name in tmp.
 * 0, or an errno value (nothing left behind). */
static int temp_write(const char *dir, const client_record *r, char *tmp,
                      size_t cap)
{
	char text[CLIENT_RECORD_MAX], name[SAFEID_SERIAL_MAX + 8];
	size_t len = client_record_format(r, text, sizeof(text));

	snprintf(name, sizeof(name), "%s.burn", r->serial);
	if (len == 0) {
		tmp[0] = '\0';
		return EOVERFLOW;
	}
	return client_state_temp_write(dir, name, text, len, tmp, cap);
}

int client_state_temp_write(const char *dir, const char *name, const char *text,
                            size_t len, char *tmp, size_t cap)
{
	size_t off = 0;
	int fd, e = 0;

	snprintf(tmp, cap, "%s/.%s.XXXXXX", dir, name);
	fd = mkstemp(tmp);
	if (fd < 0) {
		e = errno;
		tmp[0] = '\0';
		return e;
	}
	if (fchmod(fd, 0600) != 0)
		e = errno;
	while (e == 0 && off < len) {
		ssize_t n = write(fd, text + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			e = n < 0 ? errno : EIO;
		else
			off += (size_t)n;
	}
	if (e == 0 && fsync(fd) != 0)
		e = errno;
	if (close(fd) != 0 && e == 0)
		e = errno;
	if (e != 0) {
		unlink(tmp);
		tmp[0] = '\0';
	}
	return e;
}

/* The directory entry of a rename, on disk. */
static void dir_sync(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
}

/* rename tmp to path and sync the directory; 0 or an errno value (tmp
 * removed). */
static int install(const char *tmp, const char *path, const char *dir)
{
	if (rename(tmp, path) != 0) {
		int e = errno;

		unlink(tmp);
		return e;
	}
	dir_sync(dir);
	return 0;
}

/* The options a clock write needs when there is no record. */
static void clock_needs(const client_record *r, char *out, size_t cap)
{
	if (client_front_get() == CLIENT_FRONT_WINDOW)
		snprintf(out, cap,
		         "only a burn can set the token's clock here");
	else
		snprintf(out, cap,
		         "a later 'clock' needs --hash %s --step %u "
		         "--display %u",
		         r->hash == SAFEID_HASH_SHA256 ? "sha256" : "sha1",
		         r->step, r->display);
}

/* Save r (dir made when needed); 0 or an errno value, path set. */
static int save(const char *dir_override, const client_record *r, char *dir,
                size_t dircap, char *path, size_t pathcap)
{
	char tmp[4200];
	int e;

	path[0] = '\0';
	if (client_record_dir(dir_override, dir, dircap) != 0)
		return ENOENT;
	if (!client_record_serial_ok(r->serial))
		return EINVAL;
	snprintf(path, pathcap, "%s/%s.burn", dir, r->serial);
	e = dir_ready(dir);
	if (e == 0)
		e = temp_write(dir, r, tmp, sizeof(tmp));
	if (e == 0)
		e = install(tmp, path, dir);
	return e;
}

int client_state_file_write(const char *dir, const char *name, const char *text,
                            size_t len)
{
	char path[4200], tmp[4200], d[4096];
	int e;

	snprintf(d, sizeof(d), "%s", dir);
	e = dir_ready(d);
	if (e == 0)
		e = client_state_temp_write(d, name, text, len, tmp,
		                            sizeof(tmp));
	snprintf(path, sizeof(path), "%s/%s", d, name);
	if (e == 0)
		e = install(tmp, path, d);
	return e;
}

/* Why a record could not be written, and what a later clock needs. */
static int save_fail(const char *what, const client_record *r, const char *dir,
                     const char *path, int e, client_error *err)
{
	char needs[96];

	clock_needs(r, needs, sizeof(needs));
	if (path[0] == '\0')
		return client_fail(err, CLIENT_EXIT_RECORD, "record",
		                   "%s, but no burn record was saved (%s); %s",
		                   what,
		                   e == EINVAL ? "the token's serial cannot "
		                                 "name a file"
		                               : "neither XDG_STATE_HOME nor "
		                                 "HOME is set",
		                   needs);
	return client_fail(err, CLIENT_EXIT_RECORD, "record",
	                   "%s, but the burn record '%s' could not be "
	                   "written: %s; no older record is left in its "
	                   "place. Free space or fix the permissions of '%s'; "
	                   "until then %s",
	                   what, path,
	                   e == EPERM ? "the directory is not yours alone"
	                              : strerror(e),
	                   dir, needs);
}

int client_record_save(const char *dir_override, const client_record *r,
                       char *path, size_t pathcap, client_error *err)
{
	char dir[4096];
	int e = save(dir_override, r, dir, sizeof(dir), path, pathcap);

	if (e == 0)
		return 0;
	return save_fail("the burn succeeded and the token holds the new "
	                 "seed",
	                 r, dir, path, e, err);
}

int client_record_begin(const char *dir_override, const char *serial,
                        const client_record *made, bool burn,
                        client_record_txn *t, client_error *err)
{
	client_error ignored;
	struct stat st;
	int e;

	memset(t, 0, sizeof(*t));
	t->burn = burn;
	if (made != NULL) {
		t->made = *made;
		t->have_made = true;
	}
	if (client_record_dir(dir_override, t->dir, sizeof(t->dir)) != 0 ||
	    !client_record_serial_ok(serial)) {
		/* No record is possible: said after the write (save_fail). */
		t->ready_errno =
			client_record_serial_ok(serial) ? ENOENT : EINVAL;
		t->dir[0] = '\0';
		return 0;
	}
	/* A damaged record counts as none: the write replaces it. */
	t->have_prev =
		client_record_load(dir_override, serial, &t->prev, t->path,
	                           sizeof(t->path), &ignored) == 0;
	snprintf(t->path, sizeof(t->path), "%s/%s.burn", t->dir, serial);
	snprintf(t->aside, sizeof(t->aside), "%s/.%s.burn.aside", t->dir,
	         serial);
	if (t->have_made) {
		e = dir_ready(t->dir);
		if (e == 0)
			e = temp_write(t->dir, &t->made, t->ready,
			               sizeof(t->ready));
		t->ready_errno = e;
	}
	if (lstat(t->path, &st) != 0) {
		t->aside[0] = '\0';
		return 0;
	}
	if (!S_ISDIR(st.st_mode) && rename(t->path, t->aside) == 0)
		return 0;
	e = S_ISDIR(st.st_mode) ? EISDIR : errno;
	client_fail(err, CLIENT_EXIT_SETUP, "record",
	            "nothing written: the burn record '%s' cannot be set "
	            "aside while the token is written (%s), so it could end "
	            "up describing a configuration the token no longer holds; "
	            "delete it or fix the permissions of '%s', and %s",
	            t->path, strerror(e), t->dir,
	            client_front_words("run again", "try again"));
	t->aside[0] = '\0';
	client_record_abandon(t, CLIENT_RECORD_DROP);
	t->dir[0] = '\0';
	return err->exit_code;
}

void client_record_abandon(const client_record_txn *t, client_record_fate fate)
{
	if (t->dir[0] == '\0')
		return;
	if (t->ready[0] != '\0' &&
	    !(fate == CLIENT_RECORD_INSTALL && rename(t->ready, t->path) == 0))
		(void)unlink(t->ready);
	if (t->aside[0] == '\0')
		return;
	/* An install that failed leaves no record, never the old one. */
	if (fate == CLIENT_RECORD_RESTORE)
		(void)rename(t->aside, t->path);
	else
		(void)unlink(t->aside);
}

static bool config_same(const client_record *r, const client_write_result *w)
{
	return r->hash == w->hash && r->step == w->step &&
	       r->display == w->display_seconds;
}

/* The token's state, as a record can hold it, after a write whose seed
 * step left no seed: an erased seed under the configuration written. */
static void erased_of(const client_record_txn *t,
                      const client_write_result *res, client_record *r)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->serial, sizeof(r->serial), "%s", t->made.serial);
	snprintf(r->model, sizeof(r->model), "%s", t->made.model);
	r->seed = CLIENT_RECORD_SEED_ERASED;
	r->hash = res->hash;
	r->step = res->step;
	r->display = res->display_seconds;
	r->time = t->made.time;
}

/* Save r into the directory of t. */
static int save_dir(const client_record_txn *t, const client_record *r)
{
	char dir[4096], path[4200];

	return save(t->dir, r, dir, sizeof(dir), path, sizeof(path));
}

client_record_fate client_record_fate_of(const client_record_txn *t,
                                         const client_write_result *res)
{
	if (res->config == CLIENT_CONFIG_UNCHANGED)
		return CLIENT_RECORD_RESTORE;
	/* Same seed, and the configuration it has either way: still true. */
	if (res->seed == SAFEID_SEED_OLD && t->have_prev &&
	    config_same(&t->prev, res))
		return CLIENT_RECORD_RESTORE;
	if (res->seed == SAFEID_SEED_NEW ||
	    (!t->burn && res->config == CLIENT_CONFIG_WRITTEN && t->have_made))
		return CLIENT_RECORD_INSTALL;
	return CLIENT_RECORD_DROP;
}

int client_record_end(client_record_txn *t, const client_write_result *res,
                      char *note, size_t notecap, client_error *err)
{
	client_record_fate fate = client_record_fate_of(t, res);
	const char *what = t->burn ? "the burn succeeded and the token holds "
	                             "the new seed"
	                           : "the clock was set";
	client_record erased;
	int e = 0;

	note[0] = '\0';
	/* No home: only a burn had a record to lose (as it always did). */
	if (t->dir[0] == '\0')
		return fate == CLIENT_RECORD_INSTALL && t->burn
		               ? save_fail(what, &t->made, "", "",
		                           t->ready_errno, err)
		               : 0;
	if (fate == CLIENT_RECORD_RESTORE) {
		client_record_abandon(t, CLIENT_RECORD_RESTORE);
		return 0;
	}
	if (fate == CLIENT_RECORD_INSTALL) {
		if (t->ready[0] != '\0' && rename(t->ready, t->path) != 0)
			e = errno;
		else if (t->ready[0] == '\0')
			e = save_dir(t,
			             &t->made); /* could not be written ahead */
		if (e == 0)
			t->ready[0] = '\0';
		client_record_abandon(t, CLIENT_RECORD_DROP);
		if (e == 0) {
			dir_sync(t->dir);
			return 0;
		}
		return save_fail(what, &t->made, t->dir, t->path, e, err);
	}
	client_record_abandon(t, CLIENT_RECORD_DROP);
	/* A burn whose seed write failed after its configuration erased the
	 * seed: the record says so, with the configuration it has. */
	if (res->seed == SAFEID_SEED_ERASED && t->have_made) {
		erased_of(t, res, &erased);
		e = save_dir(t, &erased);
		return e == 0 ? 0
		              : save_fail("the token's seed is erased", &erased,
		                          t->dir, t->path, e, err);
	}
	if (t->have_prev)
		snprintf(note, notecap,
		         "Its burn record '%s' was removed: it no longer "
		         "describes the token, so %s.",
		         t->path,
		         client_front_words("a later 'clock' needs --hash, "
		                            "--step and --display (burn again "
		                            "instead)",
		                            "only a burn can set its clock "
		                            "here"));
	return 0;
}
