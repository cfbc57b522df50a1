/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * PNG and JPEG to 8-bit grey, the form the QR decoder reads.  Images come
 * from strangers (screenshots, downloads), so the dimensions are checked
 * before any pixel memory is allocated (decompression bombs), and a
 * truncated file is an error, not a half-grey picture.
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>
#include <png.h>

#include "internal.h"

/* Decoding memory, beyond the file: a progressive JPEG's coefficients, an
 * interlaced PNG's rows, the grey pixels. */
#define IMG_MEM_MAX (1024ul * 1024ul * 1024ul)

static int img_check_size(unsigned w, unsigned h, const char *what,
                          input_error *err)
{
	if (w == 0 || h == 0)
		return input_fail(
			err, INPUT_ERR_IMAGE_CORRUPT,
			"%s: the image has no pixels (%ux%u); save the picture again",
			what, w, h);
	if (w > INPUT_IMAGE_SIDE_MAX || h > INPUT_IMAGE_SIDE_MAX ||
	    (unsigned long long)w * h > INPUT_IMAGE_PIXELS_MAX)
		return input_fail(
			err, INPUT_ERR_IMAGE_TOO_BIG,
			"%s: the image is %ux%u pixels, more than the %u megapixels (or %u pixels a side) allowed; crop it around the QR code or scale it down",
			what, w, h, INPUT_IMAGE_PIXELS_MAX / 1000000u,
			INPUT_IMAGE_SIDE_MAX);
	return INPUT_OK;
}

/* libpng reads from memory through this cursor; running past the end is
 * a truncated file. */
struct img_pngsrc {
	const uint8_t *data;
	size_t len, off;
	uint8_t *rows; /* row buffer, kept here to survive the longjmp */
	size_t rows_len;
	char msg[128];
	jmp_buf jump;
};

static void img_png_read(png_structp png, png_bytep out, size_t n)
{
	struct img_pngsrc *src = png_get_io_ptr(png);

	if (n > src->len - src->off)
		png_error(png, "the file ends too early (truncated)");
	memcpy(out, src->data + src->off, n);
	src->off += n;
}

static void img_png_error(png_structp png, png_const_charp msg)
{
	struct img_pngsrc *src = png_get_error_ptr(png);

	snprintf(src->msg, sizeof(src->msg), "%s", msg);
	longjmp(src->jump, 1);
}

static void img_png_warning(png_structp png, png_const_charp msg)
{
	(void)png;
	(void)msg;
}

/* One row of 8-bit grey, grey+alpha, RGB or RGBA to grey; transparent
 * pixels are composed onto white, as a viewer shows them. */
static void img_row_gray(const uint8_t *in, unsigned ch, unsigned w,
                         uint8_t *out)
{
	switch (ch) {
	case 1:
		memcpy(out, in, w);
		break;
	case 3:
		for (unsigned x = 0; x < w; x++, in += 3)
			out[x] = (uint8_t)((in[0] * 77u + in[1] * 150u +
			                    in[2] * 29u) >>
			                   8);
		break;
	default: /* 2: grey+alpha, 4: RGBA */
		for (unsigned x = 0; x < w; x++, in += ch) {
			unsigned g = ch == 2 ? in[0]
			                     : (in[0] * 77u + in[1] * 150u +
			                        in[2] * 29u) >>
			                               8;
			unsigned a = in[ch - 1];
			/* g*a/255 + (255-a), rounded, without a division */
			unsigned v = g * a + 255u * (255u - a) + 128u;
			out[x] = (uint8_t)((v + (v >> 8)) >> 8);
		}
		break;
	}
}

/* Everything after the header; png errors longjmp out of here. *rows is
 * handed back at once so the caller can wipe and free it in any case. */
