-- The audit log becomes a hash chain (sqlstore.Audit, sqlstore.VerifyAudit).
-- Portable SQL: SQLite and PostgreSQL. Version 3, a Go migration in
-- audit.go, chains the rows written before this one and creates the head.

-- +goose Up

-- seq numbers the records 1, 2, 3, ... without gaps; hash is SHA-256 of the
-- record's columns and prev_hash, the hash of record seq-1 (empty for the
-- first). NULL only in rows not written by sqlstore.Audit.
ALTER TABLE audit_log ADD COLUMN seq BIGINT;
ALTER TABLE audit_log ADD COLUMN prev_hash BYTEA;
ALTER TABLE audit_log ADD COLUMN hash BYTEA;
CREATE UNIQUE INDEX audit_log_seq ON audit_log (seq);

-- audit_head is the chain's last record: one row, locked by every append
-- until its transaction ends, so that appends follow the order of commits.
CREATE TABLE audit_head (
    id   BIGINT PRIMARY KEY CHECK (id = 1),
    seq  BIGINT NOT NULL, -- 0 while the log is empty
    hash BYTEA NOT NULL
);

-- +goose Down
DROP TABLE audit_head;
DROP INDEX audit_log_seq;
ALTER TABLE audit_log DROP COLUMN hash;
ALTER TABLE audit_log DROP COLUMN prev_hash;
ALTER TABLE audit_log DROP COLUMN seq;
