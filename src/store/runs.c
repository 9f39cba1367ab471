#include "runs.h"

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
	sqlite3_stmt *st = NULL;
	char *options = join_options(argc, argv);
	int rc = -1;
	if (sqlite3_prepare_v2(store_db(store),
	                       "INSERT INTO runs(command, options, started_at, status) VALUES (?1, ?2, ?3, 'running')",
	                       -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, command, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, options, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, (int64_t)time(NULL));
		if (sqlite3_step(st) == SQLITE_DONE) {
			*id = sqlite3_last_insert_rowid(store_db(store));
			store_set_run(store, *id);
			rc = 0;
		}
	}
	if (rc)
		store_error(store, "cannot record the run");
	sqlite3_finalize(st);
	free(options);
	return rc;
}

void run_finish(struct store *store, int64_t id, const char *status, const struct run_counts *c, const char *errors)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(
	        store_db(store),
	        "UPDATE runs SET finished_at = ?2, status = ?3, objects = ?4, changed = ?5, not_found = ?6,"
	        " failed = ?7, requests = ?8, retries = ?9, errors = ?10 WHERE id = ?1",
	        -1, &st, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, (int64_t)time(NULL));
	sqlite3_bind_text(st, 3, status, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (int64_t)c->objects);
	sqlite3_bind_int64(st, 5, (int64_t)c->changed);
	sqlite3_bind_int64(st, 6, (int64_t)c->not_found);
	sqlite3_bind_int64(st, 7, (int64_t)c->failed);
	sqlite3_bind_int64(st, 8, (int64_t)c->requests);
	sqlite3_bind_int64(st, 9, (int64_t)c->retries);
	if (errors && *errors)
		sqlite3_bind_text(st, 10, errors, -1, SQLITE_STATIC);
	sqlite3_step(st);
	sqlite3_finalize(st);
}

void run_set_key_fingerprints(struct store *store, int64_t id, const char *fingerprints)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(store_db(store), "UPDATE runs SET key_fingerprints = ?2 WHERE id = ?1", -1, &st, NULL) !=
	    SQLITE_OK)
		return;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, fingerprints, -1, SQLITE_STATIC);
	sqlite3_step(st);
	sqlite3_finalize(st);
}
