-- 0003_key_fingerprints: which keys a collect used, as fingerprints only
-- ("project …abcd; admin …wxyz": the last four characters, never a key), so
-- an evidence pack can say whose account the data came from.
ALTER TABLE runs ADD COLUMN key_fingerprints TEXT;

-- The schema this migration brings (src/store/store.c checks it).
PRAGMA user_version = 3;
