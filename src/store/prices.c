/* Loading price rows from CSV into the effective-dated price table: all
 * rows or none (see prices.h). */
#include "prices.h"
#include "store_internal.h"

#include "csv_read.h"
#include "error.h"
#include "money.h"
#include "pricing.h"
#include "timestamp.h"
#include "xalloc.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct price_import {
	struct store *store;
	const char *path;
	sqlite3_stmt *close_earlier, *insert;
	size_t rows;
};

static const char *field(const struct csv_record *header, const struct csv_record *r, const char *name)
{
	int i = csv_record_find(header, name);
	if (i < 0 || (size_t)i >= r->count)
		return "";
	const char *s = r->fields[i];
	while (isspace((unsigned char)*s))
		s++;
	return s;
}

/* A UTC date YYYY-MM-DD, as the table stores it. */
static int valid_date(const char *s)
{
	int64_t t;
	return strlen(s) == 10 && !timestamp_parse(s, &t);
}

static int import_row(void *ctx, const struct csv_record *header, const struct csv_record *r)
{
	struct price_import *im = ctx;
	const char *rule = field(header, r, "rule"), *tier = field(header, r, "memory_limit");
	const char *from = field(header, r, "effective_from"), *until = field(header, r, "effective_until");
	const char *unit = field(header, r, "unit"), *price = field(header, r, "unit_price_usd");
	const char *version = field(header, r, "version");
	int64_t micros;
	int which = pricing_rule_parse(rule);
	char where[300];

	snprintf(where, sizeof where, "%s: record %zu", im->path, r->number);
	if (which < 0)
		return error_set("%s: rule '%.40s' is not per_container, per_session_20m or per_minute_min5", where,
		                 rule);
	if (!*tier || strlen(tier) > 16)
		return error_set("%s: memory_limit '%.40s' is not a tier such as 1g or 4g", where, tier);
	if (!valid_date(from))
		return error_set("%s: effective_from '%.40s' is not a date YYYY-MM-DD", where, from);
	if (*until && (!valid_date(until) || strcmp(until, from) < 0))
		return error_set("%s: effective_until '%.40s' is not a date YYYY-MM-DD on or after effective_from",
		                 where, until);
	if (*unit && strcmp(unit, pricing_rule_unit(which)))
		return error_set("%s: unit '%.40s' does not match rule %s (its unit is %s)", where, unit, rule,
		                 pricing_rule_unit(which));
	if (money_parse(price, &micros))
		return error_set("%s: unit_price_usd: %s", where, error_message());
	if (micros < 0)
		return error_set("%s: unit_price_usd: a price cannot be negative", where);
	char *lower = xstrdup(tier);
	for (char *p = lower; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	char *default_version = xasprintf("import:%s", im->path);
	sqlite3_bind_text(im->close_earlier, 1, lower, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(im->close_earlier, 2, from, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(im->insert, 1, lower, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(im->insert, 2, from, -1, SQLITE_TRANSIENT);
	if (*until)
		sqlite3_bind_text(im->insert, 3, until, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(im->insert, 3);
	sqlite3_bind_text(im->insert, 4, rule, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(im->insert, 5, micros);
	sqlite3_bind_text(im->insert, 6, *version ? version : default_version, -1, SQLITE_TRANSIENT);
	int ok = sqlite3_step(im->close_earlier) == SQLITE_DONE && sqlite3_step(im->insert) == SQLITE_DONE;
	sqlite3_reset(im->close_earlier);
	sqlite3_reset(im->insert);
	free(lower);
	free(default_version);
	if (!ok)
		return store_error(im->store, "cannot store price");
	im->rows++;
	return 0;
}

/* Two rows of one tier covering the same day make every report ambiguous. */
static int check_overlaps(struct store *store)
{
	sqlite3_stmt *st;
	if (store_prepare(store, "sql/store/prices.sql#overlaps", &st))
		return -1;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		error_set("price rows overlap: %s from %s and from %s cover the same days (set effective_until)",
		          sqlite3_column_text(st, 0), sqlite3_column_text(st, 1), sqlite3_column_text(st, 2));
	else if (rc != SQLITE_DONE)
		store_error(store, "cannot check the price table");
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int prices_import(struct store *store, const char *path, size_t *rows)
{
	struct price_import im = {.path = path, .store = store};
	int rc = -1;
	if (store_prepare(im.store, "sql/store/prices.sql#close_earlier", &im.close_earlier) ||
	    store_prepare(im.store, "sql/store/prices.sql#insert", &im.insert))
		goto done;
	if (store_begin(im.store))
		goto done;
	if (csv_read_file(path, import_row, &im) || check_overlaps(im.store)) {
		store_rollback(im.store);
		error_set("prices: %s; the price table is unchanged", error_message());
		goto done;
	}
	if (im.rows == 0) {
		store_rollback(im.store);
		error_set("prices: %s holds no price rows; the price table is unchanged", path);
		goto done;
	}
	store_audit_inputs_changed(im.store);
	if (store_commit(im.store))
		goto done;
	*rows = im.rows;
	rc = 0;
done:
	sqlite3_finalize(im.close_earlier);
	sqlite3_finalize(im.insert);
	return rc;
}
