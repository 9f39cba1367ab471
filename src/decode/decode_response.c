/* Response objects (GET /responses/{id}): the response itself, what its
 * tools asked of containers (code interpreter and Hosted Shell), and the
 * container calls and citations in its output. */
#include "decode_fields.h"
#include "decode_resources.h"

#include "error.h"

#include <stdlib.h>
#include <string.h>

/* A container a tool names: the value v (a "cntr_..." string or its id). */
static int name_container(const struct decode_context *ctx, const char *response_id, const json_t *v,
                          const struct subject *what)
{
	const char *container_id;
	if (json_value_id(v, "container", what, &container_id))
		return -1;
	if (!container_id)
		return 0;
	struct reference_row row = {
	    .container_id = container_id, .referrer_id = response_id, .referrer_kind = "response", .kind = "named"};
	return store_add_container_reference(ctx->store, &row) < 0 ? -1 : 0;
}

/* Reads tools[]: sets RESPONSE_AUTO_* bits in *automatic for a
 * code_interpreter tool with container {"type": "auto"} and a shell tool
 * with environment {"type": "container_auto"}; records the containers
 * named by a code_interpreter "cntr_..." string (or {"id": ...}, as some
 * clients send) or a shell environment {"type": "container_reference"}. */
static int decode_tools(const struct decode_context *ctx, const json_t *tools, const char *response_id,
                        const struct subject *what, int *automatic)
{
	size_t i;
	const json_t *tool;
	if (tools && !json_is_null(tools) && !json_is_array(tools))
		return error_set(SUBJECT_FMT ": \"tools\" is not an array", SUBJECT_ARGS(what));
	json_array_foreach (tools, i, tool) {
		const char *type = json_string_value(json_object_get(tool, "type"));
		if (type && !strcmp(type, "code_interpreter")) {
			const json_t *container = json_object_get(tool, "container");
			const char *ctype = json_string_value(json_object_get(container, "type"));
			if (ctype && !strcmp(ctype, "auto"))
				*automatic |= RESPONSE_AUTO_CODE_INTERPRETER;
			else if (name_container(
			             ctx, response_id,
			             json_is_object(container) ? json_object_get(container, "id") : container, what))
				return -1;
		} else if (type && !strcmp(type, "shell")) {
			const json_t *environment = json_object_get(tool, "environment");
			const char *etype = json_string_value(json_object_get(environment, "type"));
			if (etype && !strcmp(etype, "container_auto"))
				*automatic |= RESPONSE_AUTO_SHELL;
			else if (etype && !strcmp(etype, "container_reference") &&
			         name_container(ctx, response_id, json_object_get(environment, "container_id"), what))
				return -1;
		}
	}
	return 0;
}

int decode_response(const struct decode_context *ctx, const json_t *obj, struct decode_counts *counts)
{
	const char *id, *status, *previous, *conversation_id = NULL;
	int64_t created_at, completed_at = 0;
	int has_completed = 0, automatic = 0, rc = -1;
	char *raw = NULL;

	if (json_field_required_id(obj, "id", &(struct subject){"response", NULL}, &id))
		return -1;
	const struct subject subject = {"response", id}, *what = &subject;
	if (json_field_required_time(obj, "created_at", what, &created_at) ||
	    json_field_time(obj, "completed_at", what, &completed_at, &has_completed) ||
	    json_field_string(obj, "status", what, &status) ||
	    json_field_id(obj, "previous_response_id", what, &previous))
		return -1;
	const json_t *conversation = json_object_get(obj, "conversation");
	if (conversation && !json_is_null(conversation) && !json_is_object(conversation) &&
	    !json_is_string(conversation))
		return error_set(SUBJECT_FMT ": \"conversation\" is not an object", SUBJECT_ARGS(what));
	if (json_value_id(json_is_object(conversation) ? json_object_get(conversation, "id") : conversation,
	                  "conversation", what, &conversation_id))
		return -1;
	if (!conversation_id)
		conversation_id = ctx->conversation_id;
	const json_t *output = json_object_get(obj, "output");
	if (output && !json_is_null(output) && !json_is_array(output))
		return error_set(SUBJECT_FMT ": \"output\" is not an array", SUBJECT_ARGS(what));

	/* References are keyed by IDs, so their order against the response row
	 * does not matter; the caller's savepoint makes the whole atomic. */
	if (decode_tools(ctx, json_object_get(obj, "tools"), id, what, &automatic))
		return -1;
	raw = decode_raw(ctx, obj);
	struct response_row row = {
	    .id = id,
	    .project_id = ctx->project_id,
	    .status = status,
	    .created_at = created_at,
	    .completed_at = has_completed ? &completed_at : NULL,
	    .previous_response_id = previous,
	    .conversation_id = conversation_id,
	    .requests_container_auto = automatic,
	    .raw = raw,
	    .request_id = ctx->request_id,
	};
	if (decode_count(counts, store_upsert_response(ctx->store, &row)))
		goto done;
	counts->objects++;

	const struct trace_origin origin = {.response_id = id, .conversation_id = row.conversation_id};
	size_t i;
	const json_t *item;
	json_array_foreach (output, i, item) {
		if (decode_count(counts, decode_trace(ctx, item, &origin)))
			goto done;
	}
	rc = 0;
done:
	free(raw);
	return rc;
}
