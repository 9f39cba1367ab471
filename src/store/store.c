#include "store.h"

#include "embedded_sql.h"
#include "error.h"
#include "log.h"
#include "money.h"
#include "timestamp.h"
#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum statement {
	ST_CONTAINER,
	ST_CONTAINER_MARKED,
	ST_RESPONSE,
	ST_REFERENCE,
	ST_CONTAINER_CALL,
	ST_ITEM,
	ST_CONVERSATION,
	ST_USAGE,
	ST_COST,
	ST_CONTAINER_FILE,
	ST_DELETION,
	ST_DELETE_CONTAINER,
	ST_PROJECT,
	ST_PROJECT_API_KEY,
	ST_COUNT
};

/* A status's place in a container's life, so a stale copy never overwrites a
 * newer one: anything live < expired < deleted. */
#define STATUS_RANK(s) "(CASE " s " WHEN 'deleted' THEN 2 WHEN 'expired' THEN 1 ELSE 0 END)"

/* A newer copy replaces an older one: a later last_active_at, or a later status. */
#define CONTAINER_UPSERT(status)                                                                                       \
	"INSERT INTO containers(id, project_id, name, memory_limit, status, created_at, last_active_at,"               \
	" expires_after_minutes, raw, request_id) VALUES (?1, ?2, ?3, ?4, " status ", ?6, ?7, ?8, ?9, ?10)"            \
	" ON CONFLICT(id) DO UPDATE SET name = excluded.name, memory_limit = excluded.memory_limit,"                   \
	" status = excluded.status, created_at = excluded.created_at, last_active_at = excluded.last_active_at,"       \
	" expires_after_minutes = excluded.expires_after_minutes, raw = excluded.raw,"                                 \
	" request_id = coalesce(excluded.request_id, containers.request_id)"                                           \
	" WHERE excluded.raw <> containers.raw AND"                                                                    \
	" (coalesce(excluded.last_active_at, excluded.created_at), " STATUS_RANK(                                      \
	    "excluded.status") ")"                                                                                     \
	                       " >= (coalesce(containers.last_active_at, containers.created_at), " STATUS_RANK(        \
	                           "containers.status") ")"

