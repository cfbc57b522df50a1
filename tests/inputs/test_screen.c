/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Screen capture under Xvfb with two monitors, the QR code drawn by our own
 * X client, found by input_screen_scan.  Two set-ups, one per way monitors
 * are found:
 *   randr:    one wide screen split in two with XRRSetMonitor (RandR 1.5),
 *             the code on the second monitor;
 *   xinerama: two X screens joined with +xinerama (Xinerama path), and
 *             without MIT-SHM, so the plain XGetImage grab is used.
 * Each Xvfb picks a free display itself and reports it through -displayfd
 * (the wait is for that report, bounded by alarm()); it is stopped by PID.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/extensions/Xrandr.h>

#include "inputs.h"
#include "internal.h"
#include "unit.h"

#define GOOD_PREFIX "otpauth://totp/ACME%20Co:alice@example.com?secret="
#define XVFB_WAIT_S 20

struct xserver {
	pid_t pid;
	char display[48];
};

static struct xserver xin = {-1, ""}, xrr = {-1, ""};
static const char *qr_path;

/* Start Xvfb with extra args; wait for its display number on a pipe. */
static int xvfb_start(struct xserver *x, const char *const *extra,
                      size_t nextra)
{
	int fd[2];
	char fdarg[16], buf[32];
	const char *argv[24];
	size_t n = 0, got = 0;

	if (pipe(fd) != 0)
		return -1;
	snprintf(fdarg, sizeof(fdarg), "%d", fd[1]);
	argv[n++] = "Xvfb";
	argv[n++] = "-displayfd";
	argv[n++] = fdarg;
	argv[n++] = "-nolisten";
	argv[n++] = "tcp";
	argv[n++] = "-noreset";
	for (size_t i = 0; i < nextra && n < 22; i++)
		argv[n++] = extra[i];
	argv[n] = NULL;
	x->pid = fork();
	if (x->pid < 0)
		return -1;
	if (x->pid == 0) {
		close(fd[0]);
		execvp("Xvfb", (char *const *)(uintptr_t)argv);
		_exit(127);
	}
	close(fd[1]);
	alarm(XVFB_WAIT_S); /* the bound: SIGALRM ends a stuck wait */
	while (got < sizeof(buf) - 1) {
		ssize_t r = read(fd[0], buf + got, sizeof(buf) - 1 - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
		if (memchr(buf, '\n', got) != NULL)
			break;
	}
	alarm(0);
	close(fd[0]);
	buf[got] = '\0';
	if (got == 0 || buf[0] < '0' || buf[0] > '9')
		return -1;
	buf[strcspn(buf, "\n")] = '\0';
	snprintf(x->display, sizeof(x->display), ":%s", buf);
	return 0;
}

static void xvfb_stop(struct xserver *x)
{
	if (x->pid <= 0)
		return;
	kill(x->pid, SIGTERM);
	while (waitpid(x->pid, NULL, 0) < 0 && errno == EINTR)
		;
	x->pid = -1;
}

/* Split the wide root into two RandR monitors, replacing the automatic one. */
static void randr_two_monitors(Display *d)
{
	Window root = DefaultRootWindow(d);
	XRRScreenResources *res = XRRGetScreenResources(d, root);
	XRRMonitorInfo *m;
	int w = DisplayWidth(d, 0), h = DisplayHeight(d, 0);

	ck_assert_ptr_nonnull(res);
	ck_assert_int_ge(res->noutput, 1);
	m = XRRAllocateMonitor(d, 1);
	m->name = XInternAtom(d, "LEFT-1", False);
	m->x = 0;
	m->y = 0;
	m->width = 3840;
	m->height = h;
	m->mwidth = 600;
	m->mheight = 200;
	m->outputs[0] = res->outputs[0]; /* takes over the output's monitor */
	XRRSetMonitor(d, root, m);
	XFree(m);
	m = XRRAllocateMonitor(d, 0);
	m->name = XInternAtom(d, "RIGHT-2", False);
	m->x = 3840;
	m->y = 0;
	m->width = w - 3840;
	m->height = h;
	m->mwidth = 250;
	m->mheight = 200;
	XRRSetMonitor(d, root, m);
	XFree(m);
	XRRFreeScreenResources(res);
	XSync(d, False);
}

/* Show the QR image in a window at (x, y); returns after it is drawn. */
static Window show_qr(Display *d, int x, int y)
{
	input_image img;
	input_error e;
	FILE *f = fopen(qr_path, "rb");
	uint8_t *file = malloc(1 << 20);
	size_t n;
	char *px;
	XImage *xi;
	XSetWindowAttributes wa;
	XEvent ev;
	Window w;
	GC gc;

	ck_assert_ptr_nonnull(f);
	n = fread(file, 1, 1 << 20, f);
	fclose(f);
	ck_assert_int_eq(input_image_load(file, n, qr_path, &img, &e), 0);
	free(file);
	px = malloc((size_t)img.width * img.height * 4);
	for (size_t i = 0; i < (size_t)img.width * img.height; i++) {
		px[i * 4] = px[i * 4 + 1] = px[i * 4 + 2] = (char)img.px[i];
		px[i * 4 + 3] = 0;
	}
	memset(&wa, 0, sizeof(wa));
	wa.override_redirect = True;
	wa.background_pixel = WhitePixel(d, DefaultScreen(d));
	w = XCreateWindow(d, DefaultRootWindow(d), x, y, img.width, img.height,
	                  0, CopyFromParent, InputOutput, CopyFromParent,
	                  CWOverrideRedirect | CWBackPixel, &wa);
	XSelectInput(d, w, ExposureMask);
	XMapRaised(d, w);
	alarm(XVFB_WAIT_S);
	do
		XNextEvent(d, &ev);
	while (ev.type != Expose);
	alarm(0);
	xi = XCreateImage(d, DefaultVisual(d, DefaultScreen(d)), 24, ZPixmap, 0,
	                  px, img.width, img.height, 32, 0);
	ck_assert_ptr_nonnull(xi);
	gc = XCreateGC(d, w, 0, NULL);
	XPutImage(d, w, gc, xi, 0, 0, 0, 0, img.width, img.height);
	XSync(d, False);
	XFreeGC(d, gc);
	XDestroyImage(xi); /* frees px */
	input_image_free(&img);
	return w;
}

/* Scan an empty screen: NO_QR, and the message lists what was searched. */
static void check_empty(const char *display, const char *size_part)
{
	input_screen_result r;
	input_error e = {0};
	int rc = input_screen_scan(display, &r, &e);

	ck_assert_msg(rc == INPUT_ERR_NO_QR, "%s: %s", input_errname(rc),
	              e.msg);
	ck_assert_uint_eq(r.monitor_count, 2);
	ck_assert_msg(strstr(e.msg, "2 monitors") && strstr(e.msg, size_part),
	              "%s", e.msg);
	printf("%s empty: %s\n", display, e.msg);
	input_screen_result_clear(&r);
}

static void print_result(const char *display, const input_screen_result *r)
{
	for (size_t i = 0; i < r->monitor_count; i++)
		printf("%s: monitor %s %ux%u+%d+%d: %zu code(s)\n", display,
		       r->monitors[i].name, r->monitors[i].width,
		       r->monitors[i].height, r->monitors[i].x,
		       r->monitors[i].y, r->monitors[i].codes);
	for (size_t i = 0; i < r->codes.count; i++)
		printf("%s: code on monitor %d at %d,%d (%dx%d)\n", display,
		       r->codes.items[i].monitor, r->codes.items[i].x,
		       r->codes.items[i].y, r->codes.items[i].width,
		       r->codes.items[i].height);
}

static double wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* One wide screen split into two RandR monitors (a 4K one and a portrait
 * one); the code on the second. */
START_TEST(randr_second_monitor)
{
	input_screen_result r;
	input_error e = {0};
	Display *d = XOpenDisplay(xrr.display);
	double t0;
	int rc;

	ck_assert_ptr_nonnull(d);
	randr_two_monitors(d);
	check_empty(xrr.display, "RIGHT-2 1024x2160+3840+0");
	show_qr(d, 3840 + 200, 150);
	t0 = wall_ms();
	rc = input_screen_scan(xrr.display, &r, &e);
	printf("%s: 3840x2160 + 1024x2160 captured and scanned in %.1f ms\n",
	       xrr.display, wall_ms() - t0);
	ck_assert_msg(rc == INPUT_OK, "%s: %s", input_errname(rc), e.msg);
	print_result(xrr.display, &r);
	ck_assert_uint_eq(r.monitor_count, 2);
	ck_assert_str_eq(r.monitors[1].name, "RIGHT-2");
	ck_assert_uint_eq(r.codes.count, 1);
	ck_assert_int_eq(r.codes.items[0].monitor, 1);
	ck_assert_uint_eq(r.monitors[0].codes, 0);
	ck_assert_uint_eq(r.monitors[1].codes, 1);
	ck_assert_int_ge(r.codes.items[0].x, 3840 + 200);
	ck_assert_int_lt(r.codes.items[0].x, 3840 + 200 + 60);
	ck_assert_int_eq(strncmp(r.codes.items[0].text, GOOD_PREFIX,
	                         strlen(GOOD_PREFIX)),
	                 0);
	input_screen_result_clear(&r);
	XCloseDisplay(d);
}
END_TEST

/* Two X screens joined by Xinerama.  Xvfb puts both heads at the origin, so
 * the second (1024x768) lies inside the first: a code there is seen by both
 * heads, as on mirrored monitors, and must be listed once. */
START_TEST(xinerama_heads_deduplicated)
{
	input_screen_result r;
	input_error e = {0};
	Display *d = XOpenDisplay(xin.display);
	int rc;

	ck_assert_ptr_nonnull(d);
	check_empty(xin.display, "xinerama-1 1024x768");
	show_qr(d, 300, 200);
	rc = input_screen_scan(xin.display, &r, &e);
	ck_assert_msg(rc == INPUT_OK, "%s: %s", input_errname(rc), e.msg);
	print_result(xin.display, &r);
	ck_assert_uint_eq(r.monitor_count, 2);
	ck_assert_str_eq(r.monitors[1].name, "xinerama-1");
	ck_assert_uint_eq(r.codes.count, 1);
	ck_assert_int_eq(r.codes.items[0].monitor, 0);
	ck_assert_int_eq(strncmp(r.codes.items[0].text, GOOD_PREFIX,
	                         strlen(GOOD_PREFIX)),
	                 0);
	input_screen_result_clear(&r);
	XCloseDisplay(d);
}
END_TEST

static void xvfb_stop_both(void)
{
	xvfb_stop(&xin);
	xvfb_stop(&xrr);
}

Suite *suite_screen(void)
{
	/* no MIT-SHM here: this server exercises the plain XGetImage path */
	static const char *const xin_args[] = {
		"+xinerama",   "-extension", "MIT-SHM", "-screen",    "0",
		"1280x800x24", "-screen",    "1",       "1024x768x24"};
	static const char *const xrr_args[] = {"+extension", "RANDR", "-screen",
	                                       "0", "4864x2160x24"};
	Suite *s = suite_create("screen");
	TCase *t = tcase_create("xvfb");

	qr_path = unit_arg(1, "QR.png");
	if (system("command -v Xvfb >/dev/null 2>&1") != 0)
		unit_skip("Xvfb is not installed (Debian package xvfb)");
	if (xvfb_start(&xin, xin_args, 9) != 0 ||
	    xvfb_start(&xrr, xrr_args, 5) != 0) {
		fprintf(stderr, "test_screen: Xvfb did not start within %d s\n",
		        XVFB_WAIT_S);
		xvfb_stop_both();
		exit(EXIT_FAILURE);
	}
	tcase_set_timeout(t, 60);
	tcase_add_test(t, randr_second_monitor);
	tcase_add_test(t, xinerama_heads_deduplicated);
	tcase_add_unchecked_fixture(t, NULL, xvfb_stop_both);
	suite_add_tcase(s, t);
	return s;
}
