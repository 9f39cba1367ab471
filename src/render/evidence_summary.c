#include "evidence_summary.h"

#include "error.h"
#include "money.h"
#include "rows.h"
#include "timestamp.h"

#include <stdlib.h>
#include <string.h>

#define SUMMARY_ORPHANS 40 /* listed on SUMMARY.txt's one page; all are in orphans.csv */
#define PACK_SQL        "sql/evidence/pack.sql#"

int evidence_figures_read(struct store *store, struct evidence_figures *f)
{
	int64_t v[15];
	*f = (struct evidence_figures){0};
	if (store_figures(store, PACK_SQL "figures", "the evidence's figures", v, 15))
		return -1;
	*f = (struct evidence_figures){.containers = v[0],
	                               .orphans = v[1],
	                               .used = v[2],
	                               .idle = v[3],
	                               .outside = v[4],
	                               .orphan_cost = v[5],
	                               .total_cost = v[6],
	                               .unpriced_orphans = v[7],
	                               .cost_lines = v[8],
	                               .billed = v[9],
	                               .sessions = v[10],
	                               .judged = v[11],
	                               .judged_cost = v[12],
	                               .responses = v[13],
	                               .not_found = v[14]};
	struct store_rows *rows;
	if (store_rows_open(store, PACK_SQL "words", NULL, 0, "the evidence's figures", &rows))
		return -1;
	int rc = store_rows_next(rows);
	if (rc == 1) {
		char **texts[] = {&f->first_created, &f->last_created, &f->projects,         &f->keys,
		                  &f->price_tables,  &f->keys_json,    &f->price_tables_json};
		for (int i = 0; i < 7; i++)
			*texts[i] = xstrdup(store_rows_text(rows, i, NULL));
	} else if (rc == 0) {
		rc = error_set("cannot run the evidence's figures: no row");
	}
	store_rows_close(rows);
	return rc == 1 ? 0 : -1;
}

void evidence_figures_free(struct evidence_figures *f)
{
	free(f->first_created);
	free(f->last_created);
	free(f->projects);
	free(f->keys);
	free(f->price_tables);
	free(f->keys_json);
	free(f->price_tables_json);
}

static void coverage_text(const struct evidence_figures *f, struct buf *b)
{
	buf_printf(b, "COVERAGE OF THIS WINDOW\n");
	if (f->containers > 0 && f->judged == 0) {
		buf_printf(b,
		           "  None of the %lld containers could be judged: no response was collected within 10\n"
		           "  minutes of their creation, so whether they ran code cannot be told. This pack\n"
		           "  accuses none of them.\n",
		           (long long)f->containers);
	} else {
		buf_printf(b,
		           "  %lld of %lld containers could be judged (%.1f%% by count, %.1f%% of their estimated\n"
		           "  cost): a response was collected within 10 minutes of their creation. The others are\n"
		           "  left out of the claim.\n",
		           (long long)f->judged, (long long)f->containers, money_percent(f->judged, f->containers),
		           money_percent(f->judged_cost, f->total_cost));
	}
	buf_printf(b,
	           "  %lld responses created in the window were collected; OpenAI answered 404 (deleted,\n"
	           "  past the 30-day retention, or another project's) for %lld response IDs we were given.\n\n",
	           (long long)f->responses, (long long)f->not_found);
}

static void billed_text(const struct evidence_figures *f, struct buf *b)
{
	char a[MONEY_MAX + 1];
	buf_printf(b, "WHAT WAS BILLED\n");
	if (f->cost_lines == 0 && f->sessions < 0) {
		buf_printf(b, "  No Costs or Usage API data was collected for this window; the charges below\n"
		              "  are estimates from OpenAI's published prices.\n\n");
		return;
	}
	if (f->cost_lines > 0)
		buf_printf(b,
		           "  OpenAI's Costs API reports %s on code interpreter / container line items\n"
		           "  for these days.",
		           money_usd(f->billed, a));
	if (f->sessions >= 0)
		buf_printf(b, "%s OpenAI's Usage API counts %lld code interpreter sessions.",
		           f->cost_lines > 0 ? "" : " ", (long long)f->sessions);
	buf_printf(b, " Per day: reconcile.csv.\n\n");
}

/* The orphans, at most SUMMARY_ORPHANS of them. */
static int orphans_text(struct store *store, struct buf *b)
{
	struct store_rows *rows;
	char a[MONEY_MAX + 1];
	int n = 0, rc;
	if (store_rows_open(store, PACK_SQL "orphans", NULL, 0, "the evidence's orphans", &rows))
		return -1;
	while ((rc = store_rows_next(rows)) == 1) {
		if (n++ == 0)
			buf_printf(b, "  %-53s  %-20s  %10s  %s\n", "container", "created", "estimated",
			           "created while this response ran");
		if (n > SUMMARY_ORPHANS)
			continue;
		const char *cost =
		    store_rows_type(rows, 2) == CELL_NULL ? "unpriced" : money_usd(store_rows_int(rows, 2), a);
		const char *resp =
		    store_rows_type(rows, 3) == CELL_NULL ? "none found" : store_rows_text(rows, 3, NULL);
		buf_printf(b, "  %-53s  %-20s  %10s  %s (%s)\n", store_rows_text(rows, 0, NULL),
		           store_rows_text(rows, 1, NULL), cost, resp, store_rows_text(rows, 4, NULL));
	}
	if (n > SUMMARY_ORPHANS)
		buf_printf(b, "  ... and %d more: orphans.csv lists all of them.\n", n - SUMMARY_ORPHANS);
	store_rows_close(rows);
	return rc;
}