static const char *const statement_sql[ST_COUNT] = {
    [ST_CONTAINER] = CONTAINER_UPSERT("?5"),
    /* Once a container.deleted marker is stored, a container it names is
     * deleted, whichever came first. A lookup per upsert costs an import of
     * containers a quarter of its time: only databases with markers pay it. */
    [ST_CONTAINER_MARKED] = CONTAINER_UPSERT(
        "coalesce((SELECT 'deleted' FROM deletions WHERE id = ?1 AND object = 'container.deleted'), ?5)"),
    [ST_RESPONSE] =
        "INSERT INTO responses(id, project_id, status, created_at, completed_at, previous_response_id,"
        " conversation_id, requests_container_auto, raw, request_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
        " ON CONFLICT(id) DO UPDATE SET status = excluded.status, created_at = excluded.created_at,"
        " completed_at = excluded.completed_at, previous_response_id = excluded.previous_response_id,"
        " conversation_id = excluded.conversation_id,"
        " requests_container_auto = excluded.requests_container_auto,"
        " raw = excluded.raw, request_id = coalesce(excluded.request_id, responses.request_id)"
        " WHERE excluded.raw <> responses.raw AND"
        " (coalesce(excluded.completed_at, 0) > coalesce(responses.completed_at, 0)"
        "  OR coalesce(responses.status, '') IN ('in_progress', 'queued', ''))",
    [ST_REFERENCE] = "INSERT OR IGNORE INTO container_references(referrer_id, container_id, kind, referrer_kind)"
                     " VALUES (?1, ?2, ?3, ?4)",
    [ST_CONTAINER_CALL] =
        "INSERT INTO container_calls(id, container_id, status, response_id, conversation_id, context_response_id,"
        " kind) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
        " ON CONFLICT(id) DO UPDATE SET"
        " response_id = coalesce(container_calls.response_id, excluded.response_id),"
        " conversation_id = coalesce(container_calls.conversation_id, excluded.conversation_id),"
        " context_response_id = coalesce(container_calls.context_response_id, excluded.context_response_id),"
        " status = coalesce(excluded.status, container_calls.status)"
        " WHERE (container_calls.response_id IS NULL AND excluded.response_id IS NOT NULL)"
        " OR (container_calls.conversation_id IS NULL AND excluded.conversation_id IS NOT NULL)"
        " OR (container_calls.context_response_id IS NULL AND excluded.context_response_id IS NOT NULL)"
        " OR (excluded.status IS NOT NULL AND excluded.status IS NOT container_calls.status)",
    [ST_ITEM] = "INSERT INTO items(id, type, parent_id, raw, request_id) VALUES (?1, ?2, ?3, ?4, ?5)"
                " ON CONFLICT(id) DO UPDATE SET parent_id = coalesce(items.parent_id, excluded.parent_id),"
                " raw = excluded.raw, request_id = coalesce(excluded.request_id, items.request_id)"
                " WHERE excluded.raw <> items.raw OR (items.parent_id IS NULL AND excluded.parent_id IS NOT NULL)",
    [ST_CONVERSATION] = "INSERT INTO conversations(id, project_id, created_at, raw) VALUES (?1, ?2, ?3, ?4)"
                        " ON CONFLICT(id) DO UPDATE SET created_at = excluded.created_at, raw = excluded.raw"
                        " WHERE excluded.raw <> conversations.raw",
    [ST_USAGE] = "INSERT INTO usage_sessions(bucket_start, bucket_end, project_id, num_sessions, raw)"
                 " VALUES (?1, ?2, ?3, ?4, ?5)"
                 " ON CONFLICT DO UPDATE SET bucket_end = excluded.bucket_end,"
                 " num_sessions = excluded.num_sessions, raw = excluded.raw WHERE excluded.raw <> usage_sessions.raw",
    [ST_COST] = "INSERT INTO costs(bucket_start, bucket_end, project_id, line_item, api_key_id, amount_micros,"
                " currency, quantity, quantity_unit, raw) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
                " ON CONFLICT DO UPDATE SET bucket_end = excluded.bucket_end,"
                " amount_micros = excluded.amount_micros, currency = excluded.currency,"
                " quantity = excluded.quantity, quantity_unit = excluded.quantity_unit, raw = excluded.raw"
                " WHERE excluded.raw <> costs.raw",
    [ST_CONTAINER_FILE] =
        "INSERT INTO container_files(id, container_id, created_at, bytes, path, source, raw, request_id)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
        " ON CONFLICT(id) DO UPDATE SET container_id = excluded.container_id, created_at = excluded.created_at,"
        " bytes = excluded.bytes, path = excluded.path, source = excluded.source, raw = excluded.raw,"
        " request_id = coalesce(excluded.request_id, container_files.request_id)"
        " WHERE excluded.raw <> container_files.raw",
    [ST_DELETION] = "INSERT INTO deletions(id, object, raw, request_id) VALUES (?1, ?2, ?3, ?4)"
                    " ON CONFLICT(id) DO UPDATE SET object = excluded.object, raw = excluded.raw,"
                    " request_id = coalesce(excluded.request_id, deletions.request_id)"
                    " WHERE excluded.raw <> deletions.raw",
    [ST_DELETE_CONTAINER] = "UPDATE containers SET status = 'deleted' WHERE id = ?1 AND status <> 'deleted'",
    [ST_PROJECT] = "INSERT INTO projects(id, name, status, created_at, raw, request_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
                   " ON CONFLICT(id) DO UPDATE SET name = excluded.name, status = excluded.status,"
                   " created_at = excluded.created_at, raw = excluded.raw,"
                   " request_id = coalesce(excluded.request_id, projects.request_id)"
                   " WHERE excluded.raw <> projects.raw",
    [ST_PROJECT_API_KEY] =
        "INSERT INTO project_api_keys(id, project_id, redacted_value, name, raw, request_id)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
        " ON CONFLICT(id) DO UPDATE SET project_id = coalesce(excluded.project_id, project_api_keys.project_id),"
        " redacted_value = excluded.redacted_value, name = excluded.name, raw = excluded.raw,"
        " request_id = coalesce(excluded.request_id, project_api_keys.request_id)"
        " WHERE excluded.raw <> project_api_keys.raw"
        " OR (project_api_keys.project_id IS NULL AND excluded.project_id IS NOT NULL)",
};

struct store {
	sqlite3 *db;
	char *path;
	sqlite3_stmt *statements[ST_COUNT];
	int container_markers;   /* a container.deleted marker is stored: upserts consult them */
	int64_t run_id;          /* this process's row in runs, or 0 */
	int64_t wait_started_ms; /* the lock wait under way (on_busy) */
	int gave_up;             /* the last lock wait ran out of time */
};

