/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Screenshots made by a command the user names (--screenshot-cmd), for
 * Wayland desktops where no program may read the screen directly: the
 * compositor's own tool (grim, gnome-screenshot, spectacle) takes it.
 *
 * The image holds the QR code, so what the command writes goes into a
 * private directory (0700, also its TMPDIR) that is removed with all it
 * holds afterwards.  The command runs in a process group of its own,
 * with nothing on its standard input and, when it writes to {file},
 * nothing of its standard output reaching ours (--json must stay one
 * object); it has a bounded time, after which the whole group is killed
 * and the command reaped, so nothing it started outlives the call.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

#define CMD_PLACEHOLDER "{file}"
#define SHOT_SECONDS_DEFAULT 60
#define SHOT_SECONDS_MAX 3600

/* Replace each {file} by the single-quoted path (a path we made: no quote). */
static char *shot_expand(const char *cmd, const char *path)
{
	size_t n = 0, plen = strlen(path) + 2, hl = strlen(CMD_PLACEHOLDER);
	const char *p;
	char *o, *w;

	for (p = strstr(cmd, CMD_PLACEHOLDER); p;
	     p = strstr(p + hl, CMD_PLACEHOLDER))
		n++;
	o = malloc(strlen(cmd) + n * plen + 1);
	if (o == NULL)
		return NULL;
	w = o;
	for (p = cmd; *p;) {
		if (strncmp(p, CMD_PLACEHOLDER, hl) == 0) {
			w += sprintf(w, "'%s'", path);
			p += hl;
		} else {
			*w++ = *p++;
		}
	}
	*w = '\0';
	return o;
}

/* The bound on the command: $SAFEID_SCREENSHOT_TIMEOUT seconds (1 to
 * 3600; an interactive selection may need more than the default). */
static unsigned shot_seconds(void)
{
	const char *v = getenv("SAFEID_SCREENSHOT_TIMEOUT");
	char *end = NULL;
	unsigned long n;

	if (v == NULL || v[0] < '0' || v[0] > '9')
		return SHOT_SECONDS_DEFAULT;
	n = strtoul(v, &end, 10);
	if (*end != '\0' || n < 1 || n > SHOT_SECONDS_MAX)
		return SHOT_SECONDS_DEFAULT;
	return (unsigned)n;
}

/* The screenshot, read by input_read_fd: its failures as messages. */
static int shot_read_fail(int rc, unsigned seconds, input_error *err)
{
	if (rc == INPUT_ERR_TOO_LONG)
		return input_fail(
			err, INPUT_ERR_IMAGE_TOO_BIG,
			"the screenshot command wrote more than %u MiB; "
			"make it write one PNG image",
			INPUT_FILE_MAX >> 20);
	if (rc == INPUT_ERR_NOMEM)
		return input_fail(err, rc,
		                  "out of memory reading the screenshot");
	if (errno == ETIMEDOUT)
		return input_fail(
			err, INPUT_ERR_CAPTURE,
			"the screenshot command did not finish within "
			"%u s and was stopped; check that it ends by "
			"itself (run it by hand), set "
			"SAFEID_SCREENSHOT_TIMEOUT for a slower one, or "
			"save the QR code and use --qr FILE",
			seconds);
	return input_fail(err, INPUT_ERR_CAPTURE,
	                  "the screenshot could not be read (%s); run the "
	                  "command by hand to see why, or save the QR code "
	                  "and use --qr FILE",
	                  strerror(errno));
}

/* The environment of the command: ours with TMPDIR set to dir.  Made
 * before fork: the child only makes async-signal-safe calls. */
static char **shot_env(const char *dir, char *tmpdir, size_t cap)
{
	extern char **environ;
	size_t n = 0, k = 0;
	char **env;

	while (environ[n] != NULL)
		n++;
	env = calloc(n + 2, sizeof(*env));
	if (env == NULL)
		return NULL;
	snprintf(tmpdir, cap, "TMPDIR=%s", dir);
	env[k++] = tmpdir;
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "TMPDIR=", 7) != 0)
			env[k++] = environ[i];
	return env;
}

/* The child: its own process group (so it can be killed whole), killed
 * with us, nothing on stdin, stdout to the pipe or to /dev/null. */
