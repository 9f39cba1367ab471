/* The SQLite store: opening (created mode 0600, WAL, migrated from the
 * embedded sql/migrations/), transactions, and one upsert per kind of API
 * object. Upserts are keyed by API ID: storing the same object twice changes
 * nothing; a newer copy replaces an older one (see each function).
 * Row structs are borrowed for the call; NULL strings are stored as NULL. */
#ifndef CNTRAUDIT_STORE_H
#define CNTRAUDIT_STORE_H

#include <sqlite3.h>
#include <stdint.h>

struct store;

enum store_mode {
	STORE_CREATE,   /* create the database when it does not exist (collect, import, prices) */
	STORE_EXISTING, /* the database must exist (report) */
};

/* How long a writer waits for another to finish its batch before it gives
 * up (CNTRAUDIT_BUSY_TIMEOUT), in seconds; for every store opened after. */
#define STORE_BUSY_TIMEOUT_DEFAULT 300
void store_set_busy_timeout(long seconds);

/* 0 and *out owned by the caller (store_free), or -1 with the error set.
 * STORE_EXISTING opens read-only and never changes the file; a database at
 * an older schema is then an error saying how to upgrade it. */
int store_open(const char *path, enum store_mode mode, struct store **out);
void store_free(struct store *store);
/* The connection, borrowed: for the audit's virtual tables and functions. */
sqlite3 *store_db(struct store *store);

/* For the audit, which reads the whole store with its own queries and
 * registers its tables on the connection: the embedded statement ref
 * ("sql/audit/load.sql#containers", see embedded_sql.h) prepared (0 and
 * *st, which the caller finalizes) or run (any number of statements, no
 * results). -1 with the error set. */
int store_prepare(struct store *store, const char *ref, sqlite3_stmt **st);
int store_exec_ref(struct store *store, const char *ref);
/* Write transactions are short, one batch each, and never held across a
 * network wait: store_begin opens one (BEGIN IMMEDIATE, waiting up to the
 * busy timeout for another writer) unless one is open; store_commit commits
 * the open one, if any. */
int store_begin(struct store *store);
int store_commit(struct store *store);
/* A row the audit reads (containers, responses, container calls,
 * references, prices) changed in the open transaction: store_commit then
 * marks the audit's stored facts stale, in the same transaction. The
 * upserts say so themselves; audit_store_facts, which stores facts and
 * changes none of those, never does. */
void store_audit_inputs_changed(struct store *store);
/* A read transaction: everything read until store_snapshot_end sees the
 * store at one moment (the audit's load). */
int store_snapshot_begin(struct store *store);
void store_snapshot_end(struct store *store);
void store_rollback(struct store *store);
/* A nested unit inside a transaction: the document being imported. */
int store_savepoint(struct store *store);
int store_savepoint_release(struct store *store);
void store_savepoint_rollback(struct store *store);
/* Nonzero when the last failure was the database's (full disk, read-only,
 * I/O error, corruption, lock, a statement of this build that cannot be
 * prepared), not the data's: stop rather than go on. */
int store_failed(struct store *store);
/* This process's row in runs: a lock-wait failure names the other writer's,
 * never its own. */
void store_set_run(struct store *store, int64_t run_id);
/* Sets the error to "WHAT: <sqlite message>" (naming the other writer from
 * runs after a lock wait gave up) and returns -1. */
int store_error(struct store *store, const char *what);

struct container_row {
	const char *id, *project_id, *name;
	const char *memory_limit; /* NULL when absent */
	const char *status;
	int64_t created_at;
	const int64_t *last_active_at;        /* NULL when absent */
	const int64_t *expires_after_minutes; /* NULL when absent */
	const char *raw;
	const char *request_id; /* x-request-id when collected; NULL when imported */
};

/* responses.requests_container_auto */
#define RESPONSE_AUTO_CODE_INTERPRETER 1 /* code_interpreter tool with container {"type": "auto"} */
#define RESPONSE_AUTO_SHELL            2 /* shell tool with environment {"type": "container_auto"} */

struct response_row {
	const char *id, *project_id, *status;
	int64_t created_at;
	const int64_t *completed_at; /* NULL when absent */
	const char *previous_response_id, *conversation_id;
	int requests_container_auto; /* RESPONSE_AUTO_* bits: which tools asked for an automatic container */
	const char *raw;
	const char *request_id;
};

/* A container call: an item that ran in a container. */
struct container_call_row {
	const char *id, *container_id, *status;
	const char *kind;                                                /* "code_interpreter_call" or "shell_call" */
	const char *response_id, *conversation_id, *context_response_id; /* any may be NULL */
};

/* A container a response names in its tools, or a file in it cited. */
struct reference_row {
	const char *container_id;
	const char *referrer_id;   /* the resp_ or conv_ that refers to it, or the citing message's ID */
	const char *referrer_kind; /* "response", "conversation" or "item" */
	const char *kind;          /* "named" or "cited" */
};

struct container_file_row {
	const char *id, *container_id;
	const int64_t *created_at, *bytes; /* NULL when absent */
	const char *path, *source;         /* NULL when absent */
	const char *raw, *request_id;
};

struct project_row {
	const char *id, *name, *status;
	const int64_t *created_at;
	const char *raw, *request_id;
};

struct project_api_key_row {
	const char *id, *project_id, *redacted_value, *name, *raw, *request_id;
};

/* A delete marker: {"id", "object": "container.deleted", "deleted": true}. */
struct deletion_row {
	const char *id, *object, *raw, *request_id;
};

struct item_row {
	const char *id, *type, *parent_id, *raw, *request_id;
};

struct conversation_row {
	const char *id, *project_id;
	const int64_t *created_at;
	const char *raw;
};

struct usage_row {
	int64_t bucket_start;
	const int64_t *bucket_end;
	const char *project_id; /* "" when not grouped by project */
	int64_t num_sessions;
	const char *raw;
};

struct cost_row {
	int64_t bucket_start;
	const int64_t *bucket_end;
	const char *project_id, *line_item, *api_key_id; /* "" when not grouped */
	const int64_t *amount_micros;                    /* NULL when the result has no amount */
	const char *currency;
	const double *quantity;
	const char *quantity_unit;
	const char *raw;
};

/* Each returns 1 when a row was inserted or changed, 0 when nothing changed,
 * -1 with the error set. A container is replaced by a copy with a later
 * last_active_at or a later status (running < expired < deleted); a response
 * by one with a later completed_at or when the stored copy was unfinished.
 * With store NULL each returns 0 and stores nothing (a decoder's check). */
int store_upsert_container(struct store *store, const struct container_row *row);
int store_upsert_response(struct store *store, const struct response_row *row);
int store_add_container_reference(struct store *store, const struct reference_row *row);
int store_upsert_container_call(struct store *store, const struct container_call_row *row);
int store_upsert_item(struct store *store, const struct item_row *row);
int store_upsert_conversation(struct store *store, const struct conversation_row *row);
int store_upsert_usage(struct store *store, const struct usage_row *row);
int store_upsert_cost(struct store *store, const struct cost_row *row);
int store_upsert_container_file(struct store *store, const struct container_file_row *row);
int store_upsert_project(struct store *store, const struct project_row *row);
int store_upsert_project_api_key(struct store *store, const struct project_api_key_row *row);
/* Stores a delete marker; a container.deleted one also marks the container
 * deleted (now, or when it is stored later). */
int store_add_deletion(struct store *store, const struct deletion_row *row);

#endif
