/* What collect keeps in the store between runs, and asks of it
 * (sql/store/collect.sql): resume cursors, IDs known to be missing, what is
 * already stored. Each returns -1 with the error set when the store fails. */
#ifndef CNTRAUDIT_COLLECT_STATE_H
#define CNTRAUDIT_COLLECT_STATE_H

#include "store.h"

#include <stdint.h>

/* The saved resume cursor of a listing ("containers"): 0 and *after (owned;
 * NULL when there is none), or -1. */
int store_cursor_get(struct store *store, const char *resource, char **after);
/* Saves the cursor, or clears it when after is NULL. 0, or -1. */
int store_cursor_set(struct store *store, const char *resource, const char *after);
/* Whether a response (finished) or a conversation need not be fetched:
 * stored, or known missing. 1, 0, or -1. kind: "response" or "conversation". */
int store_known(struct store *store, const char *kind, const char *id);
/* Records that OpenAI answered 404 for id, at checked_at. 0, or -1. */
int store_add_not_found(struct store *store, const char *kind, const char *id, int64_t checked_at);
/* The stored previous_response_id of a response: 0 and *previous (owned;
 * NULL when none or not stored), or -1. */
int store_previous_response(struct store *store, const char *id, char **previous);
/* The creation of the oldest stored container: 1 and *at, 0 when none, -1. */
int store_earliest_container(struct store *store, int64_t *at);
/* Calls fn for every stored container, by creation: its ID and whether it
 * is live (status neither expired nor deleted). Stops at fn's nonzero
 * result and returns it; -1 with the error set when the store fails. */
int store_each_container(struct store *store, int (*fn)(void *ctx, const char *id, int live), void *ctx);
/* Calls fn for every stored project API key that belongs to a project. */
int store_each_project_key(struct store *store,
                           int (*fn)(void *ctx, const char *project_id, const char *redacted_value), void *ctx);
/* Ties a --project label to the OpenAI project it stands for (replacing
 * what it was tied to before). */
int store_link_label_project(struct store *store, const char *label, const char *project_id, int64_t now);
/* The IDs of the stored projects, in ID order: 0 and *out (owned, NULL-
 * terminated; free each and the array), or -1 with the error set. */
int store_project_ids(struct store *store, char ***out);

#endif
