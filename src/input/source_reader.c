#include "source_reader.h"

#include "error.h"
#include "json_arena.h"
#include "json_span.h"
#include "xalloc.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Documents bigger than this are refused, read through without being held:
 * a parsed document takes about six times its size. */
#define DEFAULT_MAX_DOCUMENT ((size_t)128 << 20)
/* Lines read ahead of the one delivered, in bytes: what bounds memory when
 * lines are large (QUEUE bounds it when they are small). */
#define READ_AHEAD_BYTES ((size_t)64 << 20)
#define BLOCK            ((size_t)1 << 20)
/* A document longer than this is read in parts of about PART_BYTES of its
 * elements (source_callbacks.page), never parsed whole: a parsed document
 * takes five to six times its text, the parts about one. */
#define SPLIT_BYTES  ((size_t)16 << 20)
#define PART_BYTES   ((size_t)1 << 20)
#define PART_ITEMS   1000
#define MAX_ENVELOPE ((size_t)1 << 20) /* a list page's text besides its elements */
/* A piece that long is still parsed whole when its text outweighs its
 * values (a long string, say): at most one per this many bytes. Parsed, it
 * then takes about twice its size. */
#define BYTES_PER_VALUE 256
/* The next line has not come for this long (a silent pipe): tell the caller. */
#define IDLE_AFTER_MS 200

static size_t max_document = DEFAULT_MAX_DOCUMENT;

void source_read_set_max_document(size_t bytes)
{
	max_document = bytes ? bytes : DEFAULT_MAX_DOCUMENT;
}

/* The lines of a file, read in blocks (NUL bytes and all, unlike fgets),
 * each at most max_document long: a longer one is read through and
 * skipped, its length told. */
struct line_reader {
	FILE *f; /* read with read(2), never through stdio: a pipe's lines come as they arrive */
	char *block;
	size_t start, end; /* the buffered bytes not yet returned */
	int eof, error;    /* error: errno of a failed read */
};

static void line_reader_free(struct line_reader *lr)
{
	free(lr->block);
}

/* Refills the block, keeping [start, end); 0 when nothing more came. */
static size_t refill(struct line_reader *lr)
{
	if (lr->eof)
		return 0;
	if (!lr->block)
		lr->block = xmalloc(BLOCK);
	if (lr->start > 0) {
		memmove(lr->block, lr->block + lr->start, lr->end - lr->start);
		lr->end -= lr->start;
		lr->start = 0;
	}
	ssize_t n;
	do
		n = read(fileno(lr->f), lr->block + lr->end, BLOCK - lr->end);
	while (n < 0 && errno == EINTR);
	if (n <= 0) {
		lr->eof = 1;
		lr->error = n < 0 ? errno : 0;
		return 0;
	}
	lr->end += (size_t)n;
	return (size_t)n;
}

/* The next line, newline included, into *line (grown as needed, NUL-
 * terminated): its length; -1 at the end of the file; -2 when it is longer
 * than max_document (skipped whole; *skipped is its length). */
static ssize_t line_reader_next(struct line_reader *lr, char **line, size_t *cap, size_t *skipped)
{
	size_t len = 0;
	int over = 0;
	for (;;) {
		char *nl = lr->end > lr->start ? memchr(lr->block + lr->start, '\n', lr->end - lr->start) : NULL;
		size_t take = nl ? (size_t)(nl - (lr->block + lr->start)) + 1 : lr->end - lr->start;
		if (!over && len + take > max_document)
			over = 1;
		if (!over) {
			if (len + take + 1 > *cap) {
				*cap = (len + take + 1) * 2;
				*line = xrealloc(*line, *cap);
			}
			if (take) /* block is NULL until the first read */
				memcpy(*line + len, lr->block + lr->start, take);
		}
		len += take;
		lr->start += take;
		if (nl || (!refill(lr) && lr->end == lr->start))
			break;
	}
	if (over) {
		*skipped = len;
		return -2;
	}
	if (len == 0)
		return -1;
	(*line)[len] = '\0';
	return (ssize_t)len;
}

/* A whole line is buffered: line_reader_next returns it without reading. */
static int line_reader_has_line(const struct line_reader *lr)
{
	return lr->end > lr->start && memchr(lr->block + lr->start, '\n', lr->end - lr->start);
}

/* Reports a document that is not valid JSON, saying so. */
static void malformed(const struct source_callbacks *cb, void *ctx, size_t line, const char *why)
{
	char text[JSON_ERROR_TEXT_LENGTH + 32];
	snprintf(text, sizeof text, "malformed JSON: %s", why);
	cb->malformed(ctx, line, text);
}

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

