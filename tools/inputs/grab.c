/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Grabbing X11 screen areas.  A 4K monitor is 33 MB of pixels: through the
 * X socket (XGetImage) that copy dominates a screen scan, so shared memory
 * (MIT-SHM) is used when the server offers it and accepts our segment
 * (it is local); otherwise plain XGetImage.  The pixels show the QR code,
 * i.e. the secret, so every buffer is wiped before it is released.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>

#include <X11/Xutil.h>
#include <X11/extensions/XShm.h>

#include "grab.h"

static int grab_xerror;

static int grab_on_xerror(Display *d, XErrorEvent *e)
{
	(void)d;
	grab_xerror = e->error_code ? e->error_code : 1;
	return 0;
}

XErrorHandler grab_errors_begin(void)
{
	grab_xerror = 0;
	return XSetErrorHandler(grab_on_xerror);
}

void grab_errors_end(XErrorHandler old)
{
	XSetErrorHandler(old);
}

static unsigned grab_channel(unsigned long px, unsigned long mask)
{
	unsigned shift = 0, bits = 0;

	if (mask == 0)
		return 0;
	while (!(mask & 1ul)) {
		mask >>= 1;
		shift++;
	}
	while (mask & 1ul) {
		mask >>= 1;
		bits++;
	}
	px = (px >> shift) & ((1ul << bits) - 1ul);
	return bits >= 8 ? (unsigned)(px >> (bits - 8))
	                 : (unsigned)((px * 255ul) / ((1ul << bits) - 1ul));
}

/* XImage (TrueColor) to 8-bit grey. */
static uint8_t *grab_to_gray(XImage *im)
{
	unsigned w = (unsigned)im->width, h = (unsigned)im->height;
	uint8_t *g = malloc((size_t)w * h);
	int fast = im->bits_per_pixel == 32 && im->byte_order == LSBFirst &&
	           im->red_mask == 0xff0000ul && im->green_mask == 0xff00ul &&
	           im->blue_mask == 0xfful;

	if (g == NULL)
		return NULL;
	for (unsigned y = 0; y < h; y++) {
		const uint8_t *row = (const uint8_t *)im->data +
		                     (size_t)y * (size_t)im->bytes_per_line;
		uint8_t *o = g + (size_t)y * w;
		if (fast) {
			for (unsigned x = 0; x < w; x++, row += 4)
				o[x] = (uint8_t)((row[2] * 77u + row[1] * 150u +
				                  row[0] * 29u) >>
				                 8);
			continue;
		}
		for (unsigned x = 0; x < w; x++) {
			unsigned long p = XGetPixel(im, (int)x, (int)y);
			unsigned rr = grab_channel(p, im->red_mask);
			unsigned gg = grab_channel(p, im->green_mask);
			unsigned bb = grab_channel(p, im->blue_mask);
			o[x] = (uint8_t)((rr * 77u + gg * 150u + bb * 29u) >>
			                 8);
		}
	}
	return g;
}

/* MIT-SHM grab; NULL when the extension is missing or the server cannot
 * map our segment (a remote display), so the caller falls back. */
static uint8_t *grab_shm(Display *d, int screen, int x, int y, unsigned w,
                         unsigned h)
{
	XShmSegmentInfo seg;
	XImage *im;
	uint8_t *g = NULL;
	size_t bytes;
	int attached = 0;

	if (!XShmQueryExtension(d))
		return NULL;
	memset(&seg, 0, sizeof(seg));
	seg.shmid = -1;
	seg.shmaddr = (char *)-1;
	im = XShmCreateImage(d, DefaultVisual(d, screen),
	                     (unsigned)DefaultDepth(d, screen), ZPixmap, NULL,
	                     &seg, w, h);
	if (im == NULL)
		return NULL;
	bytes = (size_t)im->bytes_per_line * (size_t)im->height;
	seg.shmid = shmget(IPC_PRIVATE, bytes, IPC_CREAT | 0600);
	if (seg.shmid < 0)
		goto fail;
	seg.shmaddr = im->data = shmat(seg.shmid, NULL, 0);
	if (seg.shmaddr == (char *)-1)
		goto fail;
	seg.readOnly = False;
	grab_xerror = 0;
	attached = XShmAttach(d, &seg) && (XSync(d, False), grab_xerror == 0);
	if (!attached)
		goto fail;
	if (XShmGetImage(d, RootWindow(d, screen), im, x, y, AllPlanes) &&
	    (XSync(d, False), grab_xerror == 0))
		g = grab_to_gray(im);
fail:
	if (attached) {
		XShmDetach(d, &seg);
		XSync(d, False);
	}
	if (seg.shmaddr != (char *)-1) {
		input_wipe(seg.shmaddr, bytes);
		shmdt(seg.shmaddr);
	}
	if (seg.shmid >= 0)
		shmctl(seg.shmid, IPC_RMID, NULL);
	im->data = NULL; /* not malloc'd: XDestroyImage must not free it */
	XDestroyImage(im);
	return g;
}

static uint8_t *grab_plain(Display *d, int screen, int x, int y, unsigned w,
                           unsigned h)
{
	XImage *im;
	uint8_t *g = NULL;

	grab_xerror = 0;
	im = XGetImage(d, RootWindow(d, screen), x, y, w, h, AllPlanes,
	               ZPixmap);
	XSync(d, False);
	if (im == NULL)
		return NULL;
	if (grab_xerror == 0)
		g = grab_to_gray(im);
	input_wipe(im->data, (size_t)im->bytes_per_line * (size_t)im->height);
	XDestroyImage(im);
	return g;
}

int grab_gray(Display *d, int screen, int x, int y, unsigned w, unsigned h,
              uint8_t **gray, const char *name, input_error *err)
{
	*gray = grab_shm(d, screen, x, y, w, h);
	if (*gray == NULL)
		*gray = grab_plain(d, screen, x, y, w, h);
	if (*gray == NULL)
		return input_fail(
			err, INPUT_ERR_CAPTURE,
			"monitor %s (%ux%u at %d,%d) could not be captured (X error %d); save the QR code as an image and %s",
			name, w, h, x, y, grab_xerror,
			input_advice("use --qr FILE",
		                     "open it with \"Open QR image…\""));
	return INPUT_OK;
}
