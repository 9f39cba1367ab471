/* Where the audit's facts come from: the engine run now (audit_engine_run),
 * or the store, which keeps them (migration 0007, sql/audit/facts.sql):
 * a copy of each of the engine's tables, declared from the same columns,
 * stored by the writers after their changes and read by the reports while
 * current: stored by this engine (audit_engine_id, the hash of its code,
 * cmake/engine_id.cmake) and nothing the audit reads changed since (the
 * store's commits say so for cntraudit's writers, the migration's triggers
 * for any other). */
#include "audit.h"

#include "audit_tables.h"
#include "error.h"
#include "xalloc.h"

extern const char audit_engine_id[];

struct audit *audit_engine_run(struct store *store)
{
	struct audit *a = xcalloc(1, sizeof *a);
	if (audit_load(a, store)) {
		audit_free(a);
		return NULL;
	}
	audit_containers(a);
	audit_threads(a);
	if (a->overflow) {
		error_set("cannot audit: %s", a->overflow);
		audit_free(a);
		return NULL;
	}
	if (audit_tables_register(store_db(store), a)) { /* frees a on failure */
		store_error(store, "cannot prepare the audit");
		return NULL;
	}
	return a;
}

int audit_facts_current(struct store *store, int *current)
{
	sqlite3_stmt *st;
	if (store_prepare(store, "sql/audit/facts.sql#current", &st))
		return -1;
	sqlite3_bind_text(st, 1, audit_engine_id, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	*current = rc == SQLITE_ROW && sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : store_error(store, "cannot read the audit's state");
}

static void order_columns(const struct table_def *def, const struct table_order *o, struct buf *out)
{
	for (int i = 0; i < 3 && o->columns[i] >= 0; i++)
		buf_printf(out, "%s%s", i ? ", " : "", def->columns[o->columns[i]].name);
}

/* The statements that replace def's stored copy with the engine's rows,
 * in its first order, and index it in the orders it keeps. */
static void copy_sql(const struct table_def *def, struct buf *sql)
{
	const struct table_order *stored = &def->orders[0];
	int ordered = stored->columns[0] >= 0;
	buf_printf(sql, "DROP TABLE IF EXISTS main.%s;\nCREATE TABLE main.%s(", def->stored, def->stored);
	audit_table_columns(def, sql);
	if (def->keyed) {
		buf_puts(sql, ", PRIMARY KEY (");
		order_columns(def, stored, sql);
		buf_puts(sql, ")) STRICT, WITHOUT ROWID;\n");
	} else {
		buf_puts(sql, ") STRICT;\n");
	}
	buf_printf(sql, "INSERT INTO main.%s SELECT * FROM %s", def->stored, def->name);
	if (ordered) {
		buf_puts(sql, " ORDER BY ");
		order_columns(def, stored, sql);
	}
	buf_puts(sql, ";\n");
	for (int k = 0; k < TABLE_ORDERS; k++) {
		if (!(def->indexed & 1u << k) || def->orders[k].columns[0] < 0)
			continue;
		buf_printf(sql, "CREATE INDEX main.%s_order_%d ON %s(", def->stored, k, def->stored);
		order_columns(def, &def->orders[k], sql);
		buf_puts(sql, ");\n");
	}
}

static int store_copies(struct store *store)
{
	struct buf sql = {0};
	for (size_t i = 0; i < audit_table_count; i++)
		copy_sql(&audit_table_defs[i], &sql);
	char *message = NULL;
	int rc = sqlite3_exec(store_db(store), sql.data, NULL, NULL, &message);
	buf_free(&sql);
	sqlite3_free(message);
	return rc == SQLITE_OK ? 0 : store_error(store, "cannot store the audit's facts");
}

int audit_store_facts(struct store *store)
{
	int current;
	if (store_begin(store) || audit_facts_current(store, &current))
		goto failed;
	if (current)
		return store_commit(store);
	sqlite3_stmt *st;
	struct audit *a = audit_engine_run(store);
	if (!a || store_copies(store) || audit_store_groups(a, store) ||
	    store_prepare(store, "sql/audit/facts.sql#stored", &st))
		goto failed;
	sqlite3_bind_text(st, 1, audit_engine_id, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		store_error(store, "cannot store the audit's facts");
		goto failed;
	}
	if (store_commit(store) == 0)
		return 0;
failed:
	store_rollback(store);
	return -1;
}
