#include "decode.h"
#include "decode_resources.h"

#include "error.h"
#include "xalloc.h"

#include <math.h>
#include <string.h>

static const char *object_of(const json_t *obj)
{
	return json_string_value(json_object_get(obj, "object"));
}

/* The kind of a list page, from its first element. */
static enum document_kind list_kind(const json_t *data)
{
	const json_t *first = json_array_get(data, 0);
	if (!first)
		return DOC_EMPTY_PAGE;
	const char *object = object_of(first);
	if (object && !strcmp(object, "container"))
		return DOC_CONTAINER_LIST;
	if (object && !strcmp(object, "response"))
		return DOC_RESPONSE_LIST;
	if (object && !strcmp(object, "container.file"))
		return DOC_FILE_LIST;
	if (object && !strcmp(object, "organization.project"))
		return DOC_PROJECT_LIST;
	if (object && !strcmp(object, "organization.project.api_key"))
		return DOC_PROJECT_KEY_LIST;
	if (json_is_string(json_object_get(first, "type")))
		return DOC_ITEM_LIST;
	return DOC_UNKNOWN;
}

/* The kind of a usage or costs page, from the first result of any bucket. */
static enum document_kind page_kind(const json_t *data)
{
	size_t i;
	const json_t *bucket;
	json_array_foreach (data, i, bucket) {
		const json_t *results = json_object_get(bucket, "results");
		const json_t *first = json_array_get(results, 0);
		if (!first)
			continue;
		const char *object = object_of(first);
		if (object && !strcmp(object, "organization.usage.code_interpreter_sessions.result"))
			return DOC_USAGE_PAGE;
		if (object && !strcmp(object, "organization.costs.result"))
			return DOC_COSTS_PAGE;
		return DOC_UNKNOWN;
	}
	return DOC_EMPTY_PAGE;
}

/* A delete marker: "<kind>.deleted", or DELETE /responses/{id}'s
 * {"object": "response", "deleted": true}. */
static int is_deletion(const json_t *doc, const char *object)
{
	size_t n = strlen(object);
	return (n > 8 && !strcmp(object + n - 8, ".deleted")) || json_is_true(json_object_get(doc, "deleted"));
}

enum document_kind decode_detect_kind(const json_t *doc)
{
	const char *object = object_of(doc);
	if (!json_is_object(doc) || !object)
		return DOC_UNKNOWN;
	if (is_deletion(doc, object))
		return DOC_DELETION;
	if (!strcmp(object, "container"))
		return DOC_CONTAINER;
	if (!strcmp(object, "response"))
		return DOC_RESPONSE;
	if (!strcmp(object, "conversation"))
		return DOC_CONVERSATION;
	if (!strcmp(object, "container.file"))
		return DOC_CONTAINER_FILE;
	const json_t *data = json_object_get(doc, "data");
	if (!json_is_array(data))
		return DOC_UNKNOWN;
	if (!strcmp(object, "list"))
		return list_kind(data);
	if (!strcmp(object, "page"))
		return page_kind(data);
	return DOC_UNKNOWN;
}

/* Describes an unrecognised document well enough to find it. */
static int unrecognised(const json_t *doc)
{
	if (!json_is_object(doc))
		return error_set("unrecognised document: expected a JSON object holding an OpenAI API object");
	const char *object = object_of(doc);
	if (!object)
		return error_set("unrecognised document: no \"object\" field naming an API object");
	const json_t *data = json_object_get(doc, "data");
	if (!strcmp(object, "list") && json_is_array(data)) {
		const char *inner = object_of(json_array_get(data, 0));
		return error_set(
		    "unrecognised document: a list of '%.80s' is not a list of containers, container files, "
		    "responses, items, projects or project API keys",
		    inner ? inner : "untyped elements");
	}
	if (!strcmp(object, "page") && json_is_array(data))
		return error_set("unrecognised document: a page of results that are neither code interpreter "
		                 "usage nor costs");
	return error_set("unrecognised document: object '%.80s' is not a container, container file, response, "
	                 "conversation, item list, usage page, costs page or delete marker",
	                 object);
}

/* Applies the element's decoder to every element of a list page, checking
 * they are one kind; each gets its exact bytes when the page's are known. */
