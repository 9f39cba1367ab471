#include "decode_fields.h"

#include "error.h"
#include "timestamp.h"
#include "xalloc.h"

#include <math.h>
#include <string.h>

/* A string value, NULL when missing or null; never one cut at a NUL. */
static int string_value(const json_t *v, const char *key, const struct subject *what, const char **out)
{
	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return error_set(SUBJECT_FMT ": \"%s\" is not a string", SUBJECT_ARGS(what), key);
	if (strlen(json_string_value(v)) != json_string_length(v))
		return error_set(SUBJECT_FMT ": \"%s\" holds a NUL character", SUBJECT_ARGS(what), key);
	*out = json_string_value(v);
	return 0;
}

int json_field_string(const json_t *obj, const char *key, const struct subject *what, const char **out)
{
	return string_value(json_object_get(obj, key), key, what, out);
}

int json_value_id(const json_t *v, const char *key, const struct subject *what, const char **out)
{
	if (string_value(v, key, what, out))
		return -1;
	for (const unsigned char *p = (const unsigned char *)*out; p && *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return error_set(SUBJECT_FMT ": \"%s\" holds a control character: not an ID",
			                 SUBJECT_ARGS(what), key);
	if (*out && (!**out || strlen(*out) > 1024)) {
		if (**out)
			return error_set(SUBJECT_FMT ": \"%s\" is longer than any ID", SUBJECT_ARGS(what), key);
		*out = NULL;
	}
	return 0;
}

int json_field_id(const json_t *obj, const char *key, const struct subject *what, const char **out)
{
	return json_value_id(json_object_get(obj, key), key, what, out);
}

int json_field_required_id(const json_t *obj, const char *key, const struct subject *what, const char **out)
{
	if (json_field_id(obj, key, what, out))
		return -1;
	if (!*out)
		return error_set(SUBJECT_FMT ": missing \"%s\"", SUBJECT_ARGS(what), key);
	return 0;
}

int json_field_time(const json_t *obj, const char *key, const struct subject *what, int64_t *out, int *present)
{
	const json_t *v = json_object_get(obj, key);
	*present = 0;
	if (!v || json_is_null(v))
		return 0;
	if (json_is_integer(v)) {
		*out = (int64_t)json_integer_value(v);
	} else if (json_is_real(v) && isfinite(json_real_value(v)) && fabs(json_real_value(v)) < 1e15) {
		*out = (int64_t)floor(json_real_value(v)); /* the SDK types times as float; seconds suffice */
	} else {
		return error_set(SUBJECT_FMT ": \"%s\" is not a Unix time in seconds", SUBJECT_ARGS(what), key);
	}
	if (*out < 0 || *out > 253402300799) /* 9999-12-31T23:59:59Z */
		return error_set(SUBJECT_FMT ": \"%s\" is out of range", SUBJECT_ARGS(what), key);
	*present = 1;
	return 0;
}

int json_field_required_string(const json_t *obj, const char *key, const struct subject *what, const char **out)
{
	if (json_field_string(obj, key, what, out))
		return -1;
	if (!*out || !**out)
		return error_set(SUBJECT_FMT ": missing \"%s\"", SUBJECT_ARGS(what), key);
	return 0;
}

int json_field_required_time(const json_t *obj, const char *key, const struct subject *what, int64_t *out)
{
	int present;
	if (json_field_time(obj, key, what, out, &present))
		return -1;
	if (!present)
		return error_set(SUBJECT_FMT ": missing \"%s\"", SUBJECT_ARGS(what), key);
	return 0;
}

char *json_raw(const json_t *obj)
{
	/* 15 significant digits: a decimal from the API prints back as sent. */
	return json_dumps(obj, JSON_COMPACT | JSON_REAL_PRECISION(15));
}

char *decode_raw(const struct decode_context *ctx, const json_t *obj)
{
	if (!ctx->store)
		return NULL; /* only checking: nothing is stored */
	return ctx->raw.start ? xstrndup(ctx->raw.start, ctx->raw.len) : json_raw(obj);
}

int decode_count(struct decode_counts *counts, int stored)
{
	if (stored < 0)
		return -1;
	counts->changed += (size_t)stored;
	return 0;
}
