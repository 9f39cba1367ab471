#include "json_arena.h"

#include "xalloc.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>

/* AddressSanitizer cannot see inside an arena by itself: poison what is not
 * handed out, so an overflow or a use after reset is still reported. */
#if defined(__SANITIZE_ADDRESS__)
#define ARENA_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ARENA_ASAN 1
#endif
#endif
#ifdef ARENA_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n)   ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define POISON(p, n)   ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define CHUNK (64u << 10)

struct chunk {
	struct chunk *next;
	size_t cap;
	_Alignas(16) char data[];
};

struct json_arena {
	struct chunk *chunks; /* newest first; the oldest is kept by reset */
	char *cur, *end;
};

static _Thread_local struct json_arena *current;

static void *bump(struct json_arena *a, size_t size)
{
	size_t need = (size + 15) & ~(size_t)15;
	if ((size_t)(a->end - a->cur) < need) {
		size_t cap = need > CHUNK ? need : CHUNK;
		struct chunk *c = xmalloc(sizeof *c + cap);
		c->cap = cap;
		c->next = a->chunks;
		a->chunks = c;
		a->cur = c->data;
		a->end = c->data + cap;
		POISON(c->data, cap);
	}
	char *p = a->cur;
	a->cur += need;
	UNPOISON(p, size);
	return p;
}

/* Arena blocks sit 8 bytes past a 16-byte boundary, malloc'd ones on it:
 * the address alone says which, so free() stays right for what jansson
 * hands out from malloc (json_dumps strings are freed with free()).
 * jansson's values need no more than 8-byte alignment. */
static void *jansson_malloc(size_t size)
{
	if (current)
		return (char *)bump(current, size + 8) + 8;
	return aligned_alloc(16, (size + 15) & ~(size_t)15);
}

static void jansson_free(void *ptr)
{
	if (((uintptr_t)ptr & 15) != 8)
		free(ptr);
}

/* Before main and before any jansson allocation: the allocator must own
 * every block jansson ever frees. Linked in with every user of arenas. */
__attribute__((constructor)) static void install(void)
{
	json_set_alloc_funcs(jansson_malloc, jansson_free);
}

struct json_arena *json_arena_new(void)
{
	return xcalloc(1, sizeof(struct json_arena));
}

void json_arena_reset(struct json_arena *a)
{
	struct chunk *c = a->chunks;
	while (c && c->next) {
		struct chunk *next = c->next;
		UNPOISON(c->data, c->cap);
		free(c);
		c = next;
	}
	a->chunks = c;
	a->cur = c ? c->data : NULL;
	a->end = c ? c->data + c->cap : NULL;
	if (c)
		POISON(c->data, c->cap);
}

void json_arena_free(struct json_arena *a)
{
	if (!a)
		return;
	json_arena_reset(a);
	if (a->chunks)
		UNPOISON(a->chunks->data, a->chunks->cap);
	free(a->chunks);
	free(a);
}

void json_arena_use(struct json_arena *a)
{
	current = a;
}

void *json_arena_alloc(struct json_arena *a, size_t size)
{
	return bump(a, size);
}
