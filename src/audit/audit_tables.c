#define _GNU_SOURCE /* qsort_r */
/* The audit's results as read-only SQL virtual tables, so the report
 * queries in reports/ read them like tables without copying a row:
 *   audit_container  one row per stored container, in (created_at, ID) order
 *   audit_thread     one row per thread involving code interpreter, in
 *                    (first_seen_at, ID) order
 *   audit_response   one row per stored response: what the summary counts,
 *                    with ran_code (its output holds a container call)
 */
#include "audit_engine.h"

#include "pricing.h"
#include "timestamp.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

/* An order a table can serve rows in, by column numbers (-1: none). */
struct table_order {
	int columns[3];
};

#define TABLE_ORDERS 3

struct table_def {
	const char *name, *schema;
	/* [0]: the order rows are stored in; the others, when their first
	 * column is not -1, orders the matching permutation serves. */
	struct table_order orders[TABLE_ORDERS];
	size_t (*count)(const struct audit *a);
	void (*column)(const struct audit *a, size_t row, int col, sqlite3_context *ctx);
	const uint32_t *(*permutations[TABLE_ORDERS])(struct audit *a); /* [0] NULL: stored order */
};

static void result_sym(sqlite3_context *ctx, const struct audit *a, uint32_t sym)
{
	if (sym == SYM_NONE)
		sqlite3_result_null(ctx);
	else
		sqlite3_result_text(ctx, symtab_str(a->syms, sym), -1, SQLITE_STATIC);
}

static const char *plural(uint32_t n, const char *many)
{
	return n == 1 ? "" : many;
}

static const char *container_rule(const struct audit_container *c)
{
	return pricing_rule_name(c->rule);
}

static const char *container_tier(const struct audit *a, const struct audit_container *c)
{
	return c->memory_limit == SYM_NONE ? "1g" : symtab_str(a->syms, c->memory_limit);
}

/* The containers in (pricing_rule, tier, unpriced) order, each group in
 * created_at order: what GROUP BY pricing_rule, tier, unpriced reads
 * without sorting a row. Groups are few: a counting sort over their ranks. */
static const uint32_t *containers_by_pricing(struct audit *a)
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
		const char *rule = container_rule(c), *tier = container_tier(a, c);
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
static const uint32_t *containers_by_project(struct audit *a)
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

static char *container_reason(const struct audit *a, const struct audit_container *c)
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
		buf_printf(&b, "; unpriced: no price for memory tier %s on %s", container_tier(a, c), day);
	}
	return buf_detach(&b);
}

enum {
	C_ID,
	C_PROJECT,
	C_NAME,
	C_MEMORY_LIMIT,
	C_STATUS,
	C_CREATED_AT,
	C_LAST_ACTIVE_AT,
	C_CI_CALLS,
	C_SHELL_CALLS,
	C_RESPONSES,
	C_THREAD,
	C_CLASSIFICATION,
	C_REASON,
	C_ATTRIBUTED,
	C_ATTRIBUTION,
	C_BILLABLE_UNITS,
	C_PRICING_RULE,
	C_COST,
	C_UNIT_PRICE,
	C_PRICE_VERSION,
	C_TIER,
	C_ACCRUING,
	C_ALIVE_UNTIL,
	C_UNPRICED
};

static size_t container_count(const struct audit *a)
{
	return a->ncontainers;
}

