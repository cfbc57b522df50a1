/*
 * X11 screen grabs as 8-bit grey (grab.c); used by screen.c only.
 */
#ifndef SAFEID_INPUTS_GRAB_H
#define SAFEID_INPUTS_GRAB_H

#include <X11/Xlib.h>

#include "internal.h"

/* Route X errors to a flag instead of Xlib's default handler (which would
 * end the program); returns the previous handler for grab_errors_end(). */
XErrorHandler grab_errors_begin(void);
void grab_errors_end(XErrorHandler old);

/* Grab the rectangle of screen `screen` (inside its root window) as grey
 * pixels (w*h bytes, heap; release with safeid_in_secret_free). */
int grab_gray(Display *d, int screen, int x, int y, unsigned w, unsigned h,
              uint8_t **gray, const char *name, safeid_in_error *err);

#endif
