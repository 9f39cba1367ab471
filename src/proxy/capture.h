/* What the proxy records of an exchange: which replies hold API objects the
 * audit reads, and the document to store from a reply's bytes (a JSON reply
 * whole; of a server-sent event stream, the response object of its final
 * response.completed, response.incomplete or response.failed event). */
#ifndef CNTRAUDIT_CAPTURE_H
#define CNTRAUDIT_CAPTURE_H

#include "xalloc.h"

#include <stddef.h>

/* The most of one reply kept for recording; a longer one is not recorded. */
#define CAPTURE_MAX_BYTES ((size_t)32 << 20)

/* Whether the reply to METHOD PATH (without /v1 or the query) is recorded;
 * *parent_id (owned, or NULL) is the resp_ or conv_ an item page belongs to. */
int capture_wanted(const char *method, const char *path, char **parent_id);

/* The conversation a POST /responses body names ("conversation": "conv_…"
 * or {"id": "conv_…"}), or NULL. Caller frees. */
char *capture_request_conversation(const char *body, size_t len);

/* Whether a reply of this Content-Type (may be NULL) is server-sent events. */
int capture_is_stream(const char *content_type);

/* The document to store from a whole reply body, decompressed by its
 * Content-Encoding (identity, gzip, deflate): 0 and *out (owned text,
 * *out_len), 1 when the reply holds nothing to store, or -1 with *why set
 * (owned) when it cannot be read. */
int capture_document(const char *body, size_t len, const char *content_type, const char *content_encoding, char **out,
                     size_t *out_len, char **why);

#endif