static long busy_timeout_s = STORE_BUSY_TIMEOUT_DEFAULT;

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
static int exec_waiting(struct store *store, const char *sql)
{
	for (int count = 0;; count++) {
		if (sqlite3_exec(store->db, sql, NULL, NULL, NULL) == SQLITE_OK)
			return 0;
		int code = sqlite3_errcode(store->db) & 0xFF;
		int locked = code == SQLITE_BUSY || code == SQLITE_LOCKED ||
		             strstr(sqlite3_errmsg(store->db), "database is locked");
		if (!locked || !on_busy(store, count))
			return store_exec(store, sql); /* once more, for its error */
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
	sqlite3_stmt *st = NULL;
	char *note = NULL;
	if (sqlite3_prepare_v2(store->db,
	                       "SELECT id, command, coalesce(options, ''), started_at FROM runs"
	                       " WHERE status = 'running' AND id <> ?1 ORDER BY id DESC LIMIT 1",
	                       -1, &st, NULL) == SQLITE_OK) {
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

int store_exec(struct store *store, const char *sql)
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

int store_begin(struct store *store)
{
	return sqlite3_get_autocommit(store->db) ? store_exec(store, "BEGIN IMMEDIATE") : 0;
}

int store_commit(struct store *store)
{
	return sqlite3_get_autocommit(store->db) ? 0 : store_exec(store, "COMMIT");
}

void store_rollback(struct store *store)
{
	if (!sqlite3_get_autocommit(store->db))
		sqlite3_exec(store->db, "ROLLBACK", NULL, NULL, NULL);
}

int store_savepoint(struct store *store)
{
	return store_exec(store, "SAVEPOINT document");
}

int store_savepoint_release(struct store *store)
{
	return store_exec(store, "RELEASE document");
}

void store_savepoint_rollback(struct store *store)
{
	sqlite3_exec(store->db, "ROLLBACK TO document; RELEASE document", NULL, NULL, NULL);
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
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(store->db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
	         sqlite3_step(st) == SQLITE_ROW;
	if (rc)
		*version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return rc ? 0 : error_set("cannot open database %s: %s", store->path, sqlite3_errmsg(store->db));
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
		char *set_version = xasprintf("PRAGMA user_version = %d", version);
		int rc = store_exec(store, e->text) || store_exec(store, set_version);
		free(set_version);
		if (rc) {
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

int store_open(const char *path, enum store_mode mode, struct store **out)
{
	struct store *store = xcalloc(1, sizeof *store);
	struct stat st;
	int created = 0;
	/* Reports never write: not a row, not the journal mode, not a schema. */
	int readonly = mode == STORE_EXISTING;
	/* One connection, one thread at a time: no per-call mutex. */
	int flags = (readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) | SQLITE_OPEN_NOMUTEX;

	store->path = xstrdup(path);
	if (stat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			error_set("cannot open database %s: it is a directory", path);
			goto fail;
		}
		/* SQLite would write its journal beside a device (/dev/null-journal). */
		if (!S_ISREG(st.st_mode)) {
			error_set("cannot open database %s: it is not a regular file", path);
			goto fail;
		}
		if (readonly && st.st_size == 0) {
			error_set("database %s is empty: nothing was imported or collected into it yet", path);
			goto fail;
		}
		created = st.st_size == 0; /* new: the page size may still be chosen */
	} else if (mode == STORE_EXISTING) {
		error_set("no database at %s (run 'cntraudit import' or 'cntraudit collect' first, or pass --db)",
		          path);
		goto fail;
	} else {
		/* Create it ourselves so it is born 0600: it holds account data. */
		created = 1;
		int fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
		if (fd < 0 && errno == EEXIST) {
			created = 0; /* another process created it a moment ago */
		} else if (fd < 0) {
			error_set("cannot create database %s: %s", path, strerror(errno));
			goto fail;
		} else {
			close(fd);
		}
	}
	if (sqlite3_open_v2(path, &store->db, flags, NULL) != SQLITE_OK) {
		error_set("cannot open database %s: %s", path, store->db ? sqlite3_errmsg(store->db) : "out of memory");
		goto fail;
	}
	sqlite3_extended_result_codes(store->db, 1);
	sqlite3_busy_handler(store->db, on_busy, store);
	if (readonly && access(path, W_OK) != 0 &&
	    sqlite3_exec(store->db, "SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL) != SQLITE_OK) {
		/* A WAL database in a folder we cannot write has no -shm to read
		 * through: read the file as it is, as an immutable snapshot (no
		 * one can be writing it: we may not, and neither may the folder). */
		char *uri = sqlite3_mprintf("file:%s?immutable=1", path);
		sqlite3_close(store->db);
		store->db = NULL;
		int rc = sqlite3_open_v2(uri, &store->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX,
		                         NULL);
		sqlite3_free(uri);
		if (rc != SQLITE_OK) {
			error_set("cannot open database %s read-only: %s", path,
			          store->db ? sqlite3_errmsg(store->db) : "out of memory");
			goto fail;
		}
	}
	/* Writers get a 16 MiB page cache (SQLite's default is 2 MiB): import
	 * and collect revisit the upper pages of every index per row; 1M
	 * containers import 8% faster, peak RSS stays near 40 MB. */
	/* A new database gets 16 KiB pages (fixed once the first table
	 * exists): SQLite writes a WAL frame per page per syscall, and with
	 * 4 KiB pages importing 1M containers made 343,000 write calls and
	 * spent 1.4 s in the kernel; with 16 KiB, 0.8 s. */
	if (created && store_exec(store, "PRAGMA page_size = 16384"))
		goto fail;
	if (!readonly &&
	    (exec_waiting(store, "PRAGMA journal_mode = WAL") || store_exec(store, "PRAGMA synchronous = NORMAL") ||
	     store_exec(store, "PRAGMA cache_size = -16384")))
		goto fail;
	if (store_exec(store, "PRAGMA temp_store = MEMORY") || store_migrate(store, readonly))
		goto fail;
	sqlite3_stmt *markers = NULL;
	if (sqlite3_prepare_v2(store->db, "SELECT EXISTS (SELECT 1 FROM deletions WHERE object = 'container.deleted')",
	                       -1, &markers, NULL) != SQLITE_OK ||
	    sqlite3_step(markers) != SQLITE_ROW) {
		sqlite3_finalize(markers);
		error_set("cannot open database %s: %s", path, sqlite3_errmsg(store->db));
		goto fail;
	}
	store->container_markers = sqlite3_column_int(markers, 0);
	sqlite3_finalize(markers);
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
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(store->statements[i]);
	sqlite3_close(store->db);
	free(store->path);
	free(store);
}

static sqlite3_stmt *statement(struct store *store, enum statement which)
{
	sqlite3_stmt **st = &store->statements[which];
	if (!*st &&
	    sqlite3_prepare_v3(store->db, statement_sql[which], -1, SQLITE_PREPARE_PERSISTENT, st, NULL) != SQLITE_OK) {
		store_error(store, "cannot prepare statement");
		*st = NULL;
	}
	return *st;
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static void bind_int(sqlite3_stmt *st, int i, const int64_t *v)
{
	if (v)
		sqlite3_bind_int64(st, i, *v);
	else
		sqlite3_bind_null(st, i);
}

/* Steps a bound upsert: 1 when it changed a row, 0 when not, -1 on error. */
static int run(struct store *store, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);
	int changed = sqlite3_changes(store->db) > 0;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE)
		return error_set("cannot store %s: %s", what, sqlite3_errmsg(store->db));
	return changed;
}

int store_upsert_container(struct store *store, const struct container_row *r)
{
	sqlite3_stmt *st = statement(store, store->container_markers ? ST_CONTAINER_MARKED : ST_CONTAINER);
	if (!st)
		return -1;
	bind_text(st, 1, r->id);
	bind_text(st, 2, r->project_id);
	bind_text(st, 3, r->name);
	bind_text(st, 4, r->memory_limit);
	bind_text(st, 5, r->status);
	sqlite3_bind_int64(st, 6, r->created_at);
	bind_int(st, 7, r->last_active_at);
	bind_int(st, 8, r->expires_after_minutes);
	bind_text(st, 9, r->raw);
	bind_text(st, 10, r->request_id);
	return run(store, st, "container");
}

int store_upsert_response(struct store *store, const struct response_row *r)
{
	sqlite3_stmt *st = statement(store, ST_RESPONSE);
	if (!st)
		return -1;
	bind_text(st, 1, r->id);
	bind_text(st, 2, r->project_id);
	bind_text(st, 3, r->status);
	sqlite3_bind_int64(st, 4, r->created_at);
	bind_int(st, 5, r->completed_at);
	bind_text(st, 6, r->previous_response_id);
	bind_text(st, 7, r->conversation_id);
	sqlite3_bind_int(st, 8, r->requests_container_auto);
	bind_text(st, 9, r->raw);
	bind_text(st, 10, r->request_id);
	return run(store, st, "response");
}

int store_add_container_reference(struct store *store, const struct reference_row *r)
{
	sqlite3_stmt *st = statement(store, ST_REFERENCE);
	if (!st)
		return -1;
	bind_text(st, 1, r->referrer_id);
	bind_text(st, 2, r->container_id);
	bind_text(st, 3, r->kind);
	bind_text(st, 4, r->referrer_kind);
	return run(store, st, "container reference");
}

int store_upsert_container_call(struct store *store, const struct container_call_row *r)
{
	sqlite3_stmt *st = statement(store, ST_CONTAINER_CALL);
	if (!st)
		return -1;
	bind_text(st, 1, r->id);
	bind_text(st, 2, r->container_id);
	bind_text(st, 3, r->status);
	bind_text(st, 4, r->response_id);
	bind_text(st, 5, r->conversation_id);
	bind_text(st, 6, r->context_response_id);
	bind_text(st, 7, r->kind);
	return run(store, st, r->kind);
}

int store_upsert_item(struct store *store, const struct item_row *r)
{
	sqlite3_stmt *st = statement(store, ST_ITEM);
	if (!st)
		return -1;
	bind_text(st, 1, r->id);
	bind_text(st, 2, r->type);
	bind_text(st, 3, r->parent_id);
	bind_text(st, 4, r->raw);
	bind_text(st, 5, r->request_id);
	return run(store, st, "item");
}

int store_upsert_conversation(struct store *store, const struct conversation_row *r)
{
	sqlite3_stmt *st = statement(store, ST_CONVERSATION);
	if (!st)
		return -1;
	bind_text(st, 1, r->id);
	bind_text(st, 2, r->project_id);
	bind_int(st, 3, r->created_at);
	bind_text(st, 4, r->raw);
	return run(store, st, "conversation");
}

int store_upsert_usage(struct store *store, const struct usage_row *r)
{
	sqlite3_stmt *st = statement(store, ST_USAGE);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, r->bucket_start);
	bind_int(st, 2, r->bucket_end);
	bind_text(st, 3, r->project_id);
	sqlite3_bind_int64(st, 4, r->num_sessions);
	bind_text(st, 5, r->raw);
	return run(store, st, "usage bucket");
}

int store_upsert_cost(struct store *store, const struct cost_row *r)
{
	sqlite3_stmt *st = statement(store, ST_COST);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, r->bucket_start);
	bind_int(st, 2, r->bucket_end);
	bind_text(st, 3, r->project_id);
	bind_text(st, 4, r->line_item);
	bind_text(st, 5, r->api_key_id);
	bind_int(st, 6, r->amount_micros);
	bind_text(st, 7, r->currency);
	if (r->quantity)
		sqlite3_bind_double(st, 8, *r->quantity);
	else
		sqlite3_bind_null(st, 8);
	bind_text(st, 9, r->quantity_unit);
	bind_text(st, 10, r->raw);
	return run(store, st, "cost result");
}

int store_upsert_container_file(struct store *store, const struct container_file_row *r)
{
	sqlite3_stmt *st = statement(store, ST_CONTAINER_FILE);
	if (!st)
		return -1;
	bind_text(st, 1, r->id);
	bind_text(st, 2, r->container_id);
	bind_int(st, 3, r->created_at);
	bind_int(st, 4, r->bytes);
	bind_text(st, 5, r->path);
	bind_text(st, 6, r->source);
	bind_text(st, 7, r->raw);
	bind_text(st, 8, r->request_id);
	return run(store, st, "container file");
}

int store_upsert_project(struct store *store, const struct project_row *r)
{
	sqlite3_stmt *st = statement(store, ST_PROJECT);
	if (!st)
		return -1;
	bind_text(st, 1, r->id);
	bind_text(st, 2, r->name);
	bind_text(st, 3, r->status);
	bind_int(st, 4, r->created_at);
	bind_text(st, 5, r->raw);
	bind_text(st, 6, r->request_id);
	return run(store, st, "project");
}

int store_upsert_project_api_key(struct store *store, const struct project_api_key_row *r)
{
	sqlite3_stmt *st = statement(store, ST_PROJECT_API_KEY);
	if (!st)
		return -1;
	bind_text(st, 1, r->id);
	bind_text(st, 2, r->project_id);
	bind_text(st, 3, r->redacted_value);
	bind_text(st, 4, r->name);
	bind_text(st, 5, r->raw);
	bind_text(st, 6, r->request_id);
	return run(store, st, "project API key");
}

int store_add_deletion(struct store *store, const struct deletion_row *r)
{
	sqlite3_stmt *st = statement(store, ST_DELETION);
	if (!st)
		return -1;
	bind_text(st, 1, r->id);
	bind_text(st, 2, r->object);
	bind_text(st, 3, r->raw);
	bind_text(st, 4, r->request_id);
	int stored = run(store, st, "delete marker");
	if (stored < 0 || strcmp(r->object, "container.deleted"))
		return stored;
	store->container_markers = 1;
	if (!(st = statement(store, ST_DELETE_CONTAINER)))
		return -1;
	bind_text(st, 1, r->id);
	int marked = run(store, st, "container deletion");
	return marked < 0 ? -1 : (stored | marked);
}

/* Runs a query and hands fn each row's first two columns as text. */
static int each_row(struct store *store, const char *sql, int (*row)(void *ctx, sqlite3_stmt *st), void *ctx)
{
	sqlite3_stmt *st = NULL;
	int rc = 0, step;
	if (sqlite3_prepare_v2(store->db, sql, -1, &st, NULL) != SQLITE_OK)
		return store_error(store, "cannot read the store");
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW)
		rc = row(ctx, st);
	if (!rc && step != SQLITE_DONE)
		rc = store_error(store, "cannot read the store");
	sqlite3_finalize(st);
	return rc;
}

struct container_visit {
	int (*fn)(void *ctx, const char *id, int live);
	void *ctx;
};

static int container_visit_row(void *ctx, sqlite3_stmt *st)
{
	struct container_visit *v = ctx;
	return v->fn(v->ctx, (const char *)sqlite3_column_text(st, 0), sqlite3_column_int(st, 1));
}

int store_each_container(struct store *store, int (*fn)(void *ctx, const char *id, int live), void *ctx)
{
	struct container_visit v = {fn, ctx};
	return each_row(store,
	                "SELECT id, status NOT IN ('expired', 'deleted') FROM containers ORDER BY created_at, id",
	                container_visit_row, &v);
}

struct key_visit {
	int (*fn)(void *ctx, const char *project_id, const char *redacted_value);
	void *ctx;
};

static int key_visit_row(void *ctx, sqlite3_stmt *st)
{
	struct key_visit *v = ctx;
	return v->fn(v->ctx, (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1));
}

int store_each_project_key(struct store *store,
                           int (*fn)(void *ctx, const char *project_id, const char *redacted_value), void *ctx)
{
	struct key_visit v = {fn, ctx};
	return each_row(store,
	                "SELECT project_id, redacted_value FROM project_api_keys"
	                " WHERE project_id IS NOT NULL AND redacted_value IS NOT NULL ORDER BY project_id, id",
	                key_visit_row, &v);
}

struct id_list {
	char **ids;
	size_t count;
};

static int id_list_row(void *ctx, sqlite3_stmt *st)
{
	struct id_list *l = ctx;
	l->ids = xrealloc(l->ids, (l->count + 2) * sizeof *l->ids);
	l->ids[l->count++] = xstrdup((const char *)sqlite3_column_text(st, 0));
	l->ids[l->count] = NULL;
	return 0;
}

int store_project_ids(struct store *store, char ***out)
{
	struct id_list l = {xcalloc(1, sizeof *l.ids), 0};
	if (each_row(store, "SELECT id FROM projects ORDER BY id", id_list_row, &l)) {
		for (size_t i = 0; i < l.count; i++)
			free(l.ids[i]);
		free(l.ids);
		return -1;
	}
	*out = l.ids;
	return 0;
}

int store_link_label_project(struct store *store, const char *label, const char *project_id, int64_t now)
{
	static const char *const sql[] = {
	    "DELETE FROM label_projects WHERE label = ?1 AND project_id <> ?2",
	    "INSERT OR REPLACE INTO label_projects(label, project_id, learned_at) VALUES (?1, ?2, ?3)"};
	for (int i = 0; i < 2; i++) {
		sqlite3_stmt *st = NULL;
		if (sqlite3_prepare_v2(store->db, sql[i], -1, &st, NULL) != SQLITE_OK)
			return store_error(store, "cannot store the label's project");
		bind_text(st, 1, label);
		bind_text(st, 2, project_id);
		if (i == 1)
			sqlite3_bind_int64(st, 3, now);
		int rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return store_error(store, "cannot store the label's project");
	}
	return 0;
}
