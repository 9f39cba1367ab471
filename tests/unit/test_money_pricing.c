/* Micro-dollar money and the billable-unit arithmetic of each pricing rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "error.h"
#include "money.h"
#include "pricing.h"

static void test_money_format(void **state)
{
	char out[MONEY_MAX];
	money_format(30000, out);
	assert_string_equal(out, "0.030000");
	money_format(0, out);
	assert_string_equal(out, "0.000000");
	money_format(5760000, out);
	assert_string_equal(out, "5.760000");
	money_format(-1500, out);
	assert_string_equal(out, "-0.001500");
	money_format(INT64_MIN, out);
	assert_string_equal(out, "-9223372036854.775808");
}

static void test_money_parse(void **state)
{
	int64_t m;
	assert_int_equal(money_parse("0.03", &m), 0);
	assert_int_equal(m, 30000);
	assert_int_equal(money_parse("1.92", &m), 0);
	assert_int_equal(m, 1920000);
	assert_int_equal(money_parse("0.0015", &m), 0);
	assert_int_equal(m, 1500);
	assert_int_equal(money_parse("$2", &m), 0);
	assert_int_equal(m, 2000000);
	assert_int_equal(money_parse("-0.5", &m), 0);
	assert_int_equal(m, -500000);
	assert_int_equal(money_parse(".5", &m), 0);
	assert_int_equal(m, 500000);
	const char *bad[] = {"", "abc", "0.0000001", "1,5", "1.2.3", "-", "99999999999999999", "1e3"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		assert_int_equal(money_parse(bad[i], &m), -1);
		error_clear();
	}
}

static void test_money_parse_rounded(void **state)
{
	int64_t m;
	assert_int_equal(money_parse_rounded("1.234567891", &m), 0);
	assert_int_equal(m, 1234568);
	assert_int_equal(money_parse_rounded("1.2345674", &m), 0);
	assert_int_equal(m, 1234567);
	assert_int_equal(money_parse_rounded("-0.0000005", &m), 0);
	assert_int_equal(m, -1);
	assert_int_equal(money_parse_rounded("0.09", &m), 0);
	assert_int_equal(m, 90000);
	assert_int_equal(money_parse_rounded("0.1234567x", &m), -1);
	error_clear();
}

static void test_money_from_double(void **state)
{
	int64_t m;
	assert_int_equal(money_from_double(0.06, &m), 0);
	assert_int_equal(m, 60000);
	assert_int_equal(money_from_double(0.1 + 0.2, &m), 0); /* 0.30000000000000004 */
	assert_int_equal(m, 300000);
	assert_int_equal(money_from_double(1e300, &m), -1);
}

static void test_rule_names(void **state)
{
	assert_int_equal(pricing_rule_parse("per_container"), PRICING_PER_CONTAINER);
	assert_int_equal(pricing_rule_parse("per_session_20m"), PRICING_PER_SESSION_20M);
	assert_int_equal(pricing_rule_parse("per_minute_min5"), PRICING_PER_MINUTE_MIN5);
	assert_int_equal(pricing_rule_parse("per_hour"), -1);
	assert_string_equal(pricing_rule_unit(PRICING_PER_MINUTE_MIN5), "minute");
}

static void test_billable_units(void **state)
{
	/* per container: always one, whatever the span */
	assert_int_equal(pricing_billable_units(PRICING_PER_CONTAINER, 0), 1);
	assert_int_equal(pricing_billable_units(PRICING_PER_CONTAINER, 86400), 1);
	/* per started 20-minute session, at least one */
	assert_int_equal(pricing_billable_units(PRICING_PER_SESSION_20M, 0), 1);
	assert_int_equal(pricing_billable_units(PRICING_PER_SESSION_20M, 1200), 1);
	assert_int_equal(pricing_billable_units(PRICING_PER_SESSION_20M, 1201), 2);
	assert_int_equal(pricing_billable_units(PRICING_PER_SESSION_20M, 3900), 4);
	/* per started minute, at least five */
	assert_int_equal(pricing_billable_units(PRICING_PER_MINUTE_MIN5, 0), 5);
	assert_int_equal(pricing_billable_units(PRICING_PER_MINUTE_MIN5, 299), 5);
	assert_int_equal(pricing_billable_units(PRICING_PER_MINUTE_MIN5, 300), 5);
	assert_int_equal(pricing_billable_units(PRICING_PER_MINUTE_MIN5, 301), 6);
	assert_int_equal(pricing_billable_units(PRICING_PER_MINUTE_MIN5, 3600), 60);
	/* a negative span (bad data) counts as zero */
	assert_int_equal(pricing_billable_units(PRICING_PER_MINUTE_MIN5, -100), 5);
	assert_int_equal(pricing_billable_units(PRICING_PER_SESSION_20M, -100), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_money_format),        cmocka_unit_test(test_money_parse),
	    cmocka_unit_test(test_money_parse_rounded), cmocka_unit_test(test_money_from_double),
	    cmocka_unit_test(test_rule_names),          cmocka_unit_test(test_billable_units),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
