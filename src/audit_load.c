#define _GNU_SOURCE /* qsort_r */
/* Loading: one sequential scan of each table the audit reads, every ID
 * interned as a symbol, containers sorted by (created_at, ID). */
#include "audit_engine.h"

#include "error.h"
#include "pricing.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

/* A scan in progress: the audit it fills and the capacity of each array. */
struct loader {
	struct audit *a;
	size_t cap_prices, cap_containers, cap_responses, cap_ci_calls, cap_references;
};

static uint32_t column_sym(struct loader *l, sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return SYM_NONE;
	const char *s = (const char *)sqlite3_column_text(st, i);
	return symtab_intern(l->a->syms, s ? s : "", (size_t)sqlite3_column_bytes(st, i));
}

/* Runs sql and calls row() for each result row. */
static int scan(struct loader *l, sqlite3 *db, const char *sql, void (*row)(struct loader *, sqlite3_stmt *))
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return error_set("audit: cannot read the store: %s", sqlite3_errmsg(db));
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		row(l, st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return error_set("audit: cannot read the store: %s", sqlite3_errmsg(db));
	return 0;
}

#define GROW(array, count, cap)                                                                                        \
	do {                                                                                                           \
		if ((count) == (cap)) {                                                                                \
			(cap) = (cap) ? (cap)*2 : 1024;                                                                \
			(array) = xrealloc((array), (cap) * sizeof *(array));                                          \
		}                                                                                                      \
	} while (0)

static void price_row(struct loader *l, sqlite3_stmt *st)
{
	struct audit *a = l->a;
	GROW(a->prices, a->nprices, l->cap_prices);
	a->prices[a->nprices++] = (struct audit_price){
	    .memory_limit = column_sym(l, st, 0),
	    .from = column_sym(l, st, 1),
	    .until = column_sym(l, st, 2),
	    .rule = pricing_rule_parse((const char *)sqlite3_column_text(st, 3)),
	    .unit_price_micros = sqlite3_column_int64(st, 4),
	    .version = column_sym(l, st, 5),
	};
}

static void container_row(struct loader *l, sqlite3_stmt *st)
{
	struct audit *a = l->a;
	GROW(a->containers, a->ncontainers, l->cap_containers);
	struct audit_container *c = &a->containers[a->ncontainers++];
	memset(c, 0, sizeof *c);
	c->id = column_sym(l, st, 0);
	c->project = column_sym(l, st, 1);
	c->name = column_sym(l, st, 2);
	c->memory_limit = column_sym(l, st, 3);
	c->status = column_sym(l, st, 4);
	c->created_at = sqlite3_column_int64(st, 5);
	c->has_last_active = sqlite3_column_type(st, 6) != SQLITE_NULL;
	c->last_active_at = c->has_last_active ? sqlite3_column_int64(st, 6) : c->created_at;
	int64_t minutes = sqlite3_column_type(st, 7) == SQLITE_NULL ? 20 : sqlite3_column_int64(st, 7);
	c->alive_until = c->last_active_at + 60 * minutes;
	c->first_referrer = c->best = SYM_NONE;
	c->price = -1;
}

static void response_row(struct loader *l, sqlite3_stmt *st)
{
	struct audit *a = l->a;
	GROW(a->responses, a->nresponses, l->cap_responses);
	struct audit_response *r = &a->responses[a->nresponses++];
	memset(r, 0, sizeof *r);
	r->id = column_sym(l, st, 0);
	r->project = column_sym(l, st, 1);
	r->created_at = sqlite3_column_int64(st, 2);
	int64_t completed = sqlite3_column_type(st, 3) == SQLITE_NULL ? r->created_at : sqlite3_column_int64(st, 3);
	r->completed_at = completed > r->created_at ? completed : r->created_at;
	r->previous = column_sym(l, st, 4);
	r->conversation = column_sym(l, st, 5);
	r->requests_ci_auto = sqlite3_column_int64(st, 6) != 0;
	r->thread = SYM_NONE;
}

static void ci_call_row(struct loader *l, sqlite3_stmt *st)
{
	struct audit *a = l->a;
	GROW(a->ci_calls, a->nci_calls, l->cap_ci_calls);
	a->ci_calls[a->nci_calls++] = (struct audit_ci_call){column_sym(l, st, 0), column_sym(l, st, 1),
	                                                     column_sym(l, st, 2), column_sym(l, st, 3)};
}

