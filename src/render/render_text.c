/* Text: for people, in an 80-column terminal. A table shows the columns
 * that matter most to a reader of its report (the rest with --wide, or in
 * CSV and JSON), API IDs shortened in the middle, the widest text columns
 * cut with "…" until the line fits, money summed in a total row; control
 * characters are shown as spaces and NULL money as "unpriced". --wide shows
 * every column and every cell whole. The summary is titled sections of
 * figures, each detail on its own wrapped line. */
#define _GNU_SOURCE /* strcasestr */
#include "render_cell.h"
#include "render_formats.h"
#include "render_text_cell.h"

#include "money.h"
#include "timestamp.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

#define MIN_CUT 8 /* a text column is never cut below this (or its header) */

/* IDs (already shortened), times and days are never cut: a cut one would
 * read as another. */
static int cuttable(const char *name)
{
	static const char *const whole[] = {"_id", "Id", "_at", "Start", "End", "day", "period", "from", "until"};
	for (size_t i = 0; i < sizeof whole / sizeof *whole; i++)
		if (str_ends_with(name, whole[i]))
			return 0;
	return 1;
}

/* The columns a report's text table shows, in order (all when not listed). */
static const struct {
	const char *report;
	const char *columns[8];
} narrow[] = {
    {"containers", {"container_id", "created_at", "classification", "estimated_cost_usd"}},
    {"orphans", {"container_id", "created_at", "attribution", "estimated_cost_usd"}},
    {"threads", {"thread_id", "flags", "estimated_cost_usd", "orphan_cost_usd"}},
    {"daily", {"period", "project_id", "containers", "orphan", "estimated_cost_usd", "orphan_cost_usd"}},
    {"reconcile", {"day", "project_id", "estimated_cost_usd", "billed_cost_usd", "note"}},
    {"focus", {"ResourceId", "ChargePeriodStart", "x_LineItem", "BilledCost", "EffectiveCost"}},
    {"prices", {"rule", "memory_limit", "effective_from", "effective_until", "unit_price_usd"}},
    {"runs", {"id", "command", "started_at", "status", "objects", "failed", "errors"}},
};

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
		fprintf(out, ",\n  window %s to %s", a, b);
	}
	fputs(")\n\n", out);
}

#define SUMMARY_ITEM  44
#define SUMMARY_COUNT 8
#define SUMMARY_MONEY 14

/* The summary's rows are (section, item, count, amount_usd, detail): the
 * item and its figures on one line, the detail below it, wrapped; a detail
 * with no figures beside it goes on the item's line when it fits there. */
static int render_summary(FILE *out, struct store_rows *st, const struct render_meta *meta)
{
	char section[128] = "", money[MONEY_MAX + 1];
	struct buf detail = {0};
	int rc;
	write_header(out, meta);
	while ((rc = store_rows_next(st)) == 1) {
		const char *name = store_rows_text(st, 0, NULL);
		if (strcmp(section, name)) {
			fprintf(out, "%s%s\n", section[0] ? "\n" : "", name);
			snprintf(section, sizeof section, "%s", name);
		}
		char *item = text_display(store_rows_text(st, 1, NULL), meta->wide);
		char *words =
		    store_rows_type(st, 4) == CELL_NULL ? NULL : text_display(store_rows_text(st, 4, NULL), meta->wide);
		int figures = store_rows_type(st, 2) != CELL_NULL || store_rows_type(st, 3) != CELL_NULL;
		int beside = !figures && words && text_width(item) <= SUMMARY_ITEM &&
		             (meta->wide || 2 + SUMMARY_ITEM + 1 + text_width(words) <= TEXT_COLUMNS);
		fputs("  ", out);
		if (figures) {
			char *shown = meta->wide ? xstrdup(item) : text_cut(item, SUMMARY_ITEM);
			text_pad(out, shown, SUMMARY_ITEM, 0);
			free(shown);
			if (store_rows_type(st, 2) != CELL_NULL)
				fprintf(out, " %*lld", SUMMARY_COUNT, (long long)store_rows_int(st, 2));
			else
				fprintf(out, " %*s", SUMMARY_COUNT, "");
			if (store_rows_type(st, 3) != CELL_NULL)
				fprintf(out, "  %*s", SUMMARY_MONEY, money_usd(store_rows_int(st, 3), money));
		} else if (beside) {
			text_pad(out, item, SUMMARY_ITEM, 0);
			fprintf(out, " %s", words);
		} else {
			fputs(item, out);
		}
		fputc('\n', out);
		if (words && !beside) {
			buf_reset(&detail);
			if (meta->wide)
				buf_printf(&detail, "      %s\n", words);
			else
				text_wrap(&detail, words, 6);
			fputs(detail.data ? detail.data : "", out);
		}
		free(words);
		free(item);
	}
	buf_free(&detail);
	return rc;
}

