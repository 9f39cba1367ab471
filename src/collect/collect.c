#include "collect.h"

#include "error.h"
#include "log.h"
#include "xalloc.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

/* Responses stored per transaction, at most; a page is always one. */
#define BATCH_OBJECTS   256
#define BATCH_MS        1000
#define MAX_ERROR_LINES 20

static long env_long(const char *name, long fallback)
{
	const char *v = getenv(name);
	return v && *v ? strtol(v, NULL, 10) : fallback;
}

/* Checks a key the way an HTTP header needs it: a control character would
 * end the header and start another (a request injected); a space would
 * split the credentials. */
static int key_check(const char *name, const char *value)
{
	size_t n = strlen(value), body = n;
	while (body && (value[body - 1] == '\n' || value[body - 1] == '\r'))
		body--;
	if (body < n && strcspn(value, "\r\n") == body)
		return error_set("%s ends with a line break (pasted with a trailing newline?): set it without one; "
		                 "nothing was sent",
		                 name);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)value[i];
		if (c < 0x20 || c == 0x7f || c == ' ')
			return error_set("%s holds %s at character %zu: a key never does; nothing was sent", name,
			                 c == ' ' ? "a space" : "a control character", i + 1);
	}
	return 0;
}

/* A copy of the variable's value, then the environment's copy wiped. */
static char *take_key(const char *name)
{
	char *value = getenv(name);
	if (!value || !*value)
		return NULL;
	char *copy = xstrdup(value);
	memset(value, 0, strlen(value));
	unsetenv(name);
	return copy;
}

static void key_wipe(char *key)
{
	if (key) {
		memset(key, 0, strlen(key));
		free(key);
	}
}

int collect_keys_read(struct collect_keys *keys)
{
	static const char *const names[2] = {"OPENAI_API_KEY", "OPENAI_ADMIN_KEY"};
	for (int i = 0; i < 2; i++) {
		const char *value = getenv(names[i]);
		if (value && key_check(names[i], value))
			return -1;
	}
	/* A core file would hold the keys: none while they are in memory. */
	struct rlimit none = {0, 0};
	setrlimit(RLIMIT_CORE, &none);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	keys->api = take_key(names[0]);
	keys->admin = take_key(names[1]);
	return 0;
}

void collect_keys_free(struct collect_keys *keys)
{
	key_wipe(keys->api);
	key_wipe(keys->admin);
	keys->api = keys->admin = NULL;
}

/* --jobs within the descriptors the process may open: each connection takes
 * one, and the database, its journal and the standard streams take some. */
static int jobs_within_descriptors(int jobs)
{
	struct rlimit limit;
	if (getrlimit(RLIMIT_NOFILE, &limit) || limit.rlim_cur == RLIM_INFINITY)
		return jobs;
	long usable = (long)limit.rlim_cur - 16;
	if (usable >= jobs)
		return jobs;
	int capped = usable < 1 ? 1 : (int)usable;
	log_warn("collect: --jobs %d needs more open files than the limit of %ld allows (ulimit -n): using %d", jobs,
	         (long)limit.rlim_cur, capped);
	return capped;
}

/* Before the collect waits on the network: what is stored is committed, so
 * another writer never waits on a reply from OpenAI. */
static int commit_before_wait(void *ctx)
{
	return collector_checkpoint(ctx, 1);
}

int collector_open(struct collector *c, const struct collect_options *options, const char *command, int argc,
                   char **argv)
{
	const struct collect_target *target = &options->target;
	memset(c, 0, sizeof *c);
	c->options = options;
	struct http_config config = {
	    .base_url = target->base_url,
	    .api_key = options->keys->api,
	    .admin_key = options->keys->admin,
	    .project = target->project,
	    .org = target->org,
	    .jobs = jobs_within_descriptors(options->jobs),
	    .max_tries = (int)env_long("CNTRAUDIT_MAX_TRIES", 5),
	    .retry_base_ms = env_long("CNTRAUDIT_RETRY_BASE_MS", 500),
	    .timeout_ms = env_long("CNTRAUDIT_TIMEOUT_MS", 60000),
	    .max_reply_bytes = (size_t)env_long("CNTRAUDIT_MAX_REPLY_MB", 256) << 20,
	    .free_user = page_chain_free,
	    .before_wait = commit_before_wait,
	    .wait_ctx = c,
	};
	if (store_open(target->db_path, STORE_CREATE, &c->store))
		return -1;
	if (run_begin(c->store, command, argc, argv, &c->run_id) || http_client_new(&config, &c->http)) {
		store_free(c->store);
		http_client_free(c->http);
		c->store = NULL;
		c->http = NULL;
		return -1;
	}
	c->decode.store = c->store;
	c->decode.project_id = target->project;
	char project_print[16], admin_print[16];
	http_key_fingerprint(config.api_key, project_print);
	http_key_fingerprint(config.admin_key, admin_print);
	char *prints = xasprintf("%s%s%s%s%s", config.api_key ? "project " : "", config.api_key ? project_print : "",
	                         config.api_key && config.admin_key ? "; " : "", config.admin_key ? "admin " : "",
	                         config.admin_key ? admin_print : "");
	run_set_key_fingerprints(c->store, c->run_id, prints);
	free(prints);
	c->last_commit_ms = c->started_ms = progress_now_ms();
	return 0;
}

