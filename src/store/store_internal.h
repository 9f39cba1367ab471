/* What the store's files share (store.c, upsert.c, collect_state.c, runs.c,
 * prices.c, rows.c): the connection and the statements it keeps. Internal
 * to the stage. */
#ifndef CNTRAUDIT_STORE_INTERNAL_H
#define CNTRAUDIT_STORE_INTERNAL_H

#include "raw_codec.h"
#include "store.h"

#include <sqlite3.h>
#include <stdint.h>

#define STORE_CACHE 32

struct store {
	sqlite3 *db;
	char *path;
	struct raw_codec *raw; /* packs and unpacks every raw column (raw_codec.h) */
	struct {
		const char *ref; /* a string literal: compared by address first */
		sqlite3_stmt *st;
	} cache[STORE_CACHE]; /* statements run once per object: prepared once */
	int cached;
	int container_markers;    /* a container.deleted marker is stored: upserts consult them */
	int64_t run_id;           /* this process's row in runs, or 0 */
	int64_t wait_started_ms;  /* the lock wait under way (on_busy) */
	int gave_up;              /* the last lock wait ran out of time */
	int broken;               /* a kept statement could not be prepared: no document is to blame */
	int audit_inputs_changed; /* a row the audit reads changed since the last commit (store_commit) */
};

/* An embedded statement (store_prepare) prepared once and kept (ref must outlive the store: a string
 * literal); reset after each use by store_run / store_row_done. NULL with
 * the error set. */
sqlite3_stmt *store_statement(struct store *store, const char *ref);
/* store_statement, where check(st, ctx) must return 0 (else -1 with the
 * error set) when the statement is first prepared: for statements whose
 * parameters a caller binds from a table. */
sqlite3_stmt *store_statement_checked(struct store *store, const char *ref,
                                      int (*check)(sqlite3_stmt *st, const void *ctx), const void *ctx);
/* NULL binds SQL NULL. */
void store_bind_text(sqlite3_stmt *st, int i, const char *s);
void store_bind_int(sqlite3_stmt *st, int i, const int64_t *v);
/* Steps a bound write to its end and resets it: 1 when it changed a row, 0
 * when not, -1 with the error set ("cannot store WHAT: ..."). */
int store_run(struct store *store, sqlite3_stmt *st, const char *what);
/* Steps a bound query one row: 1 a row, 0 none (then reset), -1 with the
 * error set ("cannot read WHAT: ...") and reset. */
int store_row(struct store *store, sqlite3_stmt *st, const char *what);

#endif
