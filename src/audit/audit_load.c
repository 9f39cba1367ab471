#define _GNU_SOURCE /* qsort_r */
/* Loading: one sequential scan of each table the audit reads, every ID
 * interned as a symbol, containers and responses sorted by (created_at, ID).
 *
 * Two threads: this one steps SQLite and copies rows into batches; a
 * second one interns their IDs and fills the arrays. Interning is mostly
 * waiting on memory (a random probe per new ID), stepping is mostly
 * decoding records; on two cores they overlap. One connection, one read
 * transaction: every table is read at the same moment. */
#include "audit_engine.h"

#include "error.h"
#include "pricing.h"
#include "xalloc.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A row as copied off SQLite: each column NULL, an integer, or text
 * (NUL-terminated, at text + off). */
struct cell {
	int64_t i;
	uint32_t off, len;
	int type; /* SQLITE_NULL, SQLITE_INTEGER or SQLITE_TEXT */
};

struct row {
	const struct cell *cells;
	const char *text;
};

/* A scan in progress: the audit it fills and the capacity of each array. */
struct loader {
	struct audit *a;
	size_t cap_prices, cap_containers, cap_responses, cap_calls, cap_references;
};

typedef void (*row_fn)(struct loader *l, const struct row *r);

#define BATCH_ROWS  1024
#define MAX_COLUMNS 9
#define BATCHES     4

struct batch {
	row_fn row;
	int columns;
	size_t rows;
	struct cell cells[BATCH_ROWS * MAX_COLUMNS];
	struct buf text;
};

/* Batches go from the stepping thread to the interning thread through
 * ready (FIFO; a NULL batch ends it) and come back through spare. */
struct pipeline {
	struct loader loader;
	struct batch batches[BATCHES];
	struct batch *ready[BATCHES + 1];
	size_t ready_head, ready_count;
	struct batch *spare[BATCHES];
	size_t spare_count;
	pthread_mutex_t lock;
	pthread_cond_t filled, emptied;
	int direct; /* no interning thread could start: batches are interned as they are submitted */
};

static void intern_batch(struct pipeline *p, struct batch *b)
{
	for (size_t i = 0; i < b->rows; i++) {
		struct row r = {b->cells + i * (size_t)b->columns, b->text.data};
		b->row(&p->loader, &r);
	}
}

static int row_null(const struct row *r, int i)
{
	return r->cells[i].type == SQLITE_NULL;
}

static int64_t row_int(const struct row *r, int i)
{
	return r->cells[i].type == SQLITE_INTEGER ? r->cells[i].i : 0;
}

static const char *row_text(const struct row *r, int i)
{
	return r->cells[i].type == SQLITE_TEXT ? r->text + r->cells[i].off : NULL;
}

static uint32_t column_sym(struct loader *l, const struct row *r, int i)
{
	if (r->cells[i].type != SQLITE_TEXT)
		return SYM_NONE;
	return symtab_intern(l->a->syms, r->text + r->cells[i].off, r->cells[i].len);
}

static void submit(struct pipeline *p, struct batch *b)
{
	if (p->direct) {
		if (b) {
			intern_batch(p, b);
			p->spare[p->spare_count++] = b;
		}
		return;
	}
	pthread_mutex_lock(&p->lock);
	p->ready[(p->ready_head + p->ready_count++) % (BATCHES + 1)] = b;
	pthread_cond_signal(&p->filled);
	pthread_mutex_unlock(&p->lock);
}

static struct batch *take_spare(struct pipeline *p, row_fn row, int columns)
{
	pthread_mutex_lock(&p->lock);
	while (!p->spare_count)
		pthread_cond_wait(&p->emptied, &p->lock);
	struct batch *b = p->spare[--p->spare_count];
	pthread_mutex_unlock(&p->lock);
	b->row = row;
	b->columns = columns;
	b->rows = 0;
	buf_reset(&b->text);
	return b;
}

static void *intern_rows(void *arg)
{
	struct pipeline *p = arg;
	for (;;) {
		pthread_mutex_lock(&p->lock);
		while (!p->ready_count)
			pthread_cond_wait(&p->filled, &p->lock);
		struct batch *b = p->ready[p->ready_head];
		p->ready_head = (p->ready_head + 1) % (BATCHES + 1);
		p->ready_count--;
		pthread_mutex_unlock(&p->lock);
		if (!b)
			return NULL;
		intern_batch(p, b);
		pthread_mutex_lock(&p->lock);
		p->spare[p->spare_count++] = b;
		pthread_cond_signal(&p->emptied);
		pthread_mutex_unlock(&p->lock);
	}
}

