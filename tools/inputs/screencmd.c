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
static char *cmd_expand(const char *cmd, const char *path)
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

/* Run sh -c cmd; with data given, its stdout is read into *data. */
static int cmd_run(const char *cmd, uint8_t **data, size_t *len,
                   input_error *err)
{
	int pipefd[2] = { -1, -1 }, status = 0, rc = INPUT_OK;
	size_t cap = 0;
	pid_t pid;

	if (data != NULL && pipe(pipefd) != 0)
		return input_fail(err, INPUT_ERR_CAPTURE, "cannot create a pipe for the screenshot command (%s)", strerror(errno));
	pid = fork();
	if (pid < 0) {
		rc = input_fail(err, INPUT_ERR_CAPTURE, "cannot start the screenshot command (%s)", strerror(errno));
		goto fail;
	}
	if (pid == 0) {
		if (data != NULL) {
			dup2(pipefd[1], STDOUT_FILENO);
			close(pipefd[0]);
			close(pipefd[1]);
		}
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	if (data != NULL) {
		close(pipefd[1]);
		pipefd[1] = -1;
		for (;;) {
			ssize_t r;
			if (*len == cap) {
				uint8_t *nb;
				if (cap >= INPUT_FILE_MAX) {
					rc = input_fail(err, INPUT_ERR_IMAGE_TOO_BIG,
					                "the screenshot command wrote more than %u MiB; make it write one PNG image", INPUT_FILE_MAX >> 20);
					kill(pid, SIGTERM);
					break;
				}
				cap = cap ? cap * 2 : 1u << 20;
				nb = realloc(*data, cap);
				if (nb == NULL) {
					rc = input_fail(err, INPUT_ERR_NOMEM, "out of memory reading the screenshot");
					kill(pid, SIGTERM);
					break;
				}
				*data = nb;
			}
			r = read(pipefd[0], *data + *len, cap - *len);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				break;
			*len += (size_t)r;
		}
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (rc == INPUT_OK && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
		rc = input_fail(err, INPUT_ERR_CAPTURE,
		                "the screenshot command failed (%s %d); run it by hand to see why, or save the QR code and use --qr FILE",
		                WIFEXITED(status) ? "exit status" : "signal",
		                WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
fail:
	if (pipefd[0] >= 0)
		close(pipefd[0]);
	if (pipefd[1] >= 0)
		close(pipefd[1]);
	return rc;
}

static int cmd_read_file(const char *path, uint8_t **data, size_t *len,
                         input_error *err)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 0;
	int rc = INPUT_OK;

	if (f == NULL)
		return input_fail(err, INPUT_ERR_CAPTURE,
		                  "the screenshot command wrote no file at {file}; check that it writes its image to the path given in place of {file}");
	for (;;) {
		size_t r;
		if (*len == cap) {
			uint8_t *nb;
			if (cap >= INPUT_FILE_MAX) {
				rc = input_fail(err, INPUT_ERR_IMAGE_TOO_BIG, "the screenshot is larger than %u MiB", INPUT_FILE_MAX >> 20);
				break;
			}
			cap = cap ? cap * 2 : 1u << 20;
			nb = realloc(*data, cap);
			if (nb == NULL) {
				rc = input_fail(err, INPUT_ERR_NOMEM, "out of memory reading the screenshot");
				break;
			}
			*data = nb;
		}
		r = fread(*data + *len, 1, cap - *len, f);
		*len += r;
		if (r == 0)
			break;
	}
	fclose(f);
	return rc;
}

int input_screen_scan_cmd(const char *cmd, input_screen_result *out,
                          input_error *err)
{
	char dir[] = "/tmp/safeid-shot-XXXXXX", path[64];
	uint8_t *data = NULL;
	size_t len = 0;
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
		full = cmd_expand(cmd, path);
		if (full == NULL) {
			rc = input_fail(err, INPUT_ERR_NOMEM, "out of memory starting the screenshot command");
			goto fail;
		}
		rc = cmd_run(full, NULL, NULL, err);
		if (rc == INPUT_OK)
			rc = cmd_read_file(path, &data, &len, err);
	} else {
		rc = cmd_run(cmd, &data, &len, err);
	}
	if (rc != INPUT_OK)
		goto fail;
	rc = input_qr_decode_buffer(data, len, "the screenshot", &out->codes, err);
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
	input_secret_free(data, len);
	return rc;
}