/* A shown column of a text table: which query column, and what its cells
 * need. */
struct column {
	int index;              /* of the query */
	enum column_kind named; /* its kind by name */
	size_t width;
	int numeric;   /* right-aligned */
	int summed;    /* a cost: summed in the total row (prices are not) */
	int64_t total; /* micro-dollars */
	int unpriced;  /* empty costs left out of the total */
	int overflow;  /* the total does not fit */
};

/* A text table being laid out: every cell of every shown column. */
struct table {
	int columns;          /* of the query */
	struct column *shown; /* in order */
	int n_shown;          /* before fitting */
	int fitted;           /* shown columns that fit the terminal */
	char **cells;         /* rows × n_shown */
	struct buf line;      /* the line being written */
	size_t rows, cap;
};

static void show(struct table *t, struct store_rows *st, int i)
{
	const char *name = store_rows_name(st, i);
	enum column_kind named = render_name_kind(name);
	t->shown[t->n_shown++] = (struct column){
	    .index = i,
	    .named = named,
	    .width = strlen(name),
	    .summed = (named == COLUMN_MONEY || named == COLUMN_DECIMAL) && !strcasestr(name, "price"),
	};
}

/* Which columns the table shows: the report's narrow list (those the query
 * has), or every column when wide or not listed. */
static void choose_columns(struct table *t, struct store_rows *st, const struct render_meta *meta)
{
	t->shown = xcalloc((size_t)t->columns + 1, sizeof *t->shown);
	for (size_t r = 0; !meta->wide && r < sizeof narrow / sizeof *narrow; r++) {
		if (strcmp(narrow[r].report, meta->report))
			continue;
		for (int c = 0; c < 8 && narrow[r].columns[c]; c++)
			for (int i = 0; i < t->columns; i++)
				if (!strcmp(store_rows_name(st, i), narrow[r].columns[c]))
					show(t, st, i);
		if (t->n_shown)
			return;
	}
	for (int i = 0; i < t->columns; i++)
		show(t, st, i);
}

static void add_row(struct table *t, struct store_rows *st, int wide)
{
	char scratch[RENDER_CELL_MAX];
	if ((t->rows + 1) * (size_t)t->n_shown > t->cap) {
		t->cap = t->cap ? t->cap * 2 : (size_t)t->n_shown * 64;
		t->cells = xrealloc(t->cells, t->cap * sizeof *t->cells);
	}
	for (int s = 0; s < t->n_shown; s++) {
		struct column *col = &t->shown[s];
		enum cell_type type = store_rows_type(st, col->index);
		enum column_kind kind = render_column_kind(col->named, type);
		size_t len;
		const char *text = render_cell(st, col->index, kind, scratch, &len);
		int is_money = kind == COLUMN_MONEY || kind == COLUMN_DECIMAL;
		char *cell = text_display(text ? text : (is_money ? "unpriced" : ""), wide);
		col->numeric |= kind == COLUMN_NUMBER || is_money;
		if (col->summed && type == CELL_INTEGER)
			col->overflow |=
			    __builtin_add_overflow(col->total, store_rows_int(st, col->index), &col->total);
		else if (col->summed)
			col->unpriced++;
		if (text_width(cell) > col->width)
			col->width = text_width(cell);
		t->cells[t->rows * (size_t)t->n_shown + (size_t)s] = cell;
	}
	t->rows++;
}

static size_t line_width(const struct table *t, int n)
{
	size_t w = 0;
	for (int s = 0; s < n; s++)
		w += t->shown[s].width + (s ? 2 : 0);
	return w;
}

