/* API decoding: turns one JSON document holding OpenAI API objects into
 * store rows. The kind of a document is detected from its "object" field
 * (and, for list pages, from the "object"/"type" of its elements). import and
 * collect both feed the store through decode_document.
 * Documents are borrowed; nothing here keeps a reference to them. */
#ifndef CNTRAUDIT_DECODE_H
#define CNTRAUDIT_DECODE_H

#include "csv_read.h"
#include "json_span.h"
#include "store.h"

#include <jansson.h>
#include <stddef.h>

enum document_kind {
	DOC_UNKNOWN,
	DOC_CONTAINER,        /* {"object":"container"} */
	DOC_CONTAINER_LIST,   /* {"object":"list","data":[containers]} */
	DOC_RESPONSE,         /* {"object":"response"} */
	DOC_RESPONSE_LIST,    /* {"object":"list","data":[responses]} (Azure lists responses) */
	DOC_ITEM_LIST,        /* {"object":"list","data":[items with "type"]}: conversation or input items */
	DOC_CONVERSATION,     /* {"object":"conversation"} */
	DOC_CONTAINER_FILE,   /* {"object":"container.file"} */
	DOC_FILE_LIST,        /* {"object":"list","data":[container.file]} */
	DOC_USAGE_PAGE,       /* {"object":"page"} of code_interpreter_sessions buckets */
	DOC_COSTS_PAGE,       /* {"object":"page"} of organization.costs buckets */
	DOC_EMPTY_PAGE,       /* a list or page holding nothing: valid, stores nothing */
	DOC_DELETION,         /* a delete marker: {"object":"container.deleted","deleted":true} and the like */
	DOC_PROJECT_LIST,     /* {"object":"list","data":[organization.project]} */
	DOC_PROJECT_KEY_LIST, /* {"object":"list","data":[organization.project.api_key]} of one project */
};

enum document_kind decode_detect_kind(const json_t *doc);

struct decode_context {
	struct store *store;
	const char *project_id; /* the --project label stored on every object */
	const char *parent_id;  /* conv_ or resp_ an item page belongs to, proj_ an API key page; NULL when unknown */
	const char *request_id; /* x-request-id of the response the document came in; NULL when imported */
	const char *text;       /* the document's bytes as received, when known (raw is stored from them) */
	size_t text_len;
	struct json_span raw; /* set by decode_document: the current object's bytes, or {NULL, 0} */
};

struct decode_counts {
	size_t objects;        /* API objects decoded */
	size_t changed;        /* of which inserted or changed a stored row */
	size_t without_parent; /* items or project API keys stored with no parent_id to belong to */
};

/* Decodes and stores one document. The caller wraps it in a savepoint so a
 * failure stores nothing of it. 0, or -1 with the error set (naming the
 * object at fault, without a file location). */
int decode_document(const struct decode_context *ctx, const json_t *doc, struct decode_counts *counts);

/* Per-resource decoders, shared helpers (decode_*.c). */
int decode_container(const struct decode_context *ctx, const json_t *obj, struct decode_counts *counts);
int decode_response(const struct decode_context *ctx, const json_t *obj, struct decode_counts *counts);
int decode_container_file(const struct decode_context *ctx, const json_t *obj, struct decode_counts *counts);
int decode_conversation(const struct decode_context *ctx, const json_t *obj, struct decode_counts *counts);
/* An item of a conversation or response input-items page. */
int decode_item(const struct decode_context *ctx, const json_t *item, struct decode_counts *counts);
int decode_deletion(const struct decode_context *ctx, const json_t *obj, struct decode_counts *counts);

/* Where an item was found: each NULL when not so. */
struct trace_origin {
	const char *response_id;         /* the response whose output holds it */
	const char *conversation_id;     /* the conversation it belongs to */
	const char *context_response_id; /* the response whose input items replayed it */
};
/* The traces a container leaves in an item, wherever the item appears: a
 * container call (code_interpreter_call; shell_call with a
 * container_reference environment) or the container_file_citation
 * annotations of a message. Part of the object that holds the item.
 * 1 when something was stored anew or changed, 0 when not, -1 on error. */
int decode_trace(const struct decode_context *ctx, const json_t *item, const struct trace_origin *origin);
int decode_project(const struct decode_context *ctx, const json_t *obj, struct decode_counts *counts);
int decode_project_api_key(const struct decode_context *ctx, const json_t *obj, struct decode_counts *counts);
int decode_usage_page(const struct decode_context *ctx, const json_t *page, struct decode_counts *counts);
int decode_costs_page(const struct decode_context *ctx, const json_t *page, struct decode_counts *counts);

/* One row of the dashboard's cost export CSV (decode_cost_export.c). */
int decode_cost_export_row(const struct decode_context *ctx, const struct csv_record *header,
                           const struct csv_record *row, struct decode_counts *counts);

/* What a field error names: "container cntr_abc" (the kind, then the ID when
 * known). Formatted only when an error happens: decoding stays cheap. */
struct subject {
	const char *kind;
	const char *id; /* NULL until known */
};
#define SUBJECT_FMT     "%s%s%.100s"
#define SUBJECT_ARGS(w) (w)->kind, (w)->id ? " " : "", (w)->id ? (w)->id : ""

/* Field access that tells a missing or null field (returns 0, *out NULL or
 * *present 0) from a wrong type (-1, error set naming what and key). A
 * string holding a NUL is an error, never a string cut short. */
int json_field_string(const json_t *obj, const char *key, const struct subject *what, const char **out);
/* An ID: a string of 1 to 1024 characters, none a control character (a NUL
 * in "cntr_victim\u0000x" would otherwise make it cntr_victim). Empty reads
 * as missing. json_value_id reads a value itself (key names it in errors). */
int json_value_id(const json_t *v, const char *key, const struct subject *what, const char **out);
int json_field_id(const json_t *obj, const char *key, const struct subject *what, const char **out);
int json_field_required_id(const json_t *obj, const char *key, const struct subject *what, const char **out);
int json_field_time(const json_t *obj, const char *key, const struct subject *what, int64_t *out, int *present);
/* A required non-empty string / time: missing is an error too. */
int json_field_required_string(const json_t *obj, const char *key, const struct subject *what, const char **out);
int json_field_required_time(const json_t *obj, const char *key, const struct subject *what, int64_t *out);
/* An object serialized as compact JSON, keys in received order: the stored
 * form when its bytes as received are not known. Caller frees. */
char *json_raw(const json_t *obj);
/* What to store as an object's raw JSON: its bytes as received when
 * decode_document knows them (ctx->raw), else json_raw. Caller frees. */
char *decode_raw(const struct decode_context *ctx, const json_t *obj);
/* Counts a store call's result (1 changed, 0 unchanged); passes -1 through. */
int decode_count(struct decode_counts *counts, int stored);

#endif
