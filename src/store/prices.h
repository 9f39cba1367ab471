/* The price table's CSV import. Columns (by header name): version, rule,
 * memory_limit, effective_from, effective_until, unit, unit_price_usd; rule,
 * memory_limit, effective_from and unit_price_usd are required. A row
 * replaces the row of the same tier and start date and closes an earlier
 * open row of its tier the day before it. All rows or none: any bad row,
 * or two rows of a tier covering one day, and the table is left as it was. */
#ifndef CNTRAUDIT_PRICES_H
#define CNTRAUDIT_PRICES_H

#include "store.h"

#include <stddef.h>

/* 0 and *rows imported, or -1 with the error set ("prices: ...; the price
 * table is unchanged"). Runs its own transaction. */
int prices_import(struct store *store, const char *path, size_t *rows);

#endif