static int parse_line(const struct source_callbacks *cb, void *ctx, const char *text, size_t len, size_t line,
                      int whole);

static int page_event(const struct source_callbacks *cb, void *ctx, enum source_page event)
{
	return cb->page ? cb->page(ctx, event) : 0;
}

/* One part of a long document, parsed from text and delivered: an element
 * of an array, or a list page's envelope around count of its elements.
 * 0 when delivered (*stop is the callback's result), 1 when the part is bad
 * (why says why). */
static int deliver_part(const struct source_callbacks *cb, void *ctx, const char *text, size_t len, size_t line,
                        size_t count, int is_array, char why[JSON_ERROR_TEXT_LENGTH + 64], int *stop)
{
	json_error_t err;
	if (len > SPLIT_BYTES && json_span_values(text, len) > len / BYTES_PER_VALUE) {
		snprintf(why, JSON_ERROR_TEXT_LENGTH + 64,
		         "an element of %zu bytes is too long to parse whole (over %zu MiB and a value per %d bytes): "
		         "skipped",
		         len, SPLIT_BYTES >> 20, BYTES_PER_VALUE);
		return 1;
	}
	json_t *doc = json_loadb(text, len, JSON_ALLOW_NUL | JSON_DECODE_ANY, &err);
	if (!doc) {
		snprintf(why, JSON_ERROR_TEXT_LENGTH + 64, "malformed JSON: %s", err.text);
		return 1;
	}
	const json_t *data = is_array ? NULL : json_object_get(doc, "data");
	if (!is_array && (!json_is_array(data) || json_array_size(data) != count)) {
		/* jansson saw another "data" than the one split: a duplicate key */
		snprintf(why, JSON_ERROR_TEXT_LENGTH + 64, "malformed JSON: a list page whose \"data\" is ambiguous");
		json_decref(doc);
		return 1;
	}
	*stop = cb->document(ctx, doc, line, text, len);
	json_decref(doc);
	return 0;
}

/* Delivers a document longer than SPLIT_BYTES in parts, between page
 * events, or refuses it. 0, or a callback's nonzero result. */
static int deliver_long(const struct source_callbacks *cb, void *ctx, const char *text, size_t len, size_t line)
{
	struct json_split sp;
	char why[JSON_ERROR_TEXT_LENGTH + 64];
	if (json_split_begin(&sp, text, len) || (!sp.is_array && sp.open + 1 + (len - sp.close) > MAX_ENVELOPE)) {
		size_t values = json_span_values(text, len);
		if (values <= len / BYTES_PER_VALUE) /* mostly strings: parsed whole, about twice its size */
			return parse_line(cb, ctx, text, len, line, 1);
		snprintf(why, sizeof why,
		         "a document of %zu bytes and %zu values is too long to parse whole (over %zu MiB and a value "
		         "per %d bytes) and is not a list page or an array, which are read in parts: skipped",
		         len, values, SPLIT_BYTES >> 20, BYTES_PER_VALUE);
		cb->malformed(ctx, line, why);
		return 0;
	}
	int stop = page_event(cb, ctx, SOURCE_PAGE_BEGIN), bad = 0, more = 1, parts = 0;
	struct buf part = {0};
	struct json_span element;
	while (!stop && !bad && (more || !parts)) {
		size_t count = 0;
		part.len = 0;
		if (!sp.is_array)
			buf_append(&part, text, sp.open + 1); /* the envelope up to '[' */
		while (count < (sp.is_array ? 1 : PART_ITEMS) && part.len < PART_BYTES &&
		       (more = json_split_next(&sp, &element)) == 1) {
			if (count++)
				buf_putc(&part, ',');
			buf_append(&part, element.start, element.len);
		}
		if (more < 0) {
			snprintf(why, sizeof why,
			         "malformed JSON: the elements of a long list are not separated by commas");
			bad = 1;
			break;
		}
		if (sp.is_array && !count)
			break; /* an array's parts are its elements: none left */
		if (!sp.is_array)
			buf_append(&part, text + sp.close, len - sp.close); /* ']' and the rest */
		parts++;
		bad = deliver_part(cb, ctx, part.data, part.len, line, count, sp.is_array, why, &stop);
	}
	buf_free(&part);
	if (stop)
		return stop;
	if (bad) {
		stop = page_event(cb, ctx, SOURCE_PAGE_ABANDON);
		if (!stop)
			cb->malformed(ctx, line, why);
		return stop;
	}
	return page_event(cb, ctx, SOURCE_PAGE_END);
}

