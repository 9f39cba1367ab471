#include "evidence_request.h"

#include "error.h"
#include "money.h"
#include "rows.h"
#include "timestamp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PACK_SQL "sql/evidence/pack.sql#"

/* What the letter asks for, summed over its days. */
struct claim {
	int64_t asked, estimated, billed_days, days, capped_days, unpriced;
	char first[16], last[16];
};

/* The per-day table, and the claim it adds up to. */
static int days_text(struct store *store, struct claim *c, struct buf *table)
{
	struct store_rows *rows;
	char a[MONEY_MAX + 1], e[MONEY_MAX + 1], b[MONEY_MAX + 1];
	int rc;
	if (store_rows_open(store, PACK_SQL "request_days", NULL, 0, "the request's days", &rows))
		return -1;
	buf_printf(table, "  %-10s  %7s  %18s  %22s  %12s\n", "day (UTC)", "orphans", "estimated charge",
	           "billed (Costs API)", "asked for");
	while ((rc = store_rows_next(rows)) == 1) {
		const char *day = store_rows_text(rows, 0, NULL);
		int64_t estimated = store_rows_int(rows, 2), asked = store_rows_int(rows, 5);
		int billed_known = store_rows_type(rows, 4) != CELL_NULL;
		if (c->days++ == 0)
			snprintf(c->first, sizeof c->first, "%s", day);
		snprintf(c->last, sizeof c->last, "%s", day);
		c->asked += asked; /* no overflow: at most the orphans' estimate, which SQL summed already */
		c->estimated += estimated;
		c->unpriced += store_rows_int(rows, 3);
		c->billed_days += billed_known;
		c->capped_days += asked < estimated;
		buf_printf(table, "  %-10s  %7lld  %18s  %22s  %12s\n", day, (long long)store_rows_int(rows, 1),
		           money_usd(estimated, e),
		           billed_known ? money_usd(store_rows_int(rows, 4), b) : "not collected", money_usd(asked, a));
	}
	store_rows_close(rows);
	if (rc == 0)
		buf_printf(table, "  %-10s  %7s  %18s  %22s  %12s\n", "total", "", money_usd(c->estimated, e), "",
		           money_usd(c->asked, a));
	return rc;
}

static int projects_text(struct store *store, const struct evidence_options *o, struct buf *b)
{
	struct store_rows *rows;
	int rc, n = 0;
	buf_printf(b, "  Organization: %s\n",
	           o->organization ? o->organization : "(fill in: your organization ID, org-...; see --org)");
	if (store_rows_open(store, PACK_SQL "request_projects", NULL, 0, "the request's projects", &rows))
		return -1;
	while ((rc = store_rows_next(rows)) == 1) {
		const char *label = store_rows_text(rows, 0, NULL);
		const char *project = store_rows_type(rows, 1) == CELL_NULL ? NULL : store_rows_text(rows, 1, NULL);
		const char *lead = n++ ? "         " : "Project:";
		if (project && !strcmp(project, label))
			buf_printf(b, "  %s %s\n", lead, project);
		else
			buf_printf(b, "  %s %s (collected as \"%s\")\n", lead,
			           project ? project : "(fill in: the project ID, proj_...)", label);
	}
	store_rows_close(rows);
	return rc;
}

/* "2025-11-03", or "2025-11-03 to 2025-11-05". */
static const char *span(const struct claim *c, char out[40])
{
	if (strcmp(c->first, c->last))
		snprintf(out, 40, "%s to %s", c->first, c->last);
	else
		snprintf(out, 40, "%s", c->first);
	return out;
}

static void window_text(const struct evidence_options *o, const struct claim *c, struct buf *b)
{
	char since[TIMESTAMP_MAX], until[TIMESTAMP_MAX], days[40];
	if (o->since)
		timestamp_format(*o->since, since);
	if (o->until)
		timestamp_format(*o->until, until);
	if (o->since && o->until)
		buf_printf(b, "  Window: containers created from %s until %s.\n", since, until);
	else if (o->since || o->until)
		buf_printf(b, "  Window: containers created %s %s.\n", o->since ? "from" : "before",
		           o->since ? since : until);
	else
		buf_printf(b, "  Window: every container stored.\n");
	buf_printf(b, "  Days (UTC) of the containers claimed: %s.\n", span(c, days));
}

static void nothing_to_ask(const struct evidence_figures *f, struct buf *b)
{
	if (f->containers > 0 && f->judged == 0)
		buf_printf(b,
		           "This pack makes no request. None of the %lld containers in its window could be\n"
		           "judged: no response was collected within 10 minutes of their creation, so\n"
		           "whether they ran code cannot be told. Collect the responses of this window\n"
		           "(cntraudit collect responses --from FILE) and write the pack again.\n",
		           (long long)f->containers);
	else
		buf_printf(b,
		           "This pack makes no request: of the %lld containers in its window, none was\n"
		           "billed without being used.\n",
		           (long long)f->containers);
}