static void reference_row(struct loader *l, sqlite3_stmt *st)
{
	struct audit *a = l->a;
	GROW(a->references, a->nreferences, l->cap_references);
	const char *kind = (const char *)sqlite3_column_text(st, 2);
	a->references[a->nreferences++] =
	    (struct audit_reference){column_sym(l, st, 0), column_sym(l, st, 1), kind && !strcmp(kind, "named")};
}

/* About how many IDs the audit will intern (rowids only grow, so the
 * largest is a fast upper bound of a table's rows): sizes the table once. */
static size_t row_estimate(sqlite3 *db)
{
	sqlite3_stmt *st;
	size_t n = 0;
	if (sqlite3_prepare_v2(db,
	                       "SELECT (SELECT coalesce(max(rowid), 0) FROM main.containers)"
	                       " + (SELECT coalesce(max(rowid), 0) FROM main.responses)"
	                       " + (SELECT coalesce(max(rowid), 0) FROM main.ci_calls)",
	                       -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = (size_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n < (size_t)1 << 28 ? n : (size_t)1 << 28;
}

static int by_created_then_id(const void *x, const void *y, void *syms)
{
	const struct audit_container *a = x, *b = y;
	if (a->created_at != b->created_at)
		return a->created_at < b->created_at ? -1 : 1;
	return strcmp(symtab_str(syms, a->id), symtab_str(syms, b->id));
}

int audit_load(struct audit *a, sqlite3 *db)
{
	struct loader l = {.a = a};
	a->syms = symtab_new(row_estimate(db));
	if (scan(&l, db,
	         "SELECT memory_limit, effective_from, effective_until, rule, unit_price_micros, version FROM "
	         "main.prices"
	         " ORDER BY memory_limit, effective_from",
	         price_row) ||
	    scan(&l, db,
	         "SELECT id, project_id, name, memory_limit, status, created_at, last_active_at, expires_after_minutes"
	         " FROM main.containers",
	         container_row) ||
	    scan(&l, db,
	         "SELECT id, project_id, created_at, completed_at, previous_response_id, conversation_id,"
	         " requests_ci_auto FROM main.responses",
	         response_row) ||
	    scan(&l, db, "SELECT container_id, response_id, conversation_id, context_response_id FROM main.ci_calls",
	         ci_call_row) ||
	    scan(&l, db, "SELECT container_id, response_id, kind FROM main.container_references", reference_row))
		return -1;
	if (a->ncontainers > 1) /* containers is NULL when there are none */
		qsort_r(a->containers, a->ncontainers, sizeof *a->containers, by_created_then_id, a->syms);

	uint32_t nsyms = symtab_count(a->syms);
	a->container_of = xmalloc((nsyms ? nsyms : 1) * sizeof *a->container_of);
	a->response_of = xmalloc((nsyms ? nsyms : 1) * sizeof *a->response_of);
	a->ran_code = xcalloc(nsyms ? nsyms : 1, 1);
	for (uint32_t s = 0; s < nsyms; s++)
		a->container_of[s] = a->response_of[s] = -1;
	for (size_t i = 0; i < a->ncontainers; i++)
		a->container_of[a->containers[i].id] = (int32_t)i;
	for (size_t i = 0; i < a->nresponses; i++)
		a->response_of[a->responses[i].id] = (int32_t)i;
	for (size_t i = 0; i < a->nci_calls; i++)
		if (a->ci_calls[i].response != SYM_NONE)
			a->ran_code[a->ci_calls[i].response] = 1;
	return 0;
}

void audit_free(struct audit *a)
{
	if (!a)
		return;
	symtab_free(a->syms);
	free(a->prices);
	free(a->containers);
	free(a->responses);
	free(a->ci_calls);
	free(a->references);
	free(a->threads);
	free(a->container_of);
	free(a->response_of);
	free(a->ran_code);
	free(a->by_pricing);
	free(a);
}

const char *audit_sym(const struct audit *a, uint32_t sym)
{
	return sym == SYM_NONE ? NULL : symtab_str(a->syms, sym);
}

const char *audit_class_name(int classification)
{
	static const char *const names[] = {"used", "idle", "outside_coverage", "orphan"};
	return names[classification];
}