static void shot_child(const char *cmd, int null_fd, int out_fd, char **env)
{
	static char sh[] = "sh", dash_c[] = "-c";
	char *const argv[] = {sh, dash_c, (char *)(uintptr_t)cmd, NULL};

	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (dup2(null_fd, STDIN_FILENO) < 0 ||
	    dup2(out_fd >= 0 ? out_fd : null_fd, STDOUT_FILENO) < 0)
		_exit(126);
	execve("/bin/sh", argv, env);
	_exit(127);
}

/* Wait for the child until deadline; true when it has ended (reaped). */
static bool shot_wait(pid_t pid, int *status, const struct timespec *deadline)
{
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	pid_t r;

	for (;;) {
		r = waitpid(pid, status, WNOHANG);
		if (r == pid || (r < 0 && errno != EINTR))
			break;
		if (input_ms_left(deadline) == 0)
			break;
		if (pidfd >= 0) {
			struct pollfd p = {.fd = pidfd, .events = POLLIN};

			poll(&p, 1, input_ms_left(deadline));
		} else {
			/* kernels before 5.3: look again in a while */
			struct timespec ts = {0, 20 * 1000 * 1000};

			nanosleep(&ts, NULL);
		}
	}
	if (pidfd >= 0)
		close(pidfd);
	return r == pid;
}

/* Run sh -c cmd within the bound; with shot given, its stdout is read
 * into it. */
static int shot_run(const char *cmd, const char *dir, input_buf *shot,
                    input_error *err)
{
	int pipefd[2] = {-1, -1}, status = 0, rc = INPUT_OK, null_fd;
	unsigned seconds = shot_seconds();
	char tmpdir[300], **env = NULL;
	struct timespec deadline;
	bool ended;
	pid_t pid;

	null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	env = shot_env(dir, tmpdir, sizeof(tmpdir));
	if (null_fd < 0 || env == NULL) {
		rc = input_fail(err, INPUT_ERR_CAPTURE,
		                "cannot prepare the screenshot command (%s)",
		                strerror(errno));
		goto fail;
	}
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += seconds;
	if (shot != NULL && pipe2(pipefd, O_CLOEXEC) != 0) {
		rc = input_fail(err, INPUT_ERR_CAPTURE,
		                "cannot create a pipe for the screenshot "
		                "command (%s)",
		                strerror(errno));
		goto fail;
	}
	pid = fork();
	if (pid < 0) {
		rc = input_fail(err, INPUT_ERR_CAPTURE,
		                "cannot start the screenshot command (%s)",
		                strerror(errno));
		goto fail;
	}
	if (pid == 0)
		shot_child(cmd, null_fd, pipefd[1], env);
	/* Also here, so the group exists before we may signal it. */
	setpgid(pid, pid);
	if (shot != NULL) {
		close(pipefd[1]);
		pipefd[1] = -1;
		/* a read never blocks past the deadline: it waits in poll */
		fcntl(pipefd[0], F_SETFL,
		      fcntl(pipefd[0], F_GETFL) | O_NONBLOCK);
		rc = input_read_fd_until(pipefd[0], INPUT_FILE_MAX, 1u << 20, 0,
		                         &deadline, shot);
		if (rc != INPUT_OK)
			rc = shot_read_fail(rc, seconds, err);
	}
	ended = rc == INPUT_OK && shot_wait(pid, &status, &deadline);
	/* Whatever of the command is still running (the command itself on
	 * a timeout, anything it left behind) ends now; the group is ours
	 * and keeps its number while a member lives. */
	kill(-pid, SIGKILL);
	if (!ended) {
		kill(pid, SIGKILL);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		if (rc == INPUT_OK) {
			errno = ETIMEDOUT;
			rc = shot_read_fail(INPUT_ERR_IO, seconds, err);
		}
	}
	if (rc == INPUT_OK && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
		rc = input_fail(
			err, INPUT_ERR_CAPTURE,
			"the screenshot command failed (%s %d); run it by "
			"hand to see why, or save the QR code and use "
			"--qr FILE",
			WIFEXITED(status) ? "exit status" : "signal",
			WIFEXITED(status) ? WEXITSTATUS(status)
					  : WTERMSIG(status));
fail:
	if (pipefd[0] >= 0)
		close(pipefd[0]);
	if (pipefd[1] >= 0)
		close(pipefd[1]);
	if (null_fd >= 0)
		close(null_fd);
	free(env);
	return rc;
}

/* The image the command wrote to {file}: a regular file, not a link. */
static int shot_file_read(const char *path, input_buf *shot, input_error *err)
{
	unsigned mode = 0;
	int rc = input_read_file(path, INPUT_FILE_MAX, INPUT_FILE_NOFOLLOW,
	                         shot, &mode);

	if (rc == INPUT_OK)
		return rc;
	if (rc == INPUT_ERR_TOO_LONG)
		return input_fail(err, INPUT_ERR_IMAGE_TOO_BIG,
		                  "the screenshot is larger than %u MiB",
		                  INPUT_FILE_MAX >> 20);
	if (rc == INPUT_ERR_NOT_FILE)
		return input_fail(
			err, INPUT_ERR_CAPTURE,
			"the screenshot command made %s at {file}, not "
			"an image file; make it write its image there",
			input_file_kind(mode));
	if (rc == INPUT_ERR_NOMEM)
		return input_fail(err, rc,
		                  "out of memory reading the screenshot");
	return input_fail(err, INPUT_ERR_CAPTURE,
	                  "the screenshot command wrote no file at {file} "
	                  "(%s); check that it writes its image to the path "
	                  "given in place of {file}",
	                  strerror(errno));
}

static int shot_remove(const char *path, const struct stat *st, int type,
                       struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type == FTW_DP)
		return rmdir(path) != 0 && errno != ENOENT;
	return unlink(path) != 0 && errno != ENOENT;
}