static void amount_notes(const struct claim *c, struct buf *b)
{
	if (c->capped_days)
		buf_printf(b,
		           "  On %lld day%s the Costs API billed less than our estimate: we ask for no more\n"
		           "  than was billed.\n",
		           (long long)c->capped_days, c->capped_days == 1 ? "" : "s");
	if (c->billed_days < c->days)
		buf_printf(b, "  Where no Costs API figure was collected, the amount is our estimate from\n"
		              "  OpenAI's published prices.\n");
	if (c->unpriced)
		buf_printf(b,
		           "  %lld orphan%s of a memory tier or date with no published price %s not in\n"
		           "  the amount.\n",
		           (long long)c->unpriced, c->unpriced == 1 ? "" : "s", c->unpriced == 1 ? "is" : "are");
}

static void billed_and_used(const struct evidence_figures *f, struct buf *b)
{
	char t[MONEY_MAX + 1];
	buf_printf(b, "\nWHAT WAS BILLED AND WHAT WAS USED\n");
	if (f->cost_lines > 0)
		buf_printf(b,
		           "  The Costs API reports %s on code interpreter / container line items\n"
		           "  for these days.\n",
		           money_usd(f->billed, t));
	else
		buf_printf(b, "  No Costs API figures were collected for these days.\n");
	if (f->sessions >= 0)
		buf_printf(b, "  The Usage API counts %lld code interpreter sessions.\n", (long long)f->sessions);
	buf_printf(b,
	           "  Of the %lld containers created in the window, %lld ran code, %lld were named or\n"
	           "  cited but ran no code, and %lld ran no code and nothing refers to them: those\n"
	           "  are the ones this request is about. %lld could not be judged and are not\n"
	           "  claimed.\n",
	           (long long)f->containers, (long long)f->used, (long long)f->idle, (long long)f->orphans,
	           (long long)f->outside);
}

static void method_text(const struct evidence_figures *f, struct buf *b)
{
	buf_printf(b, "\nHOW THEY WERE FOUND\n"
	              "  With \"container\": {\"type\": \"auto\"} (or a shell tool's \"container_auto\"),\n"
	              "  the API creates a container for a response before the model makes any tool\n"
	              "  call; when the model makes none, the response says nothing of the container,\n"
	              "  and a follow-up response gets another one. This was reported on the OpenAI\n"
	              "  developer forum (\"Responses API: Excessive charges due to repetitive container\n"
	              "  creation when using Code Interpreter\"). We listed the organization's\n"
	              "  containers and searched every response, response input item and conversation\n"
	              "  item we collected for any trace of each: a code_interpreter_call or shell_call\n"
	              "  item naming it, a response naming it in its tools, a file citation in it. The\n"
	              "  containers claimed have none, and each was created while a response that\n"
	              "  asked for an automatic container and ran no code was running. orphans.csv\n"
	              "  names that response for each (attributed_response_id; \"unique\" when it was\n"
	              "  the only one) and the x-request-id of the replies that carried the container\n"
	              "  and the response (request_id, attributed_request_id).\n");
	buf_printf(b,
	           "\nCOVERAGE AND LIMITS\n"
	           "  %lld of %lld containers in the window could be judged (a response was collected\n"
	           "  within 10 minutes of their creation); the others are left out, not claimed.\n"
	           "  OpenAI answered 404 for %lld of the response IDs we had. The API cannot list\n"
	           "  responses, so a container used by a response we never collected would look\n"
	           "  unused; containers are tied to responses by time, because the API never names\n"
	           "  the container auto mode created. Charges are estimates from OpenAI's published\n"
	           "  prices.\n",
	           (long long)f->judged, (long long)f->containers, (long long)f->not_found);
	buf_printf(b, "\nHOW TO CHECK THIS\n"
	              "  The attached pack holds SUMMARY.txt (the audit on one page), orphans.csv,\n"
	              "  containers.csv, threads.csv, reconcile.csv, raw/ (every API object cited,\n"
	              "  byte for byte as your API returned it) and MANIFEST.json (each file's size,\n"
	              "  SHA-256, dates and x-request-id). In the pack's folder,\n"
	              "  sha256sum -c SHA256SUMS checks that no file was changed.\n");
}

int evidence_request(struct store *store, const struct evidence_figures *f, const struct evidence_options *o,
                     struct buf *b)
{
	struct claim c = {0};
	struct buf table = {0};
	char a[MONEY_MAX + 1], days[40];
	int rc = -1;
	if (days_text(store, &c, &table))
		goto done;
	buf_printf(b, "To: OpenAI support\n");
	if (c.days == 0) {
		buf_printf(b, "Subject: Code Interpreter containers: the audit found nothing to claim\n\n");
		nothing_to_ask(f, b);
		rc = 0;
		goto done;
	}
	buf_printf(b, "Subject: Refund request, %s: Code Interpreter containers billed unused (%s)\n\n",
	           money_usd(c.asked, a), span(&c, days));
	buf_printf(b,
	           "Hello,\n\n"
	           "We ask for a credit of %s for %lld Code Interpreter containers that OpenAI\n"
	           "created and billed for our organization and that never ran any code.\n\n",
	           money_usd(c.asked, a), (long long)f->orphans);
	buf_printf(b, "WHO AND WHEN\n");
	if (projects_text(store, o, b))
		goto done;
	window_text(o, &c, b);
	buf_printf(b, "\nTHE AMOUNT, PER DAY\n%s", table.data);
	amount_notes(&c, b);
	billed_and_used(f, b);
	method_text(f, b);
	buf_printf(b, "\nThank you,\n(your name)\n");
	rc = 0;
done:
	buf_free(&table);
	return rc;
}
