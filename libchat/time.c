/*
 * Time tags: IRCv3 server-time values and CHATHISTORY timestamps,
 * "2026-12-07T12:13:18.123Z" (UTC, milliseconds). Plain arithmetic, so
 * chatd and gchat read and write the same text without timegm or GLib.
 */

#include <stdio.h>

#include "chat.h"

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t
chat_time_days(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/* The date of a day number since 1970-01-01. */
static void
chat_time_civil(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

/* Format ms since the epoch as "YYYY-MM-DDTHH:MM:SS.mmmZ"; its length. */
int
chat_time_format(char *buf, size_t len, int64_t ms)
{
	int64_t days, y, rem;
	unsigned m, d;

	days = ms >= 0 ? ms / 86400000 : -((-ms + 86399999) / 86400000);
	rem = ms - days * 86400000;
	chat_time_civil(days, &y, &m, &d);
	return snprintf(buf, len, "%04lld-%02u-%02uT%02d:%02d:%02d.%03dZ",
	    (long long)y, m, d, (int)(rem / 3600000), (int)(rem / 60000 % 60),
	    (int)(rem / 1000 % 60), (int)(rem % 1000));
}

/* Read exactly n digits at *s into *out. */
static bool
chat_time_digits(const char **s, int n, int *out)
{
	int v = 0;

	for (; n > 0; n--, (*s)++) {
		if (**s < '0' || **s > '9')
			return false;
		v = v * 10 + (**s - '0');
	}
	*out = v;
	return true;
}

/*
 * Parse "YYYY-MM-DDTHH:MM:SS[.fraction][Z]" (UTC; a fraction of any
 * length, cut to milliseconds) into ms since the epoch; 0 or -1.
 */
int
chat_time_parse(const char *s, int64_t *ms)
{
	static const unsigned char mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31,
		30, 31, 30, 31 };
	int y, mo, d, h, mi, sec, frac = 0, scale = 100;

	if (!chat_time_digits(&s, 4, &y) || *s++ != '-' ||
	    !chat_time_digits(&s, 2, &mo) || *s++ != '-' ||
	    !chat_time_digits(&s, 2, &d) || (*s != 'T' && *s != 't'))
		return -1;
	s++;
	if (!chat_time_digits(&s, 2, &h) || *s++ != ':' ||
	    !chat_time_digits(&s, 2, &mi) || *s++ != ':' ||
	    !chat_time_digits(&s, 2, &sec))
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    (mo == 2 && d == 29 &&
	        (y % 4 != 0 || (y % 100 == 0 && y % 400 != 0))) ||
	    h > 23 || mi > 59 || sec > 60)
		return -1;
	if (*s == '.') {
		if (*++s < '0' || *s > '9')
			return -1;
		for (; *s >= '0' && *s <= '9'; s++, scale /= 10)
			frac += (*s - '0') * scale;
	}
	if (*s == 'Z' || *s == 'z')
		s++;
	if (*s != '\0')
		return -1;
	*ms = ((chat_time_days(y, (unsigned)mo, (unsigned)d) * 24 + h) * 60 +
	          mi) *
	        60000 +
	    (int64_t)sec * 1000 + frac;
	return 0;
}
