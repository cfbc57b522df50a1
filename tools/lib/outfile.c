/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * outfile.c: export files written whole or not at all.  The data goes to
 * a temporary file in the target's directory (0600, O_EXCL), is
 * fsync'ed, then renamed into place without replacing an existing file
 * (renameat2 RENAME_NOREPLACE) unless asked to, and the directory is
 * fsync'ed so the name survives a power cut.  A crash leaves either the
 * old file or the new one, and at worst a temporary file named
 * .NAME.XXXXXX beside it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "provision.h"

static void dir_of(const char *path, char *out, size_t cap)
{
	char tmp[4096];

	snprintf(tmp, sizeof(tmp), "%s", path);
	snprintf(out, cap, "%s", dirname(tmp));
}

int client_outfile_check(const char *path, bool force, client_error *err)
{
	char dir[4096];
	struct stat st;

	if (path == NULL || path[0] == '\0' || strlen(path) >= 4000)
		return client_fail(err, CLIENT_EXIT_USAGE, "usage",
		                   "give the output file with --out FILE");
	dir_of(path, dir, sizeof(dir));
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return client_fail(err, CLIENT_EXIT_INPUT, "out_dir",
		                   "the output folder '%s' does not exist: "
		                   "create it or give another --out",
		                   dir);
	if (access(dir, W_OK | X_OK) != 0)
		return client_fail(err, CLIENT_EXIT_INPUT, "out_dir",
		                   "cannot write into the output folder '%s': "
		                   "%s: give a folder you may write to",
		                   dir, strerror(errno));
	if (lstat(path, &st) == 0) {
		if (!force)
			return client_fail(err, CLIENT_EXIT_INPUT, "out_exists",
			                   "the output file '%s' exists and is "
			                   "kept: give another --out, or add "
			                   "--force to replace it",
			                   path);
		if (!S_ISREG(st.st_mode))
			return client_fail(err, CLIENT_EXIT_INPUT, "out_type",
			                   "the output '%s' is not a regular "
			                   "file: give a file name",
			                   path);
	}
	return 0;
}

int client_outfile_open(client_outfile *f, const char *path, bool force,
                        client_error *err)
{
	char dir[4096], base[4096], tmp[4096];
	int ret;

	memset(f, 0, sizeof(*f));
	f->fd = -1;
	ret = client_outfile_check(path, force, err);
	if (ret != 0)
		return ret;
	dir_of(path, dir, sizeof(dir));
	snprintf(tmp, sizeof(tmp), "%s", path);
	snprintf(base, sizeof(base), "%s", basename(tmp));
	snprintf(f->path, sizeof(f->path), "%s", path);
	if (strlen(dir) + strlen(base) + 10 >= sizeof(f->tmp))
		return client_fail(err, CLIENT_EXIT_USAGE, "usage",
		                   "the output path '%s' is too long", path);
	memcpy(f->tmp, dir, strlen(dir));
	snprintf(f->tmp + strlen(dir), sizeof(f->tmp) - strlen(dir),
	         "/.%s.XXXXXX", base);
	f->force = force;
	/* mkostemp makes the file 0600 with O_EXCL. */
	f->fd = mkostemp(f->tmp, O_CLOEXEC);
	if (f->fd < 0)
		return client_fail(err, CLIENT_EXIT_INPUT, "out_create",
		                   "cannot create a file in '%s': %s: give a "
		                   "folder you may write to",
		                   dir, strerror(errno));
	return 0;
}

int client_outfile_commit(client_outfile *f, client_error *err)
{
	char dir[4096];
	int dfd, rc, e;

	if (fsync(f->fd) != 0) {
		e = errno;
		client_outfile_abort(f);
		return client_fail(err, CLIENT_EXIT_INPUT, "out_write",
		                   "writing '%s' failed: %s (a full disk?): "
		                   "nothing was written; free space and export "
		                   "again",
		                   f->path, strerror(e));
	}
	close(f->fd);
	f->fd = -1;
	if (f->force)
		rc = rename(f->tmp, f->path);
	else
		rc = renameat2(AT_FDCWD, f->tmp, AT_FDCWD, f->path,
		               RENAME_NOREPLACE);
	if (rc != 0) {
		e = errno;
		unlink(f->tmp);
		f->tmp[0] = '\0';
		if (e == EEXIST)
			return client_fail(err, CLIENT_EXIT_INPUT, "out_exists",
			                   "the output file '%s' appeared "
			                   "while exporting and is kept: give "
			                   "another --out, or add --force",
			                   f->path);
		return client_fail(err, CLIENT_EXIT_INPUT, "out_write",
		                   "cannot put '%s' in place: %s", f->path,
		                   strerror(e));
	}
	f->tmp[0] = '\0';
	dir_of(f->path, dir, sizeof(dir));
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		(void)fsync(dfd);
		close(dfd);
	}
	return 0;
}

void client_outfile_abort(client_outfile *f)
{
	if (f->fd >= 0) {
		close(f->fd);
		f->fd = -1;
	}
	if (f->tmp[0] != '\0')
		unlink(f->tmp);
	f->tmp[0] = '\0';
}
