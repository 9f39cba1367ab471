#include "runs.h"
#include "store_internal.h"

#include "error.h"
#include "log.h"

#include "xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The arguments as one line; a URL's user:password part is masked. */
static char *join_options(int argc, char **argv)
{
	struct buf b = {0};
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *scheme = strstr(a, "://");
		const char *host = scheme ? scheme + 3 : NULL;
		const char *at = host ? strchr(host, '@') : NULL, *slash = host ? strchr(host, '/') : NULL;
		if (i)
			buf_putc(&b, ' ');
		if (at && (!slash || at < slash)) {
			buf_append(&b, a, (size_t)(host - a));
			buf_puts(&b, "[redacted]");
			buf_puts(&b, at);
		} else {
			buf_puts(&b, a);
		}
	}
	return buf_detach(&b);
}

int run_begin(struct store *store, const char *command, int argc, char **argv, int64_t *id)
{
	sqlite3_stmt *st;
	if (store_prepare(store, "sql/store/runs.sql#begin", &st))
		return -1;
	char *options = join_options(argc, argv);
	int64_t now = (int64_t)time(NULL);
	store_bind_text(st, 1, command);
	store_bind_text(st, 2, options);
	store_bind_int(st, 3, &now);
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : store_error(store, "cannot record the run");
	if (!rc) {
		*id = sqlite3_last_insert_rowid(store_db(store));
		store_set_run(store, *id);
	}
	sqlite3_finalize(st);
	free(options);
	return rc;
}

/* Runs a bound update of the run's row; a failure is a warning, leaving
 * the error (the run's own failure, say) as it was. */
static void update(struct store *store, sqlite3_stmt *st, const char *what)
{
	char *kept = xstrdup(error_message());
	if (sqlite3_step(st) != SQLITE_DONE) {
		store_error(store, what);
		log_warn("%s", error_message());
	}
	error_set("%s", kept);
	free(kept);
	sqlite3_finalize(st);
}

void run_finish(struct store *store, int64_t id, const char *status, const struct run_counts *c, const char *errors)
{
	sqlite3_stmt *st;
	if (store_prepare(store, "sql/store/runs.sql#finish", &st)) {
		log_warn("%s", error_message());
		return;
	}
	int64_t values[] = {id,
	                    (int64_t)time(NULL),
	                    (int64_t)c->objects,
	                    (int64_t)c->changed,
	                    (int64_t)c->not_found,
	                    (int64_t)c->failed,
	                    (int64_t)c->requests,
	                    (int64_t)c->retries};
	store_bind_int(st, 1, &values[0]);
	store_bind_int(st, 2, &values[1]);
	store_bind_text(st, 3, status);
	for (int i = 2; i < 8; i++)
		store_bind_int(st, i + 2, &values[i]);
	store_bind_text(st, 10, errors && *errors ? errors : NULL);
	update(store, st, "cannot record how the run ended");
}

void run_progress(struct store *store, int64_t id, const struct run_counts *c)
{
	sqlite3_stmt *st;
	if (store_prepare(store, "sql/store/runs.sql#progress", &st)) {
		log_warn("%s", error_message());
		return;
	}
	int64_t values[] = {id, (int64_t)c->objects, (int64_t)c->changed, (int64_t)c->failed};
	for (int i = 0; i < 4; i++)
		store_bind_int(st, i + 1, &values[i]);
	update(store, st, "cannot record the run's progress");
}

void run_set_key_fingerprints(struct store *store, int64_t id, const char *fingerprints)
{
	sqlite3_stmt *st;
	if (store_prepare(store, "sql/store/runs.sql#key_fingerprints", &st)) {
		log_warn("%s", error_message());
		return;
	}
	store_bind_int(st, 1, &id);
	store_bind_text(st, 2, fingerprints);
	update(store, st, "cannot record the keys' fingerprints");
}
