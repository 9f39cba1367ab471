/* Money is an int64_t count of micro-dollars (1 USD = 1,000,000): no float
 * ever holds a price or a cost. Reports print it with 6 decimals. */
#ifndef CNTRAUDIT_MONEY_H
#define CNTRAUDIT_MONEY_H

#include <stdint.h>

#define MONEY_MAX 32

/* What a failed sum says: SQLite's sum() stops at "integer overflow", and
 * the audit's own sums stop at the same bound, INT64_MAX micro-dollars. */
#define MONEY_OVERFLOW                                                                                                 \
	"more than the $9,223,372,036,854 cntraudit can count: check the cost lines and the price table "              \
	"('cntraudit prices')"
/* SQLite's message for a failed step, with "integer overflow" (a sum of
 * money past INT64_MAX) said in words. Borrowed. */
const char *money_sql_message(const char *sqlite_message);

/* 30000 -> "0.030000", -1500 -> "-0.001500". */
void money_format(int64_t micros, char out[MONEY_MAX]);
/* part as a percentage of whole, for display (0 when whole is 0); a
 * threshold is compared in integers, never with this. */
double money_percent(int64_t part, int64_t whole);
/* For people: 30000 -> "$0.030000". Returns out. */
const char *money_usd(int64_t micros, char out[MONEY_MAX + 1]);
/* Parses a decimal dollar amount ("0.03", "1.92", "0.0015", "-2") with at
 * most 6 decimals. 0, or -1 with the error set. */
int money_parse(const char *s, int64_t *micros);
/* The same, rounding (half away from zero) past 6 decimals: for exported
 * spreadsheets that carry more precision than a micro-dollar. */
int money_parse_rounded(const char *s, int64_t *micros);
/* Converts an API amount (a JSON number, so a double) to micro-dollars,
 * rounding half away from zero. 0, or -1 when out of range. */
int money_from_double(double value, int64_t *micros);

#endif
