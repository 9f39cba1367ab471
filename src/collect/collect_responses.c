/* collect responses: GET /responses/{id} for every ID given, concurrently,
 * following previous_response_id to parents not yet stored (unless
 * --no-chain). A 404 is recorded as not found, not fatal. With
 * --with-input-items, then GET /responses/{id}/input_items, every page.
 * collect conversations: GET /conversations/{id}/items?order=asc&limit=100,
 * every page, each conversation in parallel. */
#include "collect.h"

#include "collect_state.h"

#include "error.h"
#include "log.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static int record_not_found(struct collector *c, const char *id, const char *kind)
{
	c->counts.not_found++;
	c->uncommitted++;
	log_info("%s %s: not found", kind, id);
	if (store_add_not_found(c->store, kind, id, (int64_t)time(NULL)))
		return collector_fatal(c, "cannot store what was collected: %s", error_message());
	return 0;
}

struct responses_run {
	struct collector *c;
	struct id_set queued; /* every ID submitted or known, so none is fetched twice */
	size_t done, total;
};

/* Asks for a response unless it needs no fetch: finished and stored, or an
 * ID the API already said it does not know (what makes a rerun resume).
 * 0, or -1 when the store failed (fatal set). */
static int submit_response(struct responses_run *run, const char *id)
{
	if (!id_set_add(&run->queued, id))
		return 0;
	int known = store_known(run->c->store, "response", id);
	if (known < 0)
		return collector_fatal(run->c, "cannot read the store: %s", error_message());
	if (known) {
		/* Stored already; its chain may not be (a rerun, or --no-chain before). */
		if (!run->c->options->chain)
			return 0;
		char *previous;
		if (store_previous_response(run->c->store, id, &previous))
			return collector_fatal(run->c, "cannot read the store: %s", error_message());
		int rc = previous && id_is_response(previous) ? submit_response(run, previous) : 0;
		free(previous);
		return rc;
	}
	char *escaped = http_escape(id);
	char *path = xasprintf("/responses/%s", escaped);
	http_submit(run->c->http, path, 0, NULL);
	free(path);
	free(escaped);
	run->c->counts.requests++;
	run->total++;
	return 0;
}

/* The ID at the end of "/responses/ID" (the path we built). Caller frees. */
static char *requested_id(const char *path)
{
	const char *slash = strrchr(path, '/');
	return http_unescape(slash ? slash + 1 : path);
}

static int on_response(void *ctx, const struct http_result *r)
{
	struct responses_run *run = ctx;
	struct collector *c = run->c;
	if (collector_key_refused(c, r))
		return -1;
	char *id = requested_id(r->path);
	run->done++;
	if (r->status == 404) {
		if (record_not_found(c, id, "response")) {
			free(id);
			return -1;
		}
	} else if (r->error) {
		collector_fail(c, "cannot fetch %s: %s", r->path, r->error);
	} else {
		json_t *doc = json_loadb(r->body, r->body_len, 0, NULL);
		const char *got = json_string_value(json_object_get(doc, "id"));
		if (!doc && collector_retry_malformed(c, r, 0, NULL)) {
			run->done--;
			free(id);
			return 0;
		}
		if (!doc)
			collector_fail(c, "cannot fetch %s: the response is not valid JSON", r->path);
		else if (got && strcmp(got, id))
			/* Stored, it would stand for the response asked for: refuse it. */
			collector_fail(c, "cannot fetch %s: the reply is response '%.100s', not the one asked for",
			               r->path, got);
		else if (!collector_store_document(c, r, doc, NULL) && c->options->chain) {
			const char *previous = json_string_value(json_object_get(doc, "previous_response_id"));
			if (previous && id_is_response(previous))
				submit_response(run, previous); /* a store failure sets fatal */
		}
		json_decref(doc);
		if (c->fatal) {
			free(id);
			return -1;
		}
	}
	free(id);
	progress_update(&c->progress, run->done, run->total, http_retries(c->http));
	return collector_checkpoint(c, 0);
}

