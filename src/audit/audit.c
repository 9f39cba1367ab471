#include "audit.h"

#include "audit_engine.h"
#include "embedded_sql.h"
#include "error.h"
#include "money.h"
#include "xalloc.h"
#include "timestamp.h"

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

int audit_register_functions(sqlite3 *db)
{
	const int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC;
	if (sqlite3_create_function(db, "iso_time", 1, flags, (void *)timestamp_format, sql_time, NULL, NULL) ||
	    sqlite3_create_function(db, "local_day", 1, flags, (void *)timestamp_format_day, sql_time, NULL, NULL) ||
	    sqlite3_create_function(db, "local_month", 1, flags, (void *)timestamp_format_month, sql_time, NULL,
	                            NULL) ||
	    sqlite3_create_function(db, "usd", 1, flags, NULL, sql_usd, NULL, NULL))
		return error_set("cannot register SQL functions: %s", sqlite3_errmsg(db));
	return 0;
}

static void bind_optional(sqlite3_stmt *st, int i, const int64_t *v)
{
	if (v)
		sqlite3_bind_int64(st, i, *v);
	else
		sqlite3_bind_null(st, i);
}

int audit_run(struct store *store, const struct audit_params *params)
{
	sqlite3 *db = store_db(store);
	sqlite3_stmt *st = NULL;

	if (audit_register_functions(db) ||
	    store_exec(store, "DROP TABLE IF EXISTS temp.audit_params;"
	                      "CREATE TEMP TABLE audit_params(now INTEGER NOT NULL, since INTEGER, until INTEGER,"
	                      " period TEXT NOT NULL, only_classification TEXT)"))
		return -1;
	if (sqlite3_prepare_v2(db, "INSERT INTO temp.audit_params VALUES (?1, ?2, ?3, ?4, ?5)", -1, &st, NULL))
		return store_error(store, "cannot prepare the audit");
	sqlite3_bind_int64(st, 1, params->now);
	bind_optional(st, 2, params->since);
	bind_optional(st, 3, params->until);
	sqlite3_bind_text(st, 4, params->period ? params->period : "day", -1, SQLITE_STATIC);
	if (params->only_classification)
		sqlite3_bind_text(st, 5, params->only_classification, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_error(store, "cannot prepare the audit");
	/* Memory and temp views only: a read-only or busy database still audits.
	 * One read transaction, so every table is seen at the same moment. */
	struct audit *a = xcalloc(1, sizeof *a);
	a->params = *params;
	if (store_exec(store, "BEGIN") || audit_load(a, db)) {
		store_exec(store, "ROLLBACK");
		audit_free(a);
		return -1;
	}
	store_exec(store, "COMMIT");
	audit_containers(a);
	audit_threads(a);
	if (a->overflow) {
		error_set("cannot audit: %s", a->overflow);
		audit_free(a);
		return -1;
	}
	if (audit_tables_register(db, a)) /* frees a on failure */
		return store_error(store, "cannot prepare the audit");
	return store_exec(store, embedded_sql_find("reports/audit.sql"));
}
