/* What the audit's tables show (see audit_tables.h): the facts it decided,
 * none of which depends on --now (sql/audit/views.sql applies --now to
 * them, and says what the reports read):
 *   audit_container_facts  one row per stored container, in (created_at,
 *                          ID) order
 *   audit_thread_facts     one row per thread involving code interpreter,
 *                          in (first_seen_at, ID) order
 *   audit_response_facts   one row per stored response, in (created_at,
 *                          ID) order: what the summary counts, with ran_code
 *                          (its output holds a container call)
 *   audit_call_facts       the stored container calls counted by kind: one
 *                          row per kind, 0 when none */
#include "audit_tables.h"

#include "pricing.h"

#include <stdlib.h>

static void result_sym(sqlite3_context *ctx, const struct audit *a, uint32_t sym)
{
	if (sym == SYM_NONE)
		sqlite3_result_null(ctx);
	else
		sqlite3_result_text(ctx, symtab_str(a->syms, sym), -1, SQLITE_STATIC);
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
	C_NAMED,
	C_FIRST_NAMED,
	C_CITED,
	C_FIRST_CITED,
	C_CANDIDATES,
	C_WIDEST_DELTA,
	C_ATTRIBUTED,
	C_ATTRIBUTION,
	C_BILLABLE_UNITS,
	C_PRICING_RULE,
	C_COST,
	C_UNIT_PRICE,
	C_PRICE_VERSION,
	C_TIER,
	C_ACCRUING_UNTIL,
	C_ALIVE_UNTIL,
	C_UNPRICED,
	C_REQUEST_ID,
	C_ATTRIBUTED_REQUEST_ID,
	C_CREATED_DAY,
	C_COUNT
};

