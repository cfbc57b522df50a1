/* SPDX-License-Identifier: BSD-2-Clause */
/* The control socket: remove, insert, power-cycle, load, fault, count. */
#include "emu_run.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "emu_state.h"
#include "emu_vpcd.h"

#define CTL_LINE_MAX 2048
/* A control client that connects but never sends is cut off after this. */
#define CTL_READ_MS 5000
/* How long `safeid-emu ctl` waits for the emulator's answer. */
#define CTL_ANSWER_MS 30000
/* Re-check interval while waiting for an emulator's socket to appear. */
#define CTL_RETRY_MS 10

static int ctl_addr(const char *path, struct sockaddr_un *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa->sun_path))
		return -1;
	memcpy(sa->sun_path, path, strlen(path) + 1);
	return 0;
}

int emu_ctl_listen(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sa;
	int fd = -1;

	if (ctl_addr(path, &sa) != 0) {
		snprintf(err, errlen,
		         "control socket %s: path longer than %zu "
		         "bytes; use a shorter one",
		         path, sizeof(sa.sun_path) - 1);
		return -1;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail;
	(void)unlink(path); /* a stale socket of an emulator that died */
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    listen(fd, 8) != 0)
		goto fail;
	return fd;
fail:
	snprintf(err, errlen,
	         "control socket %s: cannot listen (%s); check the "
	         "directory exists and is writable",
	         path, strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

static bool cmd_load(emu_run *r, const char *path, int ctl_fd, char *out,
                     size_t outlen)
{
	char err[512];

	if (emu_state_load(path, &r->next_tok, err, sizeof(err)) != 0) {
		snprintf(out, outlen, "error: %s", err);
		return false;
	}
	snprintf(r->next_path, sizeof(r->next_path), "%s", path);
	/* the old token leaves the field, the new one enters it */
	emu_run_leave(r, EMU_LEAVE_LOAD, ctl_fd);
	return true;
}

/* Answer once N APDUs have arrived (at once when they already have), so a
 * test can act at a chosen step without polling. */
static bool cmd_wait_count(emu_run *r, const char *arg, int ctl_fd, char *out,
                           size_t outlen)
{
	char *end = NULL;
	unsigned long n = strtoul(arg, &end, 10);

	if (end == arg || *end != '\0') {
		snprintf(out, outlen,
		         "error: wait-count %s: give a number of APDUs", arg);
		return false;
	}
	if (r->count >= n) {
		snprintf(out, outlen, "%lu", r->count);
		return false;
	}
	if (r->count_wait_fd >= 0)
		emu_ctl_reply(r->count_wait_fd,
		              "error: replaced by a newer wait-count");
	r->count_wait_fd = ctl_fd;
	r->count_wait_n = n;
	return true;
}

/* A Molto2's up-arrow button: carries out the request waiting for it. */
static void cmd_press_up(emu_run *r, char *out, size_t outlen)
{
	char err[512];
	unsigned done;

	if (r->tok.family != EMU_FAMILY_MOLTO2) {
		snprintf(out, outlen,
		         "error: token %s is not a Molto2: it has no "
		         "up-arrow button",
		         r->tok.serial);
		return;
	}
	done = emu_m2_press_up(&r->tok);
	if (done == EMU_M2_PENDING_NONE) {
		snprintf(
			out, outlen,
			"error: nothing waits for the button (a key "
			"change or factory reset waits until the next command or "
			"power-off)");
		return;
	}
	r->tok.dirty = false;
	if (emu_state_save(r->state_path, &r->tok, err, sizeof(err)) != 0) {
		snprintf(out, outlen, "error: %s", err);
		return;
	}
	snprintf(out, outlen, "ok pressed: %s",
	         done == EMU_M2_PENDING_KEY ? "customer key changed"
	                                    : "factory reset done");
}

bool emu_ctl_dispatch(emu_run *r, char *line, int ctl_fd, char *out,
                      size_t outlen)
{
	char err[512];
	char *arg = strchr(line, ' ');
	emu_faults f;

	if (arg != NULL)
		*arg++ = '\0';
	if (strcmp(line, "remove") == 0) {
		emu_run_leave(r, EMU_LEAVE_REMOVE, ctl_fd);
		return true;
	} else if (strcmp(line, "power-cycle") == 0) {
		emu_run_leave(r, EMU_LEAVE_CYCLE, ctl_fd);
		return true;
	} else if (strcmp(line, "load") == 0 && arg != NULL && *arg != '\0') {
		return cmd_load(r, arg, ctl_fd, out, outlen);
	} else if (strcmp(line, "insert") == 0) {
		if (emu_run_insert(r, err, sizeof(err)) != 0)
			snprintf(out, outlen, "error: %s", err);
		else
			snprintf(out, outlen, "ok inserted");
	} else if (strcmp(line, "fault") == 0) {
		if (emu_faults_parse(&f, arg != NULL ? arg : "", r->count, err,
		                     sizeof(err)) != 0)
			snprintf(out, outlen, "error: %s", err);
		else {
			r->faults = f;
			snprintf(out, outlen, "ok faults set");
		}
	} else if (strcmp(line, "release") == 0) {
		/* The APDU held by --hang gets 6F00, still unexecuted: the host
		 * (or pcscd, when the host is gone) gets an answer and the link
		 * stays up, unlike a removal mid-APDU. */
		static const uint8_t sw6f00[] = {0x6F, 0x00};

		if (!r->held || r->vfd < 0)
			snprintf(out, outlen,
			         "error: no APDU is held by --hang");
		else if (emu_vpcd_write(r->vfd, sw6f00, 2) != 0)
			snprintf(out, outlen,
			         "error: the link to vpcd is gone");
		else
			snprintf(out, outlen, "ok released");
		r->held = false;
		r->muted = false;
	} else if (strcmp(line, "count") == 0) {
		snprintf(out, outlen, "%lu", r->count);
	} else if (strcmp(line, "wait-count") == 0 && arg != NULL) {
		return cmd_wait_count(r, arg, ctl_fd, out, outlen);
	} else if (strcmp(line, "press-up") == 0) {
		cmd_press_up(r, out, outlen);
	} else {
		snprintf(
			out, outlen,
			"error: unknown control command '%s'; known: "
			"remove, insert, power-cycle, load FILE, fault \"OPTS\", "
			"release, count, wait-count N, press-up",
			line);
	}
	return false;
}

/* Read one line (without its newline) within CTL_READ_MS. */
static int read_line(int fd, char *buf, size_t cap, int timeout_ms)
{
	size_t n = 0;

	while (n + 1 < cap) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		ssize_t got;
		int pr = poll(&p, 1, timeout_ms);
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr <= 0)
			return -1;
		got = read(fd, buf + n, cap - 1 - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		n += (size_t)got;
		if (memchr(buf, '\n', n) != NULL)
			break;
	}
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return n > 0 ? 0 : -1;
}

static int write_all(int fd, const char *s, size_t len)
{
	while (len > 0) {
		ssize_t n = send(fd, s, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		s += n;
		len -= (size_t)n;
	}
	return 0;
}

void emu_ctl_reply(int fd, const char *text)
{
	if (fd < 0)
		return;
	(void)write_all(fd, text, strlen(text));
	(void)write_all(fd, "\n", 1);
	close(fd);
}

void emu_ctl_serve_one(emu_run *r)
{
	char line[CTL_LINE_MAX], out[CTL_LINE_MAX];
	int fd = accept(r->lfd, NULL, NULL);

	if (fd < 0)
		return;
	if (read_line(fd, line, sizeof(line), CTL_READ_MS) != 0) {
		close(fd);
		return;
	}
	if (!emu_ctl_dispatch(r, line, fd, out, sizeof(out)))
		emu_ctl_reply(fd, out);
}

/* Connect to the control socket; while it is missing or not listening
 * yet, re-check every CTL_RETRY_MS until wait_ms have passed. */
static int ctl_connect(const struct sockaddr_un *sa, long long wait_ms)
{
	struct timespec ts;
	long long deadline;
	int fd;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	deadline = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + wait_ms;
	for (;;) {
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return -1;
		if (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0)
			return fd;
		close(fd);
		if (errno != ENOENT && errno != ECONNREFUSED)
			return -1;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		if ((long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 >=
		    deadline)
			return -1;
		(void)poll(NULL, 0, CTL_RETRY_MS);
	}
}

int emu_ctl_client(const char *path, const char *cmd, long long wait_ms)
{
	struct sockaddr_un sa;
	char reply[CTL_LINE_MAX];
	int fd = -1, rc = 2;

	if (ctl_addr(path, &sa) != 0) {
		fprintf(stderr,
		        "safeid-emu ctl: socket path %s is too long; use a "
		        "shorter one\n",
		        path);
		goto fail;
	}
	fd = ctl_connect(&sa, wait_ms);
	if (fd < 0) {
		fprintf(stderr,
		        "safeid-emu ctl: cannot connect to %s (%s); is "
		        "'safeid-emu run --ctl %s' running?\n",
		        path, strerror(errno), path);
		goto fail;
	}
	if (write_all(fd, cmd, strlen(cmd)) != 0 ||
	    write_all(fd, "\n", 1) != 0 ||
	    read_line(fd, reply, sizeof(reply), CTL_ANSWER_MS) != 0) {
		fprintf(stderr,
		        "safeid-emu ctl: no answer from %s to '%s'; the "
		        "emulator may have died: see its log\n",
		        path, cmd);
		goto fail;
	}
	if (strncmp(reply, "error: ", 7) == 0) {
		fprintf(stderr, "safeid-emu ctl: %s\n", reply + 7);
		rc = 1;
		goto fail;
	}
	printf("%s\n", reply);
	rc = 0;
fail:
	if (fd >= 0)
		close(fd);
	return rc;
}
