/* Rendering a query's rows as text, CSV or JSON (render_csv.c,
 * render_json.c, render_text.c), to standard output or a file. Column kinds
 * come from column names, so queries stay plain SQL over integers: a column
 * ending in "_usd" holds integer micro-dollars (printed with six decimals),
 * one ending in "_at" holds Unix seconds (printed ISO 8601 in the report
 * zone); other integers are numbers, everything else text. */
#ifndef CNTRAUDIT_RENDER_H
#define CNTRAUDIT_RENDER_H

#include "rows.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

/* RENDER_HTML is the html report's own page (render_html), not a table format. */
enum render_format { RENDER_TEXT, RENDER_CSV, RENDER_JSON, RENDER_HTML };

/* What a JSON or text report says about how it was made. */
struct render_meta {
	const char *report;           /* report name */
	int64_t now;                  /* the audit's now */
	const int64_t *since, *until; /* the window, NULL = open */
	const char *zone;             /* --tz as given */
	int wide;                     /* text: every column, every cell whole (--wide) */
	int spreadsheet_times;        /* CSV: times as YYYY-MM-DD HH:MM:SS in the zone (--spreadsheet-times) */
};

/* -1 when name is not text, csv, json or html. */
int render_format_parse(const char *name);
/* Reads rows to the end and writes them to out. 0, or -1 with the error
 * set. Write errors on out are the caller's to check (ferror). */
int render_report(FILE *out, enum render_format format, struct store_rows *rows, const struct render_meta *meta);
/* Renders to path (an output_file: a failed report never leaves half a
 * file), or to stdout when path is NULL. Write errors are reported. 0, or
 * -1 with the error set. */
int render_to_path(const char *path, enum render_format format, struct store_rows *rows,
                   const struct render_meta *meta);
/* Runs the embedded query at query_path (e.g. "reports/runs.sql") with its
 * n params and renders it with render_to_path. 0, or -1 with the error set. */
int render_query(struct store *store, const char *query_path, const struct store_param *params, size_t n,
                 const char *path, enum render_format format, const struct render_meta *meta);
/* report html: the self-contained page (render_html.c), to path or stdout;
 * the audit must have run. 0, or -1 with the error set. */
int render_html(struct store *store, const char *path, const struct render_meta *meta);
/* A time as the JSON reports give it: an ISO 8601 string in the report
 * zone, or null when t is NULL. A new reference. */
json_t *render_json_time(const int64_t *t);

#endif
