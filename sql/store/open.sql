-- Opening a database (src/store/store.c).

-- name: new_database
-- 16 KiB pages, fixed once the first table exists: SQLite writes a WAL frame
-- per page per syscall, and with 4 KiB pages importing 1M containers made
-- 343,000 write calls and spent 1.4 s in the kernel; with 16 KiB, 0.8 s.
PRAGMA page_size = 16384

-- name: journal
-- Readers beside a writer. SQLite runs this without its busy handler, so
-- store.c retries it while another process creates the same database.
PRAGMA journal_mode = WAL

-- name: writer
-- A 16 MiB page cache (SQLite's default is 2 MiB): import and collect
-- revisit the upper pages of every index per row; 1M containers import 8%
-- faster, peak RSS stays near 40 MB.
PRAGMA synchronous = NORMAL;
PRAGMA cache_size = -16384

-- name: any
PRAGMA temp_store = MEMORY

-- name: readable
-- A read-only WAL database whose -shm cannot be made fails here.
SELECT count(*) FROM sqlite_schema

-- name: user_version
PRAGMA user_version

-- name: has_markers
-- Whether a container.deleted marker is stored: only then do container
-- upserts look one up.
SELECT EXISTS (SELECT 1 FROM deletions WHERE object = 'container.deleted')

-- name: other_writer
-- Who holds the database when a lock wait gives up: the newest run still
-- running that is not this process's own (?1).
SELECT id, command, coalesce(options, ''), started_at FROM runs
WHERE status = 'running' AND id <> ?1 ORDER BY id DESC LIMIT 1
