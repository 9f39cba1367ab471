#include "timestamp.h"

#include "error.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* Report zone: fixed offset, or an IANA zone loaded into TZ. */
static int zone_is_named;
static int zone_fixed_offset;

/* Days from 1970-01-01 to a civil date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *year, int *month, int *day)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = yoe + era * 400;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int d = (int)(doy - (153 * mp + 2) / 5 + 1);
	int m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*year = (int)(y + (m <= 2));
	*month = m;
	*day = d;
}

int64_t timestamp_from_civil(int year, int month, int day, int hour, int minute, int second)
{
	return days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
}

static int days_in_month(int year, int month)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	return month == 2 && leap ? 29 : days[month - 1];
}

/* Reads exactly n digits at *p. */
static int read_digits(const char **p, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

/* Parses "Z", "+HH:MM", "+HHMM" or "+HH" into seconds east of UTC. */
static int parse_offset(const char **p, int *out)
{
	const char *s = *p;
	if (*s == 'Z' || *s == 'z') {
		*p = s + 1;
		*out = 0;
		return 0;
	}
	if (*s != '+' && *s != '-')
		return -1;
	int sign = *s == '-' ? -1 : 1, hh, mm = 0;
	s++;
	if (read_digits(&s, 2, &hh))
		return -1;
	if (*s == ':')
		s++;
	if (isdigit((unsigned char)*s) && read_digits(&s, 2, &mm))
		return -1;
	if (hh > 23 || mm > 59)
		return -1;
	*out = sign * (hh * 3600 + mm * 60);
	*p = s;
	return 0;
}

/* The instant the report zone's clock reads the civil time local (seconds
 * as if UTC): local less the zone's offset then. */
static int64_t from_zone_civil(int64_t local)
{
	int64_t t = local - timestamp_zone_offset(local);
	return local - timestamp_zone_offset(t); /* again, in case the offset changed in between */
}

#define TIME_FORMS "expected YYYY-MM-DD, YYYYMMDD, YYYY-MM, ISO 8601 or Unix seconds"

/* The date at the start of s: YYYYMMDD (the whole of s), YYYY-MM-DD or
 * YYYY-MM (day 1, *month_only set). *p after it; -1 when none. */
static int read_date(const char *s, const char **p, int *year, int *month, int *day, int *month_only)
{
	*p = s;
	*day = 1;
	*month_only = 0;
	if (strspn(s, "0123456789") == 8 && !s[8]) /* ccusage's form: a date, never Unix seconds of 1970-08 */
		return read_digits(p, 4, year) || read_digits(p, 2, month) || read_digits(p, 2, day) ? -1 : 0;
	if (read_digits(p, 4, year) || *(*p)++ != '-' || read_digits(p, 2, month))
		return -1;
	if (**p != '-') {
		*month_only = 1;
		return 0;
	}
	(*p)++;
	return read_digits(p, 2, day);
}

int timestamp_parse(const char *s, int64_t *out)
{
	const char *p;
	int year, month, day, month_only, hour = 0, minute = 0, second = 0, offset = 0;

	if (!*s)
		return error_set("invalid time '': " TIME_FORMS);
	size_t digits = strspn(s, "0123456789");
	if (digits == strlen(s) && digits != 8) {
		/* Up to 9999-12-31T23:59:59Z: every time we accept we can print. */
		if (digits > 12 || strtoll(s, NULL, 10) > 253402300799)
			return error_set("invalid time '%s': Unix seconds out of range", s);
		*out = strtoll(s, NULL, 10);
		return 0;
	}
	if (read_date(s, &p, &year, &month, &day, &month_only))
		goto invalid;
	if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month))
		return error_set("invalid time '%s': no such date", s);
	if (!*p) { /* a bare date or month: the report zone's midnight */
		*out = from_zone_civil(timestamp_from_civil(year, month, day, 0, 0, 0));
		return 0;
	}
	if (month_only || (*p != 'T' && *p != 't' && *p != ' '))
		goto invalid;
	p++;
	if (read_digits(&p, 2, &hour) || *p++ != ':' || read_digits(&p, 2, &minute))
		goto invalid;
	if (*p == ':') {
		p++;
		if (read_digits(&p, 2, &second))
			goto invalid;
		if (*p == '.' || *p == ',') {
			p++;
			if (!isdigit((unsigned char)*p))
				goto invalid;
			while (isdigit((unsigned char)*p))
				p++;
		}
	}
	if (hour > 23 || minute > 59 || second > 59)
		return error_set("invalid time '%s': no such time of day", s);
	if (parse_offset(&p, &offset))
		return error_set("invalid time '%s': a date-time needs Z or an offset such as +02:00", s);
	if (*p)
		goto invalid;
	*out = timestamp_from_civil(year, month, day, hour, minute, second) - offset;
	return 0;
invalid:
	return error_set("invalid time '%s': " TIME_FORMS, s);
}

