/* Collection from the API: what every collector shares. A collector holds
 * the store, the HTTP client and the run's counts; each page or response
 * fetched is decoded through decode_document (exactly as import does) inside
 * a savepoint of a long write transaction that is committed every page or
 * every batch, so an interrupted collect keeps all it committed and a rerun
 * ends with the data of an uninterrupted one. */
#ifndef CNTRAUDIT_COLLECT_H
#define CNTRAUDIT_COLLECT_H

#include "decode.h"
#include "http.h"
#include "id_sources.h"
#include "progress.h"
#include "runs.h"
#include "store.h"

#include <jansson.h>

/* Where a collect reads from and writes to (the global options). */
struct collect_target {
	const char *db_path;  /* the store */
	const char *base_url; /* API root, e.g. https://api.openai.com/v1 */
	const char *project;  /* the label stored on collected objects (a proj_ ID is also sent) */
	const char *org;      /* sent as OpenAI-Organization; may be NULL */
};

/* How a collect ended: the command turns it into an exit code. */
enum collect_result {
	COLLECT_OK,
	COLLECT_FAILED,  /* the error is set */
	COLLECT_PARTIAL, /* some items failed and were listed, or it was interrupted */
};

struct collect_options {
	struct collect_target target;
	int jobs;                               /* --jobs */
	int progress;                           /* draw progress (stderr is a terminal, no --no-progress) */
	int with_files;                         /* --with-files */
	int with_input_items;                   /* --with-input-items */
	int chain;                              /* follow previous_response_id (not --no-chain) */
	const int64_t *since;                   /* --since */
	const int64_t *until;                   /* --until */
	struct id_set responses, conversations; /* from arguments, --from, --scan */
	struct collect_keys *keys;              /* read by collect_keys_read */
};

/* The keys, read once from the environment (OPENAI_API_KEY, OPENAI_ADMIN_KEY)
 * into copies that are wiped when freed; the environment's own copy is
 * wiped then, so neither /proc/PID/environ nor a later getenv shows them. */
struct collect_keys {
	char *api, *admin; /* NULL when unset or empty */
};
/* 0, or -1 with the error set (naming the variable: a usage error) when a
 * key holds a space or a control character (a pasted trailing newline among
 * them): nothing has been sent. Also turns core dumps off, the keys being in
 * memory. */
int collect_keys_read(struct collect_keys *keys);
void collect_keys_free(struct collect_keys *keys);

struct collector {
	const struct collect_options *options;
	struct store *store;
	struct http_client *http;
	struct decode_context decode;
	struct progress progress;
	int64_t run_id;
	struct run_counts counts;
	int64_t started_ms;
	size_t uncommitted;
	int64_t last_commit_ms;
	struct buf errors; /* the first error lines, for the runs record */
	size_t error_lines;
	struct id_set malformed_once, malformed_twice; /* paths whose 200 was not JSON (collector_retry_malformed) */
	struct id_set responses_seen; /* --with-input-items: every response collect responses asked for or had */
	int fatal;                    /* the collect cannot go on (set with the error) */
};

/* Opens the store and HTTP client and records the run (command, and the
 * arguments as given). 0, or -1 with the error set. */
int collector_open(struct collector *c, const struct collect_options *options, const char *command, int argc,
                   char **argv);
/* Commits, records the run, prints the one-line summary; how it ended. */
enum collect_result collector_close(struct collector *c, const char *command, int interrupted);

/* Decodes and stores a successful response body; parent_id for item pages.
 * Returns the parsed document (caller decrefs), or NULL when the body was
 * not valid JSON (*malformed set) or the document was refused (failure
 * recorded). */
json_t *collector_store(struct collector *c, const struct http_result *result, const char *parent_id, int *malformed);
/* Decodes and stores a parsed document in its own savepoint: 0, or -1 when
 * it was refused (failure recorded) or the store failed (fatal set). */
int collector_store_document(struct collector *c, const struct http_result *result, const json_t *doc,
                             const char *parent_id);
/* Whether r is a 401 or 403: the key was refused, and every later request
 * would be too. Then the collect stops (fatal set, with OpenAI's message). */