static void remember_error(struct collector *c, const char *line)
{
	if (c->error_lines++ < MAX_ERROR_LINES)
		buf_printf(&c->errors, "%s\n", line);
}

void collector_fail(struct collector *c, const char *fmt, ...)
{
	struct buf b = {0};
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	progress_end(&c->progress);
	log_status_clear();
	fprintf(stderr, "cntraudit: %s\n", b.data);
	remember_error(c, b.data);
	c->counts.failed++;
	buf_free(&b);
}

int collector_key_refused(struct collector *c, const struct http_result *r)
{
	if (r->status != 401 && r->status != 403)
		return 0;
	collector_fatal(c, "cannot fetch %s: %s: the key is refused, so nothing more is asked", r->path,
	                r->error ? r->error : "refused");
	return 1;
}

int collector_fatal(struct collector *c, const char *fmt, ...)
{
	struct buf b = {0};
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	remember_error(c, b.data);
	error_set("%s", b.data);
	buf_free(&b);
	c->fatal = 1;
	return -1;
}

int collector_retry_malformed(struct collector *c, const struct http_result *r, int admin, void *user)
{
	if (!id_set_add(&c->malformed_once, r->path) && !id_set_add(&c->malformed_twice, r->path))
		return 0;
	log_info("retrying %s: the response was not valid JSON", r->path);
	http_submit(c->http, r->path, admin, user);
	c->counts.requests++;
	return 1;
}

int collector_checkpoint(struct collector *c, int force)
{
	int64_t now = progress_now_ms();
	if (!force && c->uncommitted < BATCH_OBJECTS && now - c->last_commit_ms < BATCH_MS)
		return 0;
	if (store_commit(c->store))
		return collector_fatal(c, "cannot store what was collected: %s", error_message());
	c->uncommitted = 0;
	c->last_commit_ms = now;
	return 0;
}

json_t *collector_store(struct collector *c, const struct http_result *result, const char *parent_id, int *malformed)
{
	json_t *doc = json_loadb(result->body, result->body_len, 0, NULL);
	*malformed = doc == NULL;
	if (doc && collector_store_document(c, result, doc, parent_id)) {
		json_decref(doc);
		return NULL;
	}
	return doc;
}

int collector_store_document(struct collector *c, const struct http_result *result, const json_t *doc,
                             const char *parent_id)
{
	struct decode_counts counts = {0};
	c->decode.parent_id = parent_id;
	c->decode.request_id = result->request_id[0] ? result->request_id : NULL;
	c->decode.text = result->body;
	c->decode.text_len = result->body_len;
	int rc = store_begin(c->store) ? -1 : decode_whole(&c->decode, doc, NULL, NULL, &counts);
	if (rc < 0)
		return collector_fatal(c, "cannot store what was collected: %s", error_message());
	if (rc > 0) {
		collector_fail(c, "%s: %s", result->path, error_message());
		return -1;
	}
	c->counts.objects += counts.objects;
	c->counts.changed += counts.changed;
	c->uncommitted++;
	return 0;
}

enum collect_result collector_close(struct collector *c, const char *command, int interrupted)
{
	enum collect_result outcome;
	const char *status;
	progress_end(&c->progress);
	c->counts.retries = c->http ? (size_t)http_retries(c->http) : 0;
	if (c->fatal) {
		/* Keep everything stored so far; only the failure stops us. */
		char *why = xstrdup(error_message());
		if (store_commit(c->store))
			store_rollback(c->store);
		error_set("%s", why);
		free(why);
		outcome = COLLECT_FAILED;
		status = "failed";
	} else {
		if (store_commit(c->store)) {
			store_rollback(c->store);
			c->fatal = 1;
			outcome = COLLECT_FAILED;
			status = "failed";
		} else if (interrupted) {
			outcome = COLLECT_PARTIAL;
			status = "interrupted";
		} else {
			outcome = c->counts.failed ? COLLECT_PARTIAL : COLLECT_OK;
			status = c->counts.failed ? "partial" : "ok";
		}
	}
	run_finish(c->store, c->run_id, status, &c->counts, c->errors.data);
	double seconds = (double)(progress_now_ms() - c->started_ms) / 1000.0;
	log_notice("%s: %zu object%s stored (%zu row%s new or changed), %zu not found, %zu failed; %zu request%s, "
	           "%zu retr%s, %.1f s%s",
	           command, c->counts.objects, c->counts.objects == 1 ? "" : "s", c->counts.changed,
	           c->counts.changed == 1 ? "" : "s", c->counts.not_found, c->counts.failed, c->counts.requests,
	           c->counts.requests == 1 ? "" : "s", c->counts.retries, c->counts.retries == 1 ? "y" : "ies", seconds,
	           interrupted ? "; interrupted: run the same command again to resume" : "");
	http_client_free(c->http);
	store_free(c->store);
	buf_free(&c->errors);
	id_set_free(&c->malformed_once);
	id_set_free(&c->responses_seen);
	id_set_free(&c->malformed_twice);
	return outcome;
}

