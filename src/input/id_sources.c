#include "id_sources.h"

#include "csv_read.h"
#include "error.h"
#include "xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static size_t *find_slot(const struct id_set *set, const char *id)
{
	size_t mask = set->slot_cap - 1;
	for (size_t i = hash(id) & mask;; i = (i + 1) & mask) {
		size_t *slot = &set->slots[i];
		if (!*slot || !strcmp(set->ids[*slot - 1], id))
			return slot;
	}
}

static void grow(struct id_set *set)
{
	size_t cap = set->slot_cap ? set->slot_cap * 2 : 64;
	free(set->slots);
	set->slots = xcalloc(cap, sizeof *set->slots);
	set->slot_cap = cap;
	for (size_t i = 0; i < set->count; i++)
		*find_slot(set, set->ids[i]) = i + 1;
}

int id_set_contains(const struct id_set *set, const char *id)
{
	return set->slot_cap && *find_slot(set, id) != 0;
}

int id_set_add(struct id_set *set, const char *id)
{
	if ((set->count + 1) * 2 > set->slot_cap)
		grow(set);
	size_t *slot = find_slot(set, id);
	if (*slot)
		return 0;
	if (set->count == set->cap) {
		set->cap = set->cap ? set->cap * 2 : 64;
		set->ids = xrealloc(set->ids, set->cap * sizeof *set->ids);
	}
	set->ids[set->count++] = xstrdup(id);
	*slot = set->count;
	return 1;
}

void id_set_free(struct id_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->count; i++)
		free(set->ids[i]);
	free(set->ids);
	free(set->slots);
	*set = (struct id_set){0};
}

static size_t id_body_length(const char *s)
{
	size_t n = 0;
	while (isalnum((unsigned char)s[n]))
		n++;
	return n;
}

static int id_with_prefix(const char *s, const char *prefix)
{
	size_t p = strlen(prefix);
	if (strncmp(s, prefix, p))
		return 0;
	size_t n = id_body_length(s + p);
	return n >= 8 && s[p + n] == '\0';
}

int id_is_response(const char *s)
{
	return id_with_prefix(s, "resp_");
}

int id_is_conversation(const char *s)
{
	return id_with_prefix(s, "conv_");
}

void id_sources_scan_text(const char *text, size_t len, struct id_set *responses, struct id_set *conversations)
{
	for (size_t i = 0; i + 5 < len; i++) {
		int resp = !memcmp(text + i, "resp_", 5), conv = !memcmp(text + i, "conv_", 5);
		if (!resp && !conv)
			continue;
		if (i > 0 && (isalnum((unsigned char)text[i - 1]) || text[i - 1] == '_'))
			continue;
		size_t n = 0;
		while (i + 5 + n < len && isalnum((unsigned char)text[i + 5 + n]))
			n++;
		if (n >= 8 && n < 200 && (i + 5 + n == len || text[i + 5 + n] != '_')) {
			char *id = xstrndup(text + i, 5 + n);
			id_set_add(resp ? responses : conversations, id);
			free(id);
		}
		i += 4 + n;
	}
}

static int read_all(const char *path, struct buf *out)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	char chunk[65536];
	size_t n;
	if (!f)
		return error_set("cannot open %s: %s", path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_append(out, chunk, n);
	int bad = ferror(f);
	if (f != stdin)
		fclose(f);
	if (bad)
		return error_set("cannot read %s: %s", path, strerror(errno));
	if (!out->data)
		buf_puts(out, "");
	return 0;
}

int id_sources_scan(const char *path, struct id_set *responses, struct id_set *conversations)
{
	struct buf text = {0};
	if (read_all(path, &text))
		return -1;
	id_sources_scan_text(text.data, text.len, responses, conversations);
	buf_free(&text);
	return 0;
}

/* Routes one ID to its set; an error naming where it was when it is neither. */
static int add_id(const char *id, const char *path, size_t line, struct id_set *responses, struct id_set *conversations)
{
	if (id_is_response(id))
		id_set_add(responses, id);
	else if (id_is_conversation(id))
		id_set_add(conversations, id);
	else
		return error_set("%s:%zu: '%.80s' is not a resp_ or conv_ ID", path, line, id);
	return 0;
}

struct csv_ids {
	const char *path;
	struct id_set *responses, *conversations;
	int column;
};

static int csv_id(void *ctx, const struct csv_record *header, const struct csv_record *r)
{
	struct csv_ids *c = ctx;
	if (c->column < 0) {
		const char *names[] = {"response_id", "conversation_id", "id"};
		for (int i = 0; i < 3 && c->column < 0; i++)
			c->column = csv_record_find(header, names[i]);
		if (c->column < 0)
			return error_set("%s: a CSV needs a response_id, conversation_id or id column", c->path);
	}
	if ((size_t)c->column >= r->count || !r->fields[c->column][0])
		return 0;
	return add_id(r->fields[c->column], c->path, r->number, c->responses, c->conversations);
}

int id_sources_read_from(const char *path, struct id_set *responses, struct id_set *conversations)
{
	struct buf text = {0};
	int rc = 0;
	if (read_all(path, &text))
		return -1;
	const char *first = text.data + strspn(text.data, " \t\r\n");
	const char *eol = first + strcspn(first, "\r\n");
	if (*first == '{') { /* JSON Lines */
		size_t line = 1;
		for (char *p = text.data; *p && !rc; line++) {
			char *end = p + strcspn(p, "\n");
			json_t *obj = json_loadb(p, (size_t)(end - p), 0, NULL);
			const char *id = json_string_value(json_object_get(obj, "id"));
			if (!id)
				id = json_string_value(json_object_get(obj, "response_id"));
			if (obj && id)
				rc = add_id(id, path, line, responses, conversations);
			else if (strspn(p, " \t\r") != (size_t)(end - p))
				rc = error_set("%s:%zu: not a JSON object with an \"id\"", path, line);
			json_decref(obj);
			p = *end ? end + 1 : end;
		}
	} else if (memchr(first, ',', (size_t)(eol - first))) { /* CSV with a header */
		FILE *f = fmemopen(text.data, text.len, "rb");
		struct csv_ids c = {path, responses, conversations, -1};
		rc = f ? csv_read_stream(f, path, csv_id, &c) : error_set("cannot read %s", path);
		if (f)
			fclose(f);
	} else { /* one ID per line */
		size_t line = 1;
		for (char *p = text.data; *p && !rc; line++) {
			char *end = p + strcspn(p, "\n");
			char saved = *end;
			*end = '\0';
			char *id = p + strspn(p, " \t");
			id[strcspn(id, " \t\r#")] = '\0';
			if (*id)
				rc = add_id(id, path, line, responses, conversations);
			*end = saved;
			p = *end ? end + 1 : end;
		}
	}
	buf_free(&text);
	return rc;
}