int collector_key_refused(struct collector *c, const struct http_result *r);
/* Records one failed item: a line on stderr, a count, the runs record. */
void collector_fail(struct collector *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Stops the collect: the error line is printed by main. */
int collector_fatal(struct collector *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The one rule for a 200 whose body is not JSON: it is asked again, twice
 * (with the same key and user pointer). 1 when r was submitted again, 0
 * when it has had its tries: the caller fails the item. */
int collector_retry_malformed(struct collector *c, const struct http_result *r, int admin, void *user);
/* Commits when enough is pending (or force). 0, or -1 (fatal set). */
int collector_checkpoint(struct collector *c, int force);

/* How a listing names the page after this one. */
enum cursor_kind {
	CURSOR_LAST_ID,   /* has_more, then after = the last item's id: containers, items, files, projects */
	CURSOR_NEXT_PAGE, /* has_more, then page = next_page: the Usage and Costs APIs */
};

/* The cursors one listing has followed. A listing whose cursor does not
 * advance (the same last_id or next_page again, or has_more with nothing to
 * go on) would be asked for the same page forever: it is stopped. */
struct cursor_chain {
	enum cursor_kind kind;
	struct id_set seen;
};

/* The cursor to the page after this one: 1 with *next (owned) to go on, 0
 * when the listing ends here, -1 when it would not advance (error set). */
int cursor_chain_next(struct cursor_chain *chain, const json_t *page, char **next);
void cursor_chain_free(struct cursor_chain *chain);

/* A listing among many in flight at once (a conversation's items, a
 * container's files): carried as the user pointer of its requests. */
struct page_chain {
	char *id;   /* what it lists: the conversation, container or project */
	char *base; /* its first page's path; later pages add &after=CURSOR */
	struct cursor_chain cursors;
};
struct page_chain *page_chain_new(const char *id, const char *base);
/* Frees a page_chain (http_config.free_user). */
void page_chain_free(void *user);
/* Queues the chain's page after cursor (NULL: its first page). */
void page_chain_submit(struct collector *c, struct page_chain *chain, const char *cursor);

/* A chain of pages where each request needs the previous page's cursor:
 * base_path, then base_path&CURSOR_PARAM=cursor. For each page the next
 * cursor is read (cursor_chain_next) and that request goes out; then the
 * page is stored, and stored does the per-page work (resume cursors,
 * checkpoints). A failed, unparseable or refused page stops the collect:
 * later pages cannot be reached without it; a listing that does not advance
 * stops with one failed item. */
struct pages {
	struct collector *c;
	const char *base_path;
	const char *parent_id; /* what the pages belong to (decode_context.parent_id), or NULL */
	int admin;             /* use the admin key */
	int optional;          /* a failure is a warning (refused set), not the end of the collect */
	size_t pages;          /* pages stored */
	int refused;           /* set: the first page of a resumed listing, or an optional one, was refused */
	struct cursor_chain cursors;
	void *ctx;
	/* Whether to go on past this page (--since): 0 stops the listing here. */
	int (*wanted)(struct pages *p, const json_t *doc);
	int (*stored)(struct pages *p, const char *next); /* 0, or -1 with c->fatal set */
};
/* Fetches from cursor (NULL = the first page) to the end. 0, or -1 when the
 * collect must stop (c->fatal). */
int collector_fetch_pages(struct pages *p, const char *cursor, volatile int *interrupted);

/* The collectors; each returns 0, or -1 when the collect must stop. */
int collect_containers(struct collector *c, volatile int *interrupted);
int collect_container_files(struct collector *c, volatile int *interrupted);
int collect_responses(struct collector *c, volatile int *interrupted);
int collect_conversations(struct collector *c, volatile int *interrupted);
/* --with-input-items: GET /responses/{id}/input_items?order=asc&limit=100,
 * every page, for every response collect_responses saw (the calls a
 * manual-context chain replays show their containers there). */
int collect_input_items(struct collector *c, volatile int *interrupted);
int collect_usage(struct collector *c, volatile int *interrupted);
/* Learns which OpenAI project the project key belongs to (Admin API), for
 * reconcile; a failure is a warning. */
int collect_key_project(struct collector *c, volatile int *interrupted);

#endif