static int decode_list(const struct decode_context *page_ctx, const json_t *doc, enum document_kind kind,
                       struct decode_counts *counts)
{
	const json_t *data = json_object_get(doc, "data");
	size_t n = json_array_size(data), i;
	struct json_span *spans = NULL;
	struct decode_context ctx = *page_ctx;
	int rc = 0;
	if (ctx.text && n) {
		spans = xcalloc(n, sizeof *spans);
		if (json_span_array_elements(ctx.text, ctx.text_len, "data", spans, n) != n) {
			free(spans); /* cannot happen for text the parser accepted; serialize instead */
			spans = NULL;
		}
	}
	const json_t *element;
	json_array_foreach (data, i, element) {
		const char *object = object_of(element);
		ctx.raw = spans ? spans[i] : (struct json_span){NULL, 0};
		switch (kind) {
		case DOC_CONTAINER_LIST:
			rc = object && !strcmp(object, "container")
			         ? decode_container(&ctx, element, counts)
			         : error_set("list element %zu is not a container", i);
			break;
		case DOC_RESPONSE_LIST:
			rc = object && !strcmp(object, "response") ? decode_response(&ctx, element, counts)
			                                           : error_set("list element %zu is not a response", i);
			break;
		case DOC_FILE_LIST:
			rc = object && !strcmp(object, "container.file")
			         ? decode_container_file(&ctx, element, counts)
			         : error_set("list element %zu is not a container file", i);
			break;
		case DOC_PROJECT_LIST:
			rc = object && !strcmp(object, "organization.project")
			         ? decode_project(&ctx, element, counts)
			         : error_set("list element %zu is not a project", i);
			break;
		case DOC_PROJECT_KEY_LIST:
			rc = object && !strcmp(object, "organization.project.api_key")
			         ? decode_project_api_key(&ctx, element, counts)
			         : error_set("list element %zu is not a project API key", i);
			break;
		default:
			rc = decode_item(&ctx, element, counts);
			break;
		}
		if (rc < 0)
			break;
	}
	free(spans);
	return rc < 0 ? -1 : 0;
}

int decode_document(const struct decode_context *given, const json_t *doc, struct decode_counts *counts)
{
	enum document_kind kind = decode_detect_kind(doc);
	struct decode_context ctx = *given;
	/* A single object is its whole document. */
	ctx.raw = ctx.text ? json_span_trim(ctx.text, ctx.text_len) : (struct json_span){NULL, 0};
	switch (kind) {
	case DOC_CONTAINER:
		return decode_container(&ctx, doc, counts);
	case DOC_RESPONSE:
		return decode_response(&ctx, doc, counts);
	case DOC_CONVERSATION:
		return decode_conversation(&ctx, doc, counts);
	case DOC_CONTAINER_FILE:
		return decode_container_file(&ctx, doc, counts);
	case DOC_CONTAINER_LIST:
	case DOC_RESPONSE_LIST:
	case DOC_FILE_LIST:
	case DOC_PROJECT_LIST:
	case DOC_PROJECT_KEY_LIST:
	case DOC_ITEM_LIST:
		return decode_list(&ctx, doc, kind, counts);
	case DOC_USAGE_PAGE:
		ctx.raw = (struct json_span){NULL, 0};
		return decode_usage_page(&ctx, doc, counts);
	case DOC_COSTS_PAGE:
		ctx.raw = (struct json_span){NULL, 0};
		return decode_costs_page(&ctx, doc, counts);
	case DOC_DELETION:
		return decode_deletion(&ctx, doc, counts);
	case DOC_EMPTY_PAGE:
		return 0;
	default:
		return unrecognised(doc);
	}
}

static int decode_one(const struct decode_context *ctx, const json_t *doc, const struct csv_record *header,
                      const struct csv_record *row, struct decode_counts *counts)
{
	return doc ? decode_document(ctx, doc, counts) : decode_cost_export_row(ctx, header, row, counts);
}

int decode_whole(const struct decode_context *ctx, const json_t *doc, const struct csv_record *header,
                 const struct csv_record *row, struct decode_counts *counts)
{
	struct decode_context check = *ctx;
	struct decode_counts unused = {0};
	check.store = NULL;
	if (decode_one(&check, doc, header, row, &unused))
		return 1;
	if (!decode_one(ctx, doc, header, row, counts))
		return 0;
	if (!store_failed(ctx->store)) {
		char *why = xstrdup(error_message());
		error_set("the database refused a document that passed its checks: %s", why);
		free(why);
	}
	return -1;
}