static void container_column(const struct audit *a, size_t row, int col, sqlite3_context *ctx)
{
	const struct audit_container *c = &a->containers[row];
	const struct audit_price *p = c->price < 0 ? NULL : &a->prices[c->price];
	int orphan = c->classification == CLASS_ORPHAN;
	switch (col) {
	case C_ID:
		return result_sym(ctx, a, c->id);
	case C_PROJECT:
		return result_sym(ctx, a, c->project);
	case C_NAME:
		return result_sym(ctx, a, c->name);
	case C_MEMORY_LIMIT:
		return result_sym(ctx, a, c->memory_limit);
	case C_STATUS:
		return result_sym(ctx, a, c->status);
	case C_CREATED_AT:
		return sqlite3_result_int64(ctx, c->created_at);
	case C_LAST_ACTIVE_AT:
		if (c->has_last_active)
			return sqlite3_result_int64(ctx, c->last_active_at);
		return sqlite3_result_null(ctx);
	case C_CI_CALLS:
		return sqlite3_result_int64(ctx, c->ci_calls);
	case C_SHELL_CALLS:
		return sqlite3_result_int64(ctx, c->shell_calls);
	case C_RESPONSES:
		return sqlite3_result_int64(ctx, c->responses);
	case C_THREAD:
		return result_sym(ctx, a, c->thread);
	case C_CLASSIFICATION:
		return sqlite3_result_text(ctx, audit_class_name(c->classification), -1, SQLITE_STATIC);
	case C_REASON:
		return sqlite3_result_text(ctx, container_reason(a, c), -1, free);
	case C_ATTRIBUTED:
		return result_sym(ctx, a, orphan ? c->best : SYM_NONE);
	case C_ATTRIBUTION:
		if (!orphan)
			return sqlite3_result_text(ctx, "", 0, SQLITE_STATIC);
		if (c->candidates == 0)
			return sqlite3_result_text(ctx, "none", -1, SQLITE_STATIC);
		if (c->candidates == 1)
			return sqlite3_result_text(ctx, "unique", -1, SQLITE_STATIC);
		return sqlite3_result_text(ctx, xasprintf("ambiguous:%u", c->candidates), -1, free);
	case C_BILLABLE_UNITS:
		return sqlite3_result_int64(ctx, audit_container_units(c));
	case C_PRICING_RULE:
		return sqlite3_result_text(ctx, container_rule(c), -1, SQLITE_STATIC);
	case C_COST:
		if (p)
			return sqlite3_result_int64(ctx, audit_container_units(c) * p->unit_price_micros);
		return sqlite3_result_null(ctx);
	case C_UNIT_PRICE:
		if (p)
			return sqlite3_result_int64(ctx, p->unit_price_micros);
		return sqlite3_result_null(ctx);
	case C_PRICE_VERSION:
		return result_sym(ctx, a, p ? p->version : SYM_NONE);
	case C_TIER:
		return sqlite3_result_text(ctx, container_tier(a, c), -1, SQLITE_STATIC);
	case C_ACCRUING:
		return sqlite3_result_int64(ctx, c->accruing);
	case C_ALIVE_UNTIL:
		return sqlite3_result_int64(ctx, c->alive_until);
	case C_UNPRICED:
		return sqlite3_result_int64(ctx, p == NULL);
	}
}

enum {
	T_ID,
	T_KIND,
	T_FIRST_RESPONSE_AT,
	T_LAST_RESPONSE_AT,
	T_RESPONSES,
	T_CI_CALLS,
	T_SHELL_CALLS,
	T_CONTAINERS,
	T_FLAGS,
	T_LATEST_CONTAINER,
	T_REPETITIVE,
	T_EXPIRED_RECREATED,
	T_AT_RISK,
	T_FIRST_SEEN_AT,
	T_LAST_SEEN_AT,
	T_COST,
	T_ORPHAN_COST
};

static size_t thread_count(const struct audit *a)
{
	return a->nthreads;
}

static void result_optional(sqlite3_context *ctx, int known, int64_t t)
{
	if (known)
		sqlite3_result_int64(ctx, t);
	else
		sqlite3_result_null(ctx);
}

static void thread_column(const struct audit *a, size_t row, int col, sqlite3_context *ctx)
{
	const struct audit_thread *t = &a->threads[row];
	int has_responses = t->responses > 0, known;
	int64_t seen;
	switch (col) {
	case T_ID:
		return result_sym(ctx, a, t->id);
	case T_KIND:
		return sqlite3_result_text(ctx, t->kind == KIND_CHAIN ? "chain" : "conversation", -1, SQLITE_STATIC);
	case T_FIRST_RESPONSE_AT:
		return result_optional(ctx, has_responses, t->first_response_at);
	case T_LAST_RESPONSE_AT:
		return result_optional(ctx, has_responses, t->last_response_at);
	case T_RESPONSES:
		return sqlite3_result_int64(ctx, t->responses);
	case T_CI_CALLS:
		return sqlite3_result_int64(ctx, t->ci_calls);
	case T_SHELL_CALLS:
		return sqlite3_result_int64(ctx, t->shell_calls);
	case T_CONTAINERS:
		return sqlite3_result_int64(ctx, t->containers);
	case T_FLAGS: {
		char flags[64] = "";
		if (t->repetitive)
			strcat(flags, ";repetitive");
		if (t->expired_recreated)
			strcat(flags, ";expired_recreated");
		if (t->at_risk)
			strcat(flags, ";at_risk");
		return sqlite3_result_text(ctx, flags + (flags[0] == ';'), -1, SQLITE_TRANSIENT);
	}
	case T_LATEST_CONTAINER:
		return result_sym(ctx, a, t->latest_container);
	case T_REPETITIVE:
		return sqlite3_result_int64(ctx, t->repetitive);
	case T_EXPIRED_RECREATED:
		return sqlite3_result_int64(ctx, t->expired_recreated);
	case T_AT_RISK:
		return sqlite3_result_int64(ctx, t->at_risk);
	case T_FIRST_SEEN_AT:
		seen = audit_thread_first_seen(t, &known);
		return result_optional(ctx, known, seen);
	case T_LAST_SEEN_AT:
		seen = audit_thread_last_seen(t, &known);
		return result_optional(ctx, known, seen);
	case T_COST:
		return result_optional(ctx, !t->cost_unknown, t->cost_micros);
	case T_ORPHAN_COST:
		return result_optional(ctx, !t->orphan_cost_unknown, t->orphan_cost_micros);
	}
}

