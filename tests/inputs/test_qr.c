/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * QR decoding from image files made at test time by make-cases with
 * qrencode and ImageMagick: PNG, JPEG, a phone-photo-like JPEG (scaled,
 * tilted, blurred, noisy), two codes side by side, a transparent PNG, a
 * 4K screenshot and a 12-megapixel photo (with timings).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "inputs.h"
#include "unit.h"

#define GOOD_SECRET_RAW "12345678901234567890"
#define GOOD_URI                                                                             \
	"otpauth://totp/ACME%20Co:alice@example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" \
	"&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30"
#define SECOND_URI \
	"otpauth://totp/Example:bob?secret=JBSWY3DPEHPK3PXP&issuer=Example&algorithm=SHA256&period=60"

static const char *dir;

static char *path_of(const char *name)
{
	static char buf[1024];
	snprintf(buf, sizeof(buf), "%s/%s", dir, name);
	return buf;
}

/* CPU time of this process: what decoding costs, whatever else the
 * machine (a CI runner, a parallel build) is doing meanwhile. */
static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* Decode a file that holds exactly the good code; check the account. */
static double decode_good(const char *name)
{
	input_qr_list q = {0};
	input_account_list l = {0};
	input_error e = {0};
	double t0 = now_ms(), ms;
	int rc = input_qr_decode_file(path_of(name), &q, &e);

	ms = now_ms() - t0;
	ck_assert_msg(rc == INPUT_OK, "%s: %s", name, e.msg);
	ck_assert_uint_eq(q.count, 1);
	ck_assert_str_eq(q.items[0].text, GOOD_URI);
	ck_assert_int_eq(q.items[0].monitor, -1);
	ck_assert_int_gt(q.items[0].width, 20);
	ck_assert_int_gt(q.items[0].height, 20);
	ck_assert_int_eq(
		input_parse(q.items[0].text, q.items[0].len, name, &l, &e), 0);
	ck_assert_str_eq(l.items[0].issuer, "ACME Co");
	ck_assert_mem_eq(l.items[0].secret, GOOD_SECRET_RAW, 20);
	input_account_list_clear(&l);
	input_qr_list_clear(&q);
	printf("%-16s decoded in %.1f ms CPU\n", name, ms);
	return ms;
}

START_TEST(png)
{
	decode_good("good-1.png");
}
END_TEST
START_TEST(jpeg)
{
	decode_good("good-1.jpg");
}
END_TEST
START_TEST(phone_photo)
{
	decode_good("good-photo.jpg");
}
END_TEST
START_TEST(transparent_png)
{
	decode_good("good-alpha.png");
}
END_TEST
START_TEST(inverted_png)
{
	decode_good("good-inverted.png");
}
END_TEST

START_TEST(progressive_jpeg)
{
	decode_good("good-progressive.jpg");
}
END_TEST

/* a CMYK JPEG is a picture, not a damaged file (grey values: test_image) */
START_TEST(cmyk_jpeg)
{
	decode_good("good-cmyk.jpg");
}
END_TEST

START_TEST(screenshot_4k_fast)
{
	double best = 1e9;
	/* best of three: the first run also pays for page faults */
	for (int i = 0; i < 3; i++) {
		double ms = decode_good("good-4k.png");
		if (ms < best)
			best = ms;
	}
	printf("3840x2160 RGB PNG: best %.1f ms CPU\n", best);
	/* sanitizer builds are several times slower; the figure is for real builds */
	if (getenv("SAFEID_SANITIZE_BUILD") == NULL)
		ck_assert_msg(best < 300.0,
		              "4K screenshot took %.1f ms (limit 300)", best);
}
END_TEST

START_TEST(photo_12mp)
{
	double ms = decode_good("good-12mp.jpg");
	printf("4000x3000 JPEG: %.1f ms CPU\n", ms);
}
END_TEST

START_TEST(small_code_in_large_picture)
{
	double ms = decode_good("good-small-in-large.png");
	printf("4000x3000 PNG, 2 px/module code: %.1f ms CPU\n", ms);
}
END_TEST