static void copy_row(struct batch *b, sqlite3_stmt *st)
{
	struct cell *cells = b->cells + b->rows++ * (size_t)b->columns;
	for (int i = 0; i < b->columns; i++) {
		struct cell *c = &cells[i];
		c->type = sqlite3_column_type(st, i);
		if (c->type == SQLITE_INTEGER || c->type == SQLITE_FLOAT) {
			c->type = SQLITE_INTEGER;
			c->i = sqlite3_column_int64(st, i);
		} else if (c->type != SQLITE_NULL) {
			const char *s = (const char *)sqlite3_column_text(st, i);
			c->type = SQLITE_TEXT;
			c->len = (uint32_t)sqlite3_column_bytes(st, i);
			c->off = (uint32_t)b->text.len;
			buf_append(&b->text, s ? s : "", c->len);
			buf_putc(&b->text, '\0');
		}
	}
}

/* Runs part of sql/audit/load.sql and hands each result row to row() on
 * the interning thread. */
static int scan(struct pipeline *p, struct store *store, const char *part, row_fn row)
{
	sqlite3_stmt *st;
	char ref[64];
	snprintf(ref, sizeof ref, "sql/audit/load.sql#%s", part);
	if (store_prepare(store, ref, &st))
		return -1;
	int columns = sqlite3_column_count(st), rc;
	if (columns > MAX_COLUMNS) {
		sqlite3_finalize(st);
		return error_set("audit: a scan of %d columns (at most %d)", columns, MAX_COLUMNS);
	}
	struct batch *b = take_spare(p, row, columns);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		copy_row(b, st);
		/* Offsets are 32-bit: hand a batch over before its text nears 4 GiB. */
		if (b->rows == BATCH_ROWS || b->text.len > (1u << 30)) {
			submit(p, b);
			b = take_spare(p, row, columns);
		}
	}
	submit(p, b);
	if (rc != SQLITE_DONE)
		store_error(store, "audit: cannot read the store");
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

#define GROW(array, count, cap)                                                                                        \
	do {                                                                                                           \
		if ((count) == (cap)) {                                                                                \
			(cap) = (cap) ? (cap)*2 : 1024;                                                                \
			(array) = xrealloc((array), (cap) * sizeof *(array));                                          \
		}                                                                                                      \
	} while (0)

static void price_row(struct loader *l, const struct row *st)
{
	struct audit *a = l->a;
	GROW(a->prices, a->nprices, l->cap_prices);
	a->prices[a->nprices++] = (struct audit_price){
	    .memory_limit = column_sym(l, st, 0),
	    .from = column_sym(l, st, 1),
	    .until = column_sym(l, st, 2),
	    .rule = pricing_rule_parse(row_text(st, 3)),
	    .unit_price_micros = row_int(st, 4),
	    .version = column_sym(l, st, 5),
	};
}

static void container_row(struct loader *l, const struct row *st)
{
	struct audit *a = l->a;
	GROW(a->containers, a->ncontainers, l->cap_containers);
	struct audit_container *c = &a->containers[a->ncontainers++];
	memset(c, 0, sizeof *c);
	c->id = column_sym(l, st, 0);
	c->project = column_sym(l, st, 1);
	c->name = column_sym(l, st, 2);
	c->memory_limit = column_sym(l, st, 3);
	c->status = column_sym(l, st, 4);
	c->created_at = row_int(st, 5);
	c->has_last_active = !row_null(st, 6);
	c->last_active_at = c->has_last_active ? row_int(st, 6) : c->created_at;
	int64_t minutes = row_null(st, 7) ? 20 : row_int(st, 7);
	c->alive_until = c->last_active_at + 60 * minutes;
	c->request_id = column_sym(l, st, 8); /* a page's: shared by its containers */
	c->first_named = c->first_cited = c->best = c->thread = SYM_NONE;
	c->price = -1;
}

static void response_row(struct loader *l, const struct row *st)
{
	struct audit *a = l->a;
	GROW(a->responses, a->nresponses, l->cap_responses);
	struct audit_response *r = &a->responses[a->nresponses++];
	memset(r, 0, sizeof *r);
	r->id = column_sym(l, st, 0);
	r->project = column_sym(l, st, 1);
	r->created_at = row_int(st, 2);
	int64_t completed = row_null(st, 3) ? r->created_at : row_int(st, 3);
	r->completed_at = completed > r->created_at ? completed : r->created_at;
	r->previous = column_sym(l, st, 4);
	r->conversation = column_sym(l, st, 5);
	r->requests_container_auto = (uint8_t)row_int(st, 6);
	r->request_id = column_sym(l, st, 7);
	r->thread = SYM_NONE;
}