static int img_png_pixels(png_structp png, png_infop info, input_image *out,
                          uint8_t **rows, size_t *rows_len, const char *what,
                          input_error *err)
{
	png_uint_32 w, h;
	unsigned ch, passes;
	size_t rowbytes;
	int rc;

	png_read_info(png, info);
	w = png_get_image_width(png, info);
	h = png_get_image_height(png, info);
	if ((rc = img_check_size(w, h, what, err)) != INPUT_OK)
		return rc;
	png_set_strip_16(png);
	png_set_expand(
		png); /* palette, low-bit grey and tRNS to 8-bit (+alpha) */
	passes = (unsigned)png_set_interlace_handling(png);
	png_read_update_info(png, info);
	ch = png_get_channels(png, info);
	rowbytes = png_get_rowbytes(png, info);
	if (ch < 1 || ch > 4 || rowbytes < (size_t)w * ch)
		return input_fail(
			err, INPUT_ERR_IMAGE_CORRUPT,
			"%s: unexpected PNG layout; save the picture again",
			what);
	/* interlaced images need every row at once; others one row at a time */
	*rows_len = rowbytes * (passes > 1 ? h : 1);
	if (*rows_len + (size_t)w * h > IMG_MEM_MAX)
		return input_fail(
			err, INPUT_ERR_IMAGE_TOO_BIG,
			"%s: the %ux%u PNG image needs more than %lu MiB to decode; crop it around the QR code or scale it down",
			what, w, h, IMG_MEM_MAX >> 20);
	*rows = malloc(*rows_len);
	out->px = malloc((size_t)w * h);
	if (out->px == NULL || *rows == NULL)
		return input_fail(err, INPUT_ERR_NOMEM,
		                  "%s: out of memory for a %ux%u image", what,
		                  w, h);
	out->width = w;
	out->height = h;
	if (passes > 1) {
		for (unsigned p = 0; p < passes; p++)
			for (png_uint_32 y = 0; y < h; y++)
				png_read_row(png, *rows + rowbytes * y, NULL);
		for (png_uint_32 y = 0; y < h; y++)
			img_row_gray(*rows + rowbytes * y, ch, w,
			             out->px + (size_t)y * w);
	} else {
		for (png_uint_32 y = 0; y < h; y++) {
			png_read_row(png, *rows, NULL);
			img_row_gray(*rows, ch, w, out->px + (size_t)y * w);
		}
	}
	png_read_end(png, NULL);
	return INPUT_OK;
}

/* Low-level libpng with integer grey conversion: the simplified API's
 * gamma-correct conversion takes about a second for a 4K screenshot. */
static int img_png(const uint8_t *data, size_t len, const char *what,
                   input_image *out, input_error *err)
{
	struct img_pngsrc src;
	png_structp png = NULL;
	png_infop info = NULL;
	volatile int rc = INPUT_OK;

	memset(&src, 0, sizeof(src));
	src.data = data;
	src.len = len;
	png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &src, img_png_error,
	                             img_png_warning);
	if (png != NULL)
		info = png_create_info_struct(png);
	if (png == NULL || info == NULL) {
		rc = input_fail(err, INPUT_ERR_NOMEM,
		                "%s: out of memory reading the PNG image",
		                what);
		goto fail;
	}
	if (setjmp(src.jump)) {
		rc = input_fail(
			err, INPUT_ERR_IMAGE_CORRUPT,
			"%s: the PNG image is damaged or truncated (%s); save or download it again",
			what, src.msg);
		goto fail;
	}
	png_set_read_fn(png, &src, img_png_read);
	/* The size is checked before a row is allocated (img_png_pixels);
	 * the chunks that only hold text, colour profiles or palettes for
	 * other programs are skipped unread, so a compressed one cannot
	 * unpack into megabytes, nor thousands of them pile up. */
	png_set_chunk_cache_max(png, 64);
#ifdef PNG_HANDLE_AS_UNKNOWN_SUPPORTED
	{
		static const png_byte skip[] =
			"iCCP\0tEXt\0zTXt\0iTXt\0sPLT\0eXIf";

		png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_NEVER, skip,
		                            (int)(sizeof(skip) / 5));
	}
