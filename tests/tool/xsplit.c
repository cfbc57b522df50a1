/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * xsplit: split the root window of an X display into two RandR monitors
 * (the left one WIDTH pixels wide, the right one the rest), as a desk with
 * two monitors side by side looks to X clients.  For the screen test under
 * Xvfb, which starts with one monitor.
 *
 *   xsplit DISPLAY LEFT-WIDTH
 *
 * Monitors a client defines live as long as its connection, so xsplit
 * prints "ready" once they exist and then stays connected until its
 * standard input closes (or it is stopped).
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <X11/Xlib.h>
#include <X11/extensions/Xrandr.h>

static int add_monitor(Display *d, Window root, const char *name, int x, int w,
                       int h, RROutput output, int noutputs)
{
	XRRMonitorInfo *m = XRRAllocateMonitor(d, noutputs);

	if (m == NULL)
		return -1;
	m->name = XInternAtom(d, name, False);
	m->x = x;
	m->y = 0;
	m->width = w;
	m->height = h;
	m->mwidth = w / 4;
	m->mheight = h / 4;
	if (noutputs > 0)
		m->outputs[0] = output; /* replaces the output's own monitor */
	XRRSetMonitor(d, root, m);
	XFree(m);
	return 0;
}

int main(int argc, char **argv)
{
	XRRScreenResources *res;
	Display *d;
	Window root;
	int left, w, h, rc = 1;

	if (argc != 3) {
		fprintf(stderr, "usage: xsplit DISPLAY LEFT-WIDTH\n");
		return 2;
	}
	d = XOpenDisplay(argv[1]);
	if (d == NULL) {
		fprintf(stderr, "xsplit: cannot open display %s\n", argv[1]);
		return 1;
	}
	root = DefaultRootWindow(d);
	w = DisplayWidth(d, 0);
	h = DisplayHeight(d, 0);
	left = atoi(argv[2]);
	res = XRRGetScreenResources(d, root);
	if (res == NULL || res->noutput < 1 || left <= 0 || left >= w) {
		fprintf(stderr,
		        "xsplit: no RandR output, or width %d not inside "
		        "the %dx%d screen\n",
		        left, w, h);
		goto fail;
	}
	if (add_monitor(d, root, "LEFT-1", 0, left, h, res->outputs[0], 1) !=
	            0 ||
	    add_monitor(d, root, "RIGHT-2", left, w - left, h, 0, 0) != 0)
		goto fail;
	XSync(d, False);
	printf("ready\n");
	fflush(stdout);
	/* Hold the connection: read stdin until it closes. */
	{
		char buf[64];

		while (read(0, buf, sizeof(buf)) > 0)
			continue;
	}
	rc = 0;
fail:
	if (res != NULL)
		XRRFreeScreenResources(res);
	XCloseDisplay(d);
	return rc;
}
