/* Containers: the trace each left (container calls that ran in it,
 * responses that named it, citations of a file in it), its classification,
 * the attribution of an orphan to the response that most probably made it,
 * and its price. */
#include "audit_engine.h"

#include "money.h"
#include "pricing.h"
#include "timestamp.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

#define COVERAGE_SECONDS 600 /* a response this close to a creation means the data covers it */
#define MATCH_SLACK      5   /* seconds of clock slack around a candidate response's window */

static int cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
	return a < b ? -1 : a > b;
}

/* The least of two referrer symbols by their text; SYM_NONE is no referrer. */
static uint32_t least(const struct audit *a, uint32_t current, uint32_t candidate)
{
	if (current == SYM_NONE || strcmp(symtab_str(a->syms, candidate), symtab_str(a->syms, current)) < 0)
		return candidate;
	return current;
}

static void trace(struct audit *a)
{
	/* (container index, response symbol) pairs, to count distinct responses. */
	uint64_t *pairs = xmalloc((a->ncalls + a->nreferences + 1) * sizeof *pairs);
	size_t n = 0;
	for (size_t i = 0; i < a->ncalls; i++) {
		const struct audit_call *call = &a->calls[i];
		int32_t c = a->container_of[call->container];
		if (c < 0)
			continue;
		if (call->shell)
			a->containers[c].shell_calls++;
		else
			a->containers[c].ci_calls++;
		if (call->response != SYM_NONE)
			pairs[n++] = (uint64_t)c << 32 | call->response;
	}
	for (size_t i = 0; i < a->nreferences; i++) {
		const struct audit_reference *r = &a->references[i];
		int32_t c = a->container_of[r->container];
		if (c < 0)
			continue;
		struct audit_container *k = &a->containers[c];
		if (r->named) {
			k->named++;
			k->first_named = least(a, k->first_named, r->referrer);
		} else {
			k->cited++;
			k->first_cited = least(a, k->first_cited, r->referrer);
		}
		if (r->referrer_is_response)
			pairs[n++] = (uint64_t)c << 32 | r->referrer;
	}
	if (n > 1)
		qsort(pairs, n, sizeof *pairs, cmp_u64);
	for (size_t i = 0; i < n; i++)
		if (i == 0 || pairs[i] != pairs[i - 1])
			a->containers[pairs[i] >> 32].responses++;
	free(pairs);
}

/* Responses by (project, created_at): all of them for coverage, and the
 * candidates (requested an automatic container, ran no code) for
 * attribution. */
struct dated {
	uint32_t project, id;
	int64_t created_at, completed_at;
	int64_t project_span; /* the longest completed_at - created_at among the project's candidates */
};

static int by_project_then_created(const void *x, const void *y)
{
	const struct dated *a = x, *b = y;
	if (a->project != b->project)
		return a->project < b->project ? -1 : 1;
	return a->created_at < b->created_at ? -1 : a->created_at > b->created_at;
}

/* The first index whose (project, created_at) is >= (project, t). */
static size_t lower_bound(const struct dated *v, size_t n, uint32_t project, int64_t t)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid].project < project || (v[mid].project == project && v[mid].created_at < t))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int covered(const struct dated *all, size_t n, const struct audit_container *c)
{
	size_t i = lower_bound(all, n, c->project, c->created_at - COVERAGE_SECONDS);
	return i < n && all[i].project == c->project && all[i].created_at <= c->created_at + COVERAGE_SECONDS;
}

/* Every candidate whose [created_at - 5 s, completed_at + 5 s] holds the
 * container's creation; the nearest by created_at is the attribution (ties:
 * the earlier response, then the smaller ID). */
static void attribute(const struct audit *a, const struct dated *cand, size_t n, struct audit_container *c)
{
	size_t i = lower_bound(cand, n, c->project, c->created_at + MATCH_SLACK + 1);
	int64_t best_delta = 0, best_created = 0;
	while (i-- > 0 && cand[i].project == c->project &&
	       cand[i].created_at >= c->created_at - cand[i].project_span - MATCH_SLACK) {
		const struct dated *r = &cand[i];
		if (r->completed_at + MATCH_SLACK < c->created_at)
			continue;
		int64_t delta =
		    r->created_at > c->created_at ? r->created_at - c->created_at : c->created_at - r->created_at;
		c->candidates++;
		if (delta > c->widest_delta)
			c->widest_delta = delta;
		if (c->best == SYM_NONE || delta < best_delta ||
		    (delta == best_delta && (r->created_at < best_created ||
		                             (r->created_at == best_created &&
		                              strcmp(symtab_str(a->syms, r->id), symtab_str(a->syms, c->best)) < 0)))) {
			c->best = r->id;
			best_delta = delta;
			best_created = r->created_at;
		}
	}
}

