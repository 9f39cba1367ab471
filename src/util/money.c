#include "money.h"

#include "error.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void money_format(int64_t micros, char out[MONEY_MAX])
{
	/* Work on the magnitude as unsigned so INT64_MIN cannot overflow. */
	uint64_t m = micros < 0 ? (uint64_t)0 - (uint64_t)micros : (uint64_t)micros;
	/* Digits by hand, right to left: reports print millions of these. */
	char digits[MONEY_MAX];
	char *p = digits + sizeof digits;
	*--p = '\0';
	for (int i = 0; i < 6; i++, m /= 10)
		*--p = (char)('0' + m % 10);
	*--p = '.';
	do {
		*--p = (char)('0' + m % 10);
		m /= 10;
	} while (m);
	if (micros < 0)
		*--p = '-';
	memcpy(out, p, (size_t)(digits + sizeof digits - p));
}

int money_parse(const char *s, int64_t *micros)
{
	const char *p = s;
	int negative = 0, decimals = 0, digits = 0;
	int64_t whole = 0, fraction = 0;

	if (*p == '-' || *p == '+')
		negative = *p++ == '-';
	if (*p == '$')
		p++;
	for (; *p >= '0' && *p <= '9'; p++, digits++) {
		if (whole > (INT64_MAX / 1000000 - 9) / 10)
			return error_set("invalid amount '%s': too large", s);
		whole = whole * 10 + (*p - '0');
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++, digits++) {
			if (++decimals > 6)
				return error_set("invalid amount '%s': more than 6 decimals", s);
			fraction = fraction * 10 + (*p - '0');
		}
	}
	if (*p || digits == 0)
		return error_set("invalid amount '%s': expected a decimal number of dollars", s);
	for (; decimals < 6; decimals++)
		fraction *= 10;
	*micros = (whole * 1000000 + fraction) * (negative ? -1 : 1);
	return 0;
}

int money_from_double(double value, int64_t *micros)
{
	double scaled = value * 1e6;
	if (!isfinite(scaled) || fabs(scaled) > 9e15)
		return -1;
	*micros = (int64_t)llround(scaled);
	return 0;
}

int money_parse_rounded(const char *s, int64_t *micros)
{
	char head[64];
	const char *dot = strchr(s, '.');
	size_t keep = dot ? (size_t)(dot - s) + 7 : strlen(s);
	if (!dot || strlen(dot + 1) <= 6 || keep >= sizeof head)
		return money_parse(s, micros);
	memcpy(head, s, keep);
	head[keep] = '\0';
	if (strspn(dot + 7, "0123456789") != strlen(dot + 7))
		return error_set("invalid amount '%s': expected a decimal number of dollars", s);
	if (money_parse(head, micros))
		return -1;
	if (dot[7] >= '5')
		*micros += *micros < 0 || (head[0] == '-') ? -1 : 1;
	return 0;
}

const char *money_sql_message(const char *sqlite_message)
{
	return strcmp(sqlite_message, "integer overflow") ? sqlite_message : "a total is " MONEY_OVERFLOW;
}

const char *money_usd(int64_t micros, char out[MONEY_MAX + 1])
{
	out[0] = '$';
	money_format(micros, out + 1);
	return out;
}

double money_percent(int64_t part, int64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0;
}
