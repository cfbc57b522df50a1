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

static int img_check_size(unsigned w, unsigned h, const char *what,
                          safeid_in_error *err)
{
	if (w == 0 || h == 0)
		return in_fail(err, SAFEID_IN_ERR_IMAGE_CORRUPT,
		               "%s: the image has no pixels (%ux%u); save the picture again", what, w, h);
	if (w > SAFEID_IN_IMAGE_SIDE_MAX || h > SAFEID_IN_IMAGE_SIDE_MAX ||
	    (unsigned long long)w * h > SAFEID_IN_IMAGE_PIXELS_MAX)
		return in_fail(err, SAFEID_IN_ERR_IMAGE_TOO_BIG,
		               "%s: the image is %ux%u pixels, more than the %u megapixels (or %u pixels a side) allowed; crop it around the QR code or scale it down",
		               what, w, h, SAFEID_IN_IMAGE_PIXELS_MAX / 1000000u, SAFEID_IN_IMAGE_SIDE_MAX);
	return SAFEID_IN_OK;
}

static int img_png(const uint8_t *data, size_t len, const char *what,
                   in_image *out, safeid_in_error *err)
{
	png_image im;
	png_color white = { 255, 255, 255 };
	int rc;

	memset(&im, 0, sizeof(im));
	im.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_memory(&im, data, len)) {
		rc = in_fail(err, SAFEID_IN_ERR_IMAGE_CORRUPT,
		             "%s: the PNG image cannot be read (%s); the file is damaged or truncated: save or download it again",
		             what, im.message);
		goto fail;
	}
	if ((rc = img_check_size(im.width, im.height, what, err)) != SAFEID_IN_OK)
		goto fail;
	im.format = PNG_FORMAT_GRAY;
	out->px = malloc((size_t)im.width * im.height);
	if (out->px == NULL) {
		rc = in_fail(err, SAFEID_IN_ERR_NOMEM, "%s: out of memory for a %ux%u image", what, im.width, im.height);
		goto fail;
	}
	out->width = im.width;
	out->height = im.height;
	/* transparent pixels are composed onto white, as a viewer shows them */
	if (!png_image_finish_read(&im, &white, out->px, (png_int_32)im.width, NULL)) {
		rc = in_fail(err, SAFEID_IN_ERR_IMAGE_CORRUPT,
		             "%s: the PNG image is damaged or truncated (%s); save or download it again",
		             what, im.message);
		goto fail;
	}
	return SAFEID_IN_OK;
fail:
	png_image_free(&im);
	in_image_free(out);
	return rc;
}

struct img_jerr {
	struct jpeg_error_mgr mgr;
	jmp_buf jump;
	int truncated;
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

static int img_jpeg(const uint8_t *data, size_t len, const char *what,
                    in_image *out, safeid_in_error *err)
{
	struct jpeg_decompress_struct ci;
	struct img_jerr je;
	char msg[JMSG_LENGTH_MAX];
	volatile int rc = SAFEID_IN_OK;

	memset(&ci, 0, sizeof(ci));
	memset(&je, 0, sizeof(je));
	ci.err = jpeg_std_error(&je.mgr);
	je.mgr.error_exit = img_jpeg_exit;
	je.mgr.emit_message = img_jpeg_message;
	if (setjmp(je.jump)) {
		if (rc == SAFEID_IN_OK) {
			msg[0] = '\0';
			je.mgr.format_message((j_common_ptr)&ci, msg);
			rc = in_fail(err, SAFEID_IN_ERR_IMAGE_CORRUPT,
			             "%s: the JPEG image is %s (%s); save or download it again",
			             what, je.truncated ? "truncated" : "damaged", msg);
		}
		goto fail;
	}
	jpeg_create_decompress(&ci);
	jpeg_mem_src(&ci, data, (unsigned long)len);
	jpeg_read_header(&ci, TRUE);
	if ((rc = img_check_size(ci.image_width, ci.image_height, what, err)) != SAFEID_IN_OK)
		goto fail;
	ci.out_color_space = JCS_GRAYSCALE;
	jpeg_start_decompress(&ci);
	out->px = malloc((size_t)ci.output_width * ci.output_height);
	if (out->px == NULL) {
		rc = in_fail(err, SAFEID_IN_ERR_NOMEM, "%s: out of memory for a %ux%u image",
		             what, ci.output_width, ci.output_height);
		goto fail;
	}
	out->width = ci.output_width;
	out->height = ci.output_height;
	while (ci.output_scanline < ci.output_height) {
		JSAMPROW row = out->px + (size_t)ci.output_scanline * ci.output_width;
		jpeg_read_scanlines(&ci, &row, 1);
	}
	jpeg_finish_decompress(&ci);
fail:
	jpeg_destroy_decompress(&ci);
	if (rc != SAFEID_IN_OK)
		in_image_free(out);
	return rc;
}

static int img_is_text(const uint8_t *d, size_t len)
{
	size_t n = len < 64 ? len : 64;
	for (size_t i = 0; i < n; i++)
		if ((d[i] < 0x20 && d[i] != '\n' && d[i] != '\r' && d[i] != '\t') || d[i] == 0x7f)
			return 0;
	return 1;
}

int in_image_load(const uint8_t *data, size_t len, const char *what,
                  in_image *out, safeid_in_error *err)
{
	static const uint8_t png_magic[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

	memset(out, 0, sizeof(*out));
	what = in_what(what);
	if (len == 0)
		return in_fail(err, SAFEID_IN_ERR_NOT_IMAGE,
		               "%s is empty (0 bytes), not an image; save the QR code picture again", what);
	if (len >= 8 && memcmp(data, png_magic, 8) == 0)
		return img_png(data, len, what, out, err);
	if (len >= 3 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff)
		return img_jpeg(data, len, what, out, err);
	if (in_has_prefix((const char *)data, len, "otpauth"))
		return in_fail(err, SAFEID_IN_ERR_NOT_IMAGE,
		               "%s holds text, not an image; for an otpauth URI in a file use --uri-file", what);
	return in_fail(err, SAFEID_IN_ERR_NOT_IMAGE,
	               "%s is not a PNG or JPEG image (it holds %s); convert the picture to PNG or JPEG, or take a screenshot of the QR code",
	               what, img_is_text(data, len) ? "text" : "other binary data");
}

void in_image_free(in_image *img)
{
	if (img == NULL)
		return;
	/* the pixels show a QR code, which is the secret in another form */
	if (img->px != NULL)
		safeid_in_secret_free(img->px, (size_t)img->width * img->height);
	img->px = NULL;
	img->width = img->height = 0;
}
