/* Items: conversation items (GET /conversations/{id}/items), response input
 * items (GET /responses/{id}/input_items), and code_interpreter_call items
 * wherever they appear. */
#include "decode.h"

#include "error.h"

#include <stdlib.h>
#include <string.h>

int decode_ci_call(const struct decode_context *ctx, const json_t *item, const char *response_id,
                   const char *conversation_id, const char *context_response_id)
{
	const char *id, *container_id, *status;
	if (json_field_required_string(item, "id", &(struct subject){"code_interpreter_call", NULL}, &id))
		return -1;
	const struct subject subject = {"code_interpreter_call", id}, *what = &subject;
	if (json_field_required_string(item, "container_id", what, &container_id) ||
	    json_field_string(item, "status", what, &status))
		return -1;
	struct ci_call_row row = {
	    .id = id,
	    .container_id = container_id,
	    .status = status,
	    .response_id = response_id,
	    .conversation_id = conversation_id,
	    .context_response_id = context_response_id,
	};
	return store_upsert_ci_call(ctx->store, &row);
}

int decode_item(const struct decode_context *ctx, const json_t *item, struct decode_counts *counts)
{
	const char *type, *id;
	if (!json_is_object(item))
		return error_set("item list: an element is not an object");
	if (json_field_required_string(item, "type", &(struct subject){"item", NULL}, &type) ||
	    json_field_string(item, "id", &(struct subject){"item", NULL}, &id))
		return -1;
	const char *parent = ctx->parent_id;
	int in_conversation = parent && !strncmp(parent, "conv_", 5);
	int in_response = parent && !strncmp(parent, "resp_", 5);

	int changed = 0;
	if (!strcmp(type, "code_interpreter_call")) {
		changed = decode_ci_call(ctx, item, NULL, in_conversation ? parent : NULL, in_response ? parent : NULL);
		if (changed < 0)
			return -1;
	}
	counts->objects++;
	if (!id || !*id) /* without an id an item cannot be deduplicated; its call is stored above */
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
	if (json_field_required_string(obj, "id", &(struct subject){"conversation", NULL}, &id) ||
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
