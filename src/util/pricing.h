/* The container billing rules OpenAI has used, and the billable units each
 * charges for a container's active span. Prices live in the database
 * (table prices, effective-dated); this module only knows the arithmetic. */
#ifndef CNTRAUDIT_PRICING_H
#define CNTRAUDIT_PRICING_H

#include <stdint.h>

enum pricing_rule {
	PRICING_PER_CONTAINER,   /* one charge per container, whatever its life */
	PRICING_PER_SESSION_20M, /* per started 20-minute session, at least one */
	PRICING_PER_MINUTE_MIN5, /* per started minute, at least five */
	PRICING_RULE_COUNT
};

/* The words for a rule: its name in the price table ("per_session_20m"),
 * its unit there ("session_20m"), what a price is per in prose ("20-minute
 * session"), its FOCUS PricingUnit ("20-Minute Session"). */
enum rule_word { RULE_NAME, RULE_UNIT, RULE_PRICED_PER, RULE_FOCUS_UNIT, RULE_WORD_COUNT };
const char *pricing_rule_word(enum pricing_rule rule, enum rule_word word);
/* -1 when name is not "name", "unit", "priced_per" or "focus_unit". */
int pricing_rule_word_parse(const char *name);

/* -1 when name is not a rule's name. */
int pricing_rule_parse(const char *name);
/* A rule's name as stored in the price table: "per_container", ... */
const char *pricing_rule_name(enum pricing_rule rule);
/* The unit a rule bills in: "container", "session_20m", "minute". */
const char *pricing_rule_unit(enum pricing_rule rule);

/* The rule OpenAI's published prices put in force on a UTC day
 * (YYYY-MM-DD): per_container until 2026-03-30, per_session_20m until
 * 2026-06-01, per_minute_min5 from 2026-06-02. What an unpriced container
 * falls back on when the price table has no row at all for its day. */
enum pricing_rule pricing_rule_in_force(const char *utc_day);

/* Billable units for a container active for span_seconds
 * (last_active_at - created_at; negative spans count as 0). */
int64_t pricing_billable_units(enum pricing_rule rule, int64_t span_seconds);

#endif
