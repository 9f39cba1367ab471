/* report html: one self-contained page (no script, no font, no request of
 * any kind) for finance readers and printing to PDF: the headline figures,
 * a chart of daily estimated cost by classification, the orphan share, the
 * threads that cost most on a timeline, the orphan table, then the summary.
 * Charts are inline SVG drawn here. Every figure a test compares is marked
 * with data-figure="NAME". */
#include "render.h"
#include "render_text_cell.h"

#include "error.h"
#include "money.h"
#include "output_file.h"
#include "rows.h"
#include "timestamp.h"
#include "xalloc.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HTML_SQL "reports/html.sql#"
#define CHART_W  720
#define CHART_H  220

/* The classes, in the order charts stack them, with their colour. */
static const struct {
	const char *name, *label, *colour;
} classes[] = {
    {"used", "used", "#2e7d32"},
    {"idle", "idle (named, never ran code)", "#f9a825"},
    {"outside_coverage", "outside coverage (not judged)", "#9e9e9e"},
    {"orphan", "orphan (billed, never used)", "#c62828"},
};
#define CLASSES 4

static void escaped(struct buf *b, const char *s)
{
	for (; s && *s; s++)
		switch (*s) {
		case '&':
			buf_puts(b, "&amp;");
			break;
		case '<':
			buf_puts(b, "&lt;");
			break;
		case '>':
			buf_puts(b, "&gt;");
			break;
		case '"':
			buf_puts(b, "&quot;");
			break;
		case '\'':
			buf_puts(b, "&#39;");
			break;
		default:
			buf_putc(b, (unsigned char)*s < 0x20 ? ' ' : *s);
		}
}

static int class_index(const char *name)
{
	for (int i = 0; i < CLASSES; i++)
		if (!strcmp(classes[i].name, name))
			return i;
	return -1;
}

struct figures {
	int64_t containers, estimated, orphans, orphan_cost, judged, unpriced, days;
};

static void head(struct buf *b, const struct render_meta *meta)
{
	char now[TIMESTAMP_MAX], since[TIMESTAMP_MAX], until[TIMESTAMP_MAX], window[3 * TIMESTAMP_MAX];
	timestamp_format(meta->now, now);
	if (meta->since)
		timestamp_format(*meta->since, since);
	if (meta->until)
		timestamp_format(*meta->until, until);
	if (meta->since || meta->until)
		snprintf(window, sizeof window, "containers created %s%s%s%s", meta->since ? "from " : "",
		         meta->since ? since : "", meta->until ? (meta->since ? " until " : "before ") : "",
		         meta->until ? until : "");
	else
		snprintf(window, sizeof window, "every container stored");
	buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	            "<title>cntraudit: Code Interpreter containers billed and used</title>\n<style>\n"
	            "body{font-family:system-ui,-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;color:#212121;"
	            "max-width:980px;margin:2em auto;padding:0 1em;line-height:1.4}\n"
	            "h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid "
	            "#ddd}\n"
	            ".meta{color:#616161;font-size:.9em}\n"
	            ".headline{display:flex;flex-wrap:wrap;gap:1em;margin:1.5em 0}\n"
	            ".figure{flex:1 1 150px;border:1px solid #e0e0e0;border-radius:6px;padding:.8em}\n"
	            ".figure .value{font-size:1.5em;font-weight:600}.figure .label{color:#616161;font-size:.85em}\n"
	            ".orphan .value{color:#c62828}\n"
	            "table{border-collapse:collapse;width:100%;font-size:.85em}th,td{text-align:left;padding:.25em "
	            ".5em;border-bottom:1px solid #eee;vertical-align:top}\n"
	            "td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}\n"
	            "code{font-size:.95em;word-break:break-all}td.when{white-space:nowrap}\n"
	            ".legend span{display:inline-block;margin-right:1.2em;font-size:.85em}\n"
	            ".legend i{display:inline-block;width:.9em;height:.9em;margin-right:.3em;vertical-align:-.1em}\n"
	            "svg{max-width:100%;height:auto}svg text{font-family:inherit;font-size:11px;fill:#424242}\n"
	            "@media print{body{margin:0;max-width:none}h2{break-after:avoid}section{break-inside:avoid}"
	            "tr{break-inside:avoid}}\n"
	            "</style>\n</head>\n<body>\n");
	buf_printf(b,
	           "<header>\n<h1>Code Interpreter containers: what was billed, what was used</h1>\n"
	           "<p class=\"meta\">Audit time <span data-figure=\"now\">%s</span> &middot; %s &middot; times in %s "
	           "&middot; cntraudit %s</p>\n</header>\n",
	           now, window, meta->zone ? meta->zone : "UTC", CNTRAUDIT_VERSION);
}

