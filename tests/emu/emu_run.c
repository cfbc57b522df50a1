/* SPDX-License-Identifier: BSD-2-Clause */
/* The emulator's main loop: vpcd frames, faults, APDU log. */
#include "emu_run.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "emu_state.h"
#include "emu_vpcd.h"

/* How often to retry reaching vpcd while the reader is not up yet. */
#define RECONNECT_MS 50

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void log_apdu(emu_run *r, const uint8_t *c, const char *sw,
                     const char *note)
{
	if (r->log == NULL)
		return;
	/* header and status word only: never the data, it may hold a seed */
	fprintf(r->log, "%02X %02X %02X %02X %s%s%s\n", c[0], c[1], c[2], c[3],
	        sw, note[0] != '\0' ? " " : "", note);
	fflush(r->log);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void close_link(emu_run *r)
{
	if (r->vfd >= 0)
		close(r->vfd);
	r->vfd = -1;
	r->have_pending = false;
	r->muted = false;
	r->held = false;
	/* leaving the field switches the token off */
	emu_token_power_event(&r->tok);
}

int emu_run_insert(emu_run *r, char *err, size_t errlen)
{
	r->inserted = true;
	if (r->vfd >= 0)
		return 0;
	r->vfd = emu_vpcd_connect(r->port);
	if (r->vfd < 0) {
		snprintf(err, errlen,
		         "cannot reach vpcd on 127.0.0.1:%u (%s); is "
		         "pcscd running with a vpcd reader on that port?",
		         (unsigned)r->port, strerror(errno));
		return -1;
	}
	return 0;
}

/* The card is out of the reader: do what the leave asked for and answer
 * the control client. */
static void finish_leave(emu_run *r)
{
	char err[512], out[600];
	emu_leave how = r->leaving;

	close_link(r);
	r->leaving = EMU_LEAVE_NONE;
	r->inserted = false;
	snprintf(out, sizeof(out), "ok removed");
	if (how == EMU_LEAVE_LOAD) {
		emu_token_wipe(&r->tok);
		r->tok = r->next_tok;
		emu_token_wipe(&r->next_tok);
		memcpy(r->state_path, r->next_path, sizeof(r->state_path));
		snprintf(out, sizeof(out), "ok loaded %s", r->tok.serial);
	}
	if (how == EMU_LEAVE_CYCLE || how == EMU_LEAVE_LOAD) {
		if (emu_run_insert(r, err, sizeof(err)) != 0)
			snprintf(out, sizeof(out), "error: %s", err);
		else if (how == EMU_LEAVE_CYCLE)
			snprintf(out, sizeof(out), "ok power-cycled");
	}
	emu_ctl_reply(r->ctl_wait_fd, out);
	r->ctl_wait_fd = -1;
}

/* Time vpcd gets to poll the card and see it gone before the link is cut
 * anyway (pcscd polls about every 0.4 s). */
#define LEAVE_MS 3000

void emu_run_leave(emu_run *r, emu_leave how, int ctl_fd)
{
	r->leaving = how;
	r->ctl_wait_fd = ctl_fd;
	/* no link, or vpcd stuck waiting for a muted answer: no poll will
	 * come, cut the link now */
	if (r->vfd < 0 || r->muted) {
		finish_leave(r);
		return;
	}
	r->leave_deadline_ms = now_ms() + LEAVE_MS;
}

/* The answer of one C-APDU with the faults applied.  Returns the R-APDU
 * length, or 0 when no answer must be sent. */
static size_t answer(emu_run *r, const uint8_t *c, size_t clen, uint8_t *out,
                     const char **note)
{
	const emu_faults *f = &r->faults;
	uint8_t ins = c[1];
	size_t n;
	char err[512];

	if (f->mute[ins]) {
		*note = "mute";
		return 0;
	}
	if (f->hang_at != 0 && r->count == f->hang_at) {
		*note = "hang";
		return 0;
	}
	if (f->foreign) {
		out[0] = 0x6D;
		out[1] = 0x00;
		return 2;
	}
	if (f->has_sw[ins]) {
		out[0] = (uint8_t)(f->sw[ins] >> 8);
		out[1] = (uint8_t)(f->sw[ins] & 0xFFu);
		*note = "fault-sw";
		return 2;
	}
	if (f->garbage[ins]) {
		static const uint8_t junk[] = {0xDE, 0xAD, 0xBE, 0xEF,
		                               0x55, 0x90, 0x00};
		memcpy(out, junk, sizeof(junk));
		*note = "garbage";
		return sizeof(junk);
	}
	if (f->t0 && c[0] == 0x00 && ins == 0xC0 && r->have_pending) {
		/* GET RESPONSE: hand over what the previous command left */
		n = r->pending_len;
		memcpy(out, r->pending, n);
		out[n] = 0x90;
		out[n + 1] = 0x00;
		r->have_pending = false;
		return n + 2;
	}
	if (f->wrong_le && c[0] == 0x80 && (ins == 0x41 || ins == 0x4B) &&
	    clen >= 5) {
		/* the data length a contact reader's card would insist on */
		size_t want =
			ins == 0x4B ? 8 : 3 + 1 + strlen(r->tok.serial) + 2 + 4;
		if (clen == 5u + c[4]) {
			out[0] = 0x6C;
			out[1] = (uint8_t)want;
			*note = "wrong-le";
			return 2;
		}
		if (clen == 6u + c[4] && c[clen - 1] == want)
			clen--; /* the right Le: drop it, execute as usual */
	}
	r->have_pending = false;
	r->tok.locked = f->locked;
	n = emu_token_handle(&r->tok, (int64_t)time(NULL), c, clen, out);
	/* A token whose clock takes another time than the one written. */
	if (f->clock_skew != 0 && c[0] == 0x84 && ins == 0xD4 && n == 2 &&
	    out[0] == 0x90 && out[1] == 0x00)
		r->tok.clock_base += f->clock_skew;
	if (r->tok.dirty) {
		r->tok.dirty = false;
		if (emu_state_save(r->state_path, &r->tok, err, sizeof(err)) !=
		    0) {
			fprintf(stderr, "safeid-emu: %s\n", err);
			/* 6581 memory failure: the write did not persist */
			out[0] = 0x65;
			out[1] = 0x81;
			return 2;
		}
	}
	if (f->t0 && n > 2 && out[n - 2] == 0x90 && out[n - 1] == 0x00) {
		r->pending_len = n - 2;
		memcpy(r->pending, out, n - 2);
		r->have_pending = true;
		out[0] = 0x61;
		out[1] = (uint8_t)(n - 2);
		OPENSSL_cleanse(out + 2, n - 2);
		return 2;
	}
	return n;
}

/* APDU r->count: answer it (or not, as the faults say) and log it. */
static void handle_apdu(emu_run *r, const uint8_t *c, size_t clen)
{
	uint8_t out[EMU_RAPDU_MAX];
	char swtext[8];
	const char *note = "";
	size_t n;

	if (r->faults.drop_at != 0 && r->count == r->faults.drop_at) {
		r->faults.drop_at = 0;
		log_apdu(r, c, "----", "drop");
		/* the token left the field mid-command: it stays out until
		 * `ctl insert`, like a token taken away */
		close_link(r);
		r->inserted = false;
		return;
	}
	n = answer(r, c, clen, out, &note);
	if (n == 0) {
		log_apdu(r, c, "----", note);
		r->muted = true;
		r->held = strcmp(note, "hang") == 0;
		return;
	}
	snprintf(swtext, sizeof(swtext), "%02X%02X", out[n - 2], out[n - 1]);
	if (r->faults.drop_exec_at != 0 && r->count == r->faults.drop_exec_at) {
		r->faults.drop_exec_at = 0;
		log_apdu(r, c, swtext, "drop-exec");
		close_link(r);
		r->inserted = false;
		goto done;
	}
	log_apdu(r, c, swtext, note);
	if (emu_vpcd_write(r->vfd, out, n) != 0)
		close_link(r);
done:
	OPENSSL_cleanse(out, sizeof(out));
}

static void on_apdu(emu_run *r, const uint8_t *c, size_t clen)
{
	r->count++;
	handle_apdu(r, c, clen);
	/* After the log line: a test woken by wait-count finds the APDU
	 * there (a muted one too, which is never answered). */
	if (r->count_wait_fd >= 0 && r->count >= r->count_wait_n) {
		char done[32];

		snprintf(done, sizeof(done), "%lu", r->count);
		emu_ctl_reply(r->count_wait_fd, done);
		r->count_wait_fd = -1;
	}
}

static void on_frame(emu_run *r)
{
	uint8_t buf[EMU_VPCD_FRAME_MAX];
	uint8_t atr[32];
	long len = emu_vpcd_read(r->vfd, buf, sizeof(buf));

	if (len <= 0) {
		if (r->leaving != EMU_LEAVE_NONE)
			finish_leave(r); /* vpcd has seen the card gone */
		else
			close_link(
				r); /* pcscd went away: reconnect as a new card */
		return;
	}
	if (len == 1) {
		switch (buf[0]) {
		case EMU_VPCD_ATR:
			/* on the way out, closing the link instead of answering
			 * this presence poll makes vpcd report "no card" now */
			if (r->leaving != EMU_LEAVE_NONE) {
				finish_leave(r);
				return;
			} else if (emu_vpcd_write(r->vfd, atr,
			                          emu_vpcd_atr(atr)) != 0) {
				close_link(r);
			}
			break;
		case EMU_VPCD_POWER_OFF:
		case EMU_VPCD_POWER_ON:
		case EMU_VPCD_RESET:
			r->have_pending = false;
			emu_token_power_event(&r->tok);
			break;
		default:
			break;
		}
	} else if (len >= 4) {
		on_apdu(r, buf, (size_t)len);
	} else {
		/* 2 or 3 bytes cannot be an APDU: answer as a card would */
		static const uint8_t wrong_length[] = {0x67, 0x00};
		if (emu_vpcd_write(r->vfd, wrong_length, 2) != 0)
			close_link(r);
	}
	OPENSSL_cleanse(buf, (size_t)len);
}

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* no SA_RESTART: poll() must return so the loop sees the request */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

int emu_run_main(emu_run *r)
{
	struct pollfd pfd[2];
	char err[512];

	install_signals();
	r->vfd = -1;
	r->ctl_wait_fd = -1;
	r->count_wait_fd = -1;
	while (!stop_requested) {
		nfds_t n = 0;
		int timeout = -1, vidx = -1, lidx = -1;

		if (r->inserted && r->vfd < 0 && r->leaving == EMU_LEAVE_NONE &&
		    emu_run_insert(r, err, sizeof(err)) != 0)
			timeout = RECONNECT_MS; /* the reader is not up yet */
		if (r->leaving != EMU_LEAVE_NONE) {
			long long left = r->leave_deadline_ms - now_ms();
			if (left <= 0) {
				finish_leave(r);
				continue;
			}
			timeout = (int)left;
		}
		if (r->vfd >= 0) {
			vidx = (int)n;
			pfd[n].fd = r->vfd;
			pfd[n++].events = POLLIN;
		}
		/* one control command at a time: new ones wait in the backlog
		 * while a removal is in progress */
		if (r->lfd >= 0 && r->leaving == EMU_LEAVE_NONE) {
			lidx = (int)n;
			pfd[n].fd = r->lfd;
			pfd[n++].events = POLLIN;
		}
		if (poll(pfd, n, timeout) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "safeid-emu: poll failed: %s\n",
			        strerror(errno));
			return 1;
		}
		if (vidx >= 0 && pfd[vidx].revents != 0)
			on_frame(r);
		if (lidx >= 0 && pfd[lidx].revents != 0)
			emu_ctl_serve_one(r);
	}
	if (r->ctl_wait_fd >= 0)
		emu_ctl_reply(r->ctl_wait_fd,
		              "error: the emulator is stopping");
	if (r->count_wait_fd >= 0)
		emu_ctl_reply(r->count_wait_fd,
		              "error: the emulator is stopping");
	close_link(r);
	emu_token_wipe(&r->next_tok);
	return 0;
}