static void call_row(struct loader *l, const struct row *st)
{
	struct audit *a = l->a;
	GROW(a->calls, a->ncalls, l->cap_calls);
	a->calls[a->ncalls++] = (struct audit_call){column_sym(l, st, 0), column_sym(l, st, 1), column_sym(l, st, 2),
	                                            column_sym(l, st, 3), row_int(st, 4) != 0};
}

static void reference_row(struct loader *l, const struct row *st)
{
	struct audit *a = l->a;
	GROW(a->references, a->nreferences, l->cap_references);
	a->references[a->nreferences++] = (struct audit_reference){column_sym(l, st, 0), column_sym(l, st, 1),
	                                                           row_int(st, 2) != 0, row_int(st, 3) != 0};
}

/* The order of containers and of responses: created_at, then ID. */
static int created_then_id(int64_t created_a, uint32_t id_a, int64_t created_b, uint32_t id_b, void *syms)
{
	if (created_a != created_b)
		return created_a < created_b ? -1 : 1;
	return strcmp(symtab_str(syms, id_a), symtab_str(syms, id_b));
}

static int by_created_then_id(const void *x, const void *y, void *syms)
{
	const struct audit_container *a = x, *b = y;
	return created_then_id(a->created_at, a->id, b->created_at, b->id, syms);
}

static int response_by_created_then_id(const void *x, const void *y, void *syms)
{
	const struct audit_response *a = x, *b = y;
	return created_then_id(a->created_at, a->id, b->created_at, b->id, syms);
}

static int scan_all(struct pipeline *p, struct store *store)
{
	return scan(p, store, "prices", price_row) || scan(p, store, "containers", container_row) ||
	       scan(p, store, "responses", response_row) || scan(p, store, "calls", call_row) ||
	       scan(p, store, "references", reference_row);
}

int audit_load(struct audit *a, struct store *store)
{
	struct pipeline *p = xcalloc(1, sizeof *p);
	pthread_t interner;
	p->loader.a = a;
	for (int i = 0; i < BATCHES; i++)
		p->spare[p->spare_count++] = &p->batches[i];
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->filled, NULL);
	pthread_cond_init(&p->emptied, NULL);
	/* No size hint: the table grows as it fills, no slower at 1,000,000
	 * containers and responses than when sized once, and smaller. */
	a->syms = symtab_new(0);
	/* Without a second thread (a tight address-space limit, say), one does it all. */
	p->direct = pthread_create(&interner, NULL, intern_rows, p) != 0;
	int rc = scan_all(p, store);
	if (!p->direct) {
		submit(p, NULL); /* the end, after everything submitted */
		pthread_join(interner, NULL);
	}
	for (int i = 0; i < BATCHES; i++)
		buf_free(&p->batches[i].text);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->filled);
	pthread_cond_destroy(&p->emptied);
	free(p);
	if (rc)
		return -1;
	if (a->ncontainers > 1) /* containers is NULL when there are none */
		qsort_r(a->containers, a->ncontainers, sizeof *a->containers, by_created_then_id, a->syms);
	if (a->nresponses > 1)
		qsort_r(a->responses, a->nresponses, sizeof *a->responses, response_by_created_then_id, a->syms);

	uint32_t nsyms = symtab_count(a->syms);
	a->container_of = xmalloc((nsyms ? nsyms : 1) * sizeof *a->container_of);
	a->response_of = xmalloc((nsyms ? nsyms : 1) * sizeof *a->response_of);
	a->ran_code = xcalloc(nsyms ? nsyms : 1, 1);
	for (uint32_t s = 0; s < nsyms; s++)
		a->container_of[s] = a->response_of[s] = -1;
	for (size_t i = 0; i < a->ncontainers; i++)
		a->container_of[a->containers[i].id] = (int32_t)i;
	for (size_t i = 0; i < a->nresponses; i++)
		a->response_of[a->responses[i].id] = (int32_t)i;
	for (size_t i = 0; i < a->ncalls; i++)
		if (a->calls[i].response != SYM_NONE)
			a->ran_code[a->calls[i].response] = 1;
	return 0;
}

void audit_free(struct audit *a)
{
	if (!a)
		return;
	symtab_free(a->syms);
	free(a->overflow);
	free(a->prices);
	free(a->containers);
	free(a->responses);
	free(a->calls);
	free(a->references);
	free(a->threads);
	free(a->container_of);
	free(a->response_of);
	free(a->ran_code);
	free(a->by_pricing);
	free(a->by_project);
	free(a->by_day);
	free(a);
}

const char *audit_class_name(int classification)
{
	static const char *const names[] = {"used", "idle", "outside_coverage", "orphan"};
	return names[classification];
}
