/* CSV: RFC 4180, UTF-8, a header row, "\n" line ends, formula-safe text
 * cells (csv_write.h), numeric cells never quoted or prefixed; NULL is an
 * empty cell. Times are ISO 8601, or with --spreadsheet-times
 * "YYYY-MM-DD HH:MM:SS" in the report zone (what a spreadsheet reads as a
 * date-time). */
#include "render_cell.h"
#include "render_formats.h"

#include "csv_write.h"
#include "timestamp.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

int render_csv(FILE *out, struct store_rows *st, const struct render_meta *meta)
{
	struct buf line = {0};
	int columns = store_rows_columns(st), rc;
	char scratch[RENDER_CELL_MAX];
	enum column_kind *named = xcalloc((size_t)columns + 1, sizeof *named);

	for (int i = 0; i < columns; i++) {
		const char *name = store_rows_name(st, i);
		named[i] = render_name_kind(name);
		if (i)
			buf_putc(&line, ',');
		csv_write_text(&line, name, strlen(name));
	}
	buf_putc(&line, '\n');
	fwrite(line.data, 1, line.len, out);

	while ((rc = store_rows_next(st)) == 1) {
		buf_reset(&line);
		for (int i = 0; i < columns; i++) {
			enum column_kind kind = render_column_kind(named[i], store_rows_type(st, i));
			size_t len;
			const char *text;
			if (kind == COLUMN_TIME && meta->spreadsheet_times && store_rows_type(st, i) == CELL_INTEGER) {
				timestamp_format_spreadsheet(store_rows_int(st, i), scratch);
				text = scratch, len = strlen(scratch);
			} else {
				text = render_cell(st, i, kind, scratch, &len);
			}
			if (i)
				buf_putc(&line, ',');
			if (!text)
				continue;
			if (kind == COLUMN_TEXT)
				csv_write_text(&line, text, len);
			else
				csv_write_number(&line, text, len);
		}
		buf_putc(&line, '\n');
		fwrite(line.data, 1, line.len, out);
	}
	buf_free(&line);
	free(named);
	return rc;
}
