#include "rows.h"

#include "embedded_sql.h"
#include "error.h"
#include "money.h"
#include "xalloc.h"

#include <sqlite3.h>
#include <stdlib.h>

struct store_rows {
	sqlite3_stmt *st;
	char *what;
};

int store_rows_open(struct store *store, const char *path, const struct store_param *params, size_t n, const char *what,
                    struct store_rows **out)
{
	const char *sql = embedded_sql_find(path);
	sqlite3_stmt *st = NULL;
	if (!sql)
		return error_set("cannot run %s: no query %s in this build", what, path);
	if (sqlite3_prepare_v2(store_db(store), sql, -1, &st, NULL) != SQLITE_OK)
		return error_set("cannot prepare %s: %s", path, sqlite3_errmsg(store_db(store)));
	for (size_t i = 0; i < n; i++) {
		int index = sqlite3_bind_parameter_index(st, params[i].name);
		if (!index) {
			sqlite3_finalize(st);
			return error_set("cannot run %s: %s has no parameter %s", what, path, params[i].name);
		}
		if (params[i].text)
			sqlite3_bind_text(st, index, params[i].text, -1, SQLITE_TRANSIENT);
	}
	struct store_rows *rows = xmalloc(sizeof *rows);
	*rows = (struct store_rows){st, xstrdup(what)};
	*out = rows;
	return 0;
}

int store_rows_next(struct store_rows *rows)
{
	int rc = sqlite3_step(rows->st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return error_set("cannot run %s: %s", rows->what,
	                 money_sql_message(sqlite3_errmsg(sqlite3_db_handle(rows->st))));
}

int store_rows_columns(const struct store_rows *rows)
{
	return sqlite3_column_count(rows->st);
}

const char *store_rows_name(const struct store_rows *rows, int i)
{
	return sqlite3_column_name(rows->st, i);
}

enum cell_type store_rows_type(const struct store_rows *rows, int i)
{
	switch (sqlite3_column_type(rows->st, i)) {
	case SQLITE_NULL:
		return CELL_NULL;
	case SQLITE_INTEGER:
		return CELL_INTEGER;
	case SQLITE_FLOAT:
		return CELL_REAL;
	default:
		return CELL_TEXT;
	}
}

int64_t store_rows_int(const struct store_rows *rows, int i)
{
	return sqlite3_column_int64(rows->st, i);
}

double store_rows_real(const struct store_rows *rows, int i)
{
	return sqlite3_column_double(rows->st, i);
}

const char *store_rows_text(const struct store_rows *rows, int i, size_t *len)
{
	const char *text = (const char *)sqlite3_column_text(rows->st, i);
	if (len)
		*len = text ? (size_t)sqlite3_column_bytes(rows->st, i) : 0;
	return text ? text : "";
}

void store_rows_close(struct store_rows *rows)
{
	if (!rows)
		return;
	sqlite3_finalize(rows->st);
	free(rows->what);
	free(rows);
}
