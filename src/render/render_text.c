/* Text: for people. Tables are aligned columns, long cells cut to 60
 * characters with "...", control characters shown as spaces; the summary
 * is laid out as titled sections. NULL money shows as "unpriced". */
#include "render_cell.h"
#include "render_formats.h"

#include "money.h"
#include "timestamp.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

#define TEXT_CELL_WIDTH 60

/* A cell made fit for a terminal line: at most TEXT_CELL_WIDTH characters
 * (UTF-8 aware), control characters as spaces. */
static char *display(const char *text)
{
	struct buf b = {0};
	size_t chars = 0;
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		if ((*p & 0xC0) != 0x80 && ++chars > TEXT_CELL_WIDTH - 3) {
			buf_puts(&b, "...");
			break;
		}
		buf_putc(&b, *p < 0x20 || *p == 0x7F ? ' ' : (char)*p);
	}
	return buf_detach(&b);
}

static size_t display_width(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static void pad(FILE *out, const char *s, size_t width, int right)
{
	size_t w = display_width(s);
	if (right)
		fprintf(out, "%*s%s", (int)(width - w), "", s);
	else
		fprintf(out, "%s%*s", s, (int)(width - w), "");
}

static void write_header(FILE *out, const struct render_meta *meta)
{
	char now[TIMESTAMP_MAX];
	timestamp_format(meta->now, now);
	fprintf(out, "cntraudit %s report (now %s", meta->report, now);
	if (meta->since || meta->until) {
		char a[TIMESTAMP_MAX] = "the beginning", b[TIMESTAMP_MAX] = "the end";
		if (meta->since)
			timestamp_format(*meta->since, a);
		if (meta->until)
			timestamp_format(*meta->until, b);
		fprintf(out, ", window %s to %s", a, b);
	}
	fputs(")\n\n", out);
}

/* The summary's rows are (section, item, count, amount_usd, detail). */
static int render_summary(FILE *out, struct store_rows *st, const struct render_meta *meta)
{
	char section[128] = "", money[MONEY_MAX + 1];
	int rc;
	write_header(out, meta);
	while ((rc = store_rows_next(st)) == 1) {
		const char *name = store_rows_text(st, 0, NULL);
		char *item = display(store_rows_text(st, 1, NULL));
		const char *detail = store_rows_type(st, 4) == CELL_NULL ? NULL : store_rows_text(st, 4, NULL);
		if (strcmp(section, name)) {
			fprintf(out, "%s%s\n", section[0] ? "\n" : "", name);
			snprintf(section, sizeof section, "%s", name);
		}
		fputs("  ", out);
		pad(out, item, 54, 0);
		if (store_rows_type(st, 2) != CELL_NULL)
			fprintf(out, " %8lld", (long long)store_rows_int(st, 2));
		else
			fprintf(out, " %8s", "");
		if (store_rows_type(st, 3) != CELL_NULL) {
			money[0] = '$';
			money_format(store_rows_int(st, 3), money + 1);
			fprintf(out, "  %14s", money);
		} else {
			fprintf(out, "  %14s", "");
		}
		if (detail)
			fprintf(out, "  %s", detail);
		fputc('\n', out);
		free(item);
	}
	return rc;
}

int render_text(FILE *out, struct store_rows *st, const struct render_meta *meta)
{
	if (!strcmp(meta->report, "summary"))
		return render_summary(out, st, meta);

	int columns = store_rows_columns(st), rc;
	size_t *width = xcalloc((size_t)columns, sizeof *width);
	int *numeric = xcalloc((size_t)columns, sizeof *numeric);
	char **cells = NULL, scratch[RENDER_CELL_MAX];
	size_t rows = 0, cap = 0;

	enum column_kind *named = xcalloc((size_t)columns + 1, sizeof *named);
	for (int i = 0; i < columns; i++) {
		width[i] = strlen(store_rows_name(st, i));
		named[i] = render_name_kind(store_rows_name(st, i));
	}
	while ((rc = store_rows_next(st)) == 1) {
		if ((rows + 1) * (size_t)columns > cap) {
			cap = cap ? cap * 2 : (size_t)columns * 64;
			cells = xrealloc(cells, cap * sizeof *cells);
		}
		for (int i = 0; i < columns; i++) {
			enum column_kind kind = render_column_kind(named[i], store_rows_type(st, i));
			size_t len;
			const char *text = render_cell(st, i, kind, scratch, &len);
			char *cell = display(text ? text : (kind == COLUMN_MONEY ? "unpriced" : ""));
			numeric[i] |= kind == COLUMN_NUMBER || kind == COLUMN_MONEY || kind == COLUMN_DECIMAL;
			if (display_width(cell) > width[i])
				width[i] = display_width(cell);
			cells[rows * (size_t)columns + (size_t)i] = cell;
		}
		rows++;
	}
	write_header(out, meta);
	for (int i = 0; i < columns; i++) {
		pad(out, store_rows_name(st, i), width[i], numeric[i]);
		fputs(i + 1 < columns ? "  " : "\n", out);
	}
	for (size_t r = 0; r < rows; r++) {
		for (int i = 0; i < columns; i++) {
			char *cell = cells[r * (size_t)columns + (size_t)i];
			pad(out, cell, width[i], numeric[i]);
			fputs(i + 1 < columns ? "  " : "\n", out);
			free(cell);
		}
	}
	fprintf(out, "\n%zu row%s\n", rows, rows == 1 ? "" : "s");
	free(cells);
	free(width);
	free(numeric);
	free(named);
	return rc;
}
