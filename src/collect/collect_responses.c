/* collect responses: GET /responses/{id} for every ID given, concurrently,
 * following previous_response_id to parents not yet stored (unless
 * --no-chain). A 404 is recorded as not found, not fatal.
 * collect conversations: GET /conversations/{id}/items?order=asc&limit=100,
 * every page, each conversation in parallel. */
#include "collect.h"

#include "error.h"
#include "log.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Whether an ID needs no fetch: a finished response already stored, or an ID
 * the API already said it does not know. This is what makes a rerun resume. */
static int already_known(struct collector *c, sqlite3_stmt *st, const char *id)
{
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	int known = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return known;
}

static sqlite3_stmt *known_statement(struct collector *c, const char *kind)
{
	sqlite3_stmt *st = NULL;
	const char *sql = !strcmp(kind, "response")
	                      ? "SELECT 1 FROM responses WHERE id = ?1 AND status IN ('completed', 'failed',"
	                        " 'cancelled', 'incomplete') UNION ALL SELECT 1 FROM not_found WHERE id = ?1"
	                      : "SELECT 1 FROM not_found WHERE id = ?1";
	if (sqlite3_prepare_v2(store_db(c->store), sql, -1, &st, NULL) != SQLITE_OK)
		collector_fatal(c, "cannot read the store: %s", sqlite3_errmsg(store_db(c->store)));
	return st;
}

static int record_not_found(struct collector *c, const char *id, const char *kind)
{
	sqlite3_stmt *st = NULL;
	int ok = sqlite3_prepare_v2(store_db(c->store),
	                            "INSERT OR REPLACE INTO not_found(id, kind, checked_at) VALUES (?1, ?2, ?3)", -1,
	                            &st, NULL) == SQLITE_OK;
	if (ok) {
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, (int64_t)time(NULL));
		ok = sqlite3_step(st) == SQLITE_DONE;
	}
	sqlite3_finalize(st);
	c->counts.not_found++;
	c->uncommitted++;
	log_info("%s %s: not found", kind, id);
	return ok ? 0 : collector_fatal(c, "cannot store what was collected: %s", sqlite3_errmsg(store_db(c->store)));
}

struct responses_run {
	struct collector *c;
	struct id_set queued; /* every ID submitted or known, so none is fetched twice */
	sqlite3_stmt *known, *parent;
	struct id_set malformed_once, malformed_twice; /* a 200 that was not JSON is asked again, twice */
	size_t done, total;
};

static void submit_response(struct responses_run *run, const char *id)
{
	if (!id_set_add(&run->queued, id))
		return;
	if (already_known(run->c, run->known, id)) {
		/* Stored already; its chain may not be (a rerun, or --no-chain before). */
		if (!run->c->options->chain)
			return;
		char *previous = NULL;
		sqlite3_bind_text(run->parent, 1, id, -1, SQLITE_STATIC);
		if (sqlite3_step(run->parent) == SQLITE_ROW && sqlite3_column_type(run->parent, 0) != SQLITE_NULL)
			previous = xstrdup((const char *)sqlite3_column_text(run->parent, 0));
		sqlite3_reset(run->parent);
		if (previous && id_is_response(previous))
			submit_response(run, previous);
		free(previous);
		return;
	}
	char *escaped = http_escape(id);
	char *path = xasprintf("/responses/%s", escaped);
	http_submit(run->c->http, path, 0, NULL);
	free(path);
	free(escaped);
	run->c->counts.requests++;
	run->total++;
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
		if (!doc && (id_set_add(&run->malformed_once, r->path) || id_set_add(&run->malformed_twice, r->path))) {
			log_info("retrying %s: the response was not valid JSON", r->path);
			http_submit(c->http, r->path, 0, NULL);
			c->counts.requests++;
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
				submit_response(run, previous);
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
	if (!(run.known = known_statement(c, "response")))
		return -1;
	if (sqlite3_prepare_v2(store_db(c->store), "SELECT previous_response_id FROM responses WHERE id = ?1", -1,
	                       &run.parent, NULL) != SQLITE_OK) {
		sqlite3_finalize(run.known);
		return collector_fatal(c, "cannot read the store: %s", sqlite3_errmsg(store_db(c->store)));
	}
	progress_start(&c->progress, "responses", c->options->progress);
	for (size_t i = 0; i < ids->count; i++)
		submit_response(&run, ids->ids[i]);
	size_t skipped = ids->count - run.total;
	if (skipped)
		log_notice("collect responses: %zu of %zu already stored or known missing; fetching %zu", skipped,
		           ids->count, run.total);
	int rc = http_run(c->http, on_response, &run, interrupted);
	sqlite3_finalize(run.known);
	sqlite3_finalize(run.parent);
	id_set_free(&run.queued);
	id_set_free(&run.malformed_once);
	id_set_free(&run.malformed_twice);
	return rc || c->fatal ? -1 : 0;
}

struct conversations_run {
	struct collector *c;
	size_t done, total;
};

static int on_items(void *ctx, const struct http_result *r)
{
	struct conversations_run *run = ctx;
	struct collector *c = run->c;
	struct page_chain *chain = r->user;
	int malformed, more = 0;
	if (collector_key_refused(c, r))
		return page_chain_free(chain), -1;
	if (r->status == 404) {
		if (record_not_found(c, chain->id, "conversation"))
			return page_chain_free(chain), -1;
	} else if (r->error) {
		collector_fail(c, "cannot fetch %s: %s", r->path, r->error);
	} else {
		json_t *doc = collector_store(c, r, chain->id, &malformed);
		if (malformed && ++chain->parse_failures < 3) {
			http_submit(c->http, r->path, 0, chain);
			c->counts.requests++;
			return 0;
		}
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
		if (more > 0) {
			chain->parse_failures = 0;
			page_chain_submit(c, chain, next);
		}
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

int collect_conversations(struct collector *c, volatile int *interrupted)
{
	struct conversations_run run = {.c = c};
	const struct id_set *ids = &c->options->conversations;
	sqlite3_stmt *known = known_statement(c, "conversation");
	if (!known)
		return -1;
	progress_start(&c->progress, "conversations", c->options->progress);
	for (size_t i = 0; i < ids->count; i++) {
		if (already_known(c, known, ids->ids[i]))
			continue;
		char *escaped = http_escape(ids->ids[i]);
		char *base = xasprintf("/conversations/%s/items?order=asc&limit=100", escaped);
		page_chain_submit(c, page_chain_new(ids->ids[i], base), NULL);
		free(base);
		free(escaped);
		run.total++;
	}
	sqlite3_finalize(known);
	int rc = http_run(c->http, on_items, &run, interrupted);
	return rc || c->fatal ? -1 : 0;
}
