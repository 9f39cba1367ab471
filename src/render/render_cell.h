/* A cell as the formats show it (render_cell.c): its kind from its column's
 * name and its type, and its display text. Internal to the stage. */
#ifndef CNTRAUDIT_RENDER_CELL_H
#define CNTRAUDIT_RENDER_CELL_H

#include "rows.h"

/* COLUMN_MONEY: a name ending in _usd, dollars with 6 decimals, a string
 * in JSON; COLUMN_DECIMAL: a FOCUS cost or unit price (a name ending in Cost
 * or UnitPrice), the same text, a number in JSON (FOCUS says Decimal). */
enum column_kind { COLUMN_TEXT, COLUMN_NUMBER, COLUMN_MONEY, COLUMN_DECIMAL, COLUMN_TIME };

#define RENDER_CELL_MAX 64

/* A column's kind from its name alone: COLUMN_MONEY, COLUMN_DECIMAL,
 * COLUMN_TIME, or COLUMN_TEXT when the name says nothing. Names do not change between
 * rows: look them up once per query. */
enum column_kind render_name_kind(const char *name);
/* A cell's kind from its column's name kind and the cell's type. */
enum column_kind render_column_kind(enum column_kind name_kind, enum cell_type type);
/* The display text of cell i of the current row, NULL for SQL NULL; money
 * and times are formatted into scratch. *len its length (a text cell may
 * hold a NUL). Borrowed until the next row. */
const char *render_cell(const struct store_rows *rows, int i, enum column_kind kind, char scratch[RENDER_CELL_MAX],
                        size_t *len);

#endif
