/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * X11 screen grabs as 8-bit grey (grab.c); used by screen.c only.
 */
#ifndef INPUTS_GRAB_H
#define INPUTS_GRAB_H

#include <X11/Xlib.h>

#include "internal.h"

/* Route X errors to a flag instead of Xlib's default handler (which would
 * end the program); returns the previous handler for grab_errors_end(). */
XErrorHandler grab_errors_begin(void);
void grab_errors_end(XErrorHandler old);

/* Grab the rectangle of screen `screen` (inside its root window) as grey
 * pixels (w*h bytes, heap; release with input_secret_free). */
int grab_gray(Display *d, int screen, int x, int y, unsigned w, unsigned h,
              uint8_t **gray, const char *name, input_error *err);

#endif
