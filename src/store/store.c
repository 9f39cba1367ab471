#include "store.h"
#include "store_internal.h"

#include "embedded_sql.h"
#include "error.h"
#include "log.h"
#include "money.h"
#include "pricing.h"
#include "timestamp.h"
#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static long busy_timeout_s = STORE_BUSY_TIMEOUT_DEFAULT;

/* rule_word(rule, word): a pricing rule's name spelled as word says
 * (pricing_rule_word); NULL for an unknown rule or word. */
static void sql_rule_word(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *rule = (const char *)sqlite3_value_text(argv[0]), *word = (const char *)sqlite3_value_text(argv[1]);
	int r = rule ? pricing_rule_parse(rule) : -1, w = word ? pricing_rule_word_parse(word) : -1;
	if (r < 0 || w < 0)
		sqlite3_result_null(ctx);
	else
		sqlite3_result_text(ctx, pricing_rule_word((enum pricing_rule)r, (enum rule_word)w), -1, SQLITE_STATIC);
}

void store_set_busy_timeout(long seconds)
{
	busy_timeout_s = seconds;
}

void store_set_run(struct store *store, int64_t run_id)
{
	store->run_id = run_id;
}

static int64_t monotonic_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* SQLite's busy handler: waits for another writer's batch (1, 2, 4 … then
 * every 100 ms) up to the busy timeout, and remembers when it gave up. */
static int on_busy(void *ctx, int count)
{
	struct store *store = ctx;
	int64_t now = monotonic_ms();
	if (count == 0) {
		store->wait_started_ms = now;
		store->gave_up = 0;
	}
	if (now - store->wait_started_ms >= busy_timeout_s * 1000) {
		store->gave_up = 1;
		return 0;
	}
	long ms = count < 7 ? 1L << count : 100;
	struct timespec pause = {ms / 1000, (ms % 1000) * 1000000};
	nanosleep(&pause, NULL);
	return 1;
}

/* A statement SQLite runs without its busy handler (changing the journal
 * mode of a new database another process is creating): retried the same way. */
static int exec_waiting(struct store *store, const char *ref)
{
	for (int count = 0;; count++) {
		if (store_exec_ref(store, ref) == 0)
			return 0;
		int code = sqlite3_errcode(store->db) & 0xFF;
		int locked =
		    code == SQLITE_BUSY || code == SQLITE_LOCKED || strstr(error_message(), "database is locked");
		if (!locked || !on_busy(store, count))
			return -1;
	}
}

/* After a lock wait gave up: who holds the database, from the runs table
 * (readable beside a writer in WAL mode). "" when the failure was not a
 * lock; an owned string either way. */
static char *busy_note(struct store *store)
{
	int code = sqlite3_errcode(store->db) & 0xFF;
	if (code != SQLITE_BUSY && code != SQLITE_LOCKED && !store->gave_up)
		return xstrdup("");
	char *waited = store->gave_up ? xasprintf(" after waiting %ld s", busy_timeout_s) : xstrdup("");
	const char *sql;
	size_t len;
	sqlite3_stmt *st = NULL;
	char *note = NULL;
	if (embedded_sql_part("sql/store/open.sql#other_writer", &sql, &len) == 0 &&
	    sqlite3_prepare_v2(store->db, sql, (int)len, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, store->run_id);
		if (sqlite3_step(st) == SQLITE_ROW) {
			char started[TIMESTAMP_MAX];
			timestamp_format(sqlite3_column_int64(st, 3), started);
			const char *options = (const char *)sqlite3_column_text(st, 2);
			note = xasprintf("%s: another cntraudit is writing it ('%s%s%s', run %lld, started %s); try "
			                 "again when it ends, or raise CNTRAUDIT_BUSY_TIMEOUT",
			                 waited, (const char *)sqlite3_column_text(st, 1), *options ? " " : "", options,
			                 (long long)sqlite3_column_int64(st, 0), started);
		}
	}
	sqlite3_finalize(st);
	if (!note)
		note = xasprintf("%s: another process is writing it; try again when it ends, or raise "
		                 "CNTRAUDIT_BUSY_TIMEOUT",
		                 waited);
	free(waited);
	store->gave_up = 0;
	return note;
}

int store_error(struct store *store, const char *what)
{
	char *message = xstrdup(money_sql_message(sqlite3_errmsg(store->db))); /* busy_note runs a query */
	char *note = busy_note(store);
	error_set("%s: %s%s", what, message, note);
	free(note);
	free(message);
	return -1;
}

