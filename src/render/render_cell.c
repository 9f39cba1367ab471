#include "render_cell.h"

#include "money.h"
#include "timestamp.h"
#include "xalloc.h"

#include <string.h>

enum column_kind render_name_kind(const char *name)
{
	if (str_ends_with(name, "_usd"))
		return COLUMN_MONEY;
	if (str_ends_with(name, "Cost") || str_ends_with(name, "UnitPrice"))
		return COLUMN_DECIMAL;
	if (str_ends_with(name, "_at"))
		return COLUMN_TIME;
	return COLUMN_TEXT;
}

enum column_kind render_column_kind(enum column_kind name_kind, enum cell_type type)
{
	if (name_kind != COLUMN_TEXT)
		return name_kind;
	if (type == CELL_INTEGER || type == CELL_REAL)
		return COLUMN_NUMBER;
	return COLUMN_TEXT;
}

const char *render_cell(const struct store_rows *rows, int i, enum column_kind kind, char scratch[RENDER_CELL_MAX],
                        size_t *len)
{
	enum cell_type type = store_rows_type(rows, i);
	if (type == CELL_NULL) {
		*len = 0;
		return NULL;
	}
	if ((kind == COLUMN_MONEY || kind == COLUMN_DECIMAL) && type == CELL_INTEGER) {
		money_format(store_rows_int(rows, i), scratch);
		*len = strlen(scratch);
		return scratch;
	}
	if (kind == COLUMN_TIME && type == CELL_INTEGER) {
		timestamp_format(store_rows_int(rows, i), scratch);
		*len = strlen(scratch);
		return scratch;
	}
	return store_rows_text(rows, i, len);
}