#endif
	/* the QR code has its own error correction; a truncated file is still
	 * caught by running out of data */
	png_set_crc_action(png, PNG_CRC_QUIET_USE, PNG_CRC_QUIET_USE);
#ifdef PNG_IGNORE_ADLER32
	png_set_option(png, PNG_IGNORE_ADLER32, PNG_OPTION_ON);
#endif
	rc = img_png_pixels(png, info, out, &src.rows, &src.rows_len, what,
	                    err);
fail:
	input_secret_free(src.rows, src.rows_len);
	png_destroy_read_struct(png ? &png : NULL, info ? &info : NULL, NULL);
	if (rc != INPUT_OK)
		input_image_free(out);
	return rc;
}

/*
 * A progressive JPEG is decoded scan by scan, and every scan visits every
 * block of the components it covers, however few bytes it takes: a small
 * file with thousands of scans kept the decoder busy for minutes.  Real
 * encoders write about 10 scans (libjpeg's progression), each block being
 * visited about 5 times; the bounds below are far above that and far
 * below what costs a person more than about a second.
 */
#define IMG_JPEG_SCANS_MAX 100u
#define IMG_JPEG_BLOCK_PASSES_MAX 16u

enum img_jpeg_why {
	IMG_JPEG_FAILED,
	IMG_JPEG_SCANS,
	IMG_JPEG_WORK
};

struct img_jerr {
	struct jpeg_error_mgr mgr;
	struct jpeg_progress_mgr progress;
	jmp_buf jump;
	int truncated;
	enum img_jpeg_why why;
	int scan_seen;             /* last scan counted */
	unsigned long long visits; /* blocks the scans so far visit */
	unsigned long long visits_max;
};

static void img_jpeg_exit(j_common_ptr ci)
{
	struct img_jerr *e = (struct img_jerr *)(void *)ci->err;
	longjmp(e->jump, 1);
}

/* libjpeg only warns when data ends early and pads with grey: refuse. */
static void img_jpeg_message(j_common_ptr ci, int level)
{
	struct img_jerr *e = (struct img_jerr *)(void *)ci->err;
	if (level < 0 && e->mgr.msg_code == JWRN_JPEG_EOF) {
		e->truncated = 1;
		longjmp(e->jump, 1);
	}
}

/* Called before each piece of input is decoded; a new scan is counted
 * (with the blocks it will visit) before any of its data is. */
static void img_jpeg_progress(j_common_ptr common)
{
	j_decompress_ptr ci = (j_decompress_ptr)(void *)common;
	struct img_jerr *e = (struct img_jerr *)(void *)ci->err;

	if (ci->input_scan_number == e->scan_seen)
		return;
	e->scan_seen = ci->input_scan_number;
	if ((unsigned)e->scan_seen > IMG_JPEG_SCANS_MAX) {
		e->why = IMG_JPEG_SCANS;
		longjmp(e->jump, 1);
	}
	e->visits += (unsigned long long)ci->MCUs_per_row *
	             ci->MCU_rows_in_scan * (unsigned)ci->blocks_in_MCU;
	if (e->visits > e->visits_max) {
		e->why = IMG_JPEG_WORK;
		longjmp(e->jump, 1);
	}
}

/* Blocks of every component: the unit of the work bound. */
static unsigned long long img_jpeg_blocks(j_decompress_ptr ci)
{
	unsigned long long n = 0;

	for (int c = 0; c < ci->num_components; c++)
		n += (unsigned long long)ci->comp_info[c].width_in_blocks *
		     ci->comp_info[c].height_in_blocks;
	return n;
}

/* One row of CMYK to grey.  Adobe's files (and so nearly all) store the
 * inks inverted (255: no ink); without the Adobe marker they are plain. */
