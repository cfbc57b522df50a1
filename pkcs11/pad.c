/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pad.c: the fixed-width, blank-padded strings of PKCS#11 info structures
 * and the "YYYYMMDDhhmmss00" clock text (CK_TOKEN_INFO.utcTime and the
 * clock object's CKA_VALUE), and the host's monotonic time.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "sp11.h"

void sp11_text_pad(CK_UTF8CHAR *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);

	if (n > cap)
		n = cap;
	memset(dst, ' ', cap);
	memcpy(dst, src, n);
}

void sp11_clock_format(uint32_t t, char out[16])
{
	time_t tt = (time_t)t;
	struct tm tm;
	char buf[80];

	memset(&tm, 0, sizeof(tm));
	gmtime_r(&tt, &tm);
	/* The trailing "00" is the standard's two reserved characters. */
	snprintf(buf, sizeof(buf), "%04d%02d%02d%02d%02d%02d00",
	         tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	         tm.tm_min, tm.tm_sec);
	memcpy(out, buf, 16);
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian); avoids timegm,
 * which is not in C11/POSIX. */
static long days_from_civil(long y, long m, long d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static bool digits(const char *s, size_t n, long *out)
{
	long v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

bool sp11_clock_parse(const char *s, size_t len, uint32_t *out)
{
	static const int mdays[12] = {31, 29, 31, 30, 31, 30,
	                              31, 31, 30, 31, 30, 31};
	long y, mo, d, h, mi, sec, days, t;

	/* 14 digits are accepted too: the two trailing ones are reserved. */
	if (len != 16 && len != 14)
		return false;
	if (!digits(s, 4, &y) || !digits(s + 4, 2, &mo) ||
	    !digits(s + 6, 2, &d) || !digits(s + 8, 2, &h) ||
	    !digits(s + 10, 2, &mi) || !digits(s + 12, 2, &sec))
		return false;
	if (len == 16 &&
	    (s[14] < '0' || s[14] > '9' || s[15] < '0' || s[15] > '9'))
		return false;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 ||
	    mi > 59 || sec > 59)
		return false;
	/* 29 February only in a leap year. */
	if (mo == 2 && d == 29 &&
	    !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return false;
	days = days_from_civil(y, mo, d);
	t = days * 86400 + h * 3600 + mi * 60 + sec;
	if (t < 0 || t > (long)UINT32_MAX)
		return false;
	*out = (uint32_t)t;
	return true;
}

long long sp11_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
