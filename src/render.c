#include "render.h"

#include "embedded_sql.h"
#include "error.h"
#include "money.h"
#include "output_file.h"
#include "timestamp.h"

#include "xalloc.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

int render_format_parse(const char *name)
{
	if (!strcmp(name, "text"))
		return RENDER_TEXT;
	if (!strcmp(name, "csv"))
		return RENDER_CSV;
	if (!strcmp(name, "json"))
		return RENDER_JSON;
	return -1;
}

enum column_kind render_name_kind(const char *name)
{
	if (str_ends_with(name, "_usd"))
		return COLUMN_MONEY;
	if (str_ends_with(name, "_at"))
		return COLUMN_TIME;
	return COLUMN_TEXT;
}

enum column_kind render_column_kind(enum column_kind name_kind, int sqlite_type)
{
	if (name_kind != COLUMN_TEXT)
		return name_kind;
	if (sqlite_type == SQLITE_INTEGER || sqlite_type == SQLITE_FLOAT)
		return COLUMN_NUMBER;
	return COLUMN_TEXT;
}

const char *render_cell(sqlite3_stmt *st, int i, enum column_kind kind, char scratch[RENDER_CELL_MAX])
{
	int type = sqlite3_column_type(st, i);
	if (type == SQLITE_NULL)
		return NULL;
	if (kind == COLUMN_MONEY && type == SQLITE_INTEGER) {
		money_format(sqlite3_column_int64(st, i), scratch);
		return scratch;
	}
	if (kind == COLUMN_TIME && type == SQLITE_INTEGER) {
		timestamp_format(sqlite3_column_int64(st, i), scratch);
		return scratch;
	}
	return (const char *)sqlite3_column_text(st, i);
}

int render_step_error(sqlite3_stmt *st)
{
	return error_set("cannot run report: %s", money_sql_message(sqlite3_errmsg(sqlite3_db_handle(st))));
}

int render_report(FILE *out, enum render_format format, sqlite3_stmt *st, const struct render_meta *meta)
{
	switch (format) {
	case RENDER_CSV:
		return render_csv(out, st);
	case RENDER_JSON:
		return render_json(out, st, meta);
	default:
		return render_text(out, st, meta);
	}
}

int render_to_path(const char *path, enum render_format format, sqlite3_stmt *st, const struct render_meta *meta)
{
	if (!path) {
		if (render_report(stdout, format, st, meta))
			return -1;
		if (fflush(stdout) || ferror(stdout))
			return error_set("cannot write the report to standard output: %s", strerror(errno));
		return 0;
	}
	struct output_file out;
	if (output_file_open(&out, path))
		return -1;
	if (render_report(out.fp, format, st, meta)) {
		output_file_abort(&out);
		return -1;
	}
	return output_file_commit(&out);
}

int render_query(sqlite3 *db, const char *query_path, const char *path, enum render_format format,
                 const struct render_meta *meta)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, embedded_sql_find(query_path), -1, &st, NULL) != SQLITE_OK)
		return error_set("cannot prepare %s: %s", query_path, sqlite3_errmsg(db));
	int rc = render_to_path(path, format, st, meta);
	sqlite3_finalize(st);
	return rc;
}