static void img_row_cmyk(const uint8_t *in, unsigned w, int inverted,
                         uint8_t *out)
{
	for (unsigned x = 0; x < w; x++, in += 4) {
		unsigned c = inverted ? in[0] : 255u - in[0];
		unsigned m = inverted ? in[1] : 255u - in[1];
		unsigned y = inverted ? in[2] : 255u - in[2];
		unsigned k = inverted ? in[3] : 255u - in[3];
		/* what is left of each channel after the ink and the black */
		unsigned g = (c * 77u + m * 150u + y * 29u) * k;

		out[x] = (uint8_t)((g + 255u * 128u) / (255u * 256u));
	}
}

static int img_jpeg_refuse(struct img_jerr *je, j_decompress_ptr ci,
                           const char *what, input_error *err)
{
	char msg[JMSG_LENGTH_MAX];
	int code = je->mgr.msg_code;

	if (je->why == IMG_JPEG_SCANS)
		return input_fail(
			err, INPUT_ERR_IMAGE_WORK,
			"%s: the JPEG image has more than %u scans (a picture has about 10); such a file only keeps the decoder busy: save the picture again as PNG or as a baseline JPEG",
			what, IMG_JPEG_SCANS_MAX);
	if (je->why == IMG_JPEG_WORK)
		return input_fail(
			err, INPUT_ERR_IMAGE_WORK,
			"%s: the JPEG image's scans go over its %ux%u pixels more than %u times (a picture needs about 5); such a file only keeps the decoder busy: save the picture again as PNG or as a baseline JPEG",
			what, ci->image_width, ci->image_height,
			IMG_JPEG_BLOCK_PASSES_MAX);
	msg[0] = '\0';
	je->mgr.format_message((j_common_ptr)ci, msg);
	if (code == JERR_OUT_OF_MEMORY || code == JERR_NO_BACKING_STORE)
		return input_fail(
			err, INPUT_ERR_IMAGE_TOO_BIG,
			"%s: the JPEG image needs more than %lu MiB to decode (%s); crop it around the QR code or scale it down",
			what, IMG_MEM_MAX >> 20, msg);
	if (code == JERR_CONVERSION_NOTIMPL || code == JERR_BAD_PRECISION ||
	    code == JERR_NOT_COMPILED)
		return input_fail(
			err, INPUT_ERR_NOT_IMAGE,
			"%s: the JPEG image is of a kind this tool cannot read (%s); save the picture again as PNG",
			what, msg);
	return input_fail(
		err, INPUT_ERR_IMAGE_CORRUPT,
		"%s: the JPEG image is %s (%s); save or download it again",
		what, je->truncated ? "truncated" : "damaged", msg);
}

