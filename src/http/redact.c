#include "redact.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Runs this long identify a key: a random key shares no 12 characters in a
 * row with anything but itself, and a cut key still shows that many. */
#define GRAM 12
#define BASE 1099511628211ULL

struct key {
	char *text;
	size_t len;
	char print[24]; /* "[key …abcd]" */
};

/* A GRAM-character window of a key, by the hash of its characters. */
struct gram {
	uint64_t hash;
	uint16_t key, offset; /* key + 1; 0 = empty slot */
};

struct redactor {
	struct key keys[2];
	int nkeys;
	struct gram *table;
	size_t mask;
	uint64_t top;   /* BASE^(GRAM-1): what the oldest character weighs in the rolling hash */
	int short_keys; /* a key shorter than GRAM: matched whole, the slow way */
};

static uint64_t gram_hash(const unsigned char *s)
{
	uint64_t h = 0;
	for (int i = 0; i < GRAM; i++)
		h = h * BASE + s[i];
	return h;
}

static void add_gram(struct redactor *r, int key, size_t offset)
{
	uint64_t h = gram_hash((const unsigned char *)r->keys[key].text + offset);
	size_t i = (size_t)h & r->mask;
	while (r->table[i].key)
		i = (i + 1) & r->mask;
	r->table[i] = (struct gram){h, (uint16_t)(key + 1), (uint16_t)offset};
}

struct redactor *redactor_new(const char *key, const char *other_key)
{
	struct redactor *r = xcalloc(1, sizeof *r);
	const char *given[2] = {key, other_key};
	size_t grams = 0;
	for (int k = 0; k < 2; k++) {
		size_t n = given[k] ? strlen(given[k]) : 0;
		if (n < 4 || n > 60000) /* too short to tell from text; longer than any key */
			continue;
		struct key *dst = &r->keys[r->nkeys++];
		dst->text = xstrdup(given[k]);
		dst->len = n;
		snprintf(dst->print, sizeof dst->print, "[key \xe2\x80\xa6%s]", given[k] + n - 4);
		if (n < GRAM)
			r->short_keys = 1;
		else
			grams += n - GRAM + 1;
	}
	size_t cap = 16;
	while (cap < grams * 2)
		cap *= 2;
	r->table = xcalloc(cap, sizeof *r->table);
	r->mask = cap - 1;
	r->top = 1;
	for (int i = 1; i < GRAM; i++)
		r->top *= BASE;
	for (int k = 0; k < r->nkeys; k++)
		for (size_t o = 0; r->keys[k].len >= GRAM && o + GRAM <= r->keys[k].len; o++)
			add_gram(r, k, o);
	return r;
}

void redactor_free(struct redactor *r)
{
	if (!r)
		return;
	for (int k = 0; k < r->nkeys; k++) {
		memset(r->keys[k].text, 0, r->keys[k].len);
		free(r->keys[k].text);
	}
	free(r->table);
	free(r);
}

static int hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The character text[i] stands for once JSON and percent escapes are
 * undone, and how many bytes it takes (*n). A character no key holds
 * (beyond ASCII) reads as 0. */
static unsigned char decode(const char *text, size_t len, size_t i, size_t *n)
{
	char c = text[i];
	*n = 1;
	if (c == '\\' && i + 1 < len) {
		char e = text[i + 1];
		*n = 2;
		if (e == 'u' && i + 5 < len) {
			int v = 0;
			for (int k = 2; k < 6; k++) {
				int d = hex(text[i + k]);
				if (d < 0)
					return 0;
				v = v * 16 + d;
			}
			*n = 6;
			return v < 0x80 ? (unsigned char)v : 0;
		}
		return e == '/' || e == '\\' || e == '"' ? (unsigned char)e : 0;
	}
	if (c == '%' && i + 2 < len && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
		*n = 3;
		return (unsigned char)(hex(text[i + 1]) * 16 + hex(text[i + 2]));
	}
	return (unsigned char)c;
}

/* How far from source offset i the decoded text goes on matching key[k..]:
 * the source offset just past the last matching character. */
static size_t extend(const char *text, size_t len, size_t i, const struct key *key, size_t k)
{
	size_t n;
	while (i < len && k < key->len && decode(text, len, i, &n) == (unsigned char)key->text[k]) {
		i += n;
		k++;
	}
	return i;
}

/* A whole short key at source offset i: the offset past it, or 0. */
static size_t short_key_at(const struct redactor *r, const char *text, size_t len, size_t i, int *which)
{
	for (int k = 0; k < r->nkeys; k++) {
		if (r->keys[k].len >= GRAM)
			continue;
		size_t end = extend(text, len, i, &r->keys[k], 0);
		size_t n, count = 0;
		for (size_t p = i; p < end; p += n, count++)
			decode(text, len, p, &n);
		if (count == r->keys[k].len) {
			*which = k;
			return end;
		}
	}
	return 0;
}

char *redact_text(const struct redactor *r, const char *text, size_t *len, size_t *runs)
{
	struct buf out = {0};
	*runs = 0;
	size_t copied = 0, n = *len, i = 0;
	unsigned char ring[GRAM];
	size_t starts[GRAM];
	int filled = 0, head = 0; /* the oldest character is ring[head] once filled */
	uint64_t h = 0;
	if (!r->nkeys)
		return NULL;
	while (i < n) {
		size_t step, span_start = 0, span_end = 0;
		int which = -1;
		if (r->short_keys && (span_end = short_key_at(r, text, n, i, &which)) != 0)
			span_start = i;
		unsigned char c = decode(text, n, i, &step);
		if (which < 0) {
			if (filled == GRAM) {
				h = (h - r->top * ring[head]) * BASE + c;
				ring[head] = c;
				starts[head] = i;
				head = (head + 1) % GRAM;
			} else {
				h = h * BASE + c;
				ring[filled] = c;
				starts[filled++] = i;
			}
			i += step;
			if (filled < GRAM)
				continue;
			for (size_t s = (size_t)h & r->mask; r->table[s].key; s = (s + 1) & r->mask) {
				const struct gram *g = &r->table[s];
				const struct key *key = &r->keys[g->key - 1];
				if (g->hash != h)
					continue;
				int same = 1;
				for (int k = 0; k < GRAM && same; k++)
					same = ring[(head + k) % GRAM] == (unsigned char)key->text[g->offset + k];
				if (!same)
					continue;
				which = g->key - 1;
				span_start = starts[head];
				span_end = extend(text, n, i, key, g->offset + GRAM);
				break;
			}
			if (which < 0)
				continue;
		}
		buf_append(&out, text + copied, span_start - copied);
		buf_puts(&out, r->keys[which].print);
		(*runs)++;
		copied = i = span_end;
		filled = head = 0;
		h = 0;
	}
	if (!out.data)
		return NULL;
	buf_append(&out, text + copied, n - copied);
	*len = out.len;
	return buf_detach(&out);
}

size_t redact_buf(const struct redactor *r, struct buf *b)
{
	size_t len = b->len, runs = 0;
	char *done = b->data ? redact_text(r, b->data, &len, &runs) : NULL;
	if (!done)
		return 0;
	memset(b->data, 0, b->len); /* the key was in there */
	buf_reset(b);
	buf_append(b, done, len);
	free(done);
	return runs;
}

char *redact_string(const struct redactor *r, char *s)
{
	size_t len = strlen(s), runs;
	char *done = redact_text(r, s, &len, &runs);
	if (!done)
		return s;
	free(s);
	return done;
}
