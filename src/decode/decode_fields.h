/* What every resource decoder shares (decode_fields.c): field access that
 * names the object at fault, and the raw bytes and counts of what is
 * stored. Internal to the stage. */
#ifndef CNTRAUDIT_DECODE_FIELDS_H
#define CNTRAUDIT_DECODE_FIELDS_H

#include "decode.h"

#include <jansson.h>
#include <stdint.h>

/* What a field error names: "container cntr_abc" (the kind, then the ID when
 * known). Formatted only when an error happens: decoding stays cheap. */
struct subject {
	const char *kind;
	const char *id; /* NULL until known */
};
#define SUBJECT_FMT     "%s%s%.100s"
#define SUBJECT_ARGS(w) (w)->kind, (w)->id ? " " : "", (w)->id ? (w)->id : ""

/* Field access that tells a missing or null field (returns 0, *out NULL or
 * *present 0) from a wrong type (-1, error set naming what and key). A
 * string holding a NUL is an error, never a string cut short. */
int json_field_string(const json_t *obj, const char *key, const struct subject *what, const char **out);
/* An ID: a string of 1 to 1024 characters, none a control character (a NUL
 * in "cntr_victim\u0000x" would otherwise make it cntr_victim). Empty reads
 * as missing. json_value_id reads a value itself (key names it in errors). */
int json_value_id(const json_t *v, const char *key, const struct subject *what, const char **out);
int json_field_id(const json_t *obj, const char *key, const struct subject *what, const char **out);
int json_field_required_id(const json_t *obj, const char *key, const struct subject *what, const char **out);
int json_field_time(const json_t *obj, const char *key, const struct subject *what, int64_t *out, int *present);
/* A required non-empty string / time: missing is an error too. */
int json_field_required_string(const json_t *obj, const char *key, const struct subject *what, const char **out);
int json_field_required_time(const json_t *obj, const char *key, const struct subject *what, int64_t *out);
/* An object serialized as compact JSON, keys in received order: the stored
 * form when its bytes as received are not known. Caller frees. */
char *json_raw(const json_t *obj);
/* What to store as an object's raw JSON: its bytes as received when
 * decode_document knows them (ctx->raw), else json_raw. Caller frees. */
char *decode_raw(const struct decode_context *ctx, const json_t *obj);
/* Counts a store call's result (1 changed, 0 unchanged); passes -1 through. */
int decode_count(struct decode_counts *counts, int stored);

#endif
