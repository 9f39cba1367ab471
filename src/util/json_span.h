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
/* The object or array that is the value of top-level key `key` of the
 * object in text (a stream event's "response"), or {NULL, 0}. */
struct json_span json_span_member(const char *text, size_t len, const char *key);
/* text without the white space around it. */
struct json_span json_span_trim(const char *text, size_t len);

/* How many JSON values text holds, roughly (its commas, colons and
 * brackets outside strings, plus one): what parsing it would allocate for,
 * besides its strings. Safe on any text. */
size_t json_span_values(const char *text, size_t len);

/* The elements of a document too long to parse whole, found without parsing
 * it: for an object, those of its top-level "data" array (a list page); for
 * an array, its own. Unlike the scanner above this one is safe on text no
 * parser has seen: it never reads outside [text, text + len), checks the
 * structure around the elements (keys, ':', ',', nothing after the end, one
 * "data" key), and leaves the rest to the parser, which must still accept
 * the envelope and every element. */
struct json_split {
	const char *text;
	size_t len;
	int is_array;       /* the document is the array; else an object with "data" */
	size_t open, close; /* offsets of the array's '[' and ']' */
	size_t next;        /* where the next element starts (iteration) */
};

/* 0, or -1 when text is neither such an object nor an array. */
int json_split_begin(struct json_split *s, const char *text, size_t len);
/* The next element (trimmed): 1, 0 after the last, -1 when what separates
 * elements is not a comma. */
int json_split_next(struct json_split *s, struct json_span *out);

#endif
