/*
 * Screenshots made by a command the user names (--screenshot-cmd), for
 * Wayland desktops where no program may read the screen directly: the
 * compositor's own tool (grim, gnome-screenshot, spectacle) takes it.
 * The image holds the QR code, so a file it goes through is private (0600
 * in a 0700 directory) and removed afterwards.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"

#define CMD_PLACEHOLDER "{file}"

/* Replace each {file} by the single-quoted path (a path we made: no quote). */
static char *shot_expand(const char *cmd, const char *path)
{
	size_t n = 0, plen = strlen(path) + 2, hl = strlen(CMD_PLACEHOLDER);
	const char *p;
	char *o, *w;

	for (p = strstr(cmd, CMD_PLACEHOLDER); p; p = strstr(p + hl, CMD_PLACEHOLDER))
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

/* The screenshot, read by input_read_fd: its failures as messages. */
static int shot_read_fail(int rc, input_error *err)
{
	if (rc == INPUT_ERR_TOO_LONG)
		return input_fail(err, INPUT_ERR_IMAGE_TOO_BIG,
		                  "the screenshot command wrote more than %u MiB; "
		                  "make it write one PNG image",
		                  INPUT_FILE_MAX >> 20);
	if (rc == INPUT_ERR_NOMEM)
		return input_fail(err, rc,
		                  "out of memory reading the screenshot");
	return input_fail(err, INPUT_ERR_CAPTURE,
	                  "the screenshot could not be read (%s); run the "
	                  "command by hand to see why, or save the QR code "
	                  "and use --qr FILE",
	                  strerror(errno));
}

/* Run sh -c cmd; with shot given, its stdout is read into it. */
static int shot_run(const char *cmd, input_buf *shot, input_error *err)
{
	int pipefd[2] = { -1, -1 }, status = 0, rc = INPUT_OK;
	pid_t pid;

	if (shot != NULL && pipe(pipefd) != 0)
		return input_fail(err, INPUT_ERR_CAPTURE,
		                  "cannot create a pipe for the screenshot "
		                  "command (%s)",
		                  strerror(errno));
	pid = fork();
	if (pid < 0) {
		rc = input_fail(err, INPUT_ERR_CAPTURE,
		                "cannot start the screenshot command (%s)",
		                strerror(errno));
		goto fail;
	}
	if (pid == 0) {
		if (shot != NULL) {
			dup2(pipefd[1], STDOUT_FILENO);
			close(pipefd[0]);
			close(pipefd[1]);
		}
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	if (shot != NULL) {
		close(pipefd[1]);
		pipefd[1] = -1;
		rc = input_read_fd(pipefd[0], INPUT_FILE_MAX, 1u << 20, 0, shot);
		if (rc != INPUT_OK) {
			rc = shot_read_fail(rc, err);
			kill(pid, SIGTERM);
		}
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (rc == INPUT_OK && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
		rc = input_fail(err, INPUT_ERR_CAPTURE,
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
	return rc;
}

/* The image the command wrote to {file}. */
static int shot_file_read(const char *path, input_buf *shot,
                          input_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

	if (fd < 0)
		return input_fail(err, INPUT_ERR_CAPTURE,
		                  "the screenshot command wrote no file at "
		                  "{file}; check that it writes its image to the "
		                  "path given in place of {file}");
	rc = input_read_fd(fd, INPUT_FILE_MAX, 1u << 20, 0, shot);
	close(fd);
	if (rc == INPUT_ERR_TOO_LONG)
		return input_fail(err, INPUT_ERR_IMAGE_TOO_BIG,
		                  "the screenshot is larger than %u MiB",
		                  INPUT_FILE_MAX >> 20);
	return rc == INPUT_OK ? rc : shot_read_fail(rc, err);
}

int input_screen_scan_cmd(const char *cmd, input_screen_result *out,
                          input_error *err)
{
	char dir[] = "/tmp/safeid-shot-XXXXXX", path[64];
	input_buf shot = { NULL, 0, 0 };
	char *full = NULL;
	int use_file, made_dir = 0, rc;

	if (cmd == NULL || out == NULL)
		return input_fail(err, INPUT_ERR_ARG, "screenshot command: missing argument");
	memset(out, 0, sizeof(*out));
	use_file = strstr(cmd, CMD_PLACEHOLDER) != NULL;
	if (use_file) {
		/* a fixed /tmp keeps the path short and free of quotes */
		if (mkdtemp(dir) == NULL) {
			rc = input_fail(err, INPUT_ERR_CAPTURE, "cannot create a private temporary directory (%s); check /tmp", strerror(errno));
			goto fail;
		}
		made_dir = 1;
		snprintf(path, sizeof(path), "%s/screen.png", dir);
		full = shot_expand(cmd, path);
		if (full == NULL) {
			rc = input_fail(err, INPUT_ERR_NOMEM, "out of memory starting the screenshot command");
			goto fail;
		}
		rc = shot_run(full, NULL, err);
		if (rc == INPUT_OK)
			rc = shot_file_read(path, &shot, err);
	} else {
		rc = shot_run(cmd, &shot, err);
	}
	if (rc != INPUT_OK)
		goto fail;
	rc = input_qr_decode_buffer(shot.data, shot.len, "the screenshot",
	                            &out->codes, err);
	if (out->codes.image_width > 0 || rc == INPUT_OK || rc == INPUT_ERR_NO_QR) {
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
	if (made_dir) {
		unlink(path);
		rmdir(dir);
	}
	free(full);
	input_buf_free(&shot);
	return rc;
}