START_TEST(two_codes_side_by_side)
{
	input_qr_list q = {0};
	input_account_list l = {0};
	input_error e = {0};
	size_t idx;

	ck_assert_msg(input_qr_decode_file(path_of("good-two.png"), &q, &e) ==
	                      0,
	              "%s", e.msg);
	ck_assert_uint_eq(q.count, 2);
	/* reading order: left one first */
	ck_assert_str_eq(q.items[0].text, GOOD_URI);
	ck_assert_str_eq(q.items[1].text, SECOND_URI);
	ck_assert_int_lt(q.items[0].x + q.items[0].width, q.items[1].x + 1);
	for (size_t i = 0; i < q.count; i++)
		ck_assert_int_eq(input_parse(q.items[i].text, q.items[i].len,
		                             NULL, &l, &e),
		                 0);
	ck_assert_uint_eq(l.count, 2);
	ck_assert_int_eq(input_account_pick(&l, "bob", &idx, &e), 0);
	ck_assert_uint_eq(idx, 1);
	ck_assert_int_eq(l.items[1].alg, INPUT_ALG_SHA256);
	ck_assert_uint_eq(l.items[1].period, 60);
	input_account_list_clear(&l);
	input_qr_list_clear(&q);
}
END_TEST

START_TEST(from_memory_and_missing_file)
{
	input_qr_list q = {0};
	input_error e = {0};
	FILE *f = fopen(path_of("good-1.png"), "rb");
	uint8_t *buf = malloc(1 << 20);
	size_t n;

	ck_assert_ptr_nonnull(f);
	n = fread(buf, 1, 1 << 20, f);
	fclose(f);
	ck_assert_int_eq(input_qr_decode_buffer(buf, n, "pasted image", &q, &e),
	                 0);
	ck_assert_uint_eq(q.count, 1);
	ck_assert_str_eq(q.items[0].text, GOOD_URI);
	input_qr_list_clear(&q);
	free(buf);
	ck_assert_int_eq(
		input_qr_decode_file(path_of("no-such-file.png"), &q, &e),
		INPUT_ERR_IO);
	ck_assert_ptr_nonnull(strstr(e.msg, "no-such-file.png"));
	ck_assert_ptr_nonnull(strstr(e.msg, "No such file"));
	/* a directory, like a FIFO or a device, is refused before a read */
	ck_assert_int_eq(input_qr_decode_file(dir, &q, &e), INPUT_ERR_NOT_FILE);
	ck_assert_ptr_nonnull(strstr(e.msg, "a directory"));
	ck_assert_uint_eq(q.count, 0);
}
END_TEST

