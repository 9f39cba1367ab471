/* The audit's results as read-only SQL virtual tables, so the report
 * queries read them like tables without copying a row: the SQLite
 * plumbing (declaration, plans that serve an ORDER BY without sorting,
 * cursors). What each table shows is audit_columns.c's. */
#include "audit_tables.h"

#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

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
	size_t position, end;
	const uint32_t *order; /* row at each position; NULL = stored order */
};

/* idxNum of a plan that reads one row by its rowid (its place in the
 * engine's arrays): how a writer copies a changed row (audit_facts.c). */
#define ROW_LOOKUP TABLE_ORDERS

int audit_order_length(const struct table_order *o)
{
	int n = 0;
	while (n < TABLE_ORDER_COLUMNS && o->columns[n] >= 0)
		n++;
	return n;
}

void audit_table_columns(const struct table_def *def, struct buf *out)
{
	for (int i = 0; i < def->ncolumns; i++)
		buf_printf(out, "%s%s %s", i ? ", " : "", def->columns[i].name, def->columns[i].type);
}

static int table_connect(sqlite3 *db, void *aux, int argc, const char *const *argv, sqlite3_vtab **out, char **err)
{
	const struct module_aux *m = aux;
	struct buf schema = {0};
	buf_puts(&schema, "CREATE TABLE x(");
	audit_table_columns(m->def, &schema);
	buf_putc(&schema, ')');
	int rc = sqlite3_declare_vtab(db, schema.data);
	buf_free(&schema);
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
	int n = info->nOrderBy, length = audit_order_length(o), prefix = 1, same_set = 1;
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

/* One row by rowid = ?, or full scans in one of the table's orders: an
 * ORDER BY or GROUP BY that one of them serves costs no sort. idxNum names
 * the order, or ROW_LOOKUP. */
static int table_best_index(sqlite3_vtab *vtab, sqlite3_index_info *info)
{
	const struct table *t = (const struct table *)vtab;
	const struct table_def *def = t->aux.def;
	for (int i = 0; i < info->nConstraint; i++) {
		const struct sqlite3_index_constraint *k = &info->aConstraint[i];
		if (k->usable && k->iColumn == -1 && k->op == SQLITE_INDEX_CONSTRAINT_EQ) {
			info->aConstraintUsage[i].argvIndex = 1;
			info->aConstraintUsage[i].omit = 1;
			info->idxNum = ROW_LOOKUP;
			info->idxFlags = SQLITE_INDEX_SCAN_UNIQUE;
			info->orderByConsumed = 1; /* one row at most */
			info->estimatedCost = 1;
			info->estimatedRows = 1;
			return SQLITE_OK;
		}
	}
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
	size_t n = m->def->count(m->a);
	c->order = NULL;
	if (idx == ROW_LOOKUP) {
		sqlite3_int64 row = sqlite3_value_type(argv[0]) == SQLITE_INTEGER ? sqlite3_value_int64(argv[0]) : -1;
		c->position = row >= 0 && (sqlite3_uint64)row < n ? (size_t)row : n;
		c->end = c->position < n ? c->position + 1 : n;
		return SQLITE_OK;
	}
	c->position = 0;
	c->end = n;
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
	const struct cursor *c = (const struct cursor *)cur;
	return c->position >= c->end;
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
	for (size_t i = 0; i < audit_table_count; i++) {
		struct module_aux *m = xmalloc(sizeof *m);
		*m = (struct module_aux){a, &audit_table_defs[i]};
		/* On failure SQLite calls the destructor: the audit is freed. */
		if (sqlite3_create_module_v2(db, audit_table_defs[i].name, &module, m, i == 0 ? free_owner : free) !=
		    SQLITE_OK)
			return -1;
	}
	return 0;
}
