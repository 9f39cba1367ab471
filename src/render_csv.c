/* CSV: RFC 4180, UTF-8, a header row, "\n" line ends, formula-safe text
 * cells (csv_write.h), numeric cells never quoted or prefixed; NULL is an
 * empty cell. */
#include "render.h"

#include "csv_write.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

int render_csv(FILE *out, sqlite3_stmt *st)
{
	struct buf line = {0};
	int columns = sqlite3_column_count(st), rc;
	char scratch[RENDER_CELL_MAX];
	enum column_kind *named = xcalloc((size_t)columns + 1, sizeof *named);

	for (int i = 0; i < columns; i++) {
		const char *name = sqlite3_column_name(st, i);
		named[i] = render_name_kind(name);
		if (i)
			buf_putc(&line, ',');
		csv_write_text(&line, name, strlen(name));
	}
	buf_putc(&line, '\n');
	fwrite(line.data, 1, line.len, out);

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		buf_reset(&line);
		for (int i = 0; i < columns; i++) {
			enum column_kind kind = render_column_kind(named[i], sqlite3_column_type(st, i));
			const char *text = render_cell(st, i, kind, scratch);
			if (i)
				buf_putc(&line, ',');
			if (!text)
				continue;
			size_t len = kind == COLUMN_TEXT ? (size_t)sqlite3_column_bytes(st, i) : strlen(text);
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
	return rc == SQLITE_DONE ? 0 : render_step_error(st);
}