/* The price row of the container's tier on its UTC creation day. Unpriced,
 * the rule in force is still known: that of a row of another tier on that
 * day (the table is the authority), else the published eras. */
static void price(struct audit *a, struct audit_container *c, const char *day)
{
	const char *tier = c->memory_limit == SYM_NONE ? "1g" : symtab_str(a->syms, c->memory_limit);
	int rule = -1;
	for (size_t i = 0; i < a->nprices; i++) {
		const struct audit_price *p = &a->prices[i];
		if (p->rule < 0 || strcmp(symtab_str(a->syms, p->from), day) > 0 ||
		    (p->until != SYM_NONE && strcmp(day, symtab_str(a->syms, p->until)) > 0))
			continue;
		if (!strcmp(symtab_str(a->syms, p->memory_limit), tier)) {
			c->price = (int32_t)i;
			c->rule = (uint8_t)p->rule;
			int64_t cost, units = audit_container_units(c);
			if (__builtin_mul_overflow(units, p->unit_price_micros, &cost) && !a->overflow) {
				char unit_price[MONEY_MAX];
				money_format(p->unit_price_micros, unit_price);
				a->overflow =
				    xasprintf("container %s: its estimate, %lld × $%s per %s, is " MONEY_OVERFLOW,
				              symtab_str(a->syms, c->id), (long long)units, unit_price,
				              pricing_rule_unit(c->rule));
			}
			return;
		}
		if (rule < 0)
			rule = p->rule;
	}
	c->rule = (uint8_t)(rule >= 0 ? rule : (int)pricing_rule_in_force(day));
}

void audit_containers(struct audit *a)
{
	trace(a);

	struct dated *all = xmalloc((a->nresponses + 1) * sizeof *all);
	struct dated *cand = xmalloc((a->nresponses + 1) * sizeof *cand);
	size_t ncand = 0;
	for (size_t i = 0; i < a->nresponses; i++) {
		const struct audit_response *r = &a->responses[i];
		all[i] = (struct dated){r->project, r->id, r->created_at, r->completed_at, 0};
		if (r->requests_container_auto && !a->ran_code[r->id])
			cand[ncand++] = all[i];
	}
	qsort(all, a->nresponses, sizeof *all, by_project_then_created);
	qsort(cand, ncand, sizeof *cand, by_project_then_created);
	for (size_t start = 0, end; start < ncand; start = end) {
		int64_t span = 0;
		for (end = start; end < ncand && cand[end].project == cand[start].project; end++)
			if (cand[end].completed_at - cand[end].created_at > span)
				span = cand[end].completed_at - cand[end].created_at;
		for (size_t i = start; i < end; i++)
			cand[i].project_span = span;
	}

	char day[TIMESTAMP_MAX] = "";
	int64_t day_of = -1;
	for (size_t i = 0; i < a->ncontainers; i++) {
		struct audit_container *c = &a->containers[i];
		if (c->ci_calls + c->shell_calls > 0)
			c->classification = CLASS_USED;
		else if (c->named > 0 || c->cited > 0)
			c->classification = CLASS_IDLE;
		else if (!covered(all, a->nresponses, c))
			c->classification = CLASS_OUTSIDE_COVERAGE;
		else {
			c->classification = CLASS_ORPHAN;
			attribute(a, cand, ncand, c);
		}
		const char *status = symtab_str(a->syms, c->status);
		c->accruing_until = strcmp(status, "expired") && strcmp(status, "deleted") ? c->alive_until : INT64_MIN;
		if (c->created_at / 86400 != day_of) {
			day_of = c->created_at / 86400;
			timestamp_format_utc_day(c->created_at, day);
		}
		price(a, c, day);
	}
	free(all);
	free(cand);
}

int64_t audit_container_units(const struct audit_container *c)
{
	return pricing_billable_units(c->rule, c->last_active_at - c->created_at);
}

int64_t audit_container_cost(const struct audit *a, const struct audit_container *c, int *unpriced)
{
	*unpriced = c->price < 0;
	return *unpriced ? 0 : audit_container_units(c) * a->prices[c->price].unit_price_micros;
}
