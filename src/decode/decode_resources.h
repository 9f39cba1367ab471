/* The decoders of each API resource (decode_container.c, decode_response.c,
 * decode_items.c, decode_organization.c), which decode_document dispatches
 * to. Each stores what it decodes and counts it. Internal to the stage. */
#ifndef CNTRAUDIT_DECODE_RESOURCES_H
#define CNTRAUDIT_DECODE_RESOURCES_H

#include "decode.h"

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

#endif
