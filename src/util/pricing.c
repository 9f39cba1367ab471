#include "pricing.h"

#include <string.h>

/* Every way a rule is spelled, here only (reports reach it through the
 * SQL function rule_word, which the store registers). */
static const char *const rule_words[PRICING_RULE_COUNT][RULE_WORD_COUNT] = {
    [PRICING_PER_CONTAINER] = {"per_container", "container", "container", "Container"},
    [PRICING_PER_SESSION_20M] = {"per_session_20m", "session_20m", "20-minute session", "20-Minute Session"},
    [PRICING_PER_MINUTE_MIN5] = {"per_minute_min5", "minute", "minute, 5-minute minimum", "Minute"},
};
static const char *const word_names[RULE_WORD_COUNT] = {"name", "unit", "priced_per", "focus_unit"};

int pricing_rule_parse(const char *name)
{
	for (int i = 0; i < PRICING_RULE_COUNT; i++)
		if (!strcmp(name, rule_words[i][RULE_NAME]))
			return i;
	return -1;
}

int pricing_rule_word_parse(const char *name)
{
	for (int i = 0; i < RULE_WORD_COUNT; i++)
		if (!strcmp(name, word_names[i]))
			return i;
	return -1;
}

const char *pricing_rule_word(enum pricing_rule rule, enum rule_word word)
{
	return rule_words[rule][word];
}

const char *pricing_rule_name(enum pricing_rule rule)
{
	return rule_words[rule][RULE_NAME];
}

const char *pricing_rule_unit(enum pricing_rule rule)
{
	return rule_words[rule][RULE_UNIT];
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
