/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * QR codes on the screen: every monitor of the X11 display, not only the
 * primary one, since the QR code is often on the browser's monitor.
 * Monitors come from RandR 1.5 (XRRGetMonitors), else Xinerama (Xvfb and
 * older servers with +xinerama), else each X screen's whole root window.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <X11/Xlib.h>
#include <X11/extensions/Xinerama.h>
#include <X11/extensions/Xrandr.h>

#include "grab.h"

void input_screen_result_clear(input_screen_result *r)
{
	if (r == NULL)
		return;
	input_qr_list_clear(&r->codes);
	memset(r, 0, sizeof(*r));
}

static void scr_add(input_screen_result *r, const char *name, int x, int y,
                    unsigned w, unsigned h)
{
	input_monitor *m;

	if (r->monitor_count >= INPUT_MONITORS_MAX || w == 0 || h == 0)
		return;
	m = &r->monitors[r->monitor_count++];
	snprintf(m->name, sizeof(m->name), "%s", name);
	m->x = x;
	m->y = y;
	m->width = w;
	m->height = h;
	m->codes = 0;
}

static int scr_randr(Display *d, int screen, input_screen_result *r)
{
	int ev, er, major = 0, minor = 0, n = 0;
	XRRMonitorInfo *mons;

	if (!XRRQueryExtension(d, &ev, &er) ||
	    !XRRQueryVersion(d, &major, &minor) || major < 1 ||
	    (major == 1 && minor < 5))
		return 0;
	mons = XRRGetMonitors(d, RootWindow(d, screen), True, &n);
	if (mons == NULL)
		return 0;
	for (int i = 0; i < n; i++) {
		char *an = mons[i].name != None ? XGetAtomName(d, mons[i].name)
		                                : NULL;
		char name[64];
		snprintf(name, sizeof(name), "%s", an ? an : "monitor");
		if (an != NULL)
			XFree(an);
		scr_add(r, name, mons[i].x, mons[i].y, (unsigned)mons[i].width,
		        (unsigned)mons[i].height);
	}
	XRRFreeMonitors(mons);
	return n;
}

static int scr_xinerama(Display *d, input_screen_result *r)
{
	int n = 0;
	XineramaScreenInfo *xs;

	if (!XineramaIsActive(d))
		return 0;
	xs = XineramaQueryScreens(d, &n);
	if (xs == NULL)
		return 0;
	for (int i = 0; i < n; i++) {
		char name[32];
		snprintf(name, sizeof(name), "xinerama-%d",
		         xs[i].screen_number);
		scr_add(r, name, xs[i].x_org, xs[i].y_org,
		        (unsigned)xs[i].width, (unsigned)xs[i].height);
	}
	XFree(xs);
	return n;
}

/* RandR when it knows the layout; Xinerama when it knows more heads (a
 * server joining X screens with Xinerama reports one RandR monitor). */
static int scr_pick_monitors(Display *d, int screen, input_screen_result *r)
{
	size_t first = r->monitor_count;
	int nr = scr_randr(d, screen, r), nx;

	if (screen != 0 || !XineramaIsActive(d))
		return nr;
	{
		int cnt = 0;
		XineramaScreenInfo *xs = XineramaQueryScreens(d, &cnt);
		if (xs != NULL)
			XFree(xs);
		if (cnt <= nr)
			return nr;
	}
	r->monitor_count = first;
	nx = scr_xinerama(d, r);
	return nx;
}

/* Mirrored or overlapping monitors show the same code at the same place:
 * list it once, under the first monitor that shows it. */
static int scr_seen(const input_qr_list *l, const input_qr_code *c, int dx,
                    int dy)
{
	for (size_t i = 0; i < l->count; i++) {
		const input_qr_code *o = &l->items[i];
		if (o->len == c->len && memcmp(o->text, c->text, c->len) == 0 &&
		    abs(o->x - (c->x + dx)) < 8 && abs(o->y - (c->y + dy)) < 8)
			return 1;
	}
	return 0;
}

/* Grab one monitor and add its codes in root coordinates. */
static int scr_monitor(Display *d, int screen, unsigned rw, unsigned rh,
                       size_t idx, input_screen_result *r, input_error *err)
{
	input_monitor *m = &r->monitors[idx];
	input_qr_list found = {0};
	uint8_t *g = NULL;
	int x0 = m->x < 0 ? 0 : m->x, y0 = m->y < 0 ? 0 : m->y;
	int x1 = m->x + (int)m->width, y1 = m->y + (int)m->height;
	unsigned w, h;
	int rc;

	if (x1 > (int)rw)
		x1 = (int)rw;
	if (y1 > (int)rh)
		y1 = (int)rh;
	if (x1 <= x0 || y1 <= y0)
		return INPUT_OK;
	w = (unsigned)(x1 - x0);
	h = (unsigned)(y1 - y0);
	rc = grab_gray(d, screen, x0, y0, w, h, &g, m->name, err);
	if (rc != INPUT_OK)
		goto fail;
	rc = input_qr_decode_gray(g, w, h, &found, err);
	if (rc == INPUT_ERR_NO_QR) {
		rc = INPUT_OK;
		goto fail;
	}
	if (rc != INPUT_OK)
		goto fail;
	for (size_t i = 0; i < found.count; i++) {
		const input_qr_code *c = &found.items[i];
		if (scr_seen(&r->codes, c, x0, y0))
			continue;
		rc = input_qr_list_push(&r->codes, c->text, c->len, c->x + x0,
		                        c->y + y0, c->width, c->height,
		                        (int)idx);
		if (rc != INPUT_OK) {
			input_fail(err, rc, "out of memory listing QR codes");
			goto fail;
		}
		m->codes++;
	}
fail:
	input_qr_list_clear(&found);
	input_secret_free(g, (size_t)w * h);
	return rc;
}

