/* TIME parsing and ISO 8601 formatting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "error.h"
#include "timestamp.h"

static int64_t parsed(const char *s)
{
	int64_t t = -1;
	assert_int_equal(timestamp_parse(s, &t), 0);
	return t;
}

static void rejects(const char *s)
{
	int64_t t = 12345;
	assert_int_equal(timestamp_parse(s, &t), -1);
	assert_int_equal(t, 12345);
	error_clear();
}

static void test_parse_forms(void **state)
{
	assert_int_equal(parsed("2025-11-03"), 1762128000);
	assert_int_equal(parsed("2025-11-03T19:59:34Z"), 1762199974);
	assert_int_equal(parsed("2025-11-03T20:59:34+01:00"), 1762199974);
	assert_int_equal(parsed("2025-11-03T14:29:34-0530"), 1762199974);
	assert_int_equal(parsed("2025-11-03T19:59:34.987Z"), 1762199974);
	assert_int_equal(parsed("2025-11-03 19:59:34Z"), 1762199974);
	assert_int_equal(parsed("2025-11-03T19:59Z"), 1762199940);
	assert_int_equal(parsed("1762199974"), 1762199974);
	assert_int_equal(parsed("0"), 0);
	assert_int_equal(parsed("2024-02-29"), 1709164800);
	assert_int_equal(parsed("1970-01-01T00:00:00Z"), 0);
}

/* ccusage's YYYYMMDD is a date (it was Unix seconds: 1970-08-23), YYYY-MM a
 * month's first day, and with a report zone both are its midnight. */
static void test_parse_dates_and_months(void **state)
{
	assert_int_equal(parsed("20251103"), 1762128000);
	assert_int_equal(parsed("2025-11"), 1761955200); /* 2025-11-01T00:00:00Z */
	assert_int_equal(parsed("2024-02"), 1706745600);
	rejects("20251301");
	rejects("20250230");
	rejects("2025-13");
	rejects("2025-1");
	assert_int_equal(parsed("020251103"), 20251103); /* nine digits: still Unix seconds */
	assert_int_equal(timestamp_zone_set("Europe/Paris"), 0);
	assert_int_equal(parsed("2025-11-03"), 1762128000 - 3600);    /* CET, +01:00 */
	assert_int_equal(parsed("20250701"), 1751328000 - 7200);      /* CEST, +02:00 */
	assert_int_equal(parsed("2025-11"), 1761955200 - 3600);       /* 2025-11-01 is CET */
	assert_int_equal(parsed("2025-11-03T19:59:34Z"), 1762199974); /* a zone given: as given */
	assert_int_equal(timestamp_zone_set("+05:30"), 0);
	assert_int_equal(parsed("2025-11-03"), 1762128000 - 19800);
	assert_int_equal(timestamp_zone_set("UTC"), 0);
	assert_int_equal(parsed("2025-11-03"), 1762128000);
}

static void test_parse_rejects(void **state)
{
	rejects("");
	rejects("yesterday");
	rejects("2025-13-01");
	rejects("2025-02-29");
	rejects("2025-11-31");
	rejects("2025-11-03T24:00:00Z");
	rejects("2025-11-03T19:60:00Z");
	rejects("2025-11-03T19:59:34"); /* a date-time needs a zone */
	rejects("2025-11-03T19:59:34+25:00");
	rejects("2025-11-3");
	rejects("2025-11-03Tgarbage");
	rejects("99999999999999999999");
	rejects("999999999999"); /* year 33658: could not be printed back */
	assert_int_equal(parsed("253402300799"), 253402300799);
	rejects("-5");
}

static void test_format_utc_and_zones(void **state)
{
	char out[TIMESTAMP_MAX];
	assert_int_equal(timestamp_zone_set("UTC"), 0);
	timestamp_format(1762199974, out);
	assert_string_equal(out, "2025-11-03T19:59:34Z");
	timestamp_format_day(1762199974, out);
	assert_string_equal(out, "2025-11-03");
	timestamp_format_month(1762199974, out);
	assert_string_equal(out, "2025-11");

	assert_int_equal(timestamp_zone_set("+05:30"), 0);
	timestamp_format(1762199974, out);
	assert_string_equal(out, "2025-11-04T01:29:34+05:30");
	timestamp_format_day(1762199974, out);
	assert_string_equal(out, "2025-11-04");

	assert_int_equal(timestamp_zone_set("Europe/Paris"), 0);
	timestamp_format(1762199974, out); /* winter: +01:00 */
	assert_string_equal(out, "2025-11-03T20:59:34+01:00");
	timestamp_format(1751313600, out); /* 2025-06-30T20:00:00Z, summer: +02:00 */
	assert_string_equal(out, "2025-06-30T22:00:00+02:00");

	assert_int_equal(timestamp_zone_set("Mars/Olympus"), -1);
	error_clear();
	assert_int_equal(timestamp_zone_set("../../etc/passwd"), -1);
	error_clear();
	assert_int_equal(timestamp_zone_set("UTC"), 0);
}

static void test_civil_round_trip(void **state)
{
	char out[TIMESTAMP_MAX];
	timestamp_zone_set("UTC");
	/* every day boundary over four years, including a leap day */
	for (int64_t t = 1704067200; t < 1704067200 + 4 * 366 * 86400LL; t += 86400 + 3661) {
		int64_t back;
		timestamp_format(t, out);
		assert_int_equal(timestamp_parse(out, &back), 0);
		assert_int_equal(back, t);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_forms),      cmocka_unit_test(test_parse_dates_and_months),
	    cmocka_unit_test(test_parse_rejects),    cmocka_unit_test(test_format_utc_and_zones),
	    cmocka_unit_test(test_civil_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
