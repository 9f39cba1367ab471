#include "symtab.h"

#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

#define ARENA_CHUNK (1u << 20)

/* A slot of the open-addressing table: the text, its hash, its symbol + 1
 * (0 = empty). Text and hash in the slot: a probe costs one cache miss for
 * the slot and, on a hash match, one for the text. */
struct slot {
	const char *text; /* preceded in the arena by its length (uint32_t) */
	uint32_t hash;
	uint32_t sym1;
};

struct chunk {
	struct chunk *next;
	size_t used, cap;
	char data[];
};

struct symtab {
	const char **texts; /* by symbol */
	uint32_t count, capacity;
	struct slot *slots;
	uint32_t mask;
	struct chunk *chunks;
};

/* Eight bytes at a time: IDs run to 50 characters and more, and a byte loop
 * would cost as much as the probe. The multiply-fold of the final value
 * spreads every byte into the low bits, which choose the slot. */
static uint32_t hash_bytes(const char *s, size_t len)
{
	uint64_t h = 0x9e3779b97f4a7c15u ^ len;
	size_t i = 0;
	for (; i + 8 <= len; i += 8) {
		uint64_t w;
		memcpy(&w, s + i, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdu;
		h ^= h >> 32;
	}
	uint64_t tail = 0;
	memcpy(&tail, s + i, len - i);
	h = (h ^ tail) * 0xc4ceb9fe1a85ec53u;
	h ^= h >> 29;
	h *= 0xff51afd7ed558ccdu;
	h ^= h >> 32;
	return (uint32_t)h;
}

static uint32_t text_len(const char *text)
{
	uint32_t len;
	memcpy(&len, text - sizeof len, sizeof len);
	return len;
}

static const char *arena_copy(struct symtab *t, const char *s, size_t len)
{
	size_t need = sizeof(uint32_t) + len + 1;
	struct chunk *c = t->chunks;
	if (!c || c->cap - c->used < need) {
		size_t cap = need > ARENA_CHUNK ? need : ARENA_CHUNK;
		c = xmalloc(sizeof *c + cap);
		c->next = t->chunks, c->used = 0, c->cap = cap;
		t->chunks = c;
	}
	char *p = c->data + c->used;
	uint32_t len32 = (uint32_t)len;
	memcpy(p, &len32, sizeof len32);
	memcpy(p + sizeof len32, s, len);
	p[sizeof len32 + len] = '\0';
	c->used += need;
	return p + sizeof len32;
}

static void alloc_slots(struct symtab *t, size_t at_least)
{
	size_t size = 1024;
	while (size < at_least * 2) /* load factor <= 1/2 */
		size *= 2;
	t->slots = xcalloc(size, sizeof *t->slots);
	t->mask = (uint32_t)(size - 1);
}

struct symtab *symtab_new(size_t expected)
{
	struct symtab *t = xcalloc(1, sizeof *t);
	alloc_slots(t, expected);
	t->capacity = expected > 1024 ? (uint32_t)expected : 1024;
	t->texts = xmalloc(t->capacity * sizeof *t->texts);
	return t;
}

void symtab_free(struct symtab *t)
{
	if (!t)
		return;
	for (struct chunk *c = t->chunks, *next; c; c = next) {
		next = c->next;
		free(c);
	}
	free(t->texts);
	free(t->slots);
	free(t);
}

/* The slot holding s, or the empty slot where it would go. */
static struct slot *slot_of(const struct symtab *t, const char *s, size_t len, uint32_t h)
{
	for (uint32_t i = h & t->mask;; i = (i + 1) & t->mask) {
		struct slot *slot = &t->slots[i];
		if (!slot->sym1 || (slot->hash == h && text_len(slot->text) == len && !memcmp(slot->text, s, len)))
			return slot;
	}
}

static void grow(struct symtab *t)
{
	struct slot *old = t->slots;
	uint32_t old_size = t->mask + 1;
	alloc_slots(t, old_size);
	for (uint32_t i = 0; i < old_size; i++) {
		if (!old[i].sym1)
			continue;
		uint32_t k = old[i].hash & t->mask;
		while (t->slots[k].sym1)
			k = (k + 1) & t->mask;
		t->slots[k] = old[i];
	}
	free(old);
}

uint32_t symtab_intern(struct symtab *t, const char *s, size_t len)
{
	uint32_t h = hash_bytes(s, len);
	struct slot *slot = slot_of(t, s, len, h);
	if (slot->sym1)
		return slot->sym1 - 1;
	if (t->count == t->capacity) {
		t->capacity *= 2;
		t->texts = xrealloc(t->texts, t->capacity * sizeof *t->texts);
	}
	uint32_t sym = t->count++;
	t->texts[sym] = arena_copy(t, s, len);
	*slot = (struct slot){t->texts[sym], h, sym + 1};
	if ((uint64_t)t->count * 2 > t->mask + 1u)
		grow(t);
	return sym;
}

const char *symtab_str(const struct symtab *t, uint32_t sym)
{
	return t->texts[sym];
}

uint32_t symtab_count(const struct symtab *t)
{
	return t->count;
}