START_TEST(screenshot_command)
{
	input_screen_result r;
	input_error e = {0};
	char cmd[1200], cwd[1024];

	/* stdout form */
	snprintf(cmd, sizeof(cmd), "cat '%s'", path_of("good-1.png"));
	ck_assert_msg(input_screen_scan_cmd(cmd, &r, &e) == 0, "%s", e.msg);
	ck_assert_uint_eq(r.codes.count, 1);
	ck_assert_str_eq(r.codes.items[0].text, GOOD_URI);
	ck_assert_uint_eq(r.monitor_count, 1);
	ck_assert_uint_eq(r.monitors[0].codes, 1);
	input_screen_result_clear(&r);
	/* {file} form */
	snprintf(cmd, sizeof(cmd), "cp '%s' {file}", path_of("good-two.png"));
	ck_assert_msg(input_screen_scan_cmd(cmd, &r, &e) == 0, "%s", e.msg);
	ck_assert_uint_eq(r.codes.count, 2);
	input_screen_result_clear(&r);
	/* {file} form with everything a sloppy command leaves behind: extra
	 * files and a folder next to {file}, all removed with the folder */
	snprintf(
		cmd, sizeof(cmd),
		"cp ../good-1.png {file} && echo x > {file}.part && mkdir \"$TMPDIR/sub\" && "
		"echo y > \"$TMPDIR/sub/z\" && echo \"$TMPDIR\" > ../shot-dir.txt");
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	ck_assert_int_eq(
		mkdir(path_of("shot-cwd"), 0700) == 0 || errno == EEXIST, 1);
	ck_assert_int_eq(chdir(path_of("shot-cwd")), 0);
	ck_assert_msg(input_screen_scan_cmd(cmd, &r, &e) == 0, "%s", e.msg);
	ck_assert_uint_eq(r.codes.count, 1);
	input_screen_result_clear(&r);
	{
		char made[600] = "";
		FILE *f = fopen("../shot-dir.txt", "r");
		struct stat st;

		ck_assert_ptr_nonnull(f);
		ck_assert_ptr_nonnull(fgets(made, sizeof(made), f));
		fclose(f);
		made[strcspn(made, "\n")] = '\0';
		ck_assert_ptr_nonnull(strstr(made, "safeid-shot-"));
		ck_assert_msg(stat(made, &st) != 0, "%s was left behind", made);
	}
	ck_assert_int_eq(chdir(cwd), 0);
	/* a command that never ends is stopped at the bound */
	setenv("SAFEID_SCREENSHOT_TIMEOUT", "1", 1);
	ck_assert_int_eq(input_screen_scan_cmd("sleep 30", &r, &e),
	                 INPUT_ERR_CAPTURE);
	ck_assert_ptr_nonnull(strstr(e.msg, "did not finish within 1 s"));
	ck_assert_int_eq(input_screen_scan_cmd(
				 "cp /dev/null {file}; exec sleep 30", &r, &e),
	                 INPUT_ERR_CAPTURE);
	ck_assert_ptr_nonnull(strstr(e.msg, "did not finish within 1 s"));
	unsetenv("SAFEID_SCREENSHOT_TIMEOUT");
	/* failing command */
	ck_assert_int_eq(input_screen_scan_cmd("exit 3", &r, &e),
	                 INPUT_ERR_CAPTURE);
	ck_assert_ptr_nonnull(strstr(e.msg, "exit status 3"));
	input_screen_result_clear(&r);
	/* a command that writes no image */
	ck_assert_int_eq(input_screen_scan_cmd("echo hello", &r, &e),
	                 INPUT_ERR_NOT_IMAGE);
	input_screen_result_clear(&r);
}
END_TEST

START_TEST(screen_without_display)
{
	input_screen_result r;
	input_error e = {0};

	unsetenv("DISPLAY");
	setenv("WAYLAND_DISPLAY", "wayland-0", 1);
	ck_assert_int_eq(input_screen_scan(NULL, &r, &e), INPUT_ERR_WAYLAND);
	ck_assert_ptr_nonnull(strstr(e.msg, "--screenshot-cmd"));
	unsetenv("WAYLAND_DISPLAY");
	ck_assert_int_eq(input_screen_scan(NULL, &r, &e), INPUT_ERR_NO_DISPLAY);
	ck_assert_int_eq(input_screen_scan(":97531", &r, &e),
	                 INPUT_ERR_NO_DISPLAY);
	ck_assert_ptr_nonnull(strstr(e.msg, ":97531"));
}
END_TEST

Suite *suite_qr(void)
{
	Suite *s = suite_create("qr");
	TCase *t = tcase_create("files");

	dir = unit_arg(1, "CASES-DIR (made by make-cases)");
	tcase_set_timeout(t, 60);
	tcase_add_test(t, png);
	tcase_add_test(t, jpeg);
	tcase_add_test(t, phone_photo);
	tcase_add_test(t, transparent_png);
	tcase_add_test(t, inverted_png);
	tcase_add_test(t, progressive_jpeg);
	tcase_add_test(t, cmyk_jpeg);
	tcase_add_test(t, screenshot_4k_fast);
	tcase_add_test(t, photo_12mp);
	tcase_add_test(t, small_code_in_large_picture);
	tcase_add_test(t, two_codes_side_by_side);
	tcase_add_test(t, from_memory_and_missing_file);
	tcase_add_test(t, screenshot_command);
	tcase_add_test(t, screen_without_display);
	suite_add_tcase(s, t);
	return s;
}