static void headline(struct buf *b, const struct figures *f)
{
	char a[MONEY_MAX + 1], o[MONEY_MAX + 1];
	buf_puts(b, "<section class=\"headline\">\n");
	buf_printf(b,
	           "<div class=\"figure\"><div class=\"value\" data-figure=\"estimated\">%s</div>"
	           "<div class=\"label\">estimated for <span data-figure=\"containers\">%lld</span> containers"
	           "%s</div></div>\n",
	           money_usd(f->estimated, a), (long long)f->containers,
	           f->unpriced ? " (some unpriced, not included)" : "");
	buf_printf(b,
	           "<div class=\"figure orphan\"><div class=\"value\" data-figure=\"orphan_cost\">%s</div>"
	           "<div class=\"label\">for <span data-figure=\"orphans\">%lld</span> orphan containers: billed, "
	           "never used</div></div>\n",
	           money_usd(f->orphan_cost, o), (long long)f->orphans);
	buf_printf(b,
	           "<div class=\"figure orphan\"><div class=\"value\"><span data-figure=\"orphan_share\">%.1f</span>%%"
	           "</div><div class=\"label\">of the estimated container cost</div></div>\n",
	           money_percent(f->orphan_cost, f->estimated));
	buf_printf(b,
	           "<div class=\"figure\"><div class=\"value\"><span data-figure=\"judged_share\">%.1f</span>%%</div>"
	           "<div class=\"label\">of containers could be judged (<span data-figure=\"judged\">%lld</span>); "
	           "the rest are not accused</div></div>\n",
	           money_percent(f->judged, f->containers), (long long)f->judged);
	buf_puts(b, "</section>\n");
	if (f->containers > 0 && f->judged == 0)
		buf_puts(
		    b, "<p><strong>No container could be judged:</strong> no response was collected near any of "
		       "them, so orphans cannot be detected. Collect the responses (<code>cntraudit collect responses "
		       "--from FILE</code>) and write the report again.</p>\n");
}

static void legend(struct buf *b)
{
	buf_puts(b, "<p class=\"legend\">");
	for (int i = 0; i < CLASSES; i++)
		buf_printf(b, "<span><i style=\"background:%s\"></i>%s</span>", classes[i].colour, classes[i].label);
	buf_puts(b, "</p>\n");
}

/* One day's cost per class. */
struct day {
	char name[TIMESTAMP_MAX];
	int64_t cost[CLASSES];
};

