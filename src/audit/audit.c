#include "audit.h"

#include "audit_engine.h"
#include "error.h"
#include "money.h"
#include "timestamp.h"
#include "xalloc.h"

#include <stdlib.h>

typedef void (*time_formatter)(int64_t t, char out[TIMESTAMP_MAX]);

static void sql_time(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	char out[TIMESTAMP_MAX];
	time_formatter format = (time_formatter)sqlite3_user_data(ctx);
	format(sqlite3_value_int64(argv[0]), out);
	sqlite3_result_text(ctx, out, -1, SQLITE_TRANSIENT);
}

static void sql_usd(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	char out[MONEY_MAX];
	money_format(sqlite3_value_int64(argv[0]), out);
	sqlite3_result_text(ctx, out, -1, SQLITE_TRANSIENT);
}

/* The report window, said once: a time t inside [since, until), a span
 * [first, last] that overlaps it. An open end admits anything, a NULL
 * time included; a bound end admits no NULL. */
struct window {
	int has_since, has_until;
	int64_t since, until;
};

static void sql_in_window(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const struct window *w = sqlite3_user_data(ctx);
	sqlite3_value *first = argv[0], *last = argv[argc - 1]; /* in_window(t): both t */
	int after_since =
	    !w->has_since || (sqlite3_value_type(last) != SQLITE_NULL && sqlite3_value_int64(last) >= w->since);
	int before_until =
	    !w->has_until || (sqlite3_value_type(first) != SQLITE_NULL && sqlite3_value_int64(first) < w->until);
	sqlite3_result_int(ctx, after_since && before_until);
}

/* span_whole(first, last): the span lies inside the window and within one
 * day of the report's zone (so within one month too). */
static void sql_span_whole(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const struct window *w = sqlite3_user_data(ctx);
	int64_t first = sqlite3_value_int64(argv[0]), last = sqlite3_value_int64(argv[1]);
	if ((w->has_since && first < w->since) || (w->has_until && last >= w->until)) {
		sqlite3_result_int(ctx, 0);
		return;
	}
	int64_t a = first + timestamp_zone_offset(first), b = last + timestamp_zone_offset(last);
	sqlite3_result_int(ctx, (a - ((a % 86400) + 86400) % 86400) == (b - ((b % 86400) + 86400) % 86400));
}

/* iso_time(t), local_day(t), local_month(t), usd(micros), audit_reason(...);
 * and the window of params: in_window(t), active_in_window(first, last),
 * span_whole(first, last). */
static int register_functions(sqlite3 *db, const struct audit_params *params)
{
	const int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC;
	struct window *w = xmalloc(sizeof *w);
	*w = (struct window){params->since != NULL, params->until != NULL, params->since ? *params->since : 0,
	                     params->until ? *params->until : 0};
	if (sqlite3_create_function(db, "iso_time", 1, flags, (void *)timestamp_format, sql_time, NULL, NULL) ||
	    sqlite3_create_function(db, "local_day", 1, flags, (void *)timestamp_format_day, sql_time, NULL, NULL) ||
	    sqlite3_create_function(db, "local_month", 1, flags, (void *)timestamp_format_month, sql_time, NULL,
	                            NULL) ||
	    sqlite3_create_function(db, "usd", 1, flags, NULL, sql_usd, NULL, NULL) ||
	    sqlite3_create_function(db, "audit_reason", 13, flags, NULL, audit_sql_reason, NULL, NULL) ||
	    sqlite3_create_function_v2(db, "in_window", 1, flags, w, sql_in_window, NULL, NULL, free) ||
	    sqlite3_create_function_v2(db, "active_in_window", 2, flags, w, sql_in_window, NULL, NULL, NULL) ||
	    sqlite3_create_function_v2(db, "span_whole", 2, flags, w, sql_span_whole, NULL, NULL, NULL))
		return error_set("cannot register SQL functions: %s", sqlite3_errmsg(db));
	return 0;
}

/* Records params in temp.audit_params, for the reports that print them. */
static int record_params(struct store *store, const struct audit_params *params)
{
	sqlite3_stmt *st;
	if (store_exec_ref(store, "sql/audit/params.sql#create") ||
	    store_prepare(store, "sql/audit/params.sql#set", &st))
		return -1;
	sqlite3_bind_int64(st, 1, params->now);
	if (params->since)
		sqlite3_bind_int64(st, 2, *params->since);
	if (params->until)
		sqlite3_bind_int64(st, 3, *params->until);
	sqlite3_bind_text(st, 4, params->period ? params->period : "day", -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : store_error(store, "cannot prepare the audit");
}

int audit_run(struct store *store, const struct audit_params *params)
{
	if (register_functions(store_db(store), params) || record_params(store, params))
		return -1;
	/* Memory and temp views only: a read-only or busy database still audits.
	 * One read transaction, so every table is seen at the same moment: the
	 * stored facts and the data beside them are read in it until the store
	 * is closed; the engine reads the store in it, then holds what it read. */
	int current;
	if (store_snapshot_begin(store) || audit_facts_current(store, &current)) {
		store_snapshot_end(store);
		return -1;
	}
	if (current)
		return store_exec_ref(store, "sql/audit/facts.sql#stored_sources") ||
		       store_exec_ref(store, "sql/audit/views.sql");
	struct audit *a = audit_engine_run(store);
	store_snapshot_end(store);
	if (!a)
		return -1;
	return store_exec_ref(store, "sql/audit/facts.sql#engine_sources") ||
	               store_exec_ref(store, "sql/audit/views.sql")
	           ? -1
	           : 0;
}
