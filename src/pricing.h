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

/* -1 when name is not a rule's name. */
int pricing_rule_parse(const char *name);
/* A rule's name as stored in the price table: "per_container", ... */
const char *pricing_rule_name(enum pricing_rule rule);
/* The unit a rule bills in: "container", "session_20m", "minute". */
const char *pricing_rule_unit(enum pricing_rule rule);

/* Billable units for a container active for span_seconds
 * (last_active_at - created_at; negative spans count as 0). */
int64_t pricing_billable_units(enum pricing_rule rule, int64_t span_seconds);

#endif