static int daily_chart(struct store *store, struct buf *b)
{
	struct store_rows *rows;
	struct day *days = NULL;
	size_t n = 0, cap = 0;
	int rc;
	if (store_rows_open(store, HTML_SQL "daily", NULL, 0, "the daily chart", &rows))
		return -1;
	while ((rc = store_rows_next(rows)) == 1) {
		const char *day = store_rows_text(rows, 0, NULL);
		int c = class_index(store_rows_text(rows, 1, NULL));
		if (!n || strcmp(days[n - 1].name, day)) {
			if (n == cap)
				days = xrealloc(days, (cap = cap ? cap * 2 : 32) * sizeof *days);
			memset(&days[n], 0, sizeof days[n]);
			snprintf(days[n++].name, TIMESTAMP_MAX, "%s", day);
		}
		if (c >= 0 && store_rows_type(rows, 3) != CELL_NULL)
			days[n - 1].cost[c] = store_rows_int(rows, 3); /* one row per day and class */
	}
	store_rows_close(rows);
	if (rc) {
		free(days);
		return -1;
	}
	buf_puts(b, "<section>\n<h2>Daily estimated cost by classification</h2>\n");
	if (!n) {
		buf_puts(b, "<p>No container was created in the window.</p>\n</section>\n");
		free(days);
		return 0;
	}
	int64_t top = 1; /* the highest day: the chart's scale */
	for (size_t i = 0; i < n; i++) {
		int64_t t = 0;
		for (int c = 0; c < CLASSES; c++)
			if (__builtin_add_overflow(t, days[i].cost[c], &t))
				t = INT64_MAX;
		top = t > top ? t : top;
	}
	const int left = 70, bottom = 30, plot_w = CHART_W - left - 10, plot_h = CHART_H - bottom - 10;
	double slot = (double)plot_w / (double)n, bar = slot > 4 ? slot * 0.8 : slot;
	char a[MONEY_MAX + 1];
	buf_printf(b, "<svg viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" data-chart=\"daily\">\n",
	           CHART_W, CHART_H, CHART_W, CHART_H);
	buf_printf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#bdbdbd\"/>\n", left, 10 + plot_h,
	           CHART_W - 10, 10 + plot_h);
	buf_printf(b, "<text x=\"%d\" y=\"14\" text-anchor=\"end\">%s</text>\n", left - 6, money_usd(top, a));
	buf_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">$0</text>\n", left - 6, 10 + plot_h);
	for (size_t i = 0; i < n; i++) {
		double x = left + slot * (double)i + (slot - bar) / 2, y = 10 + plot_h;
		for (int c = 0; c < CLASSES; c++) {
			double h = (double)plot_h * (double)days[i].cost[c] / (double)top;
			if (days[i].cost[c] <= 0)
				continue;
			y -= h;
			buf_printf(
			    b,
			    "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s %s: "
			    "%s</title></rect>\n",
			    x, y, bar, h, classes[c].colour, days[i].name, classes[c].name,
			    money_usd(days[i].cost[c], a));
		}
	}
	size_t step = n > 8 ? (n + 7) / 8 : 1; /* at most about eight labels */
	for (size_t i = 0; i < n; i += step)
		buf_printf(b, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
		           left + slot * ((double)i + 0.5), CHART_H - 10, days[i].name);
	buf_puts(b, "</svg>\n");
	legend(b);
	buf_puts(b, "</section>\n");
	free(days);
	return 0;
}

static void share_chart(struct buf *b, const struct figures *f)
{
	char o[MONEY_MAX + 1], e[MONEY_MAX + 1];
	double part = money_percent(f->orphan_cost, f->estimated), w = (CHART_W - 20) * part / 100.0;
	buf_puts(b, "<section>\n<h2>Orphan share</h2>\n");
	buf_printf(b, "<svg viewBox=\"0 0 %d 60\" width=\"%d\" height=\"60\" role=\"img\" data-chart=\"share\">\n",
	           CHART_W, CHART_W);
	buf_printf(b, "<rect x=\"10\" y=\"10\" width=\"%d\" height=\"24\" fill=\"#e0e0e0\"/>\n", CHART_W - 20);
	buf_printf(b, "<rect x=\"10\" y=\"10\" width=\"%.1f\" height=\"24\" fill=\"#c62828\"/>\n", w);
	buf_printf(b, "<text x=\"10\" y=\"52\">orphans: %s of %s estimated (%.1f%%)</text>\n",
	           money_usd(f->orphan_cost, o), money_usd(f->estimated, e), part);
	buf_puts(b, "</svg>\n</section>\n");
}