int store_failed(struct store *store)
{
	if (store->broken)
		return 1;
	switch (sqlite3_errcode(store->db) & 0xFF) {
	case SQLITE_FULL:
	case SQLITE_READONLY:
	case SQLITE_IOERR:
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
	case SQLITE_CANTOPEN:
	case SQLITE_NOMEM:
		return 1;
	default:
		return 0;
	}
}

/* Runs sql (NUL-terminated; any number of statements, no results). */
static int exec_text(struct store *store, const char *sql)
{
	char *message = NULL;
	if (sqlite3_exec(store->db, sql, NULL, NULL, &message) != SQLITE_OK) {
		if (!message)
			message = sqlite3_mprintf("%s", sqlite3_errmsg(store->db)); /* busy_note runs a query */
		char *note = busy_note(store);
		error_set("database %s: %s%s", store->path, message ? message : "out of memory", note);
		free(note);
		sqlite3_free(message);
		return -1;
	}
	return 0;
}

/* The embedded part ref as a NUL-terminated copy (owned), or NULL with the
 * error set. */
static char *part_text(const char *ref)
{
	const char *sql;
	size_t len;
	return embedded_sql_part(ref, &sql, &len) ? NULL : xstrndup(sql, len);
}

int store_exec_ref(struct store *store, const char *ref)
{
	char *text = part_text(ref);
	int rc = text ? exec_text(store, text) : -1;
	free(text);
	return rc;
}

/* Runs ref on a path that is already failing or ending: a rollback after an
 * error keeps the first error, a snapshot's end has nothing left to lose. */
static void exec_quietly(struct store *store, const char *ref)
{
	char *text = part_text(ref);
	if (text)
		sqlite3_exec(store->db, text, NULL, NULL, NULL);
	free(text);
}

int store_prepare(struct store *store, const char *ref, sqlite3_stmt **st)
{
	const char *sql;
	size_t len;
	*st = NULL;
	if (embedded_sql_part(ref, &sql, &len))
		return -1;
	if (sqlite3_prepare_v2(store->db, sql, (int)len, st, NULL) != SQLITE_OK) {
		*st = NULL;
		return error_set("cannot prepare %s: %s", ref, sqlite3_errmsg(store->db));
	}
	return 0;
}

sqlite3_stmt *store_statement(struct store *store, const char *ref)
{
	return store_statement_checked(store, ref, NULL, NULL);
}

