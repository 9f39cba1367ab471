#include "rows.h"

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
	sqlite3_stmt *st;
	if (store_prepare(store, path, &st))
		return -1;
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

int store_figures(struct store *store, const char *path, const char *what, int64_t *out, int n)
{
	struct store_rows *rows;
	if (store_rows_open(store, path, NULL, 0, what, &rows))
		return -1;
	int rc = store_rows_next(rows);
	if (rc == 1 && store_rows_columns(rows) >= n)
		for (int i = 0; i < n; i++)
			out[i] = store_rows_int(rows, i);
	else if (rc >= 0)
		rc = error_set("cannot run %s: %s gives no row of %d figures", what, path, n);
	store_rows_close(rows);
	return rc == 1 ? 0 : -1;
}