/* "DP-1 1920x1080+0+0, HDMI-1 1280x1024+1920+0" for the no-code message. */
static void scr_describe(const input_screen_result *r, char *buf, size_t cap)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < r->monitor_count && o + 1 < cap; i++) {
		const input_monitor *m = &r->monitors[i];
		int n = snprintf(buf + o, cap - o, "%s%s %ux%u+%d+%d",
		                 i ? ", " : "", m->name, m->width, m->height,
		                 m->x, m->y);
		if (n < 0 || (size_t)n >= cap - o)
			break;
		o += (size_t)n;
	}
}

static int scr_open(const char *display, Display **d, input_error *err)
{
	const char *env = getenv("DISPLAY");
	const char *way = getenv("WAYLAND_DISPLAY");

	if ((display == NULL || display[0] == '\0') &&
	    (env == NULL || env[0] == '\0')) {
		if (way != NULL && way[0] != '\0')
			return input_fail(
				err, INPUT_ERR_WAYLAND,
				"this is a Wayland session without X11 (WAYLAND_DISPLAY is set, DISPLAY is not), so the screen cannot be read directly; %s",
				input_advice(
					"use a screenshot command, e.g. --screenshot-cmd 'grim -' (wlroots) or --screenshot-cmd 'gnome-screenshot -f {file}'",
					"take a screenshot of the QR code and open it with \"Open QR image…\""));
		return input_fail(
			err, INPUT_ERR_NO_DISPLAY,
			"no graphical display: DISPLAY is not set; %s",
			input_advice(
				"run this in the desktop session, or save the QR code as an image and use --qr FILE",
				"save the QR code as an image and open it with \"Open QR image…\""));
	}
	*d = XOpenDisplay(display);
	if (*d == NULL)
		return input_fail(
			err, INPUT_ERR_NO_DISPLAY,
			"the X11 display %s cannot be opened; check DISPLAY and that you may use it (xhost/XAUTHORITY), or %s",
			display ? display : env,
			input_advice(
				"use --qr FILE",
				"save the QR code as an image and open it with \"Open QR image…\""));
	return INPUT_OK;
}

int input_screen_scan(const char *display, input_screen_result *out,
                      input_error *err)
{
	Display *d = NULL;
	XErrorHandler old;
	int rc;

	if (out == NULL)
		return input_fail(err, INPUT_ERR_ARG,
		                  "screen scan: missing argument");
	memset(out, 0, sizeof(*out));
	if ((rc = scr_open(display, &d, err)) != INPUT_OK)
		return rc;
	old = grab_errors_begin();
	for (int s = 0; s < ScreenCount(d); s++) {
		unsigned rw = (unsigned)DisplayWidth(d, s),
			 rh = (unsigned)DisplayHeight(d, s);
		size_t first = out->monitor_count;

		if (scr_pick_monitors(d, s, out) == 0) {
			char name[32];
			snprintf(name, sizeof(name), "screen-%d", s);
			scr_add(out, name, 0, 0, rw, rh);
		}
		for (size_t i = first; i < out->monitor_count; i++)
			if ((rc = scr_monitor(d, s, rw, rh, i, out, err)) !=
			    INPUT_OK)
				goto fail;
	}
	rc = INPUT_OK;
	if (out->codes.count == 0) {
		char desc[INPUT_MSG_MAX / 2];
		scr_describe(out, desc, sizeof(desc));
		const char *way = getenv("WAYLAND_DISPLAY");
		/* under XWayland an X11 grab shows X11 windows only */
		rc = input_fail(
			err, INPUT_ERR_NO_QR,
			"no QR code found on the screen (searched %zu monitor%s: %s); show the whole QR code uncovered, zoom in if it is small, or save it as an image and %s%s",
			out->monitor_count, out->monitor_count == 1 ? "" : "s",
			desc,
			input_advice("use --qr FILE",
		                     "open it with \"Open QR image…\""),
			(way != NULL && way[0] != '\0')
				? input_advice(
					  "; this is a Wayland session, where only X11 windows can be read this way: try --screenshot-cmd 'grim -'",
					  "; this is a Wayland session, where only X11 windows can be read this way")
				: "");
	}
fail:
	grab_errors_end(old);
	XCloseDisplay(d);
	return rc;
}
