/* The IDs a collect fetches: response and conversation IDs given as
 * arguments, read from a --from file (one ID per line; a CSV with a
 * response_id, conversation_id or id column; or JSON Lines objects with an
 * id), or scanned out of arbitrary log text (--scan). An id_set keeps each
 * ID once, in the order first seen. */
#ifndef CNTRAUDIT_ID_SOURCES_H
#define CNTRAUDIT_ID_SOURCES_H

#include <stddef.h>

struct id_set {
	char **ids; /* owned, in insertion order */
	size_t count;
	size_t cap;
	size_t *slots; /* open-addressing hash of index + 1; 0 = empty */
	size_t slot_cap;
};

/* 1 when added, 0 when already present. The string is copied. */
int id_set_add(struct id_set *set, const char *id);
int id_set_contains(const struct id_set *set, const char *id);
void id_set_free(struct id_set *set);

/* Whether s is a well-formed resp_/conv_ ID (prefix, then letters/digits,
 * at least 8 of them). */
int id_is_response(const char *s);
int id_is_conversation(const char *s);

/* Reads a --from file ("-" for stdin) into responses and conversations.
 * 0, or -1 with the error set naming the file and line of a bad ID. */
int id_sources_read_from(const char *path, struct id_set *responses, struct id_set *conversations);
/* Adds every resp_/conv_ token found in the text of path. 0 or -1. */
int id_sources_scan(const char *path, struct id_set *responses, struct id_set *conversations);
/* The same over a buffer (for tests and stdin). */
void id_sources_scan_text(const char *text, size_t len, struct id_set *responses, struct id_set *conversations);

#endif
