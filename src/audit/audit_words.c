/* What the audit says in words about a container: the reason for its
 * classification (an SQL function, for the views: it depends on --now)
 * and an orphan's attribution. */
#include "audit_engine.h"

#include "timestamp.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

static const char *plural(uint32_t n, const char *many)
{
	return n == 1 ? "" : many;
}

/* What a reason is made of: the container's trace and verdict. */
struct reason {
	const char *classification, *first_named, *first_cited, *tier;
	uint32_t ci_calls, shell_calls, named, cited, candidates;
	int64_t widest_delta, created_at;
	int accruing, unpriced;
};

/* "1 code_interpreter_call item", "2 shell_call items", or both. */
static void calls_phrase(struct buf *b, const struct reason *c)
{
	if (c->ci_calls && c->shell_calls)
		buf_printf(b, "%u code_interpreter_call and %u shell_call items", c->ci_calls, c->shell_calls);
	else if (c->shell_calls)
		buf_printf(b, "%u shell_call item%s", c->shell_calls, plural(c->shell_calls, "s"));
	else
		buf_printf(b, "%u code_interpreter_call item%s", c->ci_calls, plural(c->ci_calls, "s"));
}

static char *reason_words(const struct reason *c)
{
	struct buf b = {0};
	if (!strcmp(c->classification, "used")) {
		calls_phrase(&b, c);
		buf_puts(&b, " ran in this container");
	} else if (!strcmp(c->classification, "idle")) {
		buf_puts(&b, "no container call ran in this container, but ");
		if (c->named > 0) {
			buf_printf(&b, "%u response%s name%s it explicitly (%s)", c->named, plural(c->named, "s"),
			           c->named == 1 ? "s" : "", c->first_named);
		} else {
			buf_printf(&b, "a file in it is cited by %s", c->first_cited);
			if (c->cited > 1)
				buf_printf(&b, " and %u other%s", c->cited - 1, plural(c->cited - 1, "s"));
		}
		buf_puts(&b, ": created on purpose, never ran code");
	} else if (!strcmp(c->classification, "outside_coverage")) {
		buf_puts(&b,
		         "no trace of use, but no collected response was created within 10 minutes of its creation: "
		         "outside the coverage of the collected data, not accused");
	} else {
		buf_puts(&b, "no container call (code_interpreter_call or shell_call) ran in this container");
		if (c->candidates > 0)
			buf_printf(
			    &b,
			    "; %u response%s requested an automatic container without running code within %lld s "
			    "of its creation",
			    c->candidates, plural(c->candidates, "s"), (long long)c->widest_delta);
		else
			buf_puts(&b,
			         " and nothing names or cites it; no response requesting an automatic container was "
			         "running at its creation");
	}
	if (c->accruing)
		buf_puts(&b, "; still running: its charge is still accruing");
	if (c->unpriced) {
		char day[TIMESTAMP_MAX];
		timestamp_format_utc_day(c->created_at, day);
		buf_printf(&b, "; unpriced: no price for memory tier %s on %s", c->tier, day);
	}
	return buf_detach(&b);
}

static const char *text_or_empty(sqlite3_value *v)
{
	const unsigned char *t = sqlite3_value_text(v);
	return t ? (const char *)t : "";
}

void audit_sql_reason(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	struct reason r = {
	    .classification = text_or_empty(argv[0]),
	    .ci_calls = (uint32_t)sqlite3_value_int64(argv[1]),
	    .shell_calls = (uint32_t)sqlite3_value_int64(argv[2]),
	    .named = (uint32_t)sqlite3_value_int64(argv[3]),
	    .first_named = text_or_empty(argv[4]),
	    .cited = (uint32_t)sqlite3_value_int64(argv[5]),
	    .first_cited = text_or_empty(argv[6]),
	    .candidates = (uint32_t)sqlite3_value_int64(argv[7]),
	    .widest_delta = sqlite3_value_int64(argv[8]),
	    .accruing = sqlite3_value_int(argv[9]),
	    .unpriced = sqlite3_value_int(argv[10]),
	    .tier = text_or_empty(argv[11]),
	    .created_at = sqlite3_value_int64(argv[12]),
	};
	sqlite3_result_text(ctx, reason_words(&r), -1, free);
}

char *audit_attribution(const struct audit_container *c)
{
	if (c->classification != CLASS_ORPHAN)
		return xstrdup("");
	if (c->candidates == 0)
		return xstrdup("none");
	if (c->candidates == 1)
		return xstrdup("unique");
	return xasprintf("ambiguous:%u", c->candidates);
}
