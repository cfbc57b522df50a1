/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Image decoding to grey, checked pixel by pixel on JPEGs made here with
 * libjpeg: CMYK as Adobe writes it (inks inverted), plain CMYK (no Adobe
 * marker), YCCK, and progressive files whose scans stay within the bound
 * (tiny and odd sizes, where MCU padding counts); a QR decoder would find
 * a code even in an inverted picture, so the grey values are what is
 * checked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>

#include "internal.h"
#include "unit.h"

#define W 64
#define H 16

/* Four 16-pixel-wide bands, as inks (0: none, 255: full): white, black
 * (K), cyan, half black. */
static void band_inks(unsigned x, uint8_t ink[4])
{
	static const uint8_t bands[4][4] = {
		{0, 0, 0, 0},
		{0, 0, 0, 255},
		{255, 0, 0, 0},
		{0, 0, 0, 128},
	};

	memcpy(ink, bands[x / 16], 4);
}

/* A CMYK JPEG in memory; adobe: with the Adobe marker and the inks
 * stored inverted, as Photoshop and ImageMagick write them. */
static uint8_t *cmyk_jpeg(J_COLOR_SPACE space, boolean adobe,
                          boolean progressive, unsigned long *len)
{
	struct jpeg_compress_struct c;
	struct jpeg_error_mgr e;
	uint8_t row[W * 4], *out = NULL;

	c.err = jpeg_std_error(&e);
	jpeg_create_compress(&c);
	jpeg_mem_dest(&c, &out, len);
	c.image_width = W;
	c.image_height = H;
	c.input_components = 4;
	c.in_color_space = JCS_CMYK;
	jpeg_set_defaults(&c);
	jpeg_set_colorspace(&c, space);
	c.write_Adobe_marker = adobe;
	jpeg_set_quality(&c, 100, TRUE);
	if (progressive)
		jpeg_simple_progression(&c);
	jpeg_start_compress(&c, TRUE);
	while (c.next_scanline < H) {
		JSAMPROW r = row;

		for (unsigned x = 0; x < W; x++) {
			band_inks(x, row + x * 4);
			if (adobe)
				for (unsigned k = 0; k < 4; k++)
					row[x * 4 + k] =
						(uint8_t)(255 - row[x * 4 + k]);
		}
		jpeg_write_scanlines(&c, &r, 1);
	}
	jpeg_finish_compress(&c);
	jpeg_destroy_compress(&c);
	return out;
}

static void check_bands(J_COLOR_SPACE space, boolean adobe, boolean progressive)
{
	/* white, black, cyan (R 0, G and B full), half black */
	static const int want[4] = {255, 0, 179, 127};
	unsigned long len = 0;
	uint8_t *jpg = cmyk_jpeg(space, adobe, progressive, &len);
	input_image img;
	input_error e = {0, ""};

	ck_assert_msg(input_image_load(jpg, len, "cmyk", &img, &e) == INPUT_OK,
	              "%s", e.msg);
	ck_assert_uint_eq(img.width, W);
	ck_assert_uint_eq(img.height, H);
	for (unsigned b = 0; b < 4; b++) {
		int got = img.px[(H / 2) * W + b * 16 + 8];

		ck_assert_msg(abs(got - want[b]) <= 6,
		              "space %d adobe %d: band %u is %d, want %d",
		              (int)space, (int)adobe, b, got, want[b]);
	}
	input_image_free(&img);
	free(jpg);
}

START_TEST(cmyk_adobe)
{
	check_bands(JCS_CMYK, TRUE, FALSE);
}
END_TEST

START_TEST(cmyk_plain)
{
	check_bands(JCS_CMYK, FALSE, FALSE);
}
END_TEST

START_TEST(ycck)
{
	check_bands(JCS_YCCK, TRUE, FALSE);
}
END_TEST

START_TEST(cmyk_progressive)
{
	check_bands(JCS_CMYK, TRUE, TRUE);
}
END_TEST

/* libjpeg's own progression (10 scans in colour) at every small size:
 * the work bound must never refuse what an encoder writes. */
START_TEST(progressive_sizes)
{
	static const unsigned sizes[][2] = {
		{1, 1}, {7, 3}, {17, 9}, {33, 65}, {640, 480},
	};

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct jpeg_compress_struct c;
		struct jpeg_error_mgr je;
		unsigned w = sizes[i][0], h = sizes[i][1];
		uint8_t *row = calloc(w, 3), *out = NULL;
		unsigned long len = 0;
		input_image img;
		input_error e = {0, ""};

		c.err = jpeg_std_error(&je);
		jpeg_create_compress(&c);
		jpeg_mem_dest(&c, &out, &len);
		c.image_width = w;
		c.image_height = h;
		c.input_components = 3;
		c.in_color_space = JCS_RGB;
		jpeg_set_defaults(&c);
		jpeg_simple_progression(&c);
		jpeg_start_compress(&c, TRUE);
		while (c.next_scanline < h) {
			JSAMPROW r = row;

			for (unsigned x = 0; x < w * 3; x++)
				row[x] = (uint8_t)((x * 7 + c.next_scanline) &
				                   0xff);
			jpeg_write_scanlines(&c, &r, 1);
		}
		jpeg_finish_compress(&c);
		jpeg_destroy_compress(&c);
		ck_assert_msg(input_image_load(out, len, "progressive", &img,
		                               &e) == INPUT_OK,
		              "%ux%u: %s", w, h, e.msg);
		ck_assert_uint_eq(img.width, w);
		input_image_free(&img);
		free(out);
		free(row);
	}
}
END_TEST

Suite *suite_image(void)
{
	Suite *s = suite_create("image");
	TCase *t = tcase_create("jpeg");

	tcase_add_test(t, cmyk_adobe);
	tcase_add_test(t, cmyk_plain);
	tcase_add_test(t, ycck);
	tcase_add_test(t, cmyk_progressive);
	tcase_add_test(t, progressive_sizes);
	suite_add_tcase(s, t);
	return s;
}
