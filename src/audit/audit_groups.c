/* The stored groups (migration 0007 says what each column is): the
 * engine's containers and responses counted per bucket of creation time
 * and per what the reports group by, so a report sums a few rows per
 * bucket wholly inside its window instead of one per object
 * (sql/audit/views.sql). Made from the engine's arrays, which are in
 * creation order: a bucket is a run of them, and only its own rows are
 * sorted, never the whole account. */
#include "audit_engine.h"

#include "error.h"
#include "pricing.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

/* 15 minutes, on which every time zone's days begin (UTC offsets are
 * whole quarter hours), so a local day is a run of whole buckets. */
#define BUCKET_SECONDS 900

static int64_t bucket_of(int64_t t)
{
	return t - ((t % BUCKET_SECONDS) + BUCKET_SECONDS) % BUCKET_SECONDS;
}

/* What a container's group is told apart by, as the reports read it. */
struct group_key {
	uint32_t project, version; /* symbols; version SYM_NONE when unpriced */
	const char *classification, *rule, *tier;
	int unpriced;
};

static struct group_key key_of(const struct audit *a, const struct audit_container *c)
{
	const struct audit_price *p = c->price < 0 ? NULL : &a->prices[c->price];
	return (struct group_key){c->project,
	                          p ? p->version : SYM_NONE,
	                          audit_class_name(c->classification),
	                          pricing_rule_name(c->rule),
	                          audit_container_tier(a, c),
	                          p == NULL};
}

/* Symbols are equal when their texts are; tiers are compared as text, as
 * "1g" is both a given memory limit and the absent one. */
static int key_cmp(const struct group_key *x, const struct group_key *y)
{
	int d;
	if (x->project != y->project)
		return x->project < y->project ? -1 : 1;
	if (x->version != y->version)
		return x->version < y->version ? -1 : 1;
	if ((d = strcmp(x->classification, y->classification)) || (d = strcmp(x->rule, y->rule)) ||
	    (d = strcmp(x->tier, y->tier)))
		return d;
	return x->unpriced - y->unpriced;
}

struct keyed {
	struct group_key key;
	const struct audit_container *c;
};

static int keyed_cmp(const void *x, const void *y)
{
	return key_cmp(&((const struct keyed *)x)->key, &((const struct keyed *)y)->key);
}

static void bind_sym(sqlite3_stmt *st, int col, const struct audit *a, uint32_t sym)
{
	if (sym == SYM_NONE)
		sqlite3_bind_null(st, col);
	else
		sqlite3_bind_text(st, col, symtab_str(a->syms, sym), -1, SQLITE_STATIC);
}

/* One group: the run [g, end) of a bucket's containers, sorted by key. */
static int insert_group(const struct audit *a, struct store *store, sqlite3_stmt *st, int64_t bucket,
                        const struct keyed *g, const struct keyed *end)
{
	int64_t cost = 0, units = 0, first = g->c->created_at, last = first;
	int64_t unit_price = g->key.unpriced ? 0 : a->prices[g->c->price].unit_price_micros;
	for (const struct keyed *k = g; k < end; k++) {
		const struct audit_container *c = k->c;
		int64_t u = audit_container_units(c);
		if (__builtin_add_overflow(units, u, &units))
			return error_set("cannot store the audit's facts: billable units past the largest integer");
		if (!g->key.unpriced) {
			const struct audit_price *p = &a->prices[c->price];
			if (__builtin_add_overflow(cost, u * p->unit_price_micros, &cost))
				return error_set(
				    "cannot store the audit's facts: estimated cost past the largest integer");
			if (p->unit_price_micros > unit_price)
				unit_price = p->unit_price_micros;
		}
		first = c->created_at < first ? c->created_at : first;
		last = c->created_at > last ? c->created_at : last;
	}
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, bucket);
	sqlite3_bind_int64(st, 2, bucket + BUCKET_SECONDS - 1);
	bind_sym(st, 3, a, g->key.project);
	sqlite3_bind_text(st, 4, g->key.classification, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, g->key.rule, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, g->key.tier, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 7, g->key.unpriced);
	bind_sym(st, 8, a, g->key.version);
	sqlite3_bind_int64(st, 9, end - g);
	if (g->key.unpriced) {
		sqlite3_bind_null(st, 10);
		sqlite3_bind_null(st, 12);
	} else {
		sqlite3_bind_int64(st, 10, cost);
		sqlite3_bind_int64(st, 12, unit_price);
	}
	sqlite3_bind_int64(st, 11, units);
	sqlite3_bind_int64(st, 13, first);
	sqlite3_bind_int64(st, 14, last);
	return sqlite3_step(st) == SQLITE_DONE ? 0 : store_error(store, "cannot store the audit's facts");
}