#define TIMELINE_THREADS 8

/* The timeline: its threads, ranked, and a dot per container of theirs. */
struct timeline {
	struct {
		char *id, *flags;
		int64_t first, last, containers, orphan_cost;
	} threads[TIMELINE_THREADS];
	int n;
	struct {
		int row, cls;
		int64_t at;
	} * dots;
	size_t n_dots, cap;
	int64_t lo, hi; /* the span drawn */
};

static void widen(struct timeline *tl, int64_t at)
{
	tl->lo = tl->n == 0 && tl->n_dots == 0 ? at : (at < tl->lo ? at : tl->lo);
	tl->hi = at > tl->hi ? at : tl->hi;
}

static int read_timeline(struct store *store, struct timeline *tl)
{
	struct store_rows *rows;
	int rc;
	if (store_rows_open(store, HTML_SQL "timeline", NULL, 0, "the threads timeline", &rows))
		return -1;
	while ((rc = store_rows_next(rows)) == 1) {
		int row = (int)store_rows_int(rows, 1) - 1;
		if (row < 0 || row >= TIMELINE_THREADS)
			continue;
		int64_t at = store_rows_int(rows, 3);
		if (!strcmp(store_rows_text(rows, 0, NULL), "thread")) {
			widen(tl, at);
			tl->hi = store_rows_int(rows, 4) > tl->hi ? store_rows_int(rows, 4) : tl->hi;
			tl->threads[row].id = xstrdup(store_rows_text(rows, 2, NULL));
			tl->threads[row].first = at;
			tl->threads[row].last = store_rows_int(rows, 4);
			tl->threads[row].containers = store_rows_int(rows, 5);
			tl->threads[row].flags =
			    xstrdup(store_rows_type(rows, 6) == CELL_NULL ? "" : store_rows_text(rows, 6, NULL));
			tl->threads[row].orphan_cost = store_rows_int(rows, 7);
			tl->n = row + 1 > tl->n ? row + 1 : tl->n;
		} else {
			if (tl->n_dots == tl->cap)
				tl->dots =
				    xrealloc(tl->dots, (tl->cap = tl->cap ? tl->cap * 2 : 64) * sizeof *tl->dots);
			tl->dots[tl->n_dots].row = row;
			tl->dots[tl->n_dots].cls = class_index(store_rows_text(rows, 6, NULL));
			tl->dots[tl->n_dots++].at = at;
			widen(tl, at);
		}
	}
	store_rows_close(rows);
	return rc;
}