/* The statement of ref prepared and kept, or NULL with the error set. */
static sqlite3_stmt *prepare_kept(struct store *store, const char *ref, int (*check)(sqlite3_stmt *st, const void *ctx),
                                  const void *ctx)
{
	for (int i = 0; i < store->cached; i++) /* the same literal: no string compared, per object stored */
		if (store->cache[i].ref == ref)
			return store->cache[i].st;
	for (int i = 0; i < store->cached; i++)
		if (!strcmp(store->cache[i].ref, ref)) {
			store->cache[i].ref = ref;
			return store->cache[i].st;
		}
	const char *sql;
	size_t len;
	sqlite3_stmt *st = NULL;
	if (store->cached == STORE_CACHE) {
		error_set("cannot prepare %s: more than %d kept statements", ref, STORE_CACHE);
		return NULL;
	}
	if (embedded_sql_part(ref, &sql, &len))
		return NULL;
	if (sqlite3_prepare_v3(store->db, sql, (int)len, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		error_set("cannot prepare %s: %s", ref, sqlite3_errmsg(store->db));
		return NULL;
	}
	if (check && check(st, ctx)) {
		sqlite3_finalize(st);
		return NULL;
	}
	store->cache[store->cached].ref = ref;
	store->cache[store->cached++].st = st;
	return st;
}

sqlite3_stmt *store_statement_checked(struct store *store, const char *ref,
                                      int (*check)(sqlite3_stmt *st, const void *ctx), const void *ctx)
{
	sqlite3_stmt *st = prepare_kept(store, ref, check, ctx);
	if (!st)
		store->broken = 1; /* the build's SQL, not the data: stop */
	return st;
}

void store_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

void store_bind_int(sqlite3_stmt *st, int i, const int64_t *v)
{
	if (v)
		sqlite3_bind_int64(st, i, *v);
	else
		sqlite3_bind_null(st, i);
}

int store_run(struct store *store, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);
	int changed = sqlite3_changes(store->db) > 0;
	if (rc != SQLITE_DONE) {
		char *failed = xasprintf("cannot store %s", what);
		store_error(store, failed);
		free(failed);
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? changed : -1;
}

int store_row(struct store *store, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc != SQLITE_DONE) {
		char *failed = xasprintf("cannot read %s", what);
		store_error(store, failed);
		free(failed);
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int store_begin(struct store *store)
{
	return sqlite3_get_autocommit(store->db) ? store_exec_ref(store, "sql/store/transaction.sql#write") : 0;
}

int store_commit(struct store *store)
{
	if (sqlite3_get_autocommit(store->db))
		return 0;
	if (store->audit_inputs_changed && store_exec_ref(store, "sql/store/transaction.sql#audit_inputs_changed"))
		return -1;
	store->audit_inputs_changed = 0;
	return store_exec_ref(store, "sql/store/transaction.sql#commit");
}

void store_audit_inputs_changed(struct store *store)
{
	/* Outside a transaction the change is committed already: say so now. */
	if (sqlite3_get_autocommit(store->db))
		exec_quietly(store, "sql/store/transaction.sql#audit_inputs_changed");
	else
		store->audit_inputs_changed = 1;
}

int store_snapshot_begin(struct store *store)
{
	return store_exec_ref(store, "sql/store/transaction.sql#snapshot");
}

void store_snapshot_end(struct store *store)
{
	if (!sqlite3_get_autocommit(store->db))
		exec_quietly(store, "sql/store/transaction.sql#commit");
}

void store_rollback(struct store *store)
{
	store->audit_inputs_changed = 0;
	if (!sqlite3_get_autocommit(store->db))
		exec_quietly(store, "sql/store/transaction.sql#rollback");
}

int store_savepoint(struct store *store)
{
	return store_exec_ref(store, "sql/store/transaction.sql#document");
}

int store_savepoint_release(struct store *store)
{
	return store_exec_ref(store, "sql/store/transaction.sql#document_done");
}

void store_savepoint_rollback(struct store *store)
{
	exec_quietly(store, "sql/store/transaction.sql#document_undo");
}

sqlite3 *store_db(struct store *store)
{
	return store->db;
}

/* The schema version a migration brings, from its file name (NNNN_name.sql). */
static int migration_version(const char *path)
{
	const char *name = path + strlen("sql/migrations/");
	return atoi(name);
}

static int user_version(struct store *store, int *version)
{
	sqlite3_stmt *st;
	if (store_prepare(store, "sql/store/open.sql#user_version", &st))
		return -1;
	int rc = sqlite3_step(st) == SQLITE_ROW;
	if (rc)
		*version = sqlite3_column_int(st, 0);
	else
		error_set("cannot open database %s: %s", store->path, sqlite3_errmsg(store->db));
	sqlite3_finalize(st);
	return rc ? 0 : -1;
}

static int latest_version(void)
{
	int latest = 0;
	for (const struct embedded_sql *e = embedded_sql_files; e->path; e++)
		if (!strncmp(e->path, "sql/migrations/", 15) && migration_version(e->path) > latest)
			latest = migration_version(e->path);
	return latest;
}

static int store_migrate(struct store *store, int readonly)
{
	int current, latest = latest_version();
	if (user_version(store, &current))
		return -1;
	if (current > latest)
		return error_set("database %s has schema %d, newer than this cntraudit knows (%d): upgrade cntraudit",
		                 store->path, current, latest);
	if (current == latest)
		return 0;
	if (readonly)
		return error_set("database %s has schema %d, older than this cntraudit's %d, and reports never write "
		                 "to it: upgrade it once with 'cntraudit --db %s import /dev/null'",
		                 store->path, current, latest, store->path);
	/* Every pending migration in one write transaction, taken before the
	 * version is read again: a second process opening a new database waits
	 * here and then finds it migrated, and a database moves to the latest
	 * schema or stays where it was. */
	if (store_begin(store) || user_version(store, &current)) {
		store_rollback(store);
		return -1;
	}
	for (const struct embedded_sql *e = embedded_sql_files; e->path; e++) {
		int version = strncmp(e->path, "sql/migrations/", 15) ? 0 : migration_version(e->path);
		if (version <= current)
			continue;
		log_info("migrating %s to schema %d (%s)", store->path, version, e->path);
		int reached = 0;
		if (exec_text(store, e->text) || user_version(store, &reached) ||
		    (reached != version && error_set("cannot migrate %s: %s leaves schema %d, not %d", store->path,
		                                     e->path, reached, version))) {
			store_rollback(store);
			return -1;
		}
	}
	if (store_commit(store)) {
		store_rollback(store);
		return -1;
	}
	return 0;
}

/* The file at path, made ready for SQLite: refused when it is no database
 * file, created (0600: it holds account data) when missing and mode allows.
 * 0 and *is_new (no page written yet), or -1 with the error set. */
static int prepare_file(const char *path, enum store_mode mode, int *is_new)
{
	struct stat st;
	if (stat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			return error_set("cannot open database %s: it is a directory", path);
		/* SQLite would write its journal beside a device (/dev/null-journal). */
		if (!S_ISREG(st.st_mode))
			return error_set("cannot open database %s: it is not a regular file", path);
		if (mode == STORE_EXISTING && st.st_size == 0)
			return error_set("database %s is empty: nothing was imported or collected into it yet", path);
		*is_new = st.st_size == 0; /* the page size may still be chosen */
		return 0;
	}
	if (mode == STORE_EXISTING)
		return error_set(
		    "no database at %s (run 'cntraudit import' or 'cntraudit collect' first, or pass --db)", path);
	int fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
	if (fd < 0 && errno != EEXIST) /* EEXIST: another process created it a moment ago */
		return error_set("cannot create database %s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	*is_new = 1;
	return 0;
}

/* The connection. Read-only for reports: a WAL database in a folder we
 * cannot write has no -shm to read through, so then the file is read as it
 * is, an immutable snapshot (no one can be writing it: we may not, and
 * neither may the folder). 0, or -1 with the error set. */
static int connect_file(struct store *store, int readonly)
{
	/* One connection, one thread at a time: no per-call mutex. */
	int flags = (readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) | SQLITE_OPEN_NOMUTEX;
	if (sqlite3_open_v2(store->path, &store->db, flags, NULL) != SQLITE_OK)
		return error_set("cannot open database %s: %s", store->path,
		                 store->db ? sqlite3_errmsg(store->db) : "out of memory");
	sqlite3_extended_result_codes(store->db, 1);
	sqlite3_busy_handler(store->db, on_busy, store);
	/* The audit's staleness triggers are for other writers (migration
	 * 0007): this one says so itself when it commits (store_commit), at a
	 * fraction of what a trigger per stored row costs. */
	sqlite3_db_config(store->db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, (int *)NULL);
	if (!readonly || access(store->path, W_OK) == 0 || !store_exec_ref(store, "sql/store/open.sql#readable"))
		return 0;
	char *uri = sqlite3_mprintf("file:%s?immutable=1", store->path);
	sqlite3_close(store->db);
	store->db = NULL;
	int rc = sqlite3_open_v2(uri, &store->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, NULL);
	sqlite3_free(uri);
	if (rc != SQLITE_OK)
		return error_set("cannot open database %s read-only: %s", store->path,
		                 store->db ? sqlite3_errmsg(store->db) : "out of memory");
	sqlite3_extended_result_codes(store->db, 1);
	return 0;
}

/* Whether a container.deleted marker is stored (then upserts consult them). */
static int read_markers(struct store *store)
{
	sqlite3_stmt *markers;
	if (store_prepare(store, "sql/store/open.sql#has_markers", &markers))
		return -1;
	int rc = sqlite3_step(markers);
	if (rc == SQLITE_ROW)
		store->container_markers = sqlite3_column_int(markers, 0);
	else
		error_set("cannot open database %s: %s", store->path, sqlite3_errmsg(store->db));
	sqlite3_finalize(markers);
	return rc == SQLITE_ROW ? 0 : -1;
}

int store_open(const char *path, enum store_mode mode, struct store **out)
{
	struct store *store = xcalloc(1, sizeof *store);
	/* Reports never write: not a row, not the journal mode, not a schema. */
	int readonly = mode == STORE_EXISTING, is_new = 0;
	store->path = xstrdup(path);
	if (prepare_file(path, mode, &is_new) || connect_file(store, readonly))
		goto fail;
	if (sqlite3_create_function(store->db, "rule_word", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, sql_rule_word,
	                            NULL, NULL) != SQLITE_OK) {
		error_set("cannot open database %s: %s", path, sqlite3_errmsg(store->db));
		goto fail;
	}
	store->raw = raw_codec_new();
	if (raw_codec_register(store->db, store->raw))
		goto fail;
	if ((is_new && store_exec_ref(store, "sql/store/open.sql#new_database")) ||
	    (!readonly && (exec_waiting(store, "sql/store/open.sql#journal") ||
	                   store_exec_ref(store, "sql/store/open.sql#writer"))) ||
	    store_exec_ref(store, "sql/store/open.sql#any") || store_migrate(store, readonly) || read_markers(store))
		goto fail;
	*out = store;
	return 0;
fail:
	store_free(store);
	return -1;
}

void store_free(struct store *store)
{
	if (!store)
		return;
	for (int i = 0; i < store->cached; i++)
		sqlite3_finalize(store->cache[i].st);
	sqlite3_close(store->db);
	raw_codec_free(store->raw);
	free(store->path);
	free(store);
}
