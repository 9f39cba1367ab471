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
	struct store *store;    /* NULL: check only, every check made and nothing stored */
	const char *project_id; /* the --project label stored on every object */
	const char *parent_id;  /* conv_ or resp_ an item page belongs to, proj_ an API key page; NULL when unknown */
	const char *request_id; /* x-request-id of the response the document came in; NULL when imported */
	const char *conversation_id; /* the conversation the request named (proxy): a response naming none is in it */
	const char *text;            /* the document's bytes as received, when known (raw is stored from them) */
	size_t text_len;
	struct json_span raw; /* set by decode_document: the current object's bytes, or {NULL, 0} */
};

struct decode_counts {
	size_t objects;        /* API objects decoded */
	size_t changed;        /* of which inserted or changed a stored row */
	size_t without_parent; /* items or project API keys stored with no parent_id to belong to */
};

/* Decodes and stores one document. 0, or -1 with the error set (naming the
 * object at fault, without a file location); what it stored before failing
 * stays. With ctx->store NULL it makes every check and stores nothing. */
int decode_document(const struct decode_context *ctx, const json_t *doc, struct decode_counts *counts);

/* One row of the dashboard's cost export CSV (decode_cost_export.c). */
int decode_cost_export_row(const struct decode_context *ctx, const struct csv_record *header,
                           const struct csv_record *row, struct decode_counts *counts);

/* Stores one document (doc), or one cost export row (header, row), whole
 * or not at all, inside the caller's transaction and with no savepoint:
 * decoded first with no store (every check, nothing written), then stored.
 * 0 stored; 1 refused, nothing of it stored (the error says why); -1 the
 * database failed, or refused what passed the checks, and may hold part
 * of it: the caller abandons its transaction. A savepoint per document
 * cost a quarter of a responses import's CPU. */
int decode_whole(const struct decode_context *ctx, const json_t *doc, const struct csv_record *header,
                 const struct csv_record *row, struct decode_counts *counts);

#endif
