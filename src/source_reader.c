#include "source_reader.h"

#include "error.h"
#include "json_arena.h"
#include "xalloc.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!strchr(" \t\r\n", s[i]))
			return 0;
	return 1;
}

/* Delivers a parsed value: the elements of a top-level array, or itself. */
static int deliver(const struct source_callbacks *cb, void *ctx, const json_t *value, size_t line, const char *text,
                   size_t len)
{
	if (!json_is_array(value))
		return cb->document(ctx, value, line, text, len);
	size_t i;
	const json_t *element;
	json_array_foreach (value, i, element) {
		int rc = cb->document(ctx, element, line, NULL, 0);
		if (rc)
			return rc;
	}
	return 0;
}

/* Parses one line of JSON Lines. */
static int parse_line(const struct source_callbacks *cb, void *ctx, const char *text, size_t len, size_t line)
{
	json_error_t err;
	if (is_blank(text, len))
		return 0;
	json_t *value = json_loadb(text, len, JSON_ALLOW_NUL | JSON_DECODE_ANY, &err);
	if (!value) {
		cb->malformed(ctx, line, err.text);
		return 0;
	}
	int rc = deliver(cb, ctx, value, line, text, len);
	json_decref(value);
	return rc;
}

/* Whether a line holds a complete JSON object by itself: the mark of JSON
 * Lines, never of a pretty-printed document. */
static int line_is_object(const char *text, size_t len)
{
	while (len && strchr(" \t\r\n", *text)) {
		text++;
		len--;
	}
	if (!len || *text != '{')
		return 0;
	json_t *value = json_loadb(text, len, JSON_ALLOW_NUL | JSON_DECODE_ANY, NULL);
	json_decref(value);
	return value != NULL;
}

/* Steps *p over one line of [*p, end): returns its length without the
 * newline, and leaves *p at the next line. */
static size_t next_line(const char **p, const char *end)
{
	const char *nl = memchr(*p, '\n', (size_t)(end - *p));
	size_t len = nl ? (size_t)(nl - *p) : (size_t)(end - *p);
	*p += len + (nl != NULL);
	return len;
}

/* The whole buffered rest of a file, starting at first_line: one document,
 * or JSON Lines after all when it is not one document but its lines are. */
static int parse_buffered(const struct source_callbacks *cb, void *ctx, const char *path, struct buf *b,
                          size_t first_line)
{
	json_error_t err;
	json_t *value = json_loadb(b->data, b->len, JSON_ALLOW_NUL | JSON_DECODE_ANY, &err);
	if (value) {
		int rc = deliver(cb, ctx, value, first_line, b->data, b->len);
		json_decref(value);
		return rc;
	}
	/* Is this JSON Lines whose first line was bad? */
	int objects = 0;
	const char *end = b->data + b->len;
	for (const char *p = b->data; p < end;) {
		const char *line = p;
		objects += line_is_object(line, next_line(&p, end));
	}
	if (objects > 0 || str_ends_with(path, ".jsonl") || str_ends_with(path, ".ndjson")) {
		size_t number = first_line;
		for (const char *p = b->data; p < end; number++) {
			const char *line = p;
			int rc = parse_line(cb, ctx, line, next_line(&p, end), number);
			if (rc)
				return rc;
		}
		return 0;
	}
	cb->malformed(ctx, first_line + (err.line > 0 ? (size_t)err.line - 1 : 0), err.text);
	return 0;
}

/* JSON Lines are parsed on a second thread while the caller's thread
 * decodes and stores, in file order: parsing is most of an import's work,
 * and this way it overlaps the rest. The queue is bounded, so memory stays
 * flat whatever the file's size. Each line and its document live in an
 * arena (json_arena.h), reset and reused by the reader once delivered. */
#define QUEUE 16

struct parsed {
	json_t *doc; /* NULL when the line is malformed (then why is set) */
	char *text;  /* the line, in the arena */
	size_t len, line;
	struct json_arena *arena;
	char why[JSON_ERROR_TEXT_LENGTH];
};

struct pipeline {
	FILE *f;
	size_t line; /* lines read so far */
	struct parsed slot[QUEUE];
	size_t head, count;
	struct parsed used[QUEUE]; /* delivered, for the reader to reuse their arenas */
	size_t used_count;
	int done, stop, read_errno;
	pthread_mutex_t lock;
	pthread_cond_t filled, emptied;
};

/* The reader's spare arenas: delivered items come back here. */
struct pool {
	struct json_arena *arena[2 * QUEUE + 1];
	size_t count;
};

static void recycle(struct pool *pool, struct parsed *item)
{
	if (!item->arena)
		return;
	json_arena_reset(item->arena);
	if (pool->count < sizeof pool->arena / sizeof *pool->arena)
		pool->arena[pool->count++] = item->arena;
	else
		json_arena_free(item->arena);
	item->arena = NULL;
}

