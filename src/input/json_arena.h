/* Arenas for jansson documents. Parsing with jansson is mostly malloc and
 * free of small nodes; a document parsed into an arena costs a pointer bump
 * per node and is released whole (no json_decref walk). Import's parsing
 * threads parse each JSON Lines document into its own arena.
 *
 * While json_arena_use(a) is in effect on a thread, every jansson
 * allocation that thread makes comes from a; everywhere else jansson uses
 * malloc as usual. Nothing in an arena may outlive json_arena_reset/free:
 * callers borrow such documents (const json_t *) and never incref them. */
#ifndef CNTRAUDIT_JSON_ARENA_H
#define CNTRAUDIT_JSON_ARENA_H

#include <stddef.h>

struct json_arena;

struct json_arena *json_arena_new(void);
/* Releases everything allocated in a, keeping its first chunk for reuse. */
void json_arena_reset(struct json_arena *a);
void json_arena_free(struct json_arena *a);
/* Routes this thread's jansson allocations to a (NULL: back to malloc). */
void json_arena_use(struct json_arena *a);
/* size raw bytes from a, aligned to 16. */
void *json_arena_alloc(struct json_arena *a, size_t size);

#endif