enum { R_ID, R_PROJECT, R_CREATED_AT, R_CONVERSATION, R_REQUESTS_CONTAINER_AUTO, R_RAN_CODE };

static size_t response_count(const struct audit *a)
{
	return a->nresponses;
}

static void response_column(const struct audit *a, size_t row, int col, sqlite3_context *ctx)
{
	const struct audit_response *r = &a->responses[row];
	switch (col) {
	case R_ID:
		return result_sym(ctx, a, r->id);
	case R_PROJECT:
		return result_sym(ctx, a, r->project);
	case R_CREATED_AT:
		return sqlite3_result_int64(ctx, r->created_at);
	case R_CONVERSATION:
		return result_sym(ctx, a, r->conversation);
	case R_REQUESTS_CONTAINER_AUTO:
		return sqlite3_result_int64(ctx, r->requests_container_auto);
	case R_RAN_CODE:
		return sqlite3_result_int64(ctx, a->ran_code[r->id]);
	}
}

/* Each schema lists its columns in the order of its enum above. */
static const struct table_def tables[] = {
    {"audit_container",
     "CREATE TABLE x(container_id TEXT, project_id TEXT, name TEXT, memory_limit TEXT, status TEXT,"
     " created_at INTEGER, last_active_at INTEGER, ci_calls INTEGER, shell_calls INTEGER, responses INTEGER,"
     " thread_id TEXT, classification TEXT, reason TEXT, attributed_response_id TEXT, attribution TEXT,"
     " billable_units INTEGER, pricing_rule TEXT, estimated_cost_usd INTEGER, unit_price_micros INTEGER,"
     " price_version TEXT, tier TEXT, accruing INTEGER, alive_until INTEGER, unpriced INTEGER)",
     {{{C_CREATED_AT, C_ID, -1}}, {{C_PRICING_RULE, C_TIER, C_UNPRICED}}, {{C_PROJECT, -1, -1}}},
     container_count,
     container_column,
     {NULL, containers_by_pricing, containers_by_project}},
    {"audit_thread",
     "CREATE TABLE x(thread_id TEXT, kind TEXT, first_response_at INTEGER, last_response_at INTEGER,"
     " responses INTEGER, ci_calls INTEGER, shell_calls INTEGER, containers INTEGER, flags TEXT,"
     " latest_container_id TEXT, repetitive INTEGER, expired_recreated INTEGER, at_risk INTEGER,"
     " first_seen_at INTEGER, last_seen_at INTEGER, estimated_cost_usd INTEGER, orphan_cost_usd INTEGER)",
     {{{T_FIRST_SEEN_AT, T_ID, -1}}, {{-1, -1, -1}}, {{-1, -1, -1}}},
     thread_count,
     thread_column,
     {NULL, NULL, NULL}},
    {"audit_response",
     "CREATE TABLE x(response_id TEXT, project_id TEXT, created_at INTEGER, conversation_id TEXT,"
     " requests_container_auto INTEGER, ran_code INTEGER)",
     {{{-1, -1, -1}}, {{-1, -1, -1}}, {{-1, -1, -1}}},
     response_count,
     response_column,
     {NULL, NULL, NULL}},
};

/* What a module is registered with: the audit and which table it shows. */
struct module_aux {
	struct audit *a; /* permutations are made when first asked for */
	const struct table_def *def;
};

struct table {
	sqlite3_vtab base;
	struct module_aux aux;
};

struct cursor {
	sqlite3_vtab_cursor base;
	size_t position;
	const uint32_t *order; /* row at each position; NULL = stored order */
};

static int table_connect(sqlite3 *db, void *aux, int argc, const char *const *argv, sqlite3_vtab **out, char **err)
{
	const struct module_aux *m = aux;
	int rc = sqlite3_declare_vtab(db, m->def->schema);
	if (rc != SQLITE_OK)
		return rc;
	struct table *t = sqlite3_malloc(sizeof *t);
	if (!t)
		return SQLITE_NOMEM;
	memset(t, 0, sizeof *t);
	t->aux = *m;
	*out = &t->base;
	return SQLITE_OK;
}

static int table_disconnect(sqlite3_vtab *vtab)
{
	sqlite3_free(vtab);
	return SQLITE_OK;
}

