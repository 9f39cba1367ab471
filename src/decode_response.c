/* Response objects (GET /responses/{id}): the response itself, what its
 * tools asked of code interpreter, the code_interpreter_call items in its
 * output, and the containers its text cites. */
#include "decode.h"

#include "error.h"

#include <stdlib.h>
#include <string.h>

/* Reads tools[]: sets *ci_auto for a code_interpreter tool with container
 * {"type":"auto"}, records containers named by a "cntr_..." string (or
 * {"id": ...}, as some clients send). */
static int decode_tools(const struct decode_context *ctx, const json_t *tools, const char *response_id,
                        const struct subject *what, int *ci_auto)
{
	size_t i;
	const json_t *tool;
	if (tools && !json_is_null(tools) && !json_is_array(tools))
		return error_set(SUBJECT_FMT ": \"tools\" is not an array", SUBJECT_ARGS(what));
	json_array_foreach (tools, i, tool) {
		const char *type = json_string_value(json_object_get(tool, "type"));
		if (!type || strcmp(type, "code_interpreter"))
			continue;
		const json_t *container = json_object_get(tool, "container");
		const char *named = json_string_value(container);
		if (json_is_object(container)) {
			const char *ctype = json_string_value(json_object_get(container, "type"));
			if (ctype && !strcmp(ctype, "auto"))
				*ci_auto = 1;
			else
				named = json_string_value(json_object_get(container, "id"));
		}
		if (named && *named && store_add_container_reference(ctx->store, response_id, named, "named") < 0)
			return -1;
	}
	return 0;
}

/* Records container_file_citation annotations in a message's content. */
static int decode_citations(const struct decode_context *ctx, const json_t *message, const char *response_id)
{
	size_t i, j;
	const json_t *part, *annotation;
	json_array_foreach (json_object_get(message, "content"), i, part) {
		json_array_foreach (json_object_get(part, "annotations"), j, annotation) {
			const char *type = json_string_value(json_object_get(annotation, "type"));
			const char *container = json_string_value(json_object_get(annotation, "container_id"));
			if (type && !strcmp(type, "container_file_citation") && container && *container &&
			    store_add_container_reference(ctx->store, response_id, container, "cited") < 0)
				return -1;
		}
	}
	return 0;
}

int decode_response(const struct decode_context *ctx, const json_t *obj, struct decode_counts *counts)
{
	const char *id, *status, *previous, *conversation_id = NULL;
	int64_t created_at, completed_at = 0;
	int has_completed = 0, ci_auto = 0, rc = -1;
	char *raw = NULL;

	if (json_field_required_string(obj, "id", &(struct subject){"response", NULL}, &id))
		return -1;
	const struct subject subject = {"response", id}, *what = &subject;
	if (json_field_required_time(obj, "created_at", what, &created_at) ||
	    json_field_time(obj, "completed_at", what, &completed_at, &has_completed) ||
	    json_field_string(obj, "status", what, &status) ||
	    json_field_string(obj, "previous_response_id", what, &previous))
		return -1;
	const json_t *conversation = json_object_get(obj, "conversation");
	if (json_is_object(conversation))
		conversation_id = json_string_value(json_object_get(conversation, "id"));
	else if (json_is_string(conversation))
		conversation_id = json_string_value(conversation);
	else if (conversation && !json_is_null(conversation))
		return error_set(SUBJECT_FMT ": \"conversation\" is not an object", SUBJECT_ARGS(what));
	const json_t *output = json_object_get(obj, "output");
	if (output && !json_is_null(output) && !json_is_array(output))
		return error_set(SUBJECT_FMT ": \"output\" is not an array", SUBJECT_ARGS(what));

	/* References are keyed by IDs, so their order against the response row
	 * does not matter; the caller's savepoint makes the whole atomic. */
	if (decode_tools(ctx, json_object_get(obj, "tools"), id, what, &ci_auto))
		return -1;
	raw = decode_raw(ctx, obj);
	struct response_row row = {
	    .id = id,
	    .project_id = ctx->project_id,
	    .status = status,
	    .created_at = created_at,
	    .completed_at = has_completed ? &completed_at : NULL,
	    .previous_response_id = previous && *previous ? previous : NULL,
	    .conversation_id = conversation_id && *conversation_id ? conversation_id : NULL,
	    .requests_ci_auto = ci_auto,
	    .raw = raw,
	    .request_id = ctx->request_id,
	};
	if (decode_count(counts, store_upsert_response(ctx->store, &row)))
		goto done;
	counts->objects++;

	size_t i;
	const json_t *item;
	json_array_foreach (output, i, item) {
		const char *type = json_string_value(json_object_get(item, "type"));
		if (!type)
			continue;
		if (!strcmp(type, "code_interpreter_call") &&
		    decode_count(counts, decode_ci_call(ctx, item, id, row.conversation_id, NULL)))
			goto done;
		if (!strcmp(type, "message") && decode_citations(ctx, item, id))
			goto done;
	}
	rc = 0;
done:
	free(raw);
	return rc;
}