/* Parses one line of JSON Lines: whole, or in parts when it is long and
 * not whole. */
static int parse_line(const struct source_callbacks *cb, void *ctx, const char *text, size_t len, size_t line,
                      int whole)
{
	json_error_t err;
	if (is_blank(text, len))
		return 0;
	if (len > SPLIT_BYTES && !whole)
		return deliver_long(cb, ctx, text, len, line);
	json_t *value = json_loadb(text, len, JSON_ALLOW_NUL | JSON_DECODE_ANY, &err);
	if (!value) {
		malformed(cb, ctx, line, err.text);
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
	if (len > SPLIT_BYTES) { /* never parsed whole: by its look */
		struct json_span t = json_span_trim(text, len);
		return t.len && t.start[0] == '{';
	}
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
	json_error_t err = {0};
	if (b->len > SPLIT_BYTES) {
		struct json_split split;
		if (!json_split_begin(&split, b->data, b->len))
			return deliver_long(cb, ctx, b->data, b->len, first_line);
	} else {
		json_t *value = json_loadb(b->data, b->len, JSON_ALLOW_NUL | JSON_DECODE_ANY, &err);
		if (value) {
			int rc = deliver(cb, ctx, value, first_line, b->data, b->len);
			json_decref(value);
			return rc;
		}
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
			int rc = parse_line(cb, ctx, line, next_line(&p, end), number, 0);
			if (rc)
				return rc;
		}
		return 0;
	}
	if (b->len > SPLIT_BYTES)
		return deliver_long(cb, ctx, b->data, b->len, first_line); /* refused, saying why */
	malformed(cb, ctx, first_line + (err.line > 0 ? (size_t)err.line - 1 : 0), err.text);
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
	json_t *doc;   /* NULL when the line is malformed or too long (then why is set), or long */
	char *text;    /* the line, in the arena; a long line's own buffer (freed once delivered) */
	int long_line; /* longer than SPLIT_BYTES: not parsed, delivered in parts */
	size_t len, line;
	struct json_arena *arena;
	int ready;
	char why[JSON_ERROR_TEXT_LENGTH + 64];
};

