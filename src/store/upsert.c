/* The upserts (sql/store/upserts.sql): one per kind of API object. */
#include "store.h"
#include "store_internal.h"

#include <sqlite3.h>
#include <string.h>

/* The kept statement of upserts.sql part name. */
#define statement(store, name) store_statement(store, "sql/store/upserts.sql#" name)

int store_upsert_container(struct store *store, const struct container_row *r)
{
	sqlite3_stmt *st = statement(store, "container");
	if (!st)
		return -1;
	store_bind_text(st, 1, r->id);
	store_bind_text(st, 2, r->project_id);
	store_bind_text(st, 3, r->name);
	store_bind_text(st, 4, r->memory_limit);
	store_bind_text(st, 5, r->status);
	sqlite3_bind_int64(st, 6, r->created_at);
	store_bind_int(st, 7, r->last_active_at);
	store_bind_int(st, 8, r->expires_after_minutes);
	store_bind_text(st, 9, r->raw);
	store_bind_text(st, 10, r->request_id);
	sqlite3_bind_int(st, 11, store->container_markers);
	return store_run(store, st, "container");
}

int store_upsert_response(struct store *store, const struct response_row *r)
{
	sqlite3_stmt *st = statement(store, "response");
	if (!st)
		return -1;
	store_bind_text(st, 1, r->id);
	store_bind_text(st, 2, r->project_id);
	store_bind_text(st, 3, r->status);
	sqlite3_bind_int64(st, 4, r->created_at);
	store_bind_int(st, 5, r->completed_at);
	store_bind_text(st, 6, r->previous_response_id);
	store_bind_text(st, 7, r->conversation_id);
	sqlite3_bind_int(st, 8, r->requests_container_auto);
	store_bind_text(st, 9, r->raw);
	store_bind_text(st, 10, r->request_id);
	return store_run(store, st, "response");
}

int store_add_container_reference(struct store *store, const struct reference_row *r)
{
	sqlite3_stmt *st = statement(store, "reference");
	if (!st)
		return -1;
	store_bind_text(st, 1, r->referrer_id);
	store_bind_text(st, 2, r->container_id);
	store_bind_text(st, 3, r->kind);
	store_bind_text(st, 4, r->referrer_kind);
	return store_run(store, st, "container reference");
}

int store_upsert_container_call(struct store *store, const struct container_call_row *r)
{
	sqlite3_stmt *st = statement(store, "container_call");
	if (!st)
		return -1;
	store_bind_text(st, 1, r->id);
	store_bind_text(st, 2, r->container_id);
	store_bind_text(st, 3, r->status);
	store_bind_text(st, 4, r->response_id);
	store_bind_text(st, 5, r->conversation_id);
	store_bind_text(st, 6, r->context_response_id);
	store_bind_text(st, 7, r->kind);
	return store_run(store, st, r->kind);
}

int store_upsert_item(struct store *store, const struct item_row *r)
{
	sqlite3_stmt *st = statement(store, "item");
	if (!st)
		return -1;
	store_bind_text(st, 1, r->id);
	store_bind_text(st, 2, r->type);
	store_bind_text(st, 3, r->parent_id);
	store_bind_text(st, 4, r->raw);
	store_bind_text(st, 5, r->request_id);
	return store_run(store, st, "item");
}

int store_upsert_conversation(struct store *store, const struct conversation_row *r)
{
	sqlite3_stmt *st = statement(store, "conversation");
	if (!st)
		return -1;
	store_bind_text(st, 1, r->id);
	store_bind_text(st, 2, r->project_id);
	store_bind_int(st, 3, r->created_at);
	store_bind_text(st, 4, r->raw);
	return store_run(store, st, "conversation");
}

int store_upsert_usage(struct store *store, const struct usage_row *r)
{
	sqlite3_stmt *st = statement(store, "usage");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, r->bucket_start);
	store_bind_int(st, 2, r->bucket_end);
	store_bind_text(st, 3, r->project_id);
	sqlite3_bind_int64(st, 4, r->num_sessions);
	store_bind_text(st, 5, r->raw);
	return store_run(store, st, "usage bucket");
}

int store_upsert_cost(struct store *store, const struct cost_row *r)
{
	sqlite3_stmt *st = statement(store, "cost");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, r->bucket_start);
	store_bind_int(st, 2, r->bucket_end);
	store_bind_text(st, 3, r->project_id);
	store_bind_text(st, 4, r->line_item);
	store_bind_text(st, 5, r->api_key_id);
	store_bind_int(st, 6, r->amount_micros);
	store_bind_text(st, 7, r->currency);
	if (r->quantity)
		sqlite3_bind_double(st, 8, *r->quantity);
	else
		sqlite3_bind_null(st, 8);
	store_bind_text(st, 9, r->quantity_unit);
	store_bind_text(st, 10, r->raw);
	return store_run(store, st, "cost result");
}

int store_upsert_container_file(struct store *store, const struct container_file_row *r)
{
	sqlite3_stmt *st = statement(store, "container_file");
	if (!st)
		return -1;
	store_bind_text(st, 1, r->id);
	store_bind_text(st, 2, r->container_id);
	store_bind_int(st, 3, r->created_at);
	store_bind_int(st, 4, r->bytes);
	store_bind_text(st, 5, r->path);
	store_bind_text(st, 6, r->source);
	store_bind_text(st, 7, r->raw);
	store_bind_text(st, 8, r->request_id);
	return store_run(store, st, "container file");
}

int store_upsert_project(struct store *store, const struct project_row *r)
{
	sqlite3_stmt *st = statement(store, "project");
	if (!st)
		return -1;
	store_bind_text(st, 1, r->id);
	store_bind_text(st, 2, r->name);
	store_bind_text(st, 3, r->status);
	store_bind_int(st, 4, r->created_at);
	store_bind_text(st, 5, r->raw);
	store_bind_text(st, 6, r->request_id);
	return store_run(store, st, "project");
}

int store_upsert_project_api_key(struct store *store, const struct project_api_key_row *r)
{
	sqlite3_stmt *st = statement(store, "project_api_key");
	if (!st)
		return -1;
	store_bind_text(st, 1, r->id);
	store_bind_text(st, 2, r->project_id);
	store_bind_text(st, 3, r->redacted_value);
	store_bind_text(st, 4, r->name);
	store_bind_text(st, 5, r->raw);
	store_bind_text(st, 6, r->request_id);
	return store_run(store, st, "project API key");
}

int store_add_deletion(struct store *store, const struct deletion_row *r)
{
	sqlite3_stmt *st = statement(store, "deletion");
	if (!st)
		return -1;
	store_bind_text(st, 1, r->id);
	store_bind_text(st, 2, r->object);
	store_bind_text(st, 3, r->raw);
	store_bind_text(st, 4, r->request_id);
	int stored = store_run(store, st, "delete marker");
	if (stored < 0 || strcmp(r->object, "container.deleted"))
		return stored;
	store->container_markers = 1;
	if (!(st = statement(store, "delete_container")))
		return -1;
	store_bind_text(st, 1, r->id);
	int marked = store_run(store, st, "container deletion");
	return marked < 0 ? -1 : (stored | marked);
}
