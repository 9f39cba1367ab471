/* Admin API objects: the pages of GET /organization/usage/
 * code_interpreter_sessions and GET /organization/costs (both
 * {"object":"page","data":[buckets]}), and the projects and project API keys
 * of GET /organization/projects and GET /organization/projects/{id}/api_keys. */
#include "decode_fields.h"
#include "decode_resources.h"

#include "error.h"
#include "money.h"

#include <stdlib.h>
#include <string.h>

typedef int (*result_fn)(const struct decode_context *ctx, const json_t *result, int64_t start, const int64_t *end,
                         struct decode_counts *counts);

static int decode_buckets(const struct decode_context *ctx, const json_t *page, const char *result_object, result_fn fn,
                          struct decode_counts *counts)
{
	size_t i, j;
	const json_t *bucket, *result;
	json_array_foreach (json_object_get(page, "data"), i, bucket) {
		int64_t start, end = 0;
		int has_end;
		char index[32];
		snprintf(index, sizeof index, "%zu", i);
		const struct subject subject = {"bucket", index}, *what = &subject;
		if (!json_is_object(bucket))
			return error_set(SUBJECT_FMT " is not an object", SUBJECT_ARGS(what));
		if (json_field_required_time(bucket, "start_time", what, &start) ||
		    json_field_time(bucket, "end_time", what, &end, &has_end))
			return -1;
		const json_t *results = json_object_get(bucket, "results");
		if (!json_is_array(results))
			return error_set(SUBJECT_FMT ": \"results\" is not an array", SUBJECT_ARGS(what));
		json_array_foreach (results, j, result) {
			const char *object = json_string_value(json_object_get(result, "object"));
			if (!object || strcmp(object, result_object))
				return error_set(SUBJECT_FMT ": result %zu is not %s", SUBJECT_ARGS(what), j,
				                 result_object);
			if (fn(ctx, result, start, has_end ? &end : NULL, counts))
				return -1;
			counts->objects++;
		}
	}
	return 0;
}

static int usage_result(const struct decode_context *ctx, const json_t *result, int64_t start, const int64_t *end,
                        struct decode_counts *counts)
{
	const char *project;
	const json_t *sessions = json_object_get(result, "num_sessions");
	if (json_field_id(result, "project_id", &(struct subject){"usage result", NULL}, &project))
		return -1;
	if (!json_is_integer(sessions) || json_integer_value(sessions) < 0)
		return error_set("usage result: \"num_sessions\" is not a non-negative integer");
	char *raw = json_raw(result);
	struct usage_row row = {.bucket_start = start,
	                        .bucket_end = end,
	                        .project_id = project ? project : "",
	                        .num_sessions = (int64_t)json_integer_value(sessions),
	                        .raw = raw};
	int rc = decode_count(counts, store_upsert_usage(ctx->store, &row));
	free(raw);
	return rc;
}

static int cost_result(const struct decode_context *ctx, const json_t *result, int64_t start, const int64_t *end,
                       struct decode_counts *counts)
{
	const char *project, *line_item, *api_key, *currency = NULL, *unit;
	const json_t *amount = json_object_get(result, "amount");
	const json_t *value = json_object_get(amount, "value");
	const json_t *quantity = json_object_get(result, "quantity");
	int64_t micros = 0;
	double q = 0;

	if (json_field_id(result, "project_id", &(struct subject){"cost result", NULL}, &project) ||
	    json_field_string(result, "line_item", &(struct subject){"cost result", NULL}, &line_item) ||
	    json_field_id(result, "api_key_id", &(struct subject){"cost result", NULL}, &api_key) ||
	    json_field_string(result, "quantity_unit", &(struct subject){"cost result", NULL}, &unit))
		return -1;
	/* The official CostsResult requires only "object": no amount is an
	 * unknown amount (stored NULL), never $0. */
	if (amount && !json_is_null(amount) && !json_is_object(amount))
		return error_set("cost result: \"amount\" is not an object");
	if (value && !json_is_null(value) &&
	    (!json_is_number(value) || money_from_double(json_number_value(value), &micros)))
		return error_set("cost result: \"amount.value\" is not a number of dollars");
	if (json_field_string(amount, "currency", &(struct subject){"cost result amount", NULL}, &currency))
		return -1;
	if (json_is_number(quantity))
		q = json_number_value(quantity);
	else if (quantity && !json_is_null(quantity))
		return error_set("cost result: \"quantity\" is not a number");
	char *raw = json_raw(result);
	struct cost_row row = {.bucket_start = start,
	                       .bucket_end = end,
	                       .project_id = project ? project : "",
	                       .line_item = line_item ? line_item : "",
	                       .api_key_id = api_key ? api_key : "",
	                       .amount_micros = json_is_number(value) ? &micros : NULL,
	                       .currency = currency,
	                       .quantity = json_is_number(quantity) ? &q : NULL,
	                       .quantity_unit = unit,
	                       .raw = raw};
	int rc = decode_count(counts, store_upsert_cost(ctx->store, &row));
	free(raw);
	return rc;
}

int decode_usage_page(const struct decode_context *ctx, const json_t *page, struct decode_counts *counts)
{
	return decode_buckets(ctx, page, "organization.usage.code_interpreter_sessions.result", usage_result, counts);
}

int decode_costs_page(const struct decode_context *ctx, const json_t *page, struct decode_counts *counts)
{
	return decode_buckets(ctx, page, "organization.costs.result", cost_result, counts);
}

int decode_project(const struct decode_context *ctx, const json_t *obj, struct decode_counts *counts)
{
	const char *id, *name, *status;
	int64_t created_at = 0;
	int has_created;
	if (json_field_required_id(obj, "id", &(struct subject){"project", NULL}, &id))
		return -1;
	const struct subject subject = {"project", id}, *what = &subject;
	if (json_field_string(obj, "name", what, &name) || json_field_string(obj, "status", what, &status) ||
	    json_field_time(obj, "created_at", what, &created_at, &has_created))
		return -1;
	char *raw = decode_raw(ctx, obj);
	struct project_row row = {.id = id,
	                          .name = name,
	                          .status = status,
	                          .created_at = has_created ? &created_at : NULL,
	                          .raw = raw,
	                          .request_id = ctx->request_id};
	int rc = decode_count(counts, store_upsert_project(ctx->store, &row));
	free(raw);
	counts->objects++;
	return rc;
}

/* A key of the project the page belongs to (ctx->parent_id, when known). */
int decode_project_api_key(const struct decode_context *ctx, const json_t *obj, struct decode_counts *counts)
{
	const char *id, *redacted, *name;
	if (json_field_required_id(obj, "id", &(struct subject){"project API key", NULL}, &id))
		return -1;
	const struct subject subject = {"project API key", id}, *what = &subject;
	if (json_field_string(obj, "redacted_value", what, &redacted) || json_field_string(obj, "name", what, &name))
		return -1;
	const char *project = ctx->parent_id && !strncmp(ctx->parent_id, "proj_", 5) ? ctx->parent_id : NULL;
	char *raw = decode_raw(ctx, obj);
	struct project_api_key_row row = {.id = id,
	                                  .project_id = project,
	                                  .redacted_value = redacted,
	                                  .name = name,
	                                  .raw = raw,
	                                  .request_id = ctx->request_id};
	int rc = decode_count(counts, store_upsert_project_api_key(ctx->store, &row));
	free(raw);
	counts->objects++;
	counts->without_parent += project == NULL;
	return rc;
}
