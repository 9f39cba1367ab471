/* Container objects (GET /containers, GET /containers/{id}), their file
 * lists (GET /containers/{id}/files), and delete markers. */
#include "decode_fields.h"
#include "decode_resources.h"

#include "error.h"

#include <stdlib.h>

int decode_container(const struct decode_context *ctx, const json_t *obj, struct decode_counts *counts)
{
	const char *id, *name, *status, *memory_limit;
	int64_t created_at, last_active_at = 0, minutes = 0;
	int has_last_active = 0, has_minutes = 0;
	const json_t *expires;

	if (json_field_required_id(obj, "id", &(struct subject){"container", NULL}, &id))
		return -1;
	const struct subject subject = {"container", id}, *what = &subject;
	if (json_field_required_time(obj, "created_at", what, &created_at) ||
	    json_field_string(obj, "name", what, &name) || json_field_string(obj, "status", what, &status) ||
	    json_field_string(obj, "memory_limit", what, &memory_limit) ||
	    json_field_time(obj, "last_active_at", what, &last_active_at, &has_last_active))
		return -1;
	expires = json_object_get(obj, "expires_after");
	if (expires && !json_is_null(expires)) {
		const json_t *m = json_object_get(expires, "minutes");
		if (!json_is_object(expires) || (m && !json_is_null(m) && !json_is_integer(m)))
			return error_set(SUBJECT_FMT ": \"expires_after\" is not {\"anchor\", \"minutes\"}",
			                 SUBJECT_ARGS(what));
		if (json_is_integer(m)) {
			minutes = (int64_t)json_integer_value(m);
			has_minutes = minutes >= 0 && minutes <= 100000;
		}
	}

	char *raw = decode_raw(ctx, obj);
	struct container_row row = {
	    .id = id,
	    .project_id = ctx->project_id,
	    .name = name ? name : "",
	    .memory_limit = memory_limit && *memory_limit ? memory_limit : NULL,
	    .status = status && *status ? status : "unknown",
	    .created_at = created_at,
	    .last_active_at = has_last_active ? &last_active_at : NULL,
	    .expires_after_minutes = has_minutes ? &minutes : NULL,
	    .raw = raw,
	    .request_id = ctx->request_id,
	};
	int rc = decode_count(counts, store_upsert_container(ctx->store, &row));
	free(raw);
	counts->objects++;
	return rc;
}

int decode_container_file(const struct decode_context *ctx, const json_t *obj, struct decode_counts *counts)
{
	const char *id, *container_id, *path, *source;
	int64_t created_at = 0, bytes = 0;
	int has_created;
	if (json_field_required_id(obj, "id", &(struct subject){"container file", NULL}, &id))
		return -1;
	const struct subject subject = {"container file", id}, *what = &subject;
	const json_t *size = json_object_get(obj, "bytes");
	if (json_field_required_id(obj, "container_id", what, &container_id) ||
	    json_field_time(obj, "created_at", what, &created_at, &has_created) ||
	    json_field_string(obj, "path", what, &path) || json_field_string(obj, "source", what, &source))
		return -1;
	if (size && !json_is_null(size) && (!json_is_integer(size) || json_integer_value(size) < 0))
		return error_set(SUBJECT_FMT ": \"bytes\" is not a size", SUBJECT_ARGS(what));
	if (json_is_integer(size))
		bytes = (int64_t)json_integer_value(size);
	char *raw = decode_raw(ctx, obj);
	struct container_file_row row = {
	    .id = id,
	    .container_id = container_id,
	    .created_at = has_created ? &created_at : NULL,
	    .bytes = json_is_integer(size) ? &bytes : NULL,
	    .path = path,
	    .source = source,
	    .raw = raw,
	    .request_id = ctx->request_id,
	};
	int rc = decode_count(counts, store_upsert_container_file(ctx->store, &row));
	free(raw);
	counts->objects++;
	return rc;
}

/* A delete marker is kept as received; a container's also marks it deleted. */
int decode_deletion(const struct decode_context *ctx, const json_t *obj, struct decode_counts *counts)
{
	const char *id, *object = json_string_value(json_object_get(obj, "object"));
	if (json_field_required_id(obj, "id", &(struct subject){object, NULL}, &id))
		return -1;
	char *raw = decode_raw(ctx, obj);
	struct deletion_row row = {.id = id, .object = object, .raw = raw, .request_id = ctx->request_id};
	int rc = decode_count(counts, store_add_deletion(ctx->store, &row));
	free(raw);
	counts->objects++;
	return rc;
}
