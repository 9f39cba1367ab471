/* What the audit says in words about a container and a thread: the
 * reason for a classification, the attribution, the flags. */
#include "audit_engine.h"

#include "timestamp.h"
#include "xalloc.h"

#include <string.h>

static const char *plural(uint32_t n, const char *many)
{
	return n == 1 ? "" : many;
}

/* "1 code_interpreter_call item", "2 shell_call items", or both. */
static void calls_phrase(struct buf *b, const struct audit_container *c)
{
	if (c->ci_calls && c->shell_calls)
		buf_printf(b, "%u code_interpreter_call and %u shell_call items", c->ci_calls, c->shell_calls);
	else if (c->shell_calls)
		buf_printf(b, "%u shell_call item%s", c->shell_calls, plural(c->shell_calls, "s"));
	else
		buf_printf(b, "%u code_interpreter_call item%s", c->ci_calls, plural(c->ci_calls, "s"));
}

char *audit_container_reason(const struct audit *a, const struct audit_container *c)
{
	struct buf b = {0};
	switch (c->classification) {
	case CLASS_USED:
		calls_phrase(&b, c);
		buf_puts(&b, " ran in this container");
		break;
	case CLASS_IDLE:
		buf_puts(&b, "no container call ran in this container, but ");
		if (c->named > 0) {
			buf_printf(&b, "%u response%s name%s it explicitly (%s)", c->named, plural(c->named, "s"),
			           c->named == 1 ? "s" : "", symtab_str(a->syms, c->first_named));
		} else {
			buf_printf(&b, "a file in it is cited by %s", symtab_str(a->syms, c->first_cited));
			if (c->cited > 1)
				buf_printf(&b, " and %u other%s", c->cited - 1, plural(c->cited - 1, "s"));
		}
		buf_puts(&b, ": created on purpose, never ran code");
		break;
	case CLASS_OUTSIDE_COVERAGE:
		buf_puts(&b,
		         "no trace of use, but no collected response was created within 10 minutes of its creation: "
		         "outside the coverage of the collected data, not accused");
		break;
	default:
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
	if (c->price < 0) {
		char day[TIMESTAMP_MAX];
		timestamp_format_utc_day(c->created_at, day);
		buf_printf(&b, "; unpriced: no price for memory tier %s on %s", audit_container_tier(a, c), day);
	}
	return buf_detach(&b);
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

char *audit_thread_flags(const struct audit_thread *t)
{
	char flags[64] = "";
	if (t->repetitive)
		strcat(flags, ";repetitive");
	if (t->expired_recreated)
		strcat(flags, ";expired_recreated");
	if (t->at_risk)
		strcat(flags, ";at_risk");
	return xstrdup(flags + (flags[0] == ';'));
}
