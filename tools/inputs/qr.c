/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * QR codes from images with libzbar.  Only the QR symbology is enabled
 * (fewer false hits, less time), and large pictures (phone photos, 4K
 * screenshots) are first scanned at reduced size, falling back to full
 * resolution only when that finds nothing: most QR codes on a screen or in
 * a photo are large enough for the small pass.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>
#include <errno.h>

#include <zbar.h>

#include "internal.h"

#define QR_FAST_PIXELS 2500000u /* scan larger images downscaled first */

void input_qr_list_clear(input_qr_list *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->count; i++)
		input_secret_free(l->items[i].text, l->items[i].len + 1);
	free(l->items);
	memset(l, 0, sizeof(*l));
}

int input_qr_list_push(input_qr_list *l, const char *text, size_t len, int x,
                       int y, int w, int h, int monitor)
{
	input_qr_code *c;

	if (l->count == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 4;
		input_qr_code *n = realloc(l->items, ncap * sizeof(*n));
		if (n == NULL)
			return INPUT_ERR_NOMEM;
		l->items = n;
		l->cap = ncap;
	}
	c = &l->items[l->count];
	c->text = malloc(len + 1);
	if (c->text == NULL)
		return INPUT_ERR_NOMEM;
	memcpy(c->text, text, len);
	c->text[len] = '\0';
	c->len = len;
	c->x = x;
	c->y = y;
	c->width = w;
	c->height = h;
	c->monitor = monitor;
	l->count++;
	return INPUT_OK;
}

/* Box-filter downscale by an integer factor. */
static uint8_t *qr_shrink(const uint8_t *px, unsigned w, unsigned h, unsigned f,
                          unsigned *ow, unsigned *oh)
{
	unsigned nw = w / f, nh = h / f;
	uint8_t *o = malloc((size_t)nw * nh);

	if (o == NULL)
		return NULL;
	for (unsigned y = 0; y < nh; y++) {
		for (unsigned x = 0; x < nw; x++) {
			unsigned sum = 0;
			for (unsigned dy = 0; dy < f; dy++) {
				const uint8_t *row = px +
				                     (size_t)(y * f + dy) * w +
				                     (size_t)x * f;
				for (unsigned dx = 0; dx < f; dx++)
					sum += row[dx];
			}
			o[(size_t)y * nw + x] = (uint8_t)(sum / (f * f));
		}
	}
	*ow = nw;
	*oh = nh;
	return o;
}

static void qr_symbol_box(const zbar_symbol_t *s, unsigned scale, int *bx,
                          int *by, int *bw, int *bh)
{
	unsigned n = zbar_symbol_get_loc_size(s);
	int x0 = 0, y0 = 0, x1 = 0, y1 = 0;

	for (unsigned i = 0; i < n; i++) {
		int x = zbar_symbol_get_loc_x(s, i),
		    y = zbar_symbol_get_loc_y(s, i);
		if (i == 0 || x < x0)
			x0 = x;
		if (i == 0 || y < y0)
			y0 = y;
		if (i == 0 || x > x1)
			x1 = x;
		if (i == 0 || y > y1)
			y1 = y;
	}
	*bx = x0 * (int)scale;
	*by = y0 * (int)scale;
	*bw = (x1 - x0 + 1) * (int)scale;
	*bh = (y1 - y0 + 1) * (int)scale;
}

