/* The upserts (sql/store/upserts.sql): one per kind of API object. Each
 * part names its parameters after the row's fields (:id, :project_id ...);
 * a table here lists them in the order they first appear, and the first use
 * of a part checks the names, so the SQL and the C cannot drift apart by
 * position. */
#include "store.h"
#include "store_internal.h"

#include "error.h"

#include <sqlite3.h>
#include <stddef.h>
#include <string.h>

enum bind {
	BIND_TEXT,          /* const char *, NULL binds NULL */
	BIND_INT,           /* int */
	BIND_INT64,         /* int64_t */
	BIND_INT64_OR_NULL, /* const int64_t * */
	BIND_REAL_OR_NULL,  /* const double * */
	BIND_MARKERS,       /* not the row's: a container.deleted marker is stored */
	BIND_RAW,           /* const char *: an object's raw bytes, packed (raw_codec.h) */
};

struct field {
	const char *param;
	enum bind bind;
	size_t offset;
};

#define UPSERT_FIELDS 12

struct upsert {
	const char *part;
	struct field fields[UPSERT_FIELDS]; /* ends at the first without a param */
};

/* A row member bound as its C type says: a member of any other type does
 * not compile. */
#define BIND_OF(member)                                                                                                \
	_Generic((member), const char *: BIND_TEXT, int: BIND_INT, int64_t: BIND_INT64,                                \
	    const int64_t *: BIND_INT64_OR_NULL, const double *: BIND_REAL_OR_NULL)
#define FIELD(type, member)                                                                                            \
	{                                                                                                              \
		":" #member, BIND_OF(((const struct type *)0)->member), offsetof(struct type, member)                  \
	}
/* Every row's raw member is its object's bytes, kept packed. */
#define RAW(type)                                                                                                      \
	{                                                                                                              \
		":raw", BIND_RAW, offsetof(struct type, raw)                                                           \
	}
#define PART(name) "sql/store/upserts.sql#" name

static const struct upsert container = {PART("container"),
                                        {FIELD(container_row, id),
                                         FIELD(container_row, project_id),
                                         FIELD(container_row, name),
                                         FIELD(container_row, memory_limit),
                                         {":markers", BIND_MARKERS, 0},
                                         FIELD(container_row, status),
                                         FIELD(container_row, created_at),
                                         FIELD(container_row, last_active_at),
                                         FIELD(container_row, expires_after_minutes),
                                         RAW(container_row),
                                         FIELD(container_row, request_id)}};
static const struct upsert response = {
    PART("response"),
    {FIELD(response_row, id), FIELD(response_row, project_id), FIELD(response_row, status),
     FIELD(response_row, created_at), FIELD(response_row, completed_at), FIELD(response_row, previous_response_id),
     FIELD(response_row, conversation_id), FIELD(response_row, requests_container_auto), RAW(response_row),
     FIELD(response_row, request_id)}};
static const struct upsert reference = {PART("reference"),
                                        {FIELD(reference_row, referrer_id), FIELD(reference_row, container_id),
                                         FIELD(reference_row, kind), FIELD(reference_row, referrer_kind)}};
static const struct upsert container_call = {
    PART("container_call"),
    {FIELD(container_call_row, id), FIELD(container_call_row, container_id), FIELD(container_call_row, status),
     FIELD(container_call_row, response_id), FIELD(container_call_row, conversation_id),
     FIELD(container_call_row, context_response_id), FIELD(container_call_row, kind)}};
static const struct upsert item = {PART("item"),
                                   {FIELD(item_row, id), FIELD(item_row, type), FIELD(item_row, parent_id),
                                    RAW(item_row), FIELD(item_row, request_id)}};
static const struct upsert conversation = {PART("conversation"),
                                           {FIELD(conversation_row, id), FIELD(conversation_row, project_id),
                                            FIELD(conversation_row, created_at), RAW(conversation_row)}};
static const struct upsert usage = {PART("usage"),
                                    {FIELD(usage_row, bucket_start), FIELD(usage_row, bucket_end),
                                     FIELD(usage_row, project_id), FIELD(usage_row, num_sessions), RAW(usage_row)}};
static const struct upsert cost = {
    PART("cost"),
    {FIELD(cost_row, bucket_start), FIELD(cost_row, bucket_end), FIELD(cost_row, project_id),
     FIELD(cost_row, line_item), FIELD(cost_row, api_key_id), FIELD(cost_row, amount_micros), FIELD(cost_row, currency),
     FIELD(cost_row, quantity), FIELD(cost_row, quantity_unit), RAW(cost_row)}};
static const struct upsert container_file = {PART("container_file"),
                                             {FIELD(container_file_row, id), FIELD(container_file_row, container_id),
                                              FIELD(container_file_row, created_at), FIELD(container_file_row, bytes),
                                              FIELD(container_file_row, path), FIELD(container_file_row, source),
                                              RAW(container_file_row), FIELD(container_file_row, request_id)}};
static const struct upsert project = {PART("project"),
                                      {FIELD(project_row, id), FIELD(project_row, name), FIELD(project_row, status),
                                       FIELD(project_row, created_at), RAW(project_row),
                                       FIELD(project_row, request_id)}};
static const struct upsert project_api_key = {
    PART("project_api_key"),
    {FIELD(project_api_key_row, id), FIELD(project_api_key_row, project_id), FIELD(project_api_key_row, redacted_value),
     FIELD(project_api_key_row, name), RAW(project_api_key_row), FIELD(project_api_key_row, request_id)}};