static int img_jpeg(const uint8_t *data, size_t len, const char *what,
                    input_image *out, input_error *err)
{
	struct jpeg_decompress_struct ci;
	struct img_jerr je;
	uint8_t *volatile row = NULL;
	volatile size_t row_len = 0;
	volatile int rc = INPUT_OK;
	int cmyk, inverted;

	memset(&ci, 0, sizeof(ci));
	memset(&je, 0, sizeof(je));
	ci.err = jpeg_std_error(&je.mgr);
	je.mgr.error_exit = img_jpeg_exit;
	je.mgr.emit_message = img_jpeg_message;
	je.progress.progress_monitor = img_jpeg_progress;
	if (setjmp(je.jump)) {
		rc = img_jpeg_refuse(&je, &ci, what, err);
		goto fail;
	}
	jpeg_create_decompress(&ci);
	/* progressive files keep every coefficient in memory: bound it */
	ci.mem->max_memory_to_use = IMG_MEM_MAX;
	ci.progress = &je.progress;
	jpeg_mem_src(&ci, data, (unsigned long)len);
	jpeg_read_header(&ci, TRUE);
	if ((rc = img_check_size(ci.image_width, ci.image_height, what, err)) !=
	    INPUT_OK)
		goto fail;
	/* (plus some room: a scan of a tiny image visits the blocks that pad
	 * its MCUs too) */
	je.visits_max = IMG_JPEG_BLOCK_PASSES_MAX * img_jpeg_blocks(&ci) +
	                IMG_JPEG_SCANS_MAX * 64u;
	cmyk = ci.jpeg_color_space == JCS_CMYK ||
	       ci.jpeg_color_space == JCS_YCCK;
	inverted = ci.saw_Adobe_marker;
	/* libjpeg turns YCCK into CMYK, but neither into grey */
	ci.out_color_space = cmyk ? JCS_CMYK : JCS_GRAYSCALE;
	jpeg_start_decompress(&ci);
	out->px = malloc((size_t)ci.output_width * ci.output_height);
	if (cmyk) {
		row_len = (size_t)ci.output_width * 4u;
		row = malloc(row_len);
	}
	if (out->px == NULL || (cmyk && row == NULL)) {
		rc = input_fail(err, INPUT_ERR_NOMEM,
		                "%s: out of memory for a %ux%u image", what,
		                ci.output_width, ci.output_height);
		goto fail;
	}
	out->width = ci.output_width;
	out->height = ci.output_height;
	while (ci.output_scanline < ci.output_height) {
		uint8_t *dst =
			out->px + (size_t)ci.output_scanline * ci.output_width;
		JSAMPROW r = cmyk ? row : dst;

		if (jpeg_read_scanlines(&ci, &r, 1) == 1 && cmyk)
			img_row_cmyk(row, ci.output_width, inverted, dst);
	}
	jpeg_finish_decompress(&ci);
fail:
	jpeg_destroy_decompress(&ci);
	/* the row showed part of the QR code */
	input_secret_free(row, row_len);
	if (rc != INPUT_OK)
		input_image_free(out);
	return rc;
}

static int img_is_text(const uint8_t *d, size_t len)
{
	size_t n = len < 64 ? len : 64;
	for (size_t i = 0; i < n; i++)
		if ((d[i] < 0x20 && d[i] != '\n' && d[i] != '\r' &&
		     d[i] != '\t') ||
		    d[i] == 0x7f)
			return 0;
	return 1;
}

int input_image_load(const uint8_t *data, size_t len, const char *what,
                     input_image *out, input_error *err)
{
	static const uint8_t png_magic[8] = {0x89, 'P',  'N',  'G',
	                                     '\r', '\n', 0x1a, '\n'};

	memset(out, 0, sizeof(*out));
	what = input_what(what);
	if (len == 0)
		return input_fail(
			err, INPUT_ERR_NOT_IMAGE,
			"%s is empty (0 bytes), not an image; save the QR code picture again",
			what);
	if (len >= 8 && memcmp(data, png_magic, 8) == 0)
		return img_png(data, len, what, out, err);
	if (len >= 3 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff)
		return img_jpeg(data, len, what, out, err);
	if (input_has_prefix((const char *)data, len, "otpauth"))
		return input_fail(
			err, INPUT_ERR_NOT_IMAGE,
			"%s holds text, not an image; %s", what,
			input_advice(
				"for an otpauth URI in a file use --uri-file",
				"copy the otpauth:// link it holds and paste it (Ctrl+V)"));
	return input_fail(
		err, INPUT_ERR_NOT_IMAGE,
		"%s is not a PNG or JPEG image (it holds %s); convert the picture to PNG or JPEG, or take a screenshot of the QR code",
		what, img_is_text(data, len) ? "text" : "other binary data");
}

void input_image_free(input_image *img)
{
	if (img == NULL)
		return;
	/* the pixels show a QR code, which is the secret in another form */
	if (img->px != NULL)
		input_secret_free(img->px, (size_t)img->width * img->height);
	img->px = NULL;
	img->width = img->height = 0;
}