int cursor_chain_next(struct cursor_chain *chain, const json_t *page, char **next)
{
	*next = NULL;
	if (!json_is_true(json_object_get(page, "has_more")))
		return 0;
	const char *cursor;
	if (chain->kind == CURSOR_NEXT_PAGE) {
		cursor = json_string_value(json_object_get(page, "next_page"));
	} else {
		const json_t *data = json_object_get(page, "data");
		cursor = json_string_value(json_object_get(json_array_get(data, json_array_size(data) - 1), "id"));
	}
	if (!cursor || !*cursor)
		return error_set("the page says there is more but gives no %s to go on",
		                 chain->kind == CURSOR_NEXT_PAGE ? "next_page" : "last item");
	if (!id_set_add(&chain->seen, cursor))
		return error_set("the listing does not advance: %s '%.100s' again",
		                 chain->kind == CURSOR_NEXT_PAGE ? "next_page" : "last_id", cursor);
	*next = xstrdup(cursor);
	return 1;
}

void cursor_chain_free(struct cursor_chain *chain)
{
	id_set_free(&chain->seen);
}

struct page_chain *page_chain_new(const char *id, const char *base)
{
	struct page_chain *chain = xcalloc(1, sizeof *chain);
	chain->id = xstrdup(id);
	chain->base = xstrdup(base);
	chain->cursors.kind = CURSOR_LAST_ID;
	return chain;
}

void page_chain_free(void *user)
{
	struct page_chain *chain = user;
	if (!chain)
		return;
	cursor_chain_free(&chain->cursors);
	free(chain->id);
	free(chain->base);
	free(chain);
}

/* base, or base&param=cursor with the cursor percent-encoded. Caller frees. */
static char *page_path(const char *base, const char *param, const char *cursor)
{
	if (!cursor)
		return xstrdup(base);
	char *escaped = http_escape(cursor);
	char *path = xasprintf("%s&%s=%s", base, param, escaped);
	free(escaped);
	return path;
}

void page_chain_submit(struct collector *c, struct page_chain *chain, const char *cursor)
{
	char *path = page_path(chain->base, "after", cursor);
	http_submit(c->http, path, 0, chain);
	c->counts.requests++;
	free(path);
}

static void submit_page(struct pages *p, const char *cursor)
{
	char *path = page_path(p->base_path, p->cursors.kind == CURSOR_NEXT_PAGE ? "page" : "after", cursor);
	http_submit(p->c->http, path, p->admin, NULL);
	p->c->counts.requests++;
	free(path);
}

/* A refusal the listing can survive: a 4xx that is about the request (a
 * stale cursor), not the key (401, 403) or the rate (429, 408). */
static int refusal(long status)
{
	return status >= 400 && status < 500 && status != 401 && status != 403 && status != 408 && status != 429;
}

static int on_page_result(void *ctx, const struct http_result *r)
{
	struct pages *p = ctx;
	struct collector *c = p->c;
	if (r->error && (p->optional || (p->pages == 0 && p->cursors.seen.count && refusal(r->status)))) {
		p->refused = 1;
		log_warn("%s: %s", r->path, r->error);
		return 1;
	}
	if (r->error)
		return collector_fatal(c, "cannot fetch %s: %s", r->path, r->error);
	json_t *doc = json_loadb(r->body, r->body_len, 0, NULL);
	if (!doc)
		return collector_retry_malformed(c, r, p->admin, NULL)
		           ? 0
		           : collector_fatal(c, "cannot fetch %s: the response is not valid JSON", r->path);
	/* The next page is asked for before this one is stored: the server
	 * prepares it while we store. Its reply is handled after this returns,
	 * so pages are still stored in order. */
	char *next = NULL;
	int more = cursor_chain_next(&p->cursors, doc, &next);
	char *stuck = more < 0 ? xstrdup(error_message()) : NULL;
	if (more > 0 && p->wanted && !p->wanted(p, doc)) {
		free(next);
		next = NULL;
	}
	if (next) {
		submit_page(p, next);
		http_start(c->http);
	}
	int rc = collector_store_document(c, r, doc, p->parent_id);
	if (rc && !c->fatal)
		collector_fatal(c, "cannot store the page %s", r->path);
	if (!rc) {
		p->pages++;
		rc = p->stored(p, next);
	}
	if (!rc && stuck) {
		collector_fail(c, "%s: %s: stopped", r->path, stuck);
		rc = 1; /* this listing ends; the collect goes on */
	}
	free(stuck);
	json_decref(doc);
	free(next);
	return rc;
}

int collector_fetch_pages(struct pages *p, const char *cursor, volatile int *interrupted)
{
	if (cursor) /* a resumed listing: its cursor counts as followed */
		id_set_add(&p->cursors.seen, cursor);
	submit_page(p, cursor);
	http_run(p->c->http, on_page_result, p, interrupted);
	cursor_chain_free(&p->cursors);
	return p->c->fatal ? -1 : 0;
}