static const struct upsert deletion = {
    PART("deletion"),
    {FIELD(deletion_row, id), FIELD(deletion_row, object), RAW(deletion_row), FIELD(deletion_row, request_id)}};
static const struct upsert delete_container = {PART("delete_container"), {FIELD(deletion_row, id)}};

/* The statement's parameters are the table's, in its order. */
static int check_params(sqlite3_stmt *st, const void *ctx)
{
	const struct upsert *u = ctx;
	int n = 0;
	while (n < UPSERT_FIELDS && u->fields[n].param)
		n++;
	if (sqlite3_bind_parameter_count(st) != n)
		return error_set("%s has %d parameters, upsert.c binds %d", u->part, sqlite3_bind_parameter_count(st),
		                 n);
	for (int i = 0; i < n; i++) {
		const char *name = sqlite3_bind_parameter_name(st, i + 1);
		if (!name || strcmp(name, u->fields[i].param))
			return error_set("%s: parameter %d is %s, upsert.c binds %s there", u->part, i + 1,
			                 name ? name : "unnamed", u->fields[i].param);
	}
	return 0;
}

/* 0, or -1 with the error set when raw bytes cannot be packed. */
static int bind_field(struct store *store, sqlite3_stmt *st, int i, const struct field *f, const void *row)
{
	const char *member = (const char *)row + f->offset, *text;
	const double *real;
	const void *blob;
	size_t n;
	switch (f->bind) {
	case BIND_TEXT:
		store_bind_text(st, i, *(const char *const *)member);
		break;
	case BIND_INT:
		sqlite3_bind_int(st, i, *(const int *)member);
		break;
	case BIND_INT64:
		sqlite3_bind_int64(st, i, *(const int64_t *)member);
		break;
	case BIND_INT64_OR_NULL:
		store_bind_int(st, i, *(const int64_t *const *)member);
		break;
	case BIND_REAL_OR_NULL:
		real = *(const double *const *)member;
		if (real)
			sqlite3_bind_double(st, i, *real);
		else
			sqlite3_bind_null(st, i);
		break;
	case BIND_MARKERS:
		sqlite3_bind_int(st, i, store->container_markers);
		break;
	case BIND_RAW:
		/* Static: the packed copy stays until the next pack, after this row. */
		text = *(const char *const *)member;
		if (!text)
			sqlite3_bind_null(st, i);
		else if (raw_pack(store->raw, text, strlen(text), &blob, &n))
			return -1;
		else
			sqlite3_bind_blob64(st, i, blob, n, SQLITE_STATIC);
		break;
	}
	return 0;
}

/* Binds row to u's part and runs it: 1 a row changed, 0 not, -1 with the
 * error set ("cannot store WHAT: ..."). */
static int upsert(struct store *store, const struct upsert *u, const void *row, const char *what)
{
	if (!store)
		return 0; /* the decoder only checks (decode.h) */
	sqlite3_stmt *st = store_statement_checked(store, u->part, check_params, u);
	if (!st)
		return -1;
	for (int i = 0; i < UPSERT_FIELDS && u->fields[i].param; i++)
		if (bind_field(store, st, i + 1, &u->fields[i], row)) {
			sqlite3_clear_bindings(st);
			store->broken = 1; /* no document is to blame */
			return -1;
		}
	return store_run(store, st, what);
}

/* upsert, of a row the audit reads: a change makes its facts stale. */
static int audit_input(struct store *store, const struct upsert *u, const void *row, const char *what)
{
	int changed = upsert(store, u, row, what);
	if (changed > 0)
		store_audit_inputs_changed(store);
	return changed;
}

int store_upsert_container(struct store *store, const struct container_row *r)
{
	return audit_input(store, &container, r, "container");
}

int store_upsert_response(struct store *store, const struct response_row *r)
{
	return audit_input(store, &response, r, "response");
}

int store_add_container_reference(struct store *store, const struct reference_row *r)
{
	return audit_input(store, &reference, r, "container reference");
}

int store_upsert_container_call(struct store *store, const struct container_call_row *r)
{
	return audit_input(store, &container_call, r, r->kind);
}

int store_upsert_item(struct store *store, const struct item_row *r)
{
	return upsert(store, &item, r, "item");
}

int store_upsert_conversation(struct store *store, const struct conversation_row *r)
{
	return upsert(store, &conversation, r, "conversation");
}

int store_upsert_usage(struct store *store, const struct usage_row *r)
{
	return upsert(store, &usage, r, "usage bucket");
}

int store_upsert_cost(struct store *store, const struct cost_row *r)
{
	return upsert(store, &cost, r, "cost result");
}

int store_upsert_container_file(struct store *store, const struct container_file_row *r)
{
	return upsert(store, &container_file, r, "container file");
}

int store_upsert_project(struct store *store, const struct project_row *r)
{
	return upsert(store, &project, r, "project");
}

int store_upsert_project_api_key(struct store *store, const struct project_api_key_row *r)
{
	return upsert(store, &project_api_key, r, "project API key");
}

int store_add_deletion(struct store *store, const struct deletion_row *r)
{
	int stored = upsert(store, &deletion, r, "delete marker");
	if (stored < 0 || !store || strcmp(r->object, "container.deleted"))
		return stored;
	store->container_markers = 1;
	int marked = audit_input(store, &delete_container, r, "container deletion");
	return marked < 0 ? -1 : (stored | marked);
}