/* Whether rows in order o satisfy the ORDER BY (or GROUP BY) asked for:
 * its columns are a prefix of the order's, or, for grouping only (GROUP BY,
 * DISTINCT), the same set in any order (equal keys are adjacent either way). */
static int serves(const struct table_order *o, sqlite3_index_info *info)
{
	const struct sqlite3_index_orderby *by = info->aOrderBy;
	int n = info->nOrderBy, length = 0, prefix = 1, same_set = 1;
	while (length < 3 && o->columns[length] >= 0)
		length++;
	if (n < 1 || n > length)
		return 0;
	for (int i = 0; i < n; i++) {
		if (by[i].desc)
			return 0;
		prefix &= by[i].iColumn == o->columns[i];
		int found = 0;
		for (int k = 0; k < n; k++)
			found |= by[i].iColumn == o->columns[k];
		same_set &= found;
	}
	return prefix || (sqlite3_vtab_distinct(info) >= 1 && same_set);
}

/* Full scans only, in one of the table's orders: an ORDER BY or GROUP BY
 * that one of them serves costs no sort. idxNum names the order. */
static int table_best_index(sqlite3_vtab *vtab, sqlite3_index_info *info)
{
	const struct table *t = (const struct table *)vtab;
	const struct table_def *def = t->aux.def;
	for (int k = 0; k < TABLE_ORDERS; k++)
		if (serves(&def->orders[k], info)) {
			info->orderByConsumed = 1;
			info->idxNum = k;
			break;
		}
	size_t n = def->count(t->aux.a);
	info->estimatedCost = (double)n + 1;
	info->estimatedRows = (sqlite3_int64)n + 1;
	return SQLITE_OK;
}

static int cursor_open(sqlite3_vtab *vtab, sqlite3_vtab_cursor **out)
{
	struct cursor *c = sqlite3_malloc(sizeof *c);
	if (!c)
		return SQLITE_NOMEM;
	memset(c, 0, sizeof *c);
	*out = &c->base;
	return SQLITE_OK;
}

static int cursor_close(sqlite3_vtab_cursor *cur)
{
	sqlite3_free(cur);
	return SQLITE_OK;
}

static const struct module_aux *aux_of(sqlite3_vtab_cursor *cur)
{
	return &((const struct table *)cur->pVtab)->aux;
}

static int cursor_filter(sqlite3_vtab_cursor *cur, int idx, const char *idx_str, int argc, sqlite3_value **argv)
{
	struct cursor *c = (struct cursor *)cur;
	const struct module_aux *m = aux_of(cur);
	c->position = 0;
	c->order = m->def->permutations[idx] ? m->def->permutations[idx](m->a) : NULL;
	return SQLITE_OK;
}

static int cursor_next(sqlite3_vtab_cursor *cur)
{
	((struct cursor *)cur)->position++;
	return SQLITE_OK;
}

static size_t cursor_row(const struct cursor *c)
{
	return c->order ? c->order[c->position] : c->position;
}

static int cursor_eof(sqlite3_vtab_cursor *cur)
{
	const struct module_aux *m = aux_of(cur);
	return ((struct cursor *)cur)->position >= m->def->count(m->a);
}

static int cursor_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col)
{
	const struct module_aux *m = aux_of(cur);
	m->def->column(m->a, cursor_row((struct cursor *)cur), col, ctx);
	return SQLITE_OK;
}

static int cursor_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid)
{
	*rowid = (sqlite3_int64)cursor_row((struct cursor *)cur);
	return SQLITE_OK;
}

static const sqlite3_module module = {
    .iVersion = 0,
    .xCreate = NULL, /* eponymous only: exists without CREATE VIRTUAL TABLE */
    .xConnect = table_connect,
    .xBestIndex = table_best_index,
    .xDisconnect = table_disconnect,
    .xOpen = cursor_open,
    .xClose = cursor_close,
    .xFilter = cursor_filter,
    .xNext = cursor_next,
    .xEof = cursor_eof,
    .xColumn = cursor_column,
    .xRowid = cursor_rowid,
};

/* The first module owns the audit: closing the database frees it. */
static void free_owner(void *aux)
{
	audit_free(((struct module_aux *)aux)->a);
	free(aux);
}

int audit_tables_register(sqlite3 *db, struct audit *a)
{
	for (size_t i = 0; i < sizeof tables / sizeof *tables; i++) {
		struct module_aux *m = xmalloc(sizeof *m);
		*m = (struct module_aux){a, &tables[i]};
		/* On failure SQLite calls the destructor: the audit is freed. */
		if (sqlite3_create_module_v2(db, tables[i].name, &module, m, i == 0 ? free_owner : free) != SQLITE_OK)
			return -1;
	}
	return 0;
}
