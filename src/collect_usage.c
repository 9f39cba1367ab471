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

struct series {
	struct collector *c;
	const char *base; /* path and fixed query */
	int parse_failures;
};

static void submit(struct series *s, const char *page)
{
	char *path = page ? xasprintf("%s&page=%s", s->base, page) : xstrdup(s->base);
	http_submit(s->c->http, path, 1, NULL);
	s->c->counts.requests++;
	free(path);
}

static int on_usage_page(void *ctx, const struct http_result *r)
{
	struct series *s = ctx;
	struct collector *c = s->c;
	int malformed;
	if (r->error)
		return collector_fatal(c, "cannot fetch %s: %s", r->path, r->error);
	json_t *doc = collector_store(c, r, NULL, &malformed);
	if (malformed) {
		if (++s->parse_failures >= 3)
			return collector_fatal(c, "cannot fetch %s: the response is not valid JSON", r->path);
		http_submit(c->http, r->path, 1, NULL);
		c->counts.requests++;
		return 0;
	}
	if (!doc)
		return c->fatal ? -1 : collector_fatal(c, "cannot store the page %s", r->path);
	s->parse_failures = 0;
	const char *next = json_string_value(json_object_get(doc, "next_page"));
	if (json_is_true(json_object_get(doc, "has_more")) && next)
		submit(s, next);
	json_decref(doc);
	return collector_checkpoint(c, 1);
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
	struct series s = {.c = c, .base = usage};
	progress_start(&c->progress, "usage", c->options->progress);
	submit(&s, NULL);
	int rc = http_run(c->http, on_usage_page, &s, interrupted);
	if (!rc && !c->fatal && !*interrupted) {
		s = (struct series){.c = c, .base = costs};
		submit(&s, NULL);
		rc = http_run(c->http, on_usage_page, &s, interrupted);
	}
	free(usage);
	free(costs);
	return rc || c->fatal ? -1 : 0;
}