static int prices_text(struct store *store, const struct evidence_figures *f, struct buf *b)
{
	struct store_rows *rows;
	int rc;
	buf_printf(b, "\nPRICES (price table %s)\n", f->price_tables);
	if (store_rows_open(store, PACK_SQL "prices", NULL, 0, "the evidence's prices", &rows))
		return -1;
	while ((rc = store_rows_next(rows)) == 1) {
		int priced = store_rows_type(rows, 2) != CELL_NULL;
		int64_t count = store_rows_int(rows, 3);
		buf_printf(b, "  %s, %s: %s%s per %s (%lld orphan%s)\n", store_rows_text(rows, 0, NULL),
		           store_rows_text(rows, 1, NULL), priced ? "$" : "no price",
		           priced ? store_rows_text(rows, 2, NULL) : "", store_rows_text(rows, 4, NULL),
		           (long long)count, count == 1 ? "" : "s");
	}
	store_rows_close(rows);
	return rc;
}

int evidence_summary(struct store *store, const struct evidence_figures *f, int64_t now, struct buf *b)
{
	char at[TIMESTAMP_MAX], a[MONEY_MAX + 1], c[MONEY_MAX + 1];
	timestamp_format(now, at);
	buf_printf(b, "EVIDENCE: OpenAI Code Interpreter containers billed without being used\n\n");
	buf_printf(b, "Prepared by cntraudit %s from the API objects in its database. Audit time: %s.\n",
	           CNTRAUDIT_VERSION, at);
	buf_printf(b, "Projects: %s. Keys used to collect (last 4 characters only): %s.\n", f->projects, f->keys);
	buf_printf(b, "Containers considered: created %s to %s (%lld containers).\n\n", f->first_created,
	           f->last_created, (long long)f->containers);
	coverage_text(f, b);
	billed_text(f, b);
	buf_printf(b, "WHAT WAS USED\n");
	buf_printf(b,
	           "  %lld containers were created. %lld ran code (a code_interpreter_call or shell_call\n"
	           "  item names them); %lld were named or cited but ran no code; %lld ran no code and\n"
	           "  nothing refers to them; %lld could not be judged (no response collected within\n"
	           "  10 minutes of their creation: left out of the claim).\n\n",
	           (long long)f->containers, (long long)f->used, (long long)f->idle, (long long)f->orphans,
	           (long long)f->outside);
	buf_printf(b, "THE CONTAINERS BILLED FOR NOTHING: %lld, estimated %s", (long long)f->orphans,
	           money_usd(f->orphan_cost, a));
	if (f->total_cost > 0)
		buf_printf(b, " (%.1f%% of %s estimated)", money_percent(f->orphan_cost, f->total_cost),
		           money_usd(f->total_cost, c));
	if (f->unpriced_orphans)
		buf_printf(b, "; %lld unpriced, not in the total", (long long)f->unpriced_orphans);
	buf_printf(b, "\n");
	if (orphans_text(store, b))
		return -1;
	buf_printf(b, "\nWHY WE THINK THEY WERE NEVER USED\n"
	              "  We searched every response, response input item and conversation item collected\n"
	              "  for any trace of each container: a code_interpreter_call item with its\n"
	              "  container_id, a Hosted Shell shell_call item whose environment names it, a\n"
	              "  response naming it in its tools, or a container_file_citation of a file in it.\n"
	              "  These have none. Each was created while a response that asked for an automatic\n"
	              "  container (code interpreter \"container\": {\"type\": \"auto\"}, or a shell tool's\n"
	              "  \"environment\": {\"type\": \"container_auto\"}) was running (from its created_at - 5 s\n"
	              "  to its completed_at + 5 s), and that response ran nothing in a container: auto mode\n"
	              "  created a container the model never used, as reported on the OpenAI developer\n"
	              "  forum. \"unique\": exactly one such response was running; \"ambiguous:N\": N were,\n"
	              "  and the one created nearest the container is named; \"none\": no such response.\n");

	if (prices_text(store, f, b))
		return -1;
	buf_printf(b, "\nLIMITS OF THIS METHOD\n"
	              "  - Charges are estimates from OpenAI's published prices; only the Costs API is billing.\n"
	              "  - The API cannot list responses: we see only those we were given. A container used\n"
	              "    by a response we did not collect would look unused; containers with no collected\n"
	              "    response within 10 minutes are excluded from the claim, not accused.\n"
	              "  - Containers are tied to responses by time, not by an identifier: for a response\n"
	              "    that ran no code, the API never says which container auto mode created.\n");
	buf_printf(b, "\nFILES\n"
	              "  REQUEST.txt  the refund request, ready to paste into a support ticket\n"
	              "  orphans.csv, containers.csv, threads.csv, reconcile.csv  the reports (CSV, RFC 4180)\n"
	              "  raw/  every API object cited, exactly as stored (JSON)\n"
	              "  MANIFEST.json  each file's size, SHA-256, dates and x-request-id; the options\n"
	              "  SHA256SUMS  check every file with: sha256sum -c SHA256SUMS\n");
	return 0;
}