/* A private directory under $TMPDIR (when its path is plain enough to
 * quote in a command) or /tmp. */
static bool shot_dir_make(char *dir, size_t cap)
{
	const char *t = getenv("TMPDIR");
	bool plain = t != NULL && t[0] == '/' && strlen(t) < 200;

	for (const char *p = t; plain && *p != '\0'; p++)
		plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		        (*p >= '0' && *p <= '9') || strchr("/._-", *p) != NULL;
	snprintf(dir, cap, "%s/safeid-shot-XXXXXX", plain ? t : "/tmp");
	/* mkdtemp makes it 0700 */
	return mkdtemp(dir) != NULL;
}

int input_screen_scan_cmd(const char *cmd, input_screen_result *out,
                          input_error *err)
{
	char dir[256], path[300];
	input_buf shot = {NULL, 0, 0};
	char *full = NULL;
	int use_file, made_dir = 0, rc;

	if (cmd == NULL || out == NULL)
		return input_fail(err, INPUT_ERR_ARG,
		                  "screenshot command: missing argument");
	memset(out, 0, sizeof(*out));
	use_file = strstr(cmd, CMD_PLACEHOLDER) != NULL;
	if (!shot_dir_make(dir, sizeof(dir))) {
		rc = input_fail(
			err, INPUT_ERR_CAPTURE,
			"cannot create a private temporary directory (%s); check $TMPDIR or /tmp",
			strerror(errno));
		goto fail;
	}
	made_dir = 1;
	if (use_file) {
		snprintf(path, sizeof(path), "%s/screen.png", dir);
		full = shot_expand(cmd, path);
		if (full == NULL) {
			rc = input_fail(
				err, INPUT_ERR_NOMEM,
				"out of memory starting the screenshot command");
			goto fail;
		}
		rc = shot_run(full, dir, NULL, err);
		if (rc == INPUT_OK)
			rc = shot_file_read(path, &shot, err);
	} else {
		rc = shot_run(cmd, dir, &shot, err);
	}
	if (rc != INPUT_OK)
		goto fail;
	rc = input_qr_decode_buffer(shot.data, shot.len, "the screenshot",
	                            &out->codes, err);
	if (out->codes.image_width > 0 || rc == INPUT_OK ||
	    rc == INPUT_ERR_NO_QR) {
		input_monitor *m = &out->monitors[0];
		snprintf(m->name, sizeof(m->name), "screenshot");
		m->width = out->codes.image_width;
		m->height = out->codes.image_height;
		m->codes = out->codes.count;
		out->monitor_count = 1;
	}
	for (size_t i = 0; i < out->codes.count; i++)
		out->codes.items[i].monitor = 0;
fail:
	/* everything the command left there (it may show the QR code) */
	if (made_dir)
		nftw(dir, shot_remove, 16, FTW_DEPTH | FTW_PHYS);
	free(full);
	input_buf_free(&shot);
	return rc;
}
