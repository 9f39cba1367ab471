#define _GNU_SOURCE /* qsort_r */
/* The orders the container table serves besides its own (created_at, ID):
 * by pricing group, by project and by (UTC day, ID), each made once, when
 * first read. */
#include "audit_engine.h"

#include "pricing.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

const char *audit_container_tier(const struct audit *a, const struct audit_container *c)
{
	return c->memory_limit == SYM_NONE ? "1g" : symtab_str(a->syms, c->memory_limit);
}

/* The containers in (pricing_rule, tier, unpriced) order, each group in
 * created_at order: what GROUP BY pricing_rule, tier, unpriced reads
 * without sorting a row. Groups are few: a counting sort over their ranks. */
const uint32_t *audit_containers_by_pricing(struct audit *a)
{
	if (a->by_pricing || !a->ncontainers)
		return a->by_pricing;
	struct group {
		const char *rule, *tier;
		int unpriced;
		size_t count, start;
	} *groups = NULL;
	size_t ngroups = 0;
	uint32_t *group_of = xmalloc(a->ncontainers * sizeof *group_of);
	for (size_t i = 0; i < a->ncontainers; i++) {
		const struct audit_container *c = &a->containers[i];
		const char *rule = pricing_rule_name(c->rule), *tier = audit_container_tier(a, c);
		int unpriced = c->price < 0;
		size_t g = 0;
		while (g < ngroups &&
		       (strcmp(groups[g].rule, rule) || strcmp(groups[g].tier, tier) || groups[g].unpriced != unpriced))
			g++;
		if (g == ngroups) {
			groups = xrealloc(groups, (ngroups + 1) * sizeof *groups);
			groups[ngroups++] = (struct group){rule, tier, unpriced, 0, 0};
		}
		groups[g].count++;
		group_of[i] = (uint32_t)g;
	}
	/* Each group's start: the sum of the counts of the groups before it. */
	for (size_t g = 0; g < ngroups; g++)
		for (size_t h = 0; h < ngroups; h++) {
			int c = strcmp(groups[h].rule, groups[g].rule);
			if (c == 0)
				c = strcmp(groups[h].tier, groups[g].tier);
			if (c < 0 || (c == 0 && groups[h].unpriced < groups[g].unpriced))
				groups[g].start += groups[h].count;
		}
	a->by_pricing = xmalloc(a->ncontainers * sizeof *a->by_pricing);
	for (size_t i = 0; i < a->ncontainers; i++)
		a->by_pricing[groups[group_of[i]].start++] = (uint32_t)i;
	free(group_of);
	free(groups);
	return a->by_pricing;
}

/* A symbol's group while grouping: an open-addressed map from symbol to
 * group index, since projects may be many. */
struct symbol_groups {
	uint32_t *keys; /* symbol + 1; 0 = empty slot */
	uint32_t *group;
	size_t cap;
};

static uint32_t group_of_symbol(struct symbol_groups *g, uint32_t sym, uint32_t *ngroups)
{
	size_t i = (sym * 2654435761u) & (g->cap - 1);
	while (g->keys[i] && g->keys[i] != sym + 1)
		i = (i + 1) & (g->cap - 1);
	if (!g->keys[i]) {
		g->keys[i] = sym + 1;
		g->group[i] = (*ngroups)++;
	}
	return g->group[i];
}

static int by_symbol_text(const void *x, const void *y, void *syms)
{
	return strcmp(symtab_str(syms, *(const uint32_t *)x), symtab_str(syms, *(const uint32_t *)y));
}

/* The containers in project_id order, each project's in created_at order:
 * what GROUP BY project_id reads without sorting a row (the summary's
 * coverage per project). A counting sort over the projects' text order. */
const uint32_t *audit_containers_by_project(struct audit *a)
{
	if (a->by_project || !a->ncontainers)
		return a->by_project;
	struct symbol_groups g = {.cap = 16};
	while (g.cap < a->ncontainers * 2 && g.cap < ((size_t)1 << 30))
		g.cap *= 2;
	g.keys = xcalloc(g.cap, sizeof *g.keys);
	g.group = xmalloc(g.cap * sizeof *g.group);
	uint32_t ngroups = 0, *group_of = xmalloc(a->ncontainers * sizeof *group_of);
	uint32_t *symbol = xmalloc(a->ncontainers * sizeof *symbol); /* by group, its project */
	for (size_t i = 0; i < a->ncontainers; i++) {
		uint32_t before = ngroups;
		group_of[i] = group_of_symbol(&g, a->containers[i].project, &ngroups);
		if (ngroups > before)
			symbol[group_of[i]] = a->containers[i].project;
	}
	uint32_t *sorted = xmalloc(ngroups * sizeof *sorted), *rank = xmalloc(ngroups * sizeof *rank);
	memcpy(sorted, symbol, ngroups * sizeof *sorted);
	if (ngroups > 1)
		qsort_r(sorted, ngroups, sizeof *sorted, by_symbol_text, a->syms);
	size_t *start = xcalloc((size_t)ngroups + 1, sizeof *start);
	for (uint32_t k = 0; k < ngroups; k++) /* a group's rank: where its project sorts */
		rank[group_of_symbol(&g, sorted[k], &ngroups)] = k;
	for (size_t i = 0; i < a->ncontainers; i++)
		start[rank[group_of[i]] + 1]++;
	for (uint32_t k = 0; k < ngroups; k++)
		start[k + 1] += start[k];
	a->by_project = xmalloc(a->ncontainers * sizeof *a->by_project);
	for (size_t i = 0; i < a->ncontainers; i++)
		a->by_project[start[rank[group_of[i]]]++] = (uint32_t)i;
	free(start);
	free(rank);
	free(sorted);
	free(symbol);
	free(group_of);
	free(g.keys);
	free(g.group);
	return a->by_project;
}

int64_t audit_container_day(const struct audit_container *c)
{
	return c->created_at / 86400 - (c->created_at % 86400 < 0);
}

static int by_id_text(const void *x, const void *y, void *a)
{
	const struct audit *audit = a;
	return strcmp(symtab_str(audit->syms, audit->containers[*(const uint32_t *)x].id),
	              symtab_str(audit->syms, audit->containers[*(const uint32_t *)y].id));
}

/* The containers by (UTC day of creation, ID), what FOCUS's ORDER BY
 * ChargePeriodStart, ResourceId reads without sorting the rows: they are
 * stored by created_at, so each day is a run, sorted by ID on its own. */
const uint32_t *audit_containers_by_day(struct audit *a)
{
	if (a->by_day || !a->ncontainers)
		return a->by_day;
	a->by_day = xmalloc(a->ncontainers * sizeof *a->by_day);
	for (size_t i = 0; i < a->ncontainers; i++)
		a->by_day[i] = (uint32_t)i;
	for (size_t start = 0, end; start < a->ncontainers; start = end) {
		int64_t day = audit_container_day(&a->containers[start]);
		for (end = start + 1; end < a->ncontainers && audit_container_day(&a->containers[end]) == day; end++)
			;
		if (end - start > 1)
			qsort_r(a->by_day + start, end - start, sizeof *a->by_day, by_id_text, a);
	}
	return a->by_day;
}
