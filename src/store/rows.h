/* The rows of an embedded query (a file of sql/ or reports/), for the
 * stages that must not speak SQL themselves: bound by name, read a row at a
 * time, cell by cell. The report queries run on a store the audit has
 * prepared (audit_run). */
#ifndef CNTRAUDIT_ROWS_H
#define CNTRAUDIT_ROWS_H

#include "store.h"

#include <stddef.h>
#include <stdint.h>

struct store_rows;

enum cell_type { CELL_NULL, CELL_INTEGER, CELL_REAL, CELL_TEXT };

/* A named parameter of the query (":only"); text NULL binds SQL NULL. */
struct store_param {
	const char *name;
	const char *text;
};

/* Prepares the embedded query at path (a file, "reports/threads.sql", or a
 * part of one, "sql/evidence/pack.sql#orphans") and binds
 * params (n of them; a name the query lacks is an error). what names it in
 * errors: "cannot run WHAT: ...". 0 and *out (store_rows_close), or -1
 * with the error set. */
int store_rows_open(struct store *store, const char *path, const struct store_param *params, size_t n, const char *what,
                    struct store_rows **out);
/* The next row: 1, 0 after the last, -1 with the error set (a sum past
 * 64 bits said in words). */
int store_rows_next(struct store_rows *rows);
int store_rows_columns(const struct store_rows *rows);
const char *store_rows_name(const struct store_rows *rows, int i);
/* Of the current row's cell i. A blob reads as text. */
enum cell_type store_rows_type(const struct store_rows *rows, int i);
int64_t store_rows_int(const struct store_rows *rows, int i);
double store_rows_real(const struct store_rows *rows, int i);
/* Borrowed until the next row; *len (may be NULL) its length in bytes, which
 * may hold a NUL. "" for NULL. */
const char *store_rows_text(const struct store_rows *rows, int i, size_t *len);
void store_rows_close(struct store_rows *rows);

/* Figures: the one row of an embedded query of n integer columns (a NULL
 * reads 0). 0 and out[0..n), or -1 with the error set ("cannot run WHAT:
 * ..."; no row is an error too, never zeros). */
int store_figures(struct store *store, const char *path, const char *what, int64_t *out, int n);

#endif
