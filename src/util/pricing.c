#include "pricing.h"

#include <string.h>

static const char *const rule_names[PRICING_RULE_COUNT] = {"per_container", "per_session_20m", "per_minute_min5"};
static const char *const rule_units[PRICING_RULE_COUNT] = {"container", "session_20m", "minute"};

int pricing_rule_parse(const char *name)
{
	for (int i = 0; i < PRICING_RULE_COUNT; i++)
		if (!strcmp(name, rule_names[i]))
			return i;
	return -1;
}

const char *pricing_rule_name(enum pricing_rule rule)
{
	return rule_names[rule];
}

const char *pricing_rule_unit(enum pricing_rule rule)
{
	return rule_units[rule];
}

enum pricing_rule pricing_rule_in_force(const char *utc_day)
{
	if (strcmp(utc_day, "2026-03-30") <= 0)
		return PRICING_PER_CONTAINER;
	if (strcmp(utc_day, "2026-06-01") <= 0)
		return PRICING_PER_SESSION_20M;
	return PRICING_PER_MINUTE_MIN5;
}

static int64_t ceil_div(int64_t a, int64_t b)
{
	return (a + b - 1) / b;
}

int64_t pricing_billable_units(enum pricing_rule rule, int64_t span_seconds)
{
	int64_t span = span_seconds < 0 ? 0 : span_seconds;
	int64_t units;
	switch (rule) {
	case PRICING_PER_CONTAINER:
		return 1;
	case PRICING_PER_SESSION_20M:
		units = ceil_div(span, 1200);
		return units < 1 ? 1 : units;
	case PRICING_PER_MINUTE_MIN5:
		units = ceil_div(span, 60);
		return units < 5 ? 5 : units;
	default:
		return 0;
	}
}
