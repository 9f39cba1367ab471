/* Where the audit's facts come from: the engine run now (audit_engine_run),
 * or the store, which keeps them (migration 0007, sql/audit/facts.sql):
 * a copy of each of the engine's tables, declared from the same columns,
 * stored by the writers after their changes and read by the reports while
 * current: stored by this engine (audit_engine_id, the hash of its code,
 * cmake/engine_id.cmake) and nothing the audit reads changed since (the
 * store's commits say so for cntraudit's writers, the migration's triggers
 * for any other). A writer rewrites only the stored rows that differ from
 * the engine's (copy_changes), or a copy whole when many do or another
 * engine stored it. */
#include "audit.h"

#include "audit_tables.h"
#include "error.h"
#include "log.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

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

/* Whether the stored facts are current, and whether this engine stored
 * them (their copies have its columns). */
static int facts_state(struct store *store, int *current, int *same_engine)
{
	sqlite3_stmt *st;
	if (store_prepare(store, "sql/audit/facts.sql#current", &st))
		return -1;
	sqlite3_bind_text(st, 1, audit_engine_id, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	*current = rc == SQLITE_ROW && sqlite3_column_int(st, 0);
	*same_engine = rc == SQLITE_ROW && sqlite3_column_int(st, 1);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : store_error(store, "cannot read the audit's state");
}

int audit_facts_current(struct store *store, int *current)
{
	int same_engine;
	return facts_state(store, current, &same_engine);
}

static void order_columns(const struct table_def *def, const struct table_order *o, struct buf *out)
{
	for (int i = 0; i < audit_order_length(o); i++)
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

static int exec_sql(struct store *store, struct buf *sql)
{
	char *message = NULL;
	int rc = sqlite3_exec(store_db(store), sql->data, NULL, NULL, &message);
	buf_free(sql);
	sqlite3_free(message);
	return rc == SQLITE_OK ? 0 : store_error(store, "cannot store the audit's facts");
}

static int copy_whole(struct store *store, const struct table_def *def)
{
	log_debug("audit facts: %s: written whole", def->stored);
	struct buf sql = {0};
	copy_sql(def, &sql);
	return exec_sql(store, &sql);
}

static int prepare(struct store *store, struct buf *sql, sqlite3_stmt **st)
{
	int rc = sqlite3_prepare_v2(store_db(store), sql->data, -1, st, NULL);
	buf_free(sql);
	return rc == SQLITE_OK ? 0 : store_error(store, "cannot store the audit's facts");
}

/* SQLite's order of two values (BINARY collation): NULL, numbers, text, blobs. */
static int type_rank(int type)
{
	return type == SQLITE_NULL ? 0 : type == SQLITE_TEXT ? 2 : type == SQLITE_BLOB ? 3 : 1;
}

/* SQLite's order of column i of x and column j of y; *same_type says
 * whether their types are the same. */
static int column_cmp(sqlite3_stmt *x, int i, sqlite3_stmt *y, int j, int *same_type)
{
	int tx = sqlite3_column_type(x, i), ty = sqlite3_column_type(y, j);
	*same_type = tx == ty;
	if (type_rank(tx) != type_rank(ty))
		return type_rank(tx) - type_rank(ty);
	if (tx == SQLITE_NULL)
		return 0;
	if (tx == SQLITE_INTEGER && ty == SQLITE_INTEGER) {
		sqlite3_int64 a = sqlite3_column_int64(x, i), b = sqlite3_column_int64(y, j);
		return (a > b) - (a < b);
	}
	if (type_rank(tx) == 1) {
		double a = sqlite3_column_double(x, i), b = sqlite3_column_double(y, j);
		return (a > b) - (a < b);
	}
	const void *a = tx == SQLITE_TEXT ? (const void *)sqlite3_column_text(x, i) : sqlite3_column_blob(x, i);
	const void *b = ty == SQLITE_TEXT ? (const void *)sqlite3_column_text(y, j) : sqlite3_column_blob(y, j);
	int na = sqlite3_column_bytes(x, i), nb = sqlite3_column_bytes(y, j);
	int c = na && nb ? memcmp(a, b, (size_t)(na < nb ? na : nb)) : 0;
	return c ? c : (na > nb) - (na < nb);
}

/* A row of the stored copy that the engine's rows no longer hold: its key. */
struct gone {
	sqlite3_value *key[TABLE_ORDER_COLUMNS];
};

struct changes {
	uint32_t *rows; /* the engine's rows (rowids) to write: new or changed */
	struct gone *gone;
	size_t nrows, ngone, limit;
};

static void changes_free(struct changes *ch)
{
	for (size_t i = 0; i < ch->ngone; i++)
		for (int k = 0; k < TABLE_ORDER_COLUMNS; k++)
			sqlite3_value_free(ch->gone[i].key[k]);
	free(ch->rows);
	free(ch->gone);
}

/* Compares the engine's row (rowid, then its columns) and the stored row by
 * the key, then, when the keys are equal, whether every column is (*same). */
static int row_cmp(sqlite3_stmt *engine, sqlite3_stmt *stored, const struct table_def *def, int *same)
{
	const struct table_order *key = &def->orders[def->key];
	int same_type;
	for (int i = 0; i < audit_order_length(key); i++) {
		int c = column_cmp(engine, key->columns[i] + 1, stored, key->columns[i], &same_type);
		if (c)
			return c;
	}
	*same = 1;
	for (int col = 0; col < def->ncolumns && *same; col++)
		*same = column_cmp(engine, col + 1, stored, col, &same_type) == 0 && same_type;
	return 0;
}

/* Walks the engine's rows and the stored copy's together in key order:
 * which engine rows to write, which stored keys to delete. 1 when they
 * are more than ch->limit, -1 on error. Were the two orders ever to
 * differ, a row would be deleted and written again: never kept stale. */
static int find_changes(struct store *store, const struct table_def *def, struct changes *ch)
{
	const struct table_order *key = &def->orders[def->key];
	struct buf sql = {0};
	sqlite3_stmt *engine = NULL, *stored = NULL;
	buf_printf(&sql, "SELECT rowid, * FROM %s ORDER BY ", def->name);
	order_columns(def, key, &sql);
	if (prepare(store, &sql, &engine))
		return -1;
	buf_printf(&sql, "SELECT * FROM main.%s ORDER BY ", def->stored);
	order_columns(def, key, &sql);
	if (prepare(store, &sql, &stored)) {
		sqlite3_finalize(engine);
		return -1;
	}
	int re = sqlite3_step(engine), rs = sqlite3_step(stored), result = 0;
	while ((re == SQLITE_ROW || rs == SQLITE_ROW) && result == 0) {
		int same = 0, c = re != SQLITE_ROW ? 1 : rs != SQLITE_ROW ? -1 : row_cmp(engine, stored, def, &same);
		if (!same && ch->nrows + ch->ngone >= ch->limit) {
			result = 1;
			break;
		}
		if (c > 0) { /* stored, no longer the engine's */
			struct gone *g = &ch->gone[ch->ngone++];
			memset(g, 0, sizeof *g);
			for (int i = 0; i < audit_order_length(key); i++)
				if (!(g->key[i] = sqlite3_value_dup(sqlite3_column_value(stored, key->columns[i]))))
					result = -1;
		} else if (!same) {
			ch->rows[ch->nrows++] = (uint32_t)sqlite3_column_int64(engine, 0);
		}
		if (c <= 0)
			re = sqlite3_step(engine);
		if (c >= 0)
			rs = sqlite3_step(stored);
	}
	if (result == 0 && (re != SQLITE_DONE || rs != SQLITE_DONE))
		result = -1;
	sqlite3_finalize(engine);
	sqlite3_finalize(stored);
	return result < 0 ? store_error(store, "cannot store the audit's facts") : result;
}

/* Deletes the gone rows, then writes the changed ones. */
static int apply_changes(struct store *store, const struct table_def *def, const struct changes *ch)
{
	const struct table_order *key = &def->orders[def->key];
	struct buf sql = {0};
	sqlite3_stmt *del = NULL, *put = NULL;
	buf_printf(&sql, "DELETE FROM main.%s WHERE ", def->stored);
	for (int i = 0; i < audit_order_length(key); i++)
		buf_printf(&sql, "%s%s = ?%d", i ? " AND " : "", def->columns[key->columns[i]].name, i + 1);
	if (prepare(store, &sql, &del))
		return -1;
	buf_printf(&sql, "INSERT OR REPLACE INTO main.%s SELECT * FROM %s WHERE rowid = ?1", def->stored, def->name);
	if (prepare(store, &sql, &put)) {
		sqlite3_finalize(del);
		return -1;
	}
	int rc = SQLITE_DONE;
	for (size_t i = 0; i < ch->ngone && rc == SQLITE_DONE; i++) {
		for (int k = 0; k < audit_order_length(key); k++)
			sqlite3_bind_value(del, k + 1, ch->gone[i].key[k]);
		rc = sqlite3_step(del);
		sqlite3_reset(del);
	}
	for (size_t i = 0; i < ch->nrows && rc == SQLITE_DONE; i++) {
		sqlite3_bind_int64(put, 1, ch->rows[i]);
		rc = sqlite3_step(put);
		if (rc == SQLITE_DONE && sqlite3_changes(store_db(store)) != 1)
			rc = SQLITE_ERROR; /* the engine's row was not there to copy */
		sqlite3_reset(put);
	}
	sqlite3_finalize(del);
	sqlite3_finalize(put);
	return rc == SQLITE_DONE ? 0 : store_error(store, "cannot store the audit's facts");
}

/* Brings def's stored copy to the engine's rows by writing only the rows
 * that differ; copies it whole when more than a quarter do (a bulk copy is
 * then faster than row by row). */
static int copy_changes(struct store *store, const struct table_def *def, const struct audit *a)
{
	size_t n = def->count(a);
	struct changes ch = {.limit = n / 4 + 16};
	ch.rows = xmalloc(ch.limit * sizeof *ch.rows);
	ch.gone = xmalloc(ch.limit * sizeof *ch.gone);
	int rc = find_changes(store, def, &ch);
	if (rc == 0 && (rc = apply_changes(store, def, &ch)) == 0)
		log_debug("audit facts: %s: %zu rows written, %zu deleted", def->stored, ch.nrows, ch.ngone);
	changes_free(&ch);
	return rc > 0 ? copy_whole(store, def) : rc;
}

/* Whether the stored copy is there (a copy dropped behind cntraudit's back
 * is written whole). */
static int copy_exists(struct store *store, const struct table_def *def)
{
	return sqlite3_table_column_metadata(store_db(store), "main", def->stored, NULL, NULL, NULL, NULL, NULL,
	                                     NULL) == SQLITE_OK;
}

static int store_copies(struct store *store, const struct audit *a, int same_engine)
{
	for (size_t i = 0; i < audit_table_count; i++) {
		const struct table_def *def = &audit_table_defs[i];
		int changes = same_engine && def->key >= 0 && copy_exists(store, def);
		if (changes ? copy_changes(store, def, a) : copy_whole(store, def))
			return -1;
	}
	return 0;
}

int audit_store_facts(struct store *store)
{
	int current, same_engine;
	if (store_begin(store) || facts_state(store, &current, &same_engine))
		goto failed;
	if (current)
		return store_commit(store);
	sqlite3_stmt *st;
	struct audit *a = audit_engine_run(store);
	if (!a || store_copies(store, a, same_engine) || audit_store_groups(a, store) ||
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