static void draw_timeline(struct buf *b, const struct timeline *tl)
{
	const int left = 190, right = 110, row_h = 26, plot_w = CHART_W - left - right;
	int height = 30 + row_h * tl->n;
	double span = tl->hi > tl->lo ? (double)(tl->hi - tl->lo) : 1;
	char a[MONEY_MAX + 1], from[TIMESTAMP_MAX], to[TIMESTAMP_MAX];
	timestamp_format(tl->lo, from);
	timestamp_format(tl->hi, to);
	buf_printf(b, "<svg viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" data-chart=\"threads\">\n",
	           CHART_W, height, CHART_W, height);
	for (int i = 0; i < tl->n; i++) {
		int y = 10 + row_h * i + row_h / 2;
		double x1 = left + plot_w * (double)(tl->threads[i].first - tl->lo) / span,
		       x2 = left + plot_w * (double)(tl->threads[i].last - tl->lo) / span;
		char *label =
		    text_display(tl->threads[i].id, 0); /* shortened in the middle: the full ID is in the title */
		buf_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", left - 8, y + 4);
		escaped(b, label);
		buf_puts(b, "</text>\n");
		free(label);
		buf_printf(
		    b,
		    "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#757575\" stroke-width=\"3\"><title>",
		    x1, y, x2 > x1 + 2 ? x2 : x1 + 2, y);
		escaped(b, tl->threads[i].id);
		buf_printf(b, ": %lld containers%s%s</title></line>\n", (long long)tl->threads[i].containers,
		           *tl->threads[i].flags ? ", " : "", tl->threads[i].flags);
		buf_printf(b, "<text x=\"%d\" y=\"%d\">%s orphan</text>\n", CHART_W - right + 8, y + 4,
		           money_usd(tl->threads[i].orphan_cost, a));
	}
	for (size_t d = 0; d < tl->n_dots; d++)
		buf_printf(b, "<circle cx=\"%.1f\" cy=\"%d\" r=\"5\" fill=\"%s\" stroke=\"#fff\"/>\n",
		           left + plot_w * (double)(tl->dots[d].at - tl->lo) / span,
		           10 + row_h * tl->dots[d].row + row_h / 2,
		           tl->dots[d].cls >= 0 ? classes[tl->dots[d].cls].colour : "#000");
	buf_printf(b, "<text x=\"%d\" y=\"%d\">%s</text>\n", left, height - 4, from);
	buf_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n", CHART_W - right, height - 4, to);
	buf_puts(b, "</svg>\n<p class=\"meta\">Each line runs from a thread's first response to its last; each dot "
	            "is a container, coloured by its classification.</p>\n");
	legend(b);
}

static int timeline(struct store *store, struct buf *b)
{
	struct timeline tl = {.n = 0};
	int rc = read_timeline(store, &tl);
	buf_puts(b, "<section>\n<h2>The threads that cost most</h2>\n");
	if (!rc && tl.n)
		draw_timeline(b, &tl);
	else if (!rc)
		buf_puts(b, "<p>No conversation or response chain involved a container.</p>\n");
	buf_puts(b, "</section>\n");
	for (int i = 0; i < TIMELINE_THREADS; i++) {
		free(tl.threads[i].id);
		free(tl.threads[i].flags);
	}
	free(tl.dots);
	return rc;
}

static int orphan_table(struct store *store, struct buf *b, const struct figures *f)
{
	struct store_rows *rows;
	char at[TIMESTAMP_MAX], a[MONEY_MAX + 1];
	int rc, n = 0;
	if (store_rows_open(store, HTML_SQL "orphans", NULL, 0, "the orphan table", &rows))
		return -1;
	buf_printf(b, "<section>\n<h2>Orphan containers</h2>\n");
	while ((rc = store_rows_next(rows)) == 1) {
		if (n++ == 0)
			buf_puts(b,
			         "<table data-table=\"orphans\">\n<tr><th>container</th><th>created</th><th>name</th>"
			         "<th class=\"num\">estimated</th><th>created while this response ran</th></tr>\n");
		timestamp_format(store_rows_int(rows, 1), at);
		buf_puts(b, "<tr><td><code>");
		escaped(b, store_rows_text(rows, 0, NULL));
		buf_printf(b, "</code></td><td class=\"when\">%s</td><td>", at);
		escaped(b, store_rows_type(rows, 2) == CELL_NULL ? "" : store_rows_text(rows, 2, NULL));
		buf_printf(b, "</td><td class=\"num\">%s</td><td>",
		           store_rows_type(rows, 3) == CELL_NULL ? "unpriced" : money_usd(store_rows_int(rows, 3), a));
		if (store_rows_type(rows, 4) != CELL_NULL) {
			buf_puts(b, "<code>");
			escaped(b, store_rows_text(rows, 4, NULL));
			buf_puts(b, "</code> (");
			escaped(b, store_rows_text(rows, 5, NULL));
			buf_puts(b, ")");
		} else {
			buf_puts(b, "none found");
		}
		buf_puts(b, "</td></tr>\n");
	}
	store_rows_close(rows);
	if (n)
		buf_puts(b, "</table>\n");
	else
		buf_puts(b, "<p>No orphan container in the window.</p>\n");
	if (f->orphans > n)
		buf_printf(b, "<p>The first %d of %lld; <code>cntraudit report orphans</code> lists them all.</p>\n", n,
		           (long long)f->orphans);
	buf_puts(b, "</section>\n");
	return rc;
}

