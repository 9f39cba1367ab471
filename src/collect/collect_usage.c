/* collect usage: the Admin API's code interpreter sessions
 * (GET /organization/usage/code_interpreter_sessions, daily buckets grouped
 * by project) and costs (GET /organization/costs, grouped by line item and
 * project), every page (next_page), with the admin key. */
#include "collect.h"

#include "error.h"
#include "xalloc.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static int usage_page_stored(struct pages *p, const char *next)
{
	return collector_checkpoint(p->c, 1);
}

int collect_usage(struct collector *c, volatile int *interrupted)
{
	char until[64] = "";
	if (c->options->until)
		snprintf(until, sizeof until, "&end_time=%" PRId64, *c->options->until);
	char *usage = xasprintf("/organization/usage/code_interpreter_sessions?start_time=%" PRId64
	                        "%s&bucket_width=1d&group_by%%5B%%5D=project_id&limit=31",
	                        *c->options->since, until);
	char *costs = xasprintf("/organization/costs?start_time=%" PRId64
	                        "%s&bucket_width=1d&group_by%%5B%%5D=line_item&group_by%%5B%%5D=project_id&limit=180",
	                        *c->options->since, until);
	struct pages p = {
	    .c = c, .base_path = usage, .admin = 1, .cursors.kind = CURSOR_NEXT_PAGE, .stored = usage_page_stored};
	progress_start(&c->progress, "usage", c->options->progress);
	int rc = collector_fetch_pages(&p, NULL, interrupted);
	if (!rc && !*interrupted) {
		p.base_path = costs;
		rc = collector_fetch_pages(&p, NULL, interrupted);
	}
	free(usage);
	free(costs);
	return rc;
}