static int container_groups(const struct audit *a, struct store *store, sqlite3_stmt *st)
{
	struct keyed *run = xmalloc((a->ncontainers ? a->ncontainers : 1) * sizeof *run);
	int rc = 0;
	for (size_t i = 0, j; rc == 0 && i < a->ncontainers; i = j) {
		int64_t bucket = bucket_of(a->containers[i].created_at);
		for (j = i; j < a->ncontainers && bucket_of(a->containers[j].created_at) == bucket; j++)
			run[j - i] = (struct keyed){key_of(a, &a->containers[j]), &a->containers[j]};
		size_t n = j - i;
		qsort(run, n, sizeof *run, keyed_cmp);
		for (size_t g = 0, h; rc == 0 && g < n; g = h) {
			for (h = g + 1; h < n && key_cmp(&run[g].key, &run[h].key) == 0; h++)
				;
			rc = insert_group(a, store, st, bucket, &run[g], &run[h]);
		}
	}
	free(run);
	return rc;
}

/* requests_container_auto holds RESPONSE_AUTO_* bits, ran_code 0 or 1. */
static int response_groups(const struct audit *a, struct store *store, sqlite3_stmt *st)
{
	uint32_t counts[256][2];
	for (size_t i = 0, j; i < a->nresponses; i = j) {
		int64_t bucket = bucket_of(a->responses[i].created_at);
		memset(counts, 0, sizeof counts);
		for (j = i; j < a->nresponses && bucket_of(a->responses[j].created_at) == bucket; j++) {
			const struct audit_response *r = &a->responses[j];
			counts[r->requests_container_auto][a->ran_code[r->id] != 0]++;
		}
		for (int automatic = 0; automatic < 256; automatic++) {
			for (int ran = 0; ran < 2; ran++) {
				if (!counts[automatic][ran])
					continue;
				sqlite3_reset(st);
				sqlite3_bind_int64(st, 1, bucket);
				sqlite3_bind_int64(st, 2, bucket + BUCKET_SECONDS - 1);
				sqlite3_bind_int(st, 3, automatic);
				sqlite3_bind_int(st, 4, ran);
				sqlite3_bind_int64(st, 5, counts[automatic][ran]);
				if (sqlite3_step(st) != SQLITE_DONE)
					return store_error(store, "cannot store the audit's facts");
			}
		}
	}
	return 0;
}

int audit_store_groups(const struct audit *a, struct store *store)
{
	sqlite3_stmt *containers = NULL, *responses = NULL;
	int rc = store_exec_ref(store, "sql/audit/facts.sql#groups");
	if (rc == 0)
		rc = store_prepare(store, "sql/audit/facts.sql#container_group", &containers);
	if (rc == 0)
		rc = store_prepare(store, "sql/audit/facts.sql#response_group", &responses);
	if (rc == 0)
		rc = container_groups(a, store, containers);
	if (rc == 0)
		rc = response_groups(a, store, responses);
	sqlite3_finalize(containers);
	sqlite3_finalize(responses);
	return rc;
}