static void *parse_lines(void *arg)
{
	struct pipeline *p = arg;
	struct pool pool = {.count = 0};
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	while ((len = getline(&line, &cap, p->f)) >= 0) {
		struct parsed item = {.line = ++p->line};
		if (is_blank(line, (size_t)len))
			continue;
		item.arena = pool.count ? pool.arena[--pool.count] : json_arena_new();
		json_error_t err;
		json_arena_use(item.arena);
		item.doc = json_loadb(line, (size_t)len, JSON_ALLOW_NUL | JSON_DECODE_ANY, &err);
		json_arena_use(NULL);
		if (!item.doc)
			snprintf(item.why, sizeof item.why, "%s", err.text);
		/* Exactly len bytes: a line may hold a NUL byte, where xstrndup would stop. */
		item.text = json_arena_alloc(item.arena, (size_t)len + 1);
		memcpy(item.text, line, (size_t)len);
		item.text[len] = '\0';
		item.len = (size_t)len;
		pthread_mutex_lock(&p->lock);
		while (p->count == QUEUE && !p->stop)
			pthread_cond_wait(&p->emptied, &p->lock);
		struct parsed used[QUEUE];
		size_t used_count = p->used_count;
		memcpy(used, p->used, used_count * sizeof *used);
		p->used_count = 0;
		if (p->stop) {
			pthread_mutex_unlock(&p->lock);
			recycle(&pool, &item);
			for (size_t i = 0; i < used_count; i++)
				recycle(&pool, &used[i]);
			break;
		}
		p->slot[(p->head + p->count++) % QUEUE] = item;
		pthread_cond_signal(&p->filled);
		pthread_mutex_unlock(&p->lock);
		for (size_t i = 0; i < used_count; i++)
			recycle(&pool, &used[i]);
	}
	while (pool.count)
		json_arena_free(pool.arena[--pool.count]);
	pthread_mutex_lock(&p->lock);
	p->read_errno = ferror(p->f) ? errno : 0;
	p->done = 1;
	pthread_cond_signal(&p->filled);
	pthread_mutex_unlock(&p->lock);
	free(line);
	return NULL;
}

/* Delivers the rest of a JSON Lines file, parsed by a second thread. */
static int read_lines_in_parallel(FILE *f, size_t line, const char *path, const struct source_callbacks *cb, void *ctx)
{
	struct pipeline p = {.f = f, .line = line};
	pthread_t reader;
	int rc = 0;
	pthread_mutex_init(&p.lock, NULL);
	pthread_cond_init(&p.filled, NULL);
	pthread_cond_init(&p.emptied, NULL);
	if (pthread_create(&reader, NULL, parse_lines, &p)) {
		rc = error_set("cannot read %s: cannot start a thread", path);
		goto done;
	}
	for (;;) {
		pthread_mutex_lock(&p.lock);
		while (p.count == 0 && !p.done)
			pthread_cond_wait(&p.filled, &p.lock);
		if (p.count == 0) {
			pthread_mutex_unlock(&p.lock);
			break;
		}
		struct parsed item = p.slot[p.head];
		p.head = (p.head + 1) % QUEUE;
		p.count--;
		pthread_cond_signal(&p.emptied);
		pthread_mutex_unlock(&p.lock);
		if (!rc) {
			if (item.doc)
				rc = deliver(cb, ctx, item.doc, item.line, item.text, item.len);
			else
				cb->malformed(ctx, item.line, item.why);
		}
		pthread_mutex_lock(&p.lock);
		if (p.used_count < QUEUE && !p.done) {
			p.used[p.used_count++] = item;
			item.arena = NULL;
		}
		pthread_mutex_unlock(&p.lock);
		json_arena_free(item.arena);
		if (rc) { /* the caller stopped: let the reader go */
			pthread_mutex_lock(&p.lock);
			p.stop = 1;
			pthread_cond_signal(&p.emptied);
			pthread_mutex_unlock(&p.lock);
		}
	}
	pthread_join(reader, NULL);
	for (size_t i = 0; i < p.used_count; i++) /* what the reader left */
		json_arena_free(p.used[i].arena);
	if (!rc && p.read_errno)
		rc = error_set("cannot read %s: %s", path, strerror(p.read_errno));
done:
	pthread_mutex_destroy(&p.lock);
	pthread_cond_destroy(&p.filled);
	pthread_cond_destroy(&p.emptied);
	return rc;
}

int source_read(const char *path, const struct source_callbacks *cb, void *ctx)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	char *line = NULL;
	size_t cap = 0, number = 0, first_line = 0;
	ssize_t len;
	struct buf rest = {0};
	int buffered = 0, rc = 0;

	if (!f)
		return error_set("cannot open %s: %s", path, strerror(errno));
	/* The first line that is not blank decides: a complete object on one
	 * line means JSON Lines; anything else, one document to buffer. */
	while ((len = getline(&line, &cap, f)) >= 0) {
		number++;
		if (is_blank(line, (size_t)len))
			continue;
		first_line = number;
		if (line_is_object(line, (size_t)len)) {
			rc = parse_line(cb, ctx, line, (size_t)len, number);
			if (!rc)
				rc = read_lines_in_parallel(f, number, path, cb, ctx);
			goto done;
		}
		buffered = 1;
		buf_append(&rest, line, (size_t)len);
		break;
	}
	while (buffered && (len = getline(&line, &cap, f)) >= 0)
		buf_append(&rest, line, (size_t)len);
	if (ferror(f))
		rc = error_set("cannot read %s: %s", path, strerror(errno));
	else if (buffered)
		rc = parse_buffered(cb, ctx, path, &rest, first_line);
done:
	free(line);
	buf_free(&rest);
	if (f != stdin)
		fclose(f);
	return rc;
}