int collect_responses(struct collector *c, volatile int *interrupted)
{
	struct responses_run run = {.c = c};
	const struct id_set *ids = &c->options->responses;
	progress_start(&c->progress, "responses", c->options->progress);
	for (size_t i = 0; i < ids->count && !c->fatal; i++)
		submit_response(&run, ids->ids[i]);
	size_t skipped = ids->count - run.total;
	if (skipped)
		log_notice("collect responses: %zu of %zu already stored or known missing; fetching %zu", skipped,
		           ids->count, run.total);
	int rc = c->fatal ? -1 : http_run(c->http, on_response, &run, interrupted);
	if (c->options->with_input_items) {
		id_set_free(&c->responses_seen);
		c->responses_seen = run.queued; /* for collect_input_items */
	} else {
		id_set_free(&run.queued);
	}
	return rc || c->fatal ? -1 : 0;
}

/* A listing of items, page by page: a conversation's or a response's input
 * items (the chain's id is their parent). */
struct items_run {
	struct collector *c;
	int conversations; /* a 404 is a conversation OpenAI does not have */
	size_t done, total;
};

static int on_items(void *ctx, const struct http_result *r)
{
	struct items_run *run = ctx;
	struct collector *c = run->c;
	struct page_chain *chain = r->user;
	int malformed, more = 0;
	if (collector_key_refused(c, r))
		return page_chain_free(chain), -1;
	if (r->status == 404 && run->conversations) {
		if (record_not_found(c, chain->id, "conversation"))
			return page_chain_free(chain), -1;
	} else if (r->status == 404) {
		c->counts.not_found++; /* the response itself is gone: its not-found is recorded already */
		log_info("input items of %s: not found", chain->id);
	} else if (r->error) {
		collector_fail(c, "cannot fetch %s: %s", r->path, r->error);
	} else {
		json_t *doc = collector_store(c, r, chain->id, &malformed);
		if (malformed && collector_retry_malformed(c, r, 0, chain))
			return 0;
		if (malformed)
			collector_fail(c, "cannot fetch %s: the response is not valid JSON", r->path);
		if (c->fatal) {
			json_decref(doc);
			page_chain_free(chain);
			return -1;
		}
		char *next = NULL;
		more = doc ? cursor_chain_next(&chain->cursors, doc, &next) : 0;
		if (more < 0)
			collector_fail(c, "%s: %s: stopped", r->path, error_message());
		if (more > 0)
			page_chain_submit(c, chain, next);
		free(next);
		json_decref(doc);
	}
	if (more <= 0) {
		page_chain_free(chain);
		run->done++;
	}
	progress_update(&c->progress, run->done, run->total, http_retries(c->http));
	return collector_checkpoint(c, 0);
}

/* Lists the items of parent id at PREFIX id SUFFIX. */
static void submit_items(struct collector *c, struct items_run *run, const char *id, const char *prefix,
                         const char *suffix)
{
	char *escaped = http_escape(id);
	char *base = xasprintf("%s%s%s", prefix, escaped, suffix);
	page_chain_submit(c, page_chain_new(id, base), NULL);
	free(base);
	free(escaped);
	run->total++;
}

int collect_input_items(struct collector *c, volatile int *interrupted)
{
	struct items_run run = {.c = c};
	progress_start(&c->progress, "input items", c->options->progress);
	for (size_t i = 0; i < c->responses_seen.count; i++)
		submit_items(c, &run, c->responses_seen.ids[i], "/responses/", "/input_items?order=asc&limit=100");
	int rc = http_run(c->http, on_items, &run, interrupted);
	return rc || c->fatal ? -1 : 0;
}

int collect_conversations(struct collector *c, volatile int *interrupted)
{
	struct items_run run = {.c = c, .conversations = 1};
	const struct id_set *ids = &c->options->conversations;
	progress_start(&c->progress, "conversations", c->options->progress);
	for (size_t i = 0; i < ids->count; i++) {
		int known = store_known(c->store, "conversation", ids->ids[i]);
		if (known < 0)
			return collector_fatal(c, "cannot read the store: %s", error_message());
		if (known)
			continue;
		submit_items(c, &run, ids->ids[i], "/conversations/", "/items?order=asc&limit=100");
	}
	int rc = http_run(c->http, on_items, &run, interrupted);
	return rc || c->fatal ? -1 : 0;
}