/* One zbar pass; appends what it finds, returns the count or an error. */
static int qr_scan(const uint8_t *px, unsigned w, unsigned h, unsigned scale,
                   int inverted, input_qr_list *out)
{
	zbar_image_scanner_t *sc = NULL;
	zbar_image_t *img = NULL;
	const zbar_symbol_t *s;
	int n, rc = 0;

	sc = zbar_image_scanner_create();
	img = zbar_image_create();
	if (sc == NULL || img == NULL) {
		rc = INPUT_ERR_NOMEM;
		goto fail;
	}
	zbar_image_scanner_set_config(sc, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
	zbar_image_scanner_set_config(sc, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
	/* keep the bytes as encoded: no guessing of text encodings */
	zbar_image_scanner_set_config(sc, ZBAR_QRCODE, ZBAR_CFG_BINARY, 1);
	/* dark-mode pages show light codes on dark ground */
	zbar_image_scanner_set_config(sc, ZBAR_NONE, ZBAR_CFG_TEST_INVERTED,
	                              inverted);
	zbar_image_set_format(img, zbar_fourcc('Y', '8', '0', '0'));
	zbar_image_set_size(img, w, h);
	zbar_image_set_data(img, px, (unsigned long)w * h, NULL);
	n = zbar_scan_image(sc, img);
	if (n < 0) {
		rc = INPUT_ERR_QR_DECODER;
		goto fail;
	}
	for (s = zbar_image_first_symbol(img); s != NULL;
	     s = zbar_symbol_next(s)) {
		int bx, by, bw, bh;
		if (zbar_symbol_get_type(s) != ZBAR_QRCODE)
			continue;
		qr_symbol_box(s, scale, &bx, &by, &bw, &bh);
		rc = input_qr_list_push(out, zbar_symbol_get_data(s),
		                        zbar_symbol_get_data_length(s), bx, by,
		                        bw, bh, -1);
		/* zbar's copy of the text (heap it owns, freed with the image)
		 * may hold a secret: wipe it now we have ours */
		input_wipe((void *)(uintptr_t)zbar_symbol_get_data(s),
		           zbar_symbol_get_data_length(s));
		if (rc != INPUT_OK)
			goto fail;
	}
	rc = INPUT_OK;
fail:
	if (img != NULL)
		zbar_image_destroy(img);
	if (sc != NULL)
		zbar_image_scanner_destroy(sc);
	return rc;
}

/* Top to bottom, then left to right for codes on one row. */
static void qr_sort(input_qr_list *l, size_t from)
{
	for (size_t i = from + 1; i < l->count; i++) {
		input_qr_code t = l->items[i];
		size_t j = i;
		while (j > from) {
			const input_qr_code *p = &l->items[j - 1];
			int same_row =
				abs(p->y - t.y) <
				(p->height < t.height ? p->height : t.height) /
					2;
			if (same_row ? p->x <= t.x : p->y <= t.y)
				break;
			l->items[j] = l->items[j - 1];
			j--;
		}
		l->items[j] = t;
	}
}

int input_qr_decode_gray(const uint8_t *gray, unsigned width, unsigned height,
                         input_qr_list *out, input_error *err)
{
	size_t start, small_len = 0;
	uint8_t *small = NULL;
	int rc = 0;

	if (gray == NULL || out == NULL)
		return input_fail(err, INPUT_ERR_ARG,
		                  "QR decode: missing argument");
	start = out->count;
	if ((unsigned long long)width * height > QR_FAST_PIXELS) {
		unsigned f = 2, sw, sh;
		while ((unsigned long long)(width / f) * (height / f) >
		       QR_FAST_PIXELS)
			f++;
		small = qr_shrink(gray, width, height, f, &sw, &sh);
		if (small == NULL) {
			rc = INPUT_ERR_NOMEM;
			goto fail;
		}
		small_len = (size_t)sw * sh;
		rc = qr_scan(small, sw, sh, f, 1, out);
		if (rc < 0)
			goto fail;
	}
	/* full resolution is for small codes; a small light-on-dark code in
	 * a large picture is rare enough not to double this slow pass */
	if (out->count == start)
		rc = qr_scan(gray, width, height, 1, small == NULL, out);
	if (rc < 0)
		goto fail;
	qr_sort(out, start);
	out->image_width = width;
	out->image_height = height;
	rc = INPUT_OK;
	if (out->count == start)
		rc = input_fail(
			err, INPUT_ERR_NO_QR,
			"no QR code found in the %ux%u image; make sure the whole code is visible, sharp and not too small (at least about 2 pixels per module), or crop the picture around it",
			width, height);
fail:
	if (small != NULL)
		input_secret_free(small, small_len);
	if (rc == INPUT_ERR_NOMEM)
		input_fail(err, rc, "out of memory decoding a %ux%u image",
		           width, height);
	else if (rc == INPUT_ERR_QR_DECODER)
		input_fail(
			err, rc,
			"the QR decoder (zbar) failed on a %ux%u image; save the picture as PNG and retry",
			width, height);
	return rc;
}

int input_qr_decode_buffer(const uint8_t *data, size_t len, const char *what,
                           input_qr_list *out, input_error *err)
{
	input_image img;
	int rc;

	if (data == NULL && len > 0)
		return input_fail(err, INPUT_ERR_ARG,
		                  "QR decode: missing argument");
	if (out == NULL)
		return input_fail(err, INPUT_ERR_ARG,
		                  "QR decode: missing argument");
	rc = input_image_load(data, len, what, &img, err);
	if (rc != INPUT_OK)
		return rc;
	rc = input_qr_decode_gray(img.px, img.width, img.height, out, err);
	if (rc == INPUT_ERR_NO_QR)
		input_fail(
			err, rc,
			"%s: no QR code found in the %ux%u image; make sure the whole code is visible, sharp and not too small, or crop the picture around it",
			input_what(what), img.width, img.height);
	input_image_free(&img);
	return rc;
}

/* A whole regular file, bounded (an image is never a pipe or a device). */
static int qr_read_file(const char *path, input_buf *b, input_error *err)
{
	char shown[256];
	unsigned mode = 0;
	int rc = input_read_file(path, INPUT_FILE_MAX, 0, b, &mode);

	if (rc == INPUT_OK)
		return rc;
	input_text_escape(path, strlen(path), shown, sizeof(shown));
	if (rc == INPUT_ERR_NOT_FILE)
		return input_fail(
			err, rc,
			"%s is %s, not an image file; give the path of "
			"a PNG or JPEG image (save a QR code from a "
			"pipe to a file first)",
			shown, input_file_kind(mode));
	if (rc == INPUT_ERR_TOO_LONG)
		return input_fail(
			err, INPUT_ERR_IMAGE_TOO_BIG,
			"%s: the file is more than the %u MiB allowed "
			"for an image; crop or scale it down",
			shown, INPUT_FILE_MAX >> 20);
	if (rc == INPUT_ERR_NOMEM)
		return input_fail(err, rc, "%s: out of memory reading the file",
		                  shown);
	return input_fail(err, INPUT_ERR_IO,
	                  "%s: cannot %s the image file (%s); check the path "
	                  "and permissions",
	                  shown, mode == 0 ? "open" : "read", strerror(errno));
}

int input_qr_decode_file(const char *path, input_qr_list *out, input_error *err)
{
	input_buf b;
	int rc;

	if (path == NULL || out == NULL)
		return input_fail(err, INPUT_ERR_ARG,
		                  "QR decode: missing argument");
	rc = qr_read_file(path, &b, err);
	if (rc == INPUT_OK)
		rc = input_qr_decode_buffer(b.data, b.len, path, out, err);
	input_buf_free(&b);
	return rc;
}
