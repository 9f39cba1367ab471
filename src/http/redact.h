/* Keys out of text a server sent: a reply body, a header, an error message.
 * A server may echo the Authorization header back whole, cut, JSON-escaped
 * ("\/" for '/', "\u0073" for 's') or percent-encoded; each form is found by
 * decoding as it scans, and every run of 12 or more consecutive characters
 * of a key (all of it, when shorter) is replaced by the key's fingerprint,
 * "[key …abcd]". Text is borrowed; the redactor owns copies of the keys and
 * wipes them when freed. */
#ifndef CNTRAUDIT_REDACT_H
#define CNTRAUDIT_REDACT_H

#include "xalloc.h"

#include <stddef.h>

struct redactor;

/* keys: up to two, each may be NULL. Never NULL. */
struct redactor *redactor_new(const char *key, const char *other_key);
void redactor_free(struct redactor *r);
/* Replaces every run of a key in text[0..*len) (text need not end in a
 * NUL): the redacted text (owned, NUL-terminated) with *len set and *runs
 * the number replaced, or NULL when there was none (nothing allocated). */
char *redact_text(const struct redactor *r, const char *text, size_t *len, size_t *runs);
/* The same for a buffer, in place: how many runs were replaced. */
size_t redact_buf(const struct redactor *r, struct buf *b);
/* The same for a NUL-terminated string: takes s, returns the result (both owned). */
char *redact_string(const struct redactor *r, char *s);

#endif
