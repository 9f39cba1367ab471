/* Items: conversation items (GET /conversations/{id}/items), response input
 * items (GET /responses/{id}/input_items), and the traces a container leaves
 * in items wherever they appear: container calls (code_interpreter_call,
 * and shell_call with a container_reference environment) and
 * container_file_citation annotations in messages. */
#include "decode_fields.h"
#include "decode_resources.h"

#include "error.h"

#include <stdlib.h>
#include <string.h>

/* A call that ran in a container (holder's container_id): 1 stored anew or
 * changed, 0 not, -1 error. */
static int container_call(const struct decode_context *ctx, const json_t *item, const char *kind, const json_t *holder,
                          const struct trace_origin *origin)
{
	const char *id, *status, *container_id;
	if (json_field_required_id(item, "id", &(struct subject){kind, NULL}, &id))
		return -1;
	const struct subject subject = {kind, id}, *what = &subject;
	if (json_field_string(item, "status", what, &status) ||
	    json_field_required_id(holder, "container_id", what, &container_id))
		return -1;
	struct container_call_row row = {
	    .id = id,
	    .container_id = container_id,
	    .status = status,
	    .kind = kind,
	    .response_id = origin->response_id,
	    .conversation_id = origin->conversation_id,
	    .context_response_id = origin->context_response_id,
	};
	return store_upsert_container_call(ctx->store, &row);
}

/* A shell_call ran in a container when its environment is a
 * container_reference; a local environment (or none) ran on the client. */
static int shell_call(const struct decode_context *ctx, const json_t *item, const struct trace_origin *origin)
{
	const json_t *environment = json_object_get(item, "environment");
	const char *type = json_string_value(json_object_get(environment, "type"));
	const struct subject what = {"shell_call", json_string_value(json_object_get(item, "id"))};
	if (environment && !json_is_null(environment) && !json_is_object(environment))
		return error_set(SUBJECT_FMT ": \"environment\" is not an object", SUBJECT_ARGS(&what));
	if (!type || strcmp(type, "container_reference"))
		return 0;
	return container_call(ctx, item, "shell_call", environment, origin);
}

/* Who cites: the response whose output or input holds the message, else
 * the conversation whose items do, else the message itself (id, checked). */
static struct reference_row citation_referrer(const char *id, const struct trace_origin *origin)
{
	if (origin->response_id)
		return (struct reference_row){.referrer_id = origin->response_id, .referrer_kind = "response"};
	if (origin->context_response_id)
		return (struct reference_row){.referrer_id = origin->context_response_id, .referrer_kind = "response"};
	if (origin->conversation_id)
		return (struct reference_row){.referrer_id = origin->conversation_id, .referrer_kind = "conversation"};
	return (struct reference_row){.referrer_id = id ? id : "an item without an id", .referrer_kind = "item"};
}

/* Records the container_file_citation annotations in a message's content. */
static int citations(const struct decode_context *ctx, const json_t *message, const struct trace_origin *origin)
{
	size_t i, j;
	const json_t *part, *annotation;
	const char *message_id, *container;
	const struct subject what = {"message", NULL};
	int changed = 0;
	if (json_field_id(message, "id", &what, &message_id))
		return -1;
	json_array_foreach (json_object_get(message, "content"), i, part) {
		json_array_foreach (json_object_get(part, "annotations"), j, annotation) {
			const char *type = json_string_value(json_object_get(annotation, "type"));
			if (!type || strcmp(type, "container_file_citation"))
				continue;
			if (json_field_id(annotation, "container_id",
			                  &(struct subject){"container_file_citation", NULL}, &container))
				return -1;
			if (!container)
				continue;
			struct reference_row row = citation_referrer(message_id, origin);
			row.container_id = container;
			row.kind = "cited";
			int stored = store_add_container_reference(ctx->store, &row);
			if (stored < 0)
				return -1;
			changed |= stored;
		}
	}
	return changed;
}

int decode_trace(const struct decode_context *ctx, const json_t *item, const struct trace_origin *origin)
{
	const char *type = json_string_value(json_object_get(item, "type"));
	if (!type)
		return 0;
	if (!strcmp(type, "code_interpreter_call"))
		return container_call(ctx, item, type, item, origin);
	if (!strcmp(type, "shell_call"))
		return shell_call(ctx, item, origin);
	if (!strcmp(type, "message"))
		return citations(ctx, item, origin);
	return 0;
}

int decode_item(const struct decode_context *ctx, const json_t *item, struct decode_counts *counts)
{
	const char *type, *id;
	if (!json_is_object(item))
		return error_set("item list: an element is not an object");
	if (json_field_required_string(item, "type", &(struct subject){"item", NULL}, &type) ||
	    json_field_id(item, "id", &(struct subject){"item", NULL}, &id))
		return -1;
	const char *parent = ctx->parent_id;
	/* Calls in a response's input items are replayed context: they count as
	 * use of their container, not as code the response ran. */
	struct trace_origin origin = {0};
	if (parent && !strncmp(parent, "conv_", 5))
		origin.conversation_id = parent;
	else if (parent && !strncmp(parent, "resp_", 5))
		origin.context_response_id = parent;
	int changed = decode_trace(ctx, item, &origin);
	if (changed < 0)
		return -1;
	counts->objects++;
	counts->without_parent += !origin.conversation_id && !origin.context_response_id;
	if (!id) /* without an id an item cannot be deduplicated; its traces are stored above */
		return decode_count(counts, changed);
	char *raw = decode_raw(ctx, item);
	struct item_row row = {.id = id, .type = type, .parent_id = parent, .raw = raw, .request_id = ctx->request_id};
	int stored = store_upsert_item(ctx->store, &row);
	free(raw);
	return decode_count(counts, stored < 0 ? -1 : (stored | changed));
}

int decode_conversation(const struct decode_context *ctx, const json_t *obj, struct decode_counts *counts)
{
	const char *id;
	int64_t created_at = 0;
	int has_created;
	if (json_field_required_id(obj, "id", &(struct subject){"conversation", NULL}, &id) ||
	    json_field_time(obj, "created_at", &(struct subject){"conversation", id}, &created_at, &has_created))
		return -1;
	char *raw = decode_raw(ctx, obj);
	struct conversation_row row = {
	    .id = id, .project_id = ctx->project_id, .created_at = has_created ? &created_at : NULL, .raw = raw};
	int rc = decode_count(counts, store_upsert_conversation(ctx->store, &row));
	free(raw);
	counts->objects++;
	return rc;
}
