/* Rendering a report query's rows as text, CSV or JSON. Column kinds come
 * from column names, so report queries stay plain SQL over integers:
 * a column ending in "_usd" holds integer micro-dollars (printed with six
 * decimals), one ending in "_at" holds Unix seconds (printed ISO 8601 in the
 * report zone); other integers are numbers, everything else text.
 * The statement is borrowed and stepped to its end. */
#ifndef CNTRAUDIT_RENDER_H
#define CNTRAUDIT_RENDER_H

#include <jansson.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>

enum render_format { RENDER_TEXT, RENDER_CSV, RENDER_JSON };
enum column_kind { COLUMN_TEXT, COLUMN_NUMBER, COLUMN_MONEY, COLUMN_TIME };

/* What a JSON or text report says about how it was made. */
struct render_meta {
	const char *report;           /* report name */
	int64_t now;                  /* the audit's now */
	const int64_t *since, *until; /* the window, NULL = open */
	const char *zone;             /* --tz as given */
};

#define RENDER_CELL_MAX 64

/* -1 when name is not text, csv or json. */
int render_format_parse(const char *name);
/* A column's kind from its name alone: COLUMN_MONEY, COLUMN_TIME, or
 * COLUMN_TEXT when the name says nothing. Names do not change between
 * rows: look them up once per statement. */
enum column_kind render_name_kind(const char *name);
/* A cell's kind from its column's name kind and the cell's SQLite type. */
enum column_kind render_column_kind(enum column_kind name_kind, int sqlite_type);
/* The display text of column i of the current row, NULL for SQL NULL;
 * money and times are formatted into scratch. Borrowed until the next step. */
const char *render_cell(sqlite3_stmt *st, int i, enum column_kind kind, char scratch[RENDER_CELL_MAX]);

/* Each steps st to the end. 0, or -1 with the error set. Write errors on
 * out are the caller's to check (ferror). */
int render_report(FILE *out, enum render_format format, sqlite3_stmt *st, const struct render_meta *meta);
int render_csv(FILE *out, sqlite3_stmt *st);
int render_json(FILE *out, sqlite3_stmt *st, const struct render_meta *meta);
/* A time as the JSON reports give it: an ISO 8601 string in the report
 * zone, or null when t is NULL. A new reference. */
json_t *render_json_time(const int64_t *t);
int render_text(FILE *out, sqlite3_stmt *st, const struct render_meta *meta);
/* Renders to path (an output_file: a failed report never leaves half a
 * file), or to stdout when path is NULL.
 * Write errors are reported. 0, or -1 with the error set. */
int render_to_path(const char *path, enum render_format format, sqlite3_stmt *st, const struct render_meta *meta);
/* Prepares the embedded query at query_path (e.g. "reports/runs.sql") on db
 * and renders it with render_to_path. 0, or -1 with the error set. */
int render_query(sqlite3 *db, const char *query_path, const char *path, enum render_format format,
                 const struct render_meta *meta);
/* Sets the error from a failed step. */
int render_step_error(sqlite3_stmt *st);

#endif