struct pipeline {
	struct line_reader *reader;
	size_t line;                         /* lines read so far */
	size_t ahead_bytes;                  /* bytes of the lines read and not yet delivered */
	size_t next, deliver;                /* sequence numbers: the next line to read, to deliver */
	struct parsed slot[QUEUE];           /* line number n of the sequence is in slot[n % QUEUE] */
	struct json_arena *spare[QUEUE + 1]; /* delivered lines' arenas, for reuse */
	size_t spare_count;
	int workers, eof, stop, read_errno;
	const struct source_callbacks *cb; /* for lines too long to keep: reported by the caller */
	int reading;                       /* a thread is reading the next line (one at a time) */
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
		snprintf(item->why, sizeof item->why, "malformed JSON: %.150s", err.text);
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
 * can take what is parsed while a worker waits on a slow pipe. Unless
 * may_block, only a line already buffered is taken. */
static int parse_next(struct pipeline *p, char **line, size_t *cap, int may_block)
{
	ssize_t len;
	size_t number, skipped = 0;
	do {
		if (p->stop || p->eof || p->reading || p->next - p->deliver >= QUEUE ||
		    (p->ahead_bytes >= READ_AHEAD_BYTES && p->next > p->deliver))
			return 0;
		if (!may_block && !line_reader_has_line(p->reader))
			return 0; /* the next read might wait on a silent pipe: a worker's job */
		p->reading = 1;
		pthread_mutex_unlock(&p->lock);
		len = line_reader_next(p->reader, line, cap, &skipped);
		pthread_mutex_lock(&p->lock);
		p->reading = 0;
		pthread_cond_signal(&p->emptied); /* a waiting worker may read the next one */
		if (len == -1) {
			p->read_errno = p->reader->error;
			p->eof = 1;
			pthread_cond_broadcast(&p->emptied); /* waiting workers: nothing is left */
			return 0;
		}
		number = ++p->line;
	} while (len >= 0 && is_blank(*line, (size_t)len));
	size_t seq = p->next++;
	struct json_arena *arena = p->spare_count ? p->spare[--p->spare_count] : NULL;
	p->ahead_bytes += len > 0 ? (size_t)len : 0;
	pthread_mutex_unlock(&p->lock);

	struct parsed item = {.line = number, .arena = arena ? arena : json_arena_new(), .ready = 1};
	if (len > (ssize_t)SPLIT_BYTES) {
		/* The caller parses it in parts; the line buffer goes with it. */
		item.long_line = 1;
		item.text = *line;
		item.len = (size_t)len;
		*line = NULL;
		*cap = 0;
	} else if (len == -2) {
		item.text = json_arena_alloc(item.arena, 1);
		item.text[0] = '\0';
		snprintf(item.why, sizeof item.why,
		         "a line of %zu bytes is larger than the %zu MiB a document may be "
		         "(CNTRAUDIT_MAX_DOCUMENT_MB): skipped",
		         skipped, max_document >> 20);
	} else {
		parse_into(&item, *line, (size_t)len);
	}

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
		if (!parse_next(p, &line, &cap, 1) && !p->stop && !p->eof)
			pthread_cond_wait(&p->emptied, &p->lock);
	if (--p->workers == 0)
		pthread_cond_signal(&p->filled);
	pthread_mutex_unlock(&p->lock);
	free(line);
	return NULL;
}

/* Delivers the rest of a JSON Lines file, parsed by worker threads (or by
 * the caller alone when no thread can start). */
/* The caller's side of the pipeline: it delivers lines in file order and
 * parses while it waits. */
struct caller {
	struct pipeline *p;
	const struct source_callbacks *cb;
	void *ctx;
	char *line_buf;
	size_t line_cap;
	int alone; /* no worker could start: the caller reads and parses every line */
	int idled; /* the caller was told the input is silent, and nothing came since */
	int rc;    /* a callback's nonzero result: the rest is read through, not delivered */
};

/* Stops the workers (with the lock held). */
static void stop_workers(struct pipeline *p)
{
	if (!p->stop) {
		p->stop = 1;
		pthread_cond_broadcast(&p->emptied);
	}
}

/* Waits (with the lock held) for slot to be filled, up to IDLE_AFTER_MS the
 * first time, then tells the caller's idle callback the input is silent. */
static void wait_for_slot(struct caller *c, const struct parsed *slot)
{
	struct pipeline *p = c->p;
	if (!c->cb->idle || c->idled || c->rc) {
		pthread_cond_wait(&p->filled, &p->lock);
		return;
	}
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_nsec += IDLE_AFTER_MS * 1000000L;
	until.tv_sec += until.tv_nsec / 1000000000L;
	until.tv_nsec %= 1000000000L;
	if (pthread_cond_timedwait(&p->filled, &p->lock, &until) != ETIMEDOUT || slot->ready)
		return;
	c->idled = 1;
	pthread_mutex_unlock(&p->lock);
	c->rc = c->cb->idle(c->ctx);
	pthread_mutex_lock(&p->lock);
	if (c->rc) /* the caller failed while idle: let the workers go */
		stop_workers(p);
}

/* The next line to deliver (with the lock held), parsing later ones while
 * it is not ready; NULL when every worker is done and every line delivered. */
static struct parsed *next_slot(struct caller *c)
{
	struct pipeline *p = c->p;
	struct parsed *slot = &p->slot[p->deliver % QUEUE];
	while (!slot->ready && (p->workers || c->alone))
		if (!parse_next(p, &c->line_buf, &c->line_cap, !c->cb->idle || c->alone)) {
			if (c->alone && !slot->ready)
				break; /* alone, and at the end */
			if (!slot->ready)
				wait_for_slot(c, slot);
		}
	return slot->ready ? slot : NULL;
}

/* Delivers item (without the lock) unless the caller has stopped. */
static void deliver_item(struct caller *c, struct parsed *item)
{
	if (!c->rc) {
		if (item->long_line)
			c->rc = deliver_long(c->cb, c->ctx, item->text, item->len, item->line);
		else if (item->doc)
			c->rc = deliver(c->cb, c->ctx, item->doc, item->line, item->text, item->len);
		else
			c->cb->malformed(c->ctx, item->line, item->why);
	}
	if (item->long_line)
		free(item->text);
	json_arena_reset(item->arena);
}

/* Delivers the rest of a JSON Lines file, parsed by worker threads (or by
 * the caller alone when no thread can start). */
static int read_lines_in_parallel(struct line_reader *reader, size_t line, const char *path,
                                  const struct source_callbacks *cb, void *ctx)
{
	struct pipeline p = {.reader = reader, .line = line};
	struct caller c = {.p = &p, .cb = cb, .ctx = ctx};
	pthread_t worker[MAX_WORKERS];
	/* The caller's core stores (and parses while it waits); the others parse. */
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	int wanted = parsers ? parsers : cores < 2 ? 1 : cores > MAX_WORKERS ? MAX_WORKERS : (int)cores - 1;
	int started = 0;
	pthread_mutex_init(&p.lock, NULL);
	pthread_cond_init(&p.filled, NULL);
	pthread_cond_init(&p.emptied, NULL);
	pthread_mutex_lock(&p.lock);
	while (started < wanted && !pthread_create(&worker[started], NULL, parse_lines, &p))
		p.workers = ++started;
	c.alone = started == 0;
	for (struct parsed *slot; (slot = next_slot(&c));) {
		struct parsed item = *slot;
		slot->ready = 0;
		c.idled = 0;
		p.deliver++;
		p.ahead_bytes -= item.len;
		pthread_cond_broadcast(&p.emptied);
		pthread_mutex_unlock(&p.lock);
		deliver_item(&c, &item);
		pthread_mutex_lock(&p.lock);
		if (p.spare_count < QUEUE + 1)
			p.spare[p.spare_count++] = item.arena;
		else
			json_arena_free(item.arena);
		if (c.rc) /* the caller stopped: let the workers go */
			stop_workers(&p);
	}
	pthread_mutex_unlock(&p.lock);
	free(c.line_buf);
	for (int i = 0; i < started; i++)
		pthread_join(worker[i], NULL);
	while (p.spare_count)
		json_arena_free(p.spare[--p.spare_count]);
	if (!c.rc && p.read_errno)
		c.rc = error_set("cannot read %s: %s", path, strerror(p.read_errno));
	pthread_mutex_destroy(&p.lock);
	pthread_cond_destroy(&p.filled);
	pthread_cond_destroy(&p.emptied);
	return c.rc;
}

int source_read(const char *path, const struct source_callbacks *cb, void *ctx)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	const char *name = f == stdin ? "<stdin>" : path; /* for messages */
	struct line_reader reader = {.f = f};
	char *line = NULL;
	size_t cap = 0, number = 0, first_line = 0, skipped = 0;
	ssize_t len;
	struct buf rest = {0};
	int buffered = 0, rc = 0;