int timestamp_zone_set(const char *zone)
{
	const char *p = zone;
	int offset;
	if (!strcmp(zone, "UTC") || !strcmp(zone, "utc") || !strcmp(zone, "Z")) {
		zone_is_named = 0;
		zone_fixed_offset = 0;
		return 0;
	}
	if (!parse_offset(&p, &offset) && !*p) {
		zone_is_named = 0;
		zone_fixed_offset = offset;
		return 0;
	}
	/* An IANA name: only letters, digits, '/', '_', '-', '+', no "..". */
	if (strspn(zone, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/_-+") != strlen(zone) ||
	    strstr(zone, "..") || zone[0] == '/')
		return error_set(
		    "invalid time zone '%s': expected UTC, an offset such as +02:00, or a name such as Europe/Paris",
		    zone);
	char path[512];
	struct stat st;
	snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", zone);
	if (stat(path, &st) || !S_ISREG(st.st_mode))
		return error_set("unknown time zone '%s' (not in /usr/share/zoneinfo)", zone);
	setenv("TZ", zone, 1);
	tzset();
	zone_is_named = 1;
	return 0;
}

int timestamp_zone_offset(int64_t t)
{
	if (!zone_is_named)
		return zone_fixed_offset;
	time_t tt = (time_t)t;
	struct tm tm;
	if (!localtime_r(&tt, &tm))
		return 0;
	return (int)tm.tm_gmtoff;
}

static void split(int64_t t, int *y, int *mo, int *d, int *h, int *mi, int *s)
{
	int64_t days = t / 86400, rem = t % 86400;
	if (rem < 0) {
		rem += 86400;
		days--;
	}
	civil_from_days(days, y, mo, d);
	*h = (int)(rem / 3600);
	*mi = (int)(rem % 3600 / 60);
	*s = (int)(rem % 60);
}

/* Writes value as exactly width decimal digits (value >= 0). */
static char *put_digits(char *p, int value, int width)
{
	for (int i = width - 1; i >= 0; i--, value /= 10)
		p[i] = (char)('0' + value % 10);
	return p + width;
}

void timestamp_format(int64_t t, char out[TIMESTAMP_MAX])
{
	int offset = timestamp_zone_offset(t), y, mo, d, h, mi, s;
	split(t + offset, &y, &mo, &d, &h, &mi, &s);
	if (offset == 0 && !zone_is_named && y >= 0 && y <= 9999) {
		/* The common case, by hand: reports print millions of these. */
		char *p = put_digits(out, y, 4);
		*p++ = '-', p = put_digits(p, mo, 2);
		*p++ = '-', p = put_digits(p, d, 2);
		*p++ = 'T', p = put_digits(p, h, 2);
		*p++ = ':', p = put_digits(p, mi, 2);
		*p++ = ':', p = put_digits(p, s, 2);
		*p++ = 'Z', *p = '\0';
		return;
	}
	int n = snprintf(out, TIMESTAMP_MAX, "%04d-%02d-%02dT%02d:%02d:%02d", y, mo, d, h, mi, s);
	if (offset == 0 && !zone_is_named) {
		snprintf(out + n, TIMESTAMP_MAX - (size_t)n, "Z");
		return;
	}
	int a = offset < 0 ? -offset : offset;
	snprintf(out + n, TIMESTAMP_MAX - (size_t)n, "%c%02d:%02d", offset < 0 ? '-' : '+', a / 3600, a % 3600 / 60);
}

void timestamp_format_spreadsheet(int64_t t, char out[TIMESTAMP_MAX])
{
	int y, mo, d, h, mi, s;
	split(t + timestamp_zone_offset(t), &y, &mo, &d, &h, &mi, &s);
	snprintf(out, TIMESTAMP_MAX, "%04d-%02d-%02d %02d:%02d:%02d", y, mo, d, h, mi, s);
}

void timestamp_format_day(int64_t t, char out[TIMESTAMP_MAX])
{
	int y, mo, d, h, mi, s;
	split(t + timestamp_zone_offset(t), &y, &mo, &d, &h, &mi, &s);
	snprintf(out, TIMESTAMP_MAX, "%04d-%02d-%02d", y, mo, d);
}

void timestamp_format_utc_day(int64_t t, char out[TIMESTAMP_MAX])
{
	int y, mo, d, h, mi, s;
	split(t, &y, &mo, &d, &h, &mi, &s);
	snprintf(out, TIMESTAMP_MAX, "%04d-%02d-%02d", y, mo, d);
}

void timestamp_format_month(int64_t t, char out[TIMESTAMP_MAX])
{
	int y, mo, d, h, mi, s;
	split(t + timestamp_zone_offset(t), &y, &mo, &d, &h, &mi, &s);
	snprintf(out, TIMESTAMP_MAX, "%04d-%02d", y, mo);
}