/* Cuts the widest text column a character at a time (never below MIN_CUT
 * or its header) until the line fits; if it cannot, leaves out columns from
 * the right. */
static void fit(struct table *t, struct store_rows *st)
{
	t->fitted = t->n_shown;
	while (line_width(t, t->fitted) > TEXT_COLUMNS) {
		struct column *widest = NULL;
		for (int s = 0; s < t->fitted; s++) {
			struct column *col = &t->shown[s];
			const char *name = store_rows_name(st, col->index);
			size_t floor = strlen(name) > MIN_CUT ? strlen(name) : MIN_CUT;
			if (!col->numeric && cuttable(name) && col->width > floor &&
			    (!widest || col->width > widest->width))
				widest = col;
		}
		if (widest)
			widest->width--;
		else
			t->fitted--;
	}
}

/* Shown column s of a line: padded to its width, then the separator; the
 * last one ends the line, without trailing spaces. */
static void cell_out(FILE *out, struct table *t, int s, const char *text)
{
	const struct column *col = &t->shown[s];
	struct buf *line = &t->line;
	size_t w = text_width(text), gap = w < col->width ? col->width - w : 0;
	if (col->numeric)
		buf_printf(line, "%*s", (int)gap, "");
	buf_puts(line, text);
	if (!col->numeric)
		buf_printf(line, "%*s", (int)gap, "");
	if (s + 1 < t->fitted) {
		buf_puts(line, "  ");
		return;
	}
	while (line->len && line->data[line->len - 1] == ' ')
		line->len--;
	fwrite(line->data, 1, line->len, out);
	fputc('\n', out);
	buf_reset(line);
}

static void write_total(FILE *out, struct table *t)
{
	char money[MONEY_MAX + 1];
	int any = 0, unpriced = 0;
	for (int s = 0; s < t->fitted; s++) {
		any |= t->shown[s].summed;
		unpriced = unpriced > t->shown[s].unpriced ? unpriced : t->shown[s].unpriced;
	}
	if (!any || t->rows < 2)
		return;
	for (int s = 0; s < t->fitted; s++) {
		const struct column *col = &t->shown[s];
		const char *cell = s == 0 ? "total" : "";
		if (col->summed && col->overflow)
			cell = "overflow";
		else if (col->summed) {
			money_format(col->total, money);
			cell = money;
		}
		cell_out(out, t, s, cell);
	}
	if (unpriced)
		fprintf(out, "(the total leaves out %d unpriced cost%s)\n", unpriced, unpriced == 1 ? "" : "s");
}

static void write_table(FILE *out, struct table *t, struct store_rows *st)
{
	for (int s = 0; s < t->fitted; s++) {
		char *name = text_cut(store_rows_name(st, t->shown[s].index), t->shown[s].width);
		cell_out(out, t, s, name);
		free(name);
	}
	for (size_t r = 0; r < t->rows; r++)
		for (int s = 0; s < t->fitted; s++) {
			char *cell = text_cut(t->cells[r * (size_t)t->n_shown + (size_t)s], t->shown[s].width);
			cell_out(out, t, s, cell);
			free(cell);
		}
	write_total(out, t);
	fprintf(out, "\n%zu row%s", t->rows, t->rows == 1 ? "" : "s");
	if (t->fitted < t->columns)
		fprintf(out, "; %d more column%s with --wide, or --format csv", t->columns - t->fitted,
		        t->columns - t->fitted == 1 ? "" : "s");
	fputc('\n', out);
}

int render_text(FILE *out, struct store_rows *st, const struct render_meta *meta)
{
	if (!strcmp(meta->report, "summary"))
		return render_summary(out, st, meta);
	struct table t = {.columns = store_rows_columns(st)};
	choose_columns(&t, st, meta);
	int rc;
	while ((rc = store_rows_next(st)) == 1)
		add_row(&t, st, meta->wide);
	if (rc == 0) {
		if (!meta->wide)
			fit(&t, st);
		else
			t.fitted = t.n_shown;
		write_header(out, meta);
		write_table(out, &t, st);
	}
	for (size_t i = 0; i < t.rows * (size_t)t.n_shown; i++)
		free(t.cells[i]);
	free(t.cells);
	free(t.shown);
	buf_free(&t.line);
	return rc;
}
