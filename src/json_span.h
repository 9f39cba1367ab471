/* Byte ranges inside JSON text, so an object can be stored exactly as it
 * was received instead of re-serialized. The scanner only tracks strings
 * and nesting: call it on text a JSON parser has already accepted. */
#ifndef CNTRAUDIT_JSON_SPAN_H
#define CNTRAUDIT_JSON_SPAN_H

#include <stddef.h>

struct json_span {
	const char *start; /* into the scanned text; borrowed */
	size_t len;
};

/* The elements of the array that is the value of top-level key `key` of the
 * object in text. Returns how many were found (up to max) — the caller
 * compares it with the parsed array's size — or 0 when there is no such
 * array. */
size_t json_span_array_elements(const char *text, size_t len, const char *key, struct json_span *out, size_t max);
/* text without the white space around it. */
struct json_span json_span_trim(const char *text, size_t len);

#endif
