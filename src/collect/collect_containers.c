/* collect containers: GET /containers?order=asc&limit=100&after=..., every
 * page, one transaction per page with the resume cursor. Never retrieves a
 * container individually (that would refresh a live one's last_active_at
 * and extend its life and cost), except with --with-files, which says so. */
#include "collect.h"

#include "collect_state.h"

#include "error.h"
#include "log.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

static int write_cursor(struct collector *c, const char *resource, const char *after)
{
	if (store_cursor_set(c->store, resource, after))
		return collector_fatal(c, "cannot store the collect cursor: %s", error_message());
	return 0;
}

/* --since pages newest first: the listing stops at the first container
 * older than it. */
static int newer_than_since(struct pages *p, const json_t *doc)
{
	const json_t *data = json_object_get(doc, "data");
	const json_t *last = json_array_get(data, json_array_size(data) - 1);
	return !p->c->options->since ||
	       json_integer_value(json_object_get(last, "created_at")) >= *p->c->options->since;
}

/* After a container page is stored: the resume cursor moves with it, in
 * the same commit. */
static int container_page_stored(struct pages *p, const char *next)
{
	struct collector *c = p->c;
	const char *resource = p->ctx;
	if ((resource && write_cursor(c, resource, next)) || collector_checkpoint(c, 1))
		return -1;
	progress_update(&c->progress, c->counts.objects, 0, http_retries(c->http));
	return 0;
}

int collect_containers(struct collector *c, volatile int *interrupted)
{
	struct pages p = {.c = c, .cursors.kind = CURSOR_LAST_ID, .stored = container_page_stored};
	char *after = NULL;
	progress_start(&c->progress, "containers", c->options->progress);
	if (c->options->since) {
		/* Newest first, stopping at --since: no resume needed, few pages. */
		p.base_path = "/containers?order=desc&limit=100";
		p.wanted = newer_than_since;
	} else {
		p.ctx = (void *)"containers";
		p.base_path = "/containers?order=asc&limit=100";
		if (store_cursor_get(c->store, "containers", &after))
			return collector_fatal(c, "cannot read the collect cursor: %s", error_message());
		if (after)
			log_notice("collect containers: resuming after %s", after);
	}
	int rc = collector_fetch_pages(&p, after, interrupted);
	if (!rc && p.refused && after) {
		/* The saved cursor is refused (its container gone, say): start over;
		 * upserts make a second pass over stored pages harmless. */
		log_warn("collect containers: the saved cursor %s was refused: listing again from the start", after);
		p.refused = 0;
		p.pages = 0;
		rc = write_cursor(c, "containers", NULL) || collector_checkpoint(c, 1) ||
		     collector_fetch_pages(&p, NULL, interrupted);
	}
	free(after);
	return rc ? -1 : 0;
}

/* --with-files: every stored container's files (GET /containers/{id}/files). */
struct files_run {
	struct collector *c;
	size_t done, live;
};

static int on_files(void *ctx, const struct http_result *r)
{
	struct files_run *f = ctx;
	struct collector *c = f->c;
	struct page_chain *chain = r->user;
	int malformed;
	if (collector_key_refused(c, r))
		return page_chain_free(chain), -1;
	if (r->error) {
		collector_fail(c, "cannot fetch %s: %s", r->path, r->error);
	} else {
		json_t *doc = collector_store(c, r, NULL, &malformed);
		if (malformed && collector_retry_malformed(c, r, 0, chain))
			return 0;
		if (malformed)
			collector_fail(c, "cannot fetch %s: the response is not valid JSON", r->path);
		char *next = NULL;
		int more = doc ? cursor_chain_next(&chain->cursors, doc, &next) : 0;
		if (more < 0)
			collector_fail(c, "%s: %s: stopped", r->path, error_message());
		json_decref(doc);
		if (c->fatal) {
			page_chain_free(chain);
			return -1;
		}
		if (more > 0) {
			page_chain_submit(c, chain, next);
			free(next);
			return collector_checkpoint(c, 0);
		}
	}
	page_chain_free(chain);
	f->done++;
	progress_update(&c->progress, f->done, 0, http_retries(c->http));
	return collector_checkpoint(c, 0);
}

static int submit_files(void *ctx, const char *id, int live)
{
	struct files_run *f = ctx;
	char *escaped = http_escape(id);
	char *base = xasprintf("/containers/%s/files?limit=100&order=asc", escaped);
	f->live += live != 0;
	page_chain_submit(f->c, page_chain_new(id, base), NULL);
	free(base);
	free(escaped);
	return 0;
}

int collect_container_files(struct collector *c, volatile int *interrupted)
{
	struct files_run f = {.c = c};
	if (store_each_container(c->store, submit_files, &f))
		return collector_fatal(c, "cannot list containers: %s", error_message());
	if (f.live)
		log_notice("collect --with-files: listing files of %zu live container%s refreshes their "
		           "last_active_at, extending their life and, under time billing, their cost",
		           f.live, f.live == 1 ? "" : "s");
	progress_start(&c->progress, "container files", c->options->progress);
	int rc = http_run(c->http, on_files, &f, interrupted);
	return rc || c->fatal ? -1 : 0;
}