static const struct table_column container_columns[] = {
    [C_ID] = {"container_id", "TEXT"},
    [C_PROJECT] = {"project_id", "TEXT"},
    [C_NAME] = {"name", "TEXT"},
    [C_MEMORY_LIMIT] = {"memory_limit", "TEXT"},
    [C_STATUS] = {"status", "TEXT"},
    [C_CREATED_AT] = {"created_at", "INTEGER"},
    [C_CREATED_DAY] = {"created_day", "INTEGER"}, /* its UTC day: days since 1970-01-01 */
    [C_LAST_ACTIVE_AT] = {"last_active_at", "INTEGER"},
    [C_CI_CALLS] = {"ci_calls", "INTEGER"},
    [C_SHELL_CALLS] = {"shell_calls", "INTEGER"},
    [C_RESPONSES] = {"responses", "INTEGER"},
    [C_THREAD] = {"thread_id", "TEXT"},
    [C_REQUEST_ID] = {"request_id", "TEXT"},
    [C_ATTRIBUTED_REQUEST_ID] = {"attributed_request_id", "TEXT"},
    [C_CLASSIFICATION] = {"classification", "TEXT"},
    [C_NAMED] = {"named", "INTEGER"},               /* responses naming it */
    [C_FIRST_NAMED] = {"first_named", "TEXT"},      /* the least of them */
    [C_CITED] = {"cited", "INTEGER"},               /* referrers citing a file in it */
    [C_FIRST_CITED] = {"first_cited", "TEXT"},      /* the least of them */
    [C_CANDIDATES] = {"candidates", "INTEGER"},     /* orphans: responses whose window holds its creation */
    [C_WIDEST_DELTA] = {"widest_delta", "INTEGER"}, /* the farthest of them, in seconds */
    [C_ATTRIBUTED] = {"attributed_response_id", "TEXT"},
    [C_ATTRIBUTION] = {"attribution", "TEXT"},
    [C_BILLABLE_UNITS] = {"billable_units", "INTEGER"},
    [C_PRICING_RULE] = {"pricing_rule", "TEXT"},
    [C_COST] = {"estimated_cost_usd", "INTEGER"},
    [C_UNIT_PRICE] = {"unit_price_micros", "INTEGER"},
    [C_PRICE_VERSION] = {"price_version", "TEXT"},
    [C_TIER] = {"tier", "TEXT"},
    [C_ACCRUING_UNTIL] = {"accruing_until", "INTEGER"},
    [C_ALIVE_UNTIL] = {"alive_until", "INTEGER"},
    [C_UNPRICED] = {"unpriced", "INTEGER"},
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
	case C_REQUEST_ID:
		return result_sym(ctx, a, c->request_id);
	case C_ATTRIBUTED_REQUEST_ID: {
		int32_t r = orphan && c->best != SYM_NONE ? a->response_of[c->best] : -1;
		return result_sym(ctx, a, r >= 0 ? a->responses[r].request_id : SYM_NONE);
	}
	case C_MEMORY_LIMIT:
		return result_sym(ctx, a, c->memory_limit);
	case C_STATUS:
		return result_sym(ctx, a, c->status);
	case C_CREATED_AT:
		return sqlite3_result_int64(ctx, c->created_at);
	case C_CREATED_DAY:
		return sqlite3_result_int64(ctx, audit_container_day(c));
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
	case C_NAMED:
		return sqlite3_result_int64(ctx, c->named);
	case C_FIRST_NAMED:
		return result_sym(ctx, a, c->first_named);
	case C_CITED:
		return sqlite3_result_int64(ctx, c->cited);
	case C_FIRST_CITED:
		return result_sym(ctx, a, c->first_cited);
	case C_CANDIDATES:
		return sqlite3_result_int64(ctx, c->candidates);
	case C_WIDEST_DELTA:
		return sqlite3_result_int64(ctx, c->widest_delta);
	case C_ATTRIBUTED:
		return result_sym(ctx, a, orphan ? c->best : SYM_NONE);
	case C_ATTRIBUTION:
		return sqlite3_result_text(ctx, audit_attribution(c), -1, free);
	case C_BILLABLE_UNITS:
		return sqlite3_result_int64(ctx, audit_container_units(c));
	case C_PRICING_RULE:
		return sqlite3_result_text(ctx, pricing_rule_name(c->rule), -1, SQLITE_STATIC);
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
		return sqlite3_result_text(ctx, audit_container_tier(a, c), -1, SQLITE_STATIC);
	case C_ACCRUING_UNTIL:
		return sqlite3_result_int64(ctx, c->accruing_until);
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
	T_LATEST_CONTAINER,
	T_REPETITIVE,
	T_EXPIRED_RECREATED,
	T_AT_RISK_FROM,
	T_FIRST_SEEN_AT,
	T_LAST_SEEN_AT,
	T_COST,
	T_ORPHAN_COST,
	T_SEQ,
	T_COUNT
};

static const struct table_column thread_columns[] = {
    [T_ID] = {"thread_id", "TEXT"},
    [T_KIND] = {"kind", "TEXT"},
    [T_FIRST_RESPONSE_AT] = {"first_response_at", "INTEGER"},
    [T_LAST_RESPONSE_AT] = {"last_response_at", "INTEGER"},
    [T_RESPONSES] = {"responses", "INTEGER"},
    [T_CI_CALLS] = {"ci_calls", "INTEGER"},
    [T_SHELL_CALLS] = {"shell_calls", "INTEGER"},
    [T_CONTAINERS] = {"containers", "INTEGER"},
    [T_LATEST_CONTAINER] = {"latest_container_id", "TEXT"},
    [T_REPETITIVE] = {"repetitive", "INTEGER"},
    [T_EXPIRED_RECREATED] = {"expired_recreated", "INTEGER"},
    [T_AT_RISK_FROM] = {"at_risk_from", "INTEGER"}, /* NULL: no container of it ran code */
    [T_FIRST_SEEN_AT] = {"first_seen_at", "INTEGER"},
    [T_LAST_SEEN_AT] = {"last_seen_at", "INTEGER"},
    [T_COST] = {"estimated_cost_usd", "INTEGER"},
    [T_ORPHAN_COST] = {"orphan_cost_usd", "INTEGER"},
    /* Its place in the threads' order (first seen, then ID), from 0: the
     * stored copy's rowid, so that order needs no index beside the rows. */
    [T_SEQ] = {"seq", "INTEGER PRIMARY KEY"},
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
	case T_LATEST_CONTAINER:
		return result_sym(ctx, a, t->latest_container);
	case T_REPETITIVE:
		return sqlite3_result_int64(ctx, t->repetitive);
	case T_EXPIRED_RECREATED:
		return sqlite3_result_int64(ctx, t->expired_recreated);
	case T_AT_RISK_FROM:
		return result_optional(ctx, t->has_ran_code, t->at_risk_from);
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
	case T_SEQ:
		return sqlite3_result_int64(ctx, (sqlite3_int64)row);
	}
}

