#include "source_reader.h"

#include "error.h"
#include "json_arena.h"
#include "xalloc.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* The object a line holds, when it holds a complete JSON object by itself:
 * the mark of JSON Lines, never of a pretty-printed document. Else NULL. */
static json_t *line_object(const char *text, size_t len)
{
	size_t skip = 0;
	while (skip < len && strchr(" \t\r\n", text[skip]))
		skip++;
	if (skip == len || text[skip] != '{')
		return NULL;
	return json_loadb(text, len, JSON_ALLOW_NUL | JSON_DECODE_ANY, NULL);
}

static int line_is_object(const char *text, size_t len)
{
	json_t *value = line_object(text, len);
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

/* JSON Lines are parsed by worker threads while the caller's thread decodes
 * and stores: parsing is most of an import's work, and this way it overlaps
 * the rest and uses every core. Workers take lines in turn (one reads at a
 * time, any number parse) and the caller receives them in file order;
 * while the line it needs next is still being parsed, the caller parses a
 * later one, so on two cores neither thread idles whichever is slower.
 * At most QUEUE lines are in flight, so memory stays flat whatever the
 * file's size. Each line and its document live in an arena (json_arena.h),
 * reset and reused once delivered. */
#define QUEUE       16
#define MAX_WORKERS 4

struct parsed {
	json_t *doc; /* NULL when the line is malformed (then why is set) */
	char *text;  /* the line, in the arena */
	size_t len, line;
	struct json_arena *arena;
	int ready;
	char why[JSON_ERROR_TEXT_LENGTH];
};

struct pipeline {
	FILE *f;
	size_t line;                         /* lines read so far */
	size_t next, deliver;                /* sequence numbers: the next line to read, to deliver */
	struct parsed slot[QUEUE];           /* line number n of the sequence is in slot[n % QUEUE] */
	struct json_arena *spare[QUEUE + 1]; /* delivered lines' arenas, for reuse */
	size_t spare_count;
	int workers, eof, stop, read_errno;
	int reading; /* a thread is reading the next line (one at a time) */
	pthread_mutex_t lock;
	pthread_cond_t filled, emptied; /* the next line to deliver is ready; a line may be taken */
};

static int parsers; /* source_read_set_parsers */

void source_read_set_parsers(int n)
{
	parsers = n < 0 ? 0 : n > MAX_WORKERS ? MAX_WORKERS : n;
}

/* Parses one line into item, in its arena; runs without the lock. */
static void parse_into(struct parsed *item, const char *line, size_t len)
{
	json_error_t err;
	json_arena_use(item->arena);
	item->doc = json_loadb(line, len, JSON_ALLOW_NUL | JSON_DECODE_ANY, &err);
	json_arena_use(NULL);
	if (!item->doc)
		snprintf(item->why, sizeof item->why, "%s", err.text);
	/* Exactly len bytes: a line may hold a NUL byte, where xstrndup would stop. */
	item->text = json_arena_alloc(item->arena, len + 1);
	memcpy(item->text, line, len);
	item->text[len] = '\0';
	item->len = len;
}

/* Takes the next line and parses it into its slot, when one may be taken:
 * 1, or 0 at the end of the file, when stopped, while another thread is
 * reading, or when QUEUE lines are already in flight. Called and returns
 * with the lock held; reads and parses without it, so the caller's thread
 * can take what is parsed while a worker waits on a slow pipe. */
static int parse_next(struct pipeline *p, char **line, size_t *cap)
{
	ssize_t len;
	size_t number;
	do {
		if (p->stop || p->eof || p->reading || p->next - p->deliver >= QUEUE)
			return 0;
		p->reading = 1;
		pthread_mutex_unlock(&p->lock);
		len = getline(line, cap, p->f);
		int read_errno = len < 0 && ferror(p->f) ? errno : 0;
		pthread_mutex_lock(&p->lock);
		p->reading = 0;
		pthread_cond_signal(&p->emptied); /* a waiting worker may read the next one */
		if (len < 0) {
			p->read_errno = read_errno;
			p->eof = 1;
			pthread_cond_broadcast(&p->emptied); /* waiting workers: nothing is left */
			return 0;
		}
		number = ++p->line;
	} while (is_blank(*line, (size_t)len));
	size_t seq = p->next++;
	struct json_arena *arena = p->spare_count ? p->spare[--p->spare_count] : NULL;
	pthread_mutex_unlock(&p->lock);

	struct parsed item = {.line = number, .arena = arena ? arena : json_arena_new(), .ready = 1};
	parse_into(&item, *line, (size_t)len);

	pthread_mutex_lock(&p->lock);
	p->slot[seq % QUEUE] = item;
	if (seq == p->deliver)
		pthread_cond_signal(&p->filled);
	return 1;
}

static void *parse_lines(void *arg)
{
	struct pipeline *p = arg;
	char *line = NULL;
	size_t cap = 0;
	pthread_mutex_lock(&p->lock);
	while (!p->stop && !p->eof)
		if (!parse_next(p, &line, &cap) && !p->stop && !p->eof)
			pthread_cond_wait(&p->emptied, &p->lock);
	if (--p->workers == 0)
		pthread_cond_signal(&p->filled);
	pthread_mutex_unlock(&p->lock);
	free(line);
	return NULL;
}

/* Delivers the rest of a JSON Lines file, parsed by worker threads. */
static int read_lines_in_parallel(FILE *f, size_t line, const char *path, const struct source_callbacks *cb, void *ctx)
{
	struct pipeline p = {.f = f, .line = line};
	pthread_t worker[MAX_WORKERS];
	/* The caller's core stores (and parses while it waits); the others parse. */
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	int wanted = parsers ? parsers : cores < 2 ? 1 : cores > MAX_WORKERS ? MAX_WORKERS : (int)cores - 1;
	int started = 0, rc = 0;
	char *line_buf = NULL;
	size_t line_cap = 0;
	pthread_mutex_init(&p.lock, NULL);
	pthread_cond_init(&p.filled, NULL);
	pthread_cond_init(&p.emptied, NULL);
	pthread_mutex_lock(&p.lock);
	while (started < wanted && !pthread_create(&worker[started], NULL, parse_lines, &p))
		p.workers = ++started;
	pthread_mutex_unlock(&p.lock);
	if (!started)
		rc = error_set("cannot read %s: cannot start a thread", path);

	pthread_mutex_lock(&p.lock);
	while (started) {
		struct parsed *slot = &p.slot[p.deliver % QUEUE];
		/* Waiting for the next line? Parse a later one meanwhile. */
		while (!slot->ready && p.workers)
			if (!parse_next(&p, &line_buf, &line_cap))
				pthread_cond_wait(&p.filled, &p.lock);
		if (!slot->ready) /* every worker is done, and every line delivered */
			break;
		struct parsed item = *slot;
		slot->ready = 0;
		p.deliver++;
		pthread_cond_broadcast(&p.emptied);
		pthread_mutex_unlock(&p.lock);

		if (!rc) {
			if (item.doc)
				rc = deliver(cb, ctx, item.doc, item.line, item.text, item.len);
			else
				cb->malformed(ctx, item.line, item.why);
		}
		json_arena_reset(item.arena);

		pthread_mutex_lock(&p.lock);
		if (p.spare_count < QUEUE + 1)
			p.spare[p.spare_count++] = item.arena;
		else
			json_arena_free(item.arena);
		if (rc && !p.stop) { /* the caller stopped: let the workers go */
			p.stop = 1;
			pthread_cond_broadcast(&p.emptied);
		}
	}
	pthread_mutex_unlock(&p.lock);
	free(line_buf);
	for (int i = 0; i < started; i++)
		pthread_join(worker[i], NULL);
	while (p.spare_count)
		json_arena_free(p.spare[--p.spare_count]);
	if (!rc && p.read_errno)
		rc = error_set("cannot read %s: %s", path, strerror(p.read_errno));
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
		json_t *first = line_object(line, (size_t)len);
		if (first) {
			rc = deliver(cb, ctx, first, number, line, (size_t)len);
			json_decref(first);
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
