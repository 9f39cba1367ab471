/* RFC 4180 CSV cells, safe to open in a spreadsheet: a text cell starting
 * with '=', '+', '-', '@', tab or carriage return gets a leading "'" so it is
 * never read as a formula (container names are user-supplied). Numeric cells
 * are written as they are, never prefixed or quoted. Lines end in "\n". */
#ifndef CNTRAUDIT_CSV_WRITE_H
#define CNTRAUDIT_CSV_WRITE_H

#include "xalloc.h"

#include <stddef.h>

/* Nonzero when a text cell would be taken for a formula. */
int csv_cell_is_formula(const char *text, size_t len);
/* Appends one text cell (guarded, quoted when it holds ',', '"', CR or LF). */
void csv_write_text(struct buf *out, const char *text, size_t len);
/* Appends one numeric cell verbatim. */
void csv_write_number(struct buf *out, const char *text, size_t len);

#endif