	if (!f)
		return error_set("cannot open %s: %s", name, strerror(errno));
	/* The first line that is not blank decides: a complete object on one
	 * line means JSON Lines; anything else, one document to buffer. */
	while ((len = line_reader_next(&reader, &line, &cap, &skipped)) != -1) {
		number++;
		if (len == -2) { /* one line longer than a document may be: JSON Lines, refused */
			char why[160];
			snprintf(why, sizeof why,
			         "a line of %zu bytes is larger than the %zu MiB a document may be "
			         "(CNTRAUDIT_MAX_DOCUMENT_MB): skipped",
			         skipped, max_document >> 20);
			cb->malformed(ctx, number, why);
			rc = read_lines_in_parallel(&reader, number, name, cb, ctx);
			goto done;
		}
		char *text = line;
		if (number == 1 && len >= 3 && !memcmp(line, "\xEF\xBB\xBF", 3)) /* a byte-order mark */
			text += 3, len -= 3;
		if (is_blank(text, (size_t)len))
			continue;
		first_line = number;
		if ((size_t)len > SPLIT_BYTES) { /* no pretty-printed document starts with such a line */
			rc = deliver_long(cb, ctx, text, (size_t)len, number);
			if (!rc)
				rc = read_lines_in_parallel(&reader, number, name, cb, ctx);
			goto done;
		}
		json_t *first = line_object(text, (size_t)len);
		if (first) {
			rc = deliver(cb, ctx, first, number, text, (size_t)len);
			json_decref(first);
			if (!rc)
				rc = read_lines_in_parallel(&reader, number, name, cb, ctx);
			goto done;
		}
		buffered = 1;
		buf_append(&rest, text, (size_t)len);
		break;
	}
	while (buffered && rest.len <= max_document && (len = line_reader_next(&reader, &line, &cap, &skipped)) != -1)
		if (len == -2)
			rest.len = max_document + 1; /* too long already */
		else
			buf_append(&rest, line, (size_t)len);
	if (reader.error)
		rc = error_set("cannot read %s: %s", name, strerror(reader.error));
	else if (buffered && rest.len > max_document)
		rc = error_set("cannot read %s: a document larger than the %zu MiB a document may be "
		               "(CNTRAUDIT_MAX_DOCUMENT_MB)",
		               name, max_document >> 20);
	else if (buffered)
		rc = parse_buffered(cb, ctx, path, &rest, first_line);
done:
	free(line);
	buf_free(&rest);
	line_reader_free(&reader);
	if (f != stdin)
		fclose(f);
	return rc;
}
