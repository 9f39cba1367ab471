-- Transactions (src/store/store.c). A writer takes the write lock when it
-- begins, so it waits for another writer at the start, not at its first
-- change; a report reads one snapshot; a document is stored whole or not at
-- all inside the collect's transaction.

-- name: write
BEGIN IMMEDIATE

-- name: commit
COMMIT

-- name: audit_inputs_changed
-- Before a commit that changed what the audit reads: its stored facts are
-- stale (migration 0007).
UPDATE main.audit_facts_state SET dirty = 1 WHERE dirty = 0

-- name: snapshot
BEGIN

-- name: rollback
ROLLBACK

-- name: document
SAVEPOINT document

-- name: document_done
RELEASE document

-- name: document_undo
ROLLBACK TO document; RELEASE document
