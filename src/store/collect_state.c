/* What collect keeps in the store between runs, and asks of it. */
#include "collect_state.h"
#include "store_internal.h"

#include "xalloc.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#define COLLECT_SQL "sql/store/collect.sql#"

/* Runs a query and hands fn each row's first two columns as text. */
static int each_row(struct store *store, const char *ref, int (*row)(void *ctx, sqlite3_stmt *st), void *ctx)
{
	sqlite3_stmt *st = NULL;
	int rc = 0, step;
	if (store_prepare(store, ref, &st))
		return -1;
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW)
		rc = row(ctx, st);
	if (!rc && step != SQLITE_DONE)
		rc = store_error(store, "cannot read the store");
	sqlite3_finalize(st);
	return rc;
}

struct container_visit {
	int (*fn)(void *ctx, const char *id, int live);
	void *ctx;
};

static int container_visit_row(void *ctx, sqlite3_stmt *st)
{
	struct container_visit *v = ctx;
	return v->fn(v->ctx, (const char *)sqlite3_column_text(st, 0), sqlite3_column_int(st, 1));
}

int store_each_container(struct store *store, int (*fn)(void *ctx, const char *id, int live), void *ctx)
{
	struct container_visit v = {fn, ctx};
	return each_row(store, COLLECT_SQL "containers", container_visit_row, &v);
}

struct key_visit {
	int (*fn)(void *ctx, const char *project_id, const char *redacted_value);
	void *ctx;
};

static int key_visit_row(void *ctx, sqlite3_stmt *st)
{
	struct key_visit *v = ctx;
	return v->fn(v->ctx, (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1));
}

int store_each_project_key(struct store *store,
                           int (*fn)(void *ctx, const char *project_id, const char *redacted_value), void *ctx)
{
	struct key_visit v = {fn, ctx};
	return each_row(store, COLLECT_SQL "project_keys", key_visit_row, &v);
}

struct id_list {
	char **ids;
	size_t count;
};

static int id_list_row(void *ctx, sqlite3_stmt *st)
{
	struct id_list *l = ctx;
	l->ids = xrealloc(l->ids, (l->count + 2) * sizeof *l->ids);
	l->ids[l->count++] = xstrdup((const char *)sqlite3_column_text(st, 0));
	l->ids[l->count] = NULL;
	return 0;
}

int store_project_ids(struct store *store, char ***out)
{
	struct id_list l = {xcalloc(1, sizeof *l.ids), 0};
	if (each_row(store, COLLECT_SQL "project_ids", id_list_row, &l)) {
		for (size_t i = 0; i < l.count; i++)
			free(l.ids[i]);
		free(l.ids);
		return -1;
	}
	*out = l.ids;
	return 0;
}

int store_link_label_project(struct store *store, const char *label, const char *project_id, int64_t now)
{
	sqlite3_stmt *unlink = store_statement(store, COLLECT_SQL "label_unlink");
	sqlite3_stmt *link = store_statement(store, COLLECT_SQL "label_link");
	if (!unlink || !link)
		return -1;
	store_bind_text(unlink, 1, label);
	store_bind_text(unlink, 2, project_id);
	store_bind_text(link, 1, label);
	store_bind_text(link, 2, project_id);
	store_bind_int(link, 3, &now);
	return store_run(store, unlink, "the label's project") < 0 || store_run(store, link, "the label's project") < 0
	           ? -1
	           : 0;
}

/* The text of the first column for key (NULL when there is no row or it
 * is NULL): 0 and *out (owned), or -1. */
static int text_by_key(struct store *store, const char *ref, const char *key, const char *what, char **out)
{
	sqlite3_stmt *st = store_statement(store, ref);
	*out = NULL;
	if (!st)
		return -1;
	store_bind_text(st, 1, key);
	int rc = store_row(store, st, what);
	if (rc == 1) {
		if (sqlite3_column_type(st, 0) != SQLITE_NULL)
			*out = xstrdup((const char *)sqlite3_column_text(st, 0));
		sqlite3_reset(st);
	}
	return rc < 0 ? -1 : 0;
}

int store_cursor_get(struct store *store, const char *resource, char **after)
{
	return text_by_key(store, COLLECT_SQL "cursor_get", resource, "the collect cursor", after);
}

int store_cursor_set(struct store *store, const char *resource, const char *after)
{
	sqlite3_stmt *st = store_statement(store, after ? COLLECT_SQL "cursor_set" : COLLECT_SQL "cursor_clear");
	if (!st)
		return -1;
	store_bind_text(st, 1, resource);
	if (after)
		store_bind_text(st, 2, after);
	return store_run(store, st, "the collect cursor") < 0 ? -1 : 0;
}

int store_known(struct store *store, const char *kind, const char *id)
{
	sqlite3_stmt *st = store_statement(store, !strcmp(kind, "response") ? COLLECT_SQL "response_known"
	                                                                    : COLLECT_SQL "conversation_known");
	if (!st)
		return -1;
	store_bind_text(st, 1, id);
	int rc = store_row(store, st, "the store");
	if (rc == 1)
		sqlite3_reset(st);
	return rc;
}

int store_add_not_found(struct store *store, const char *kind, const char *id, int64_t checked_at)
{
	sqlite3_stmt *st = store_statement(store, COLLECT_SQL "not_found");
	if (!st)
		return -1;
	store_bind_text(st, 1, id);
	store_bind_text(st, 2, kind);
	store_bind_int(st, 3, &checked_at);
	return store_run(store, st, "what was collected") < 0 ? -1 : 0;
}

int store_previous_response(struct store *store, const char *id, char **previous)
{
	return text_by_key(store, COLLECT_SQL "previous_response", id, "the store", previous);
}

int store_earliest_container(struct store *store, int64_t *at)
{
	sqlite3_stmt *st = store_statement(store, COLLECT_SQL "earliest_container");
	if (!st)
		return -1;
	int rc = store_row(store, st, "the store");
	int found = rc == 1 && sqlite3_column_type(st, 0) != SQLITE_NULL;
	if (found)
		*at = sqlite3_column_int64(st, 0);
	if (rc == 1)
		sqlite3_reset(st);
	return rc < 0 ? -1 : found;
}