enum { R_ID, R_PROJECT, R_CREATED_AT, R_CONVERSATION, R_REQUESTS_CONTAINER_AUTO, R_RAN_CODE, R_COUNT };

static const struct table_column response_columns[] = {
    [R_ID] = {"response_id", "TEXT"},
    [R_PROJECT] = {"project_id", "TEXT"},
    [R_CREATED_AT] = {"created_at", "INTEGER"},
    [R_CONVERSATION] = {"conversation_id", "TEXT"},
    [R_REQUESTS_CONTAINER_AUTO] = {"requests_container_auto", "INTEGER"},
    [R_RAN_CODE] = {"ran_code", "INTEGER"},
};

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

enum { K_KIND, K_CALLS, K_COUNT };

static const struct table_column call_columns[] = {
    [K_KIND] = {"kind", "TEXT"},
    [K_CALLS] = {"calls", "INTEGER"},
};

static size_t call_count(const struct audit *a)
{
	(void)a;
	return 2; /* code_interpreter_call, shell_call: audit_call.shell */
}

static void call_column(const struct audit *a, size_t row, int col, sqlite3_context *ctx)
{
	if (col == K_KIND)
		return sqlite3_result_text(ctx, row ? "shell_call" : "code_interpreter_call", -1, SQLITE_STATIC);
	int64_t calls = 0;
	for (size_t i = 0; i < a->ncalls; i++)
		calls += a->calls[i].shell == row;
	sqlite3_result_int64(ctx, calls);
}

const struct table_def audit_table_defs[] = {
    {"audit_container_engine",
     "audit_container_facts",
     1,
     1u << 3,
     0,
     container_columns,
     C_COUNT,
     {{{C_CREATED_AT, C_ID, -1}},
      {{C_PRICING_RULE, C_TIER, C_UNPRICED}},
      {{C_PROJECT, -1, -1}},
      {{C_CREATED_DAY, C_ID, -1}}},
     container_count,
     container_column,
     {NULL, audit_containers_by_pricing, audit_containers_by_project, audit_containers_by_day}},
    {"audit_thread_engine",
     "audit_thread_facts",
     0,
     0,
     1,
     thread_columns,
     T_COUNT,
     {{{T_FIRST_SEEN_AT, T_ID, -1}}, {{T_SEQ, -1, -1}}, {{-1, -1, -1}}, {{-1, -1, -1}}},
     thread_count,
     thread_column,
     {NULL, NULL, NULL, NULL}},
    {"audit_response_engine",
     "audit_response_facts",
     1,
     0,
     0,
     response_columns,
     R_COUNT,
     {{{R_CREATED_AT, R_ID, -1}}, {{-1, -1, -1}}, {{-1, -1, -1}}, {{-1, -1, -1}}},
     response_count,
     response_column,
     {NULL, NULL, NULL, NULL}},
    {"audit_call_engine",
     "audit_call_facts",
     0,
     0,
     -1,
     call_columns,
     K_COUNT,
     {{{-1, -1, -1}}, {{-1, -1, -1}}, {{-1, -1, -1}}, {{-1, -1, -1}}},
     call_count,
     call_column,
     {NULL, NULL, NULL, NULL}},
};
const size_t audit_table_count = sizeof audit_table_defs / sizeof *audit_table_defs;