/* The summary's rows (section, item, count, amount_usd, detail) as one
 * table per section. */
static int summary(struct store *store, struct buf *b)
{
	struct store_rows *rows;
	char section[128] = "", a[MONEY_MAX + 1];
	int rc;
	if (store_rows_open(store, "reports/summary.sql", NULL, 0, "the summary", &rows))
		return -1;
	buf_puts(b, "<section>\n<h2>Summary</h2>\n");
	while ((rc = store_rows_next(rows)) == 1) {
		const char *name = store_rows_text(rows, 0, NULL);
		if (strcmp(section, name)) {
			if (section[0])
				buf_puts(b, "</table>\n");
			buf_puts(b, "<h3>");
			escaped(b, name);
			buf_puts(b, "</h3>\n<table>\n");
			snprintf(section, sizeof section, "%s", name);
		}
		buf_puts(b, "<tr><td>");
		escaped(b, store_rows_text(rows, 1, NULL));
		buf_puts(b, "</td><td class=\"num\">");
		if (store_rows_type(rows, 2) != CELL_NULL)
			buf_printf(b, "%lld", (long long)store_rows_int(rows, 2));
		buf_puts(b, "</td><td class=\"num\">");
		if (store_rows_type(rows, 3) != CELL_NULL)
			buf_puts(b, money_usd(store_rows_int(rows, 3), a));
		buf_puts(b, "</td><td>");
		escaped(b, store_rows_type(rows, 4) == CELL_NULL ? "" : store_rows_text(rows, 4, NULL));
		buf_puts(b, "</td></tr>\n");
	}
	store_rows_close(rows);
	if (section[0])
		buf_puts(b, "</table>\n");
	buf_puts(b, "</section>\n");
	return rc;
}

static int read_figures(struct store *store, struct figures *f)
{
	int64_t v[7];
	if (store_figures(store, HTML_SQL "figures", "the page's figures", v, 7))
		return -1;
	*f = (struct figures){v[0], v[1], v[2], v[3], v[4], v[5], v[6]};
	return 0;
}

static int page(struct store *store, struct buf *b, const struct render_meta *meta)
{
	struct figures f;
	if (read_figures(store, &f))
		return -1;
	head(b, meta);
	headline(b, &f);
	if (daily_chart(store, b))
		return -1;
	share_chart(b, &f);
	if (timeline(store, b) || orphan_table(store, b, &f) || summary(store, b))
		return -1;
	buf_puts(b, "<footer class=\"meta\"><p>Estimates use OpenAI's published prices; only the Costs API is "
	            "billing. A container is an orphan when no code_interpreter_call or shell_call item, no response "
	            "naming it and no file citation refers to it, and it was created while a response that asked "
	            "for an automatic container ran no code; containers with no response collected near them are "
	            "not judged.</p></footer>\n</body>\n</html>\n");
	return 0;
}

int render_html(struct store *store, const char *path, const struct render_meta *meta)
{
	struct buf b = {0};
	int rc = page(store, &b, meta);
	if (!rc && !path) {
		if (fwrite(b.data, 1, b.len, stdout) != b.len || fflush(stdout))
			rc = error_set("cannot write the report to standard output: %s", strerror(errno));
	} else if (!rc) {
		struct output_file out;
		rc = output_file_open(&out, path);
		if (!rc && fwrite(b.data, 1, b.len, out.fp) != b.len) {
			output_file_abort(&out);
			rc = error_set("cannot write %s: %s", path, strerror(errno));
		} else if (!rc) {
			rc = output_file_commit(&out);
		}
	}
	buf_free(&b);
	return rc;
}
