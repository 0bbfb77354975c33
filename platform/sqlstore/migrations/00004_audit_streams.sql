-- The audit log holds two streams, shaped like Cloud Audit Logs: admin
-- activity (every change) and data access (every read of personal data),
-- and each record says more of its caller and of its call
-- (sqlstore.AuditEntry). Portable SQL: SQLite and PostgreSQL.

-- +goose Up

-- format is the layout of the record's hash: 1 for the records written
-- before this migration (their hash covers the columns of migration 1), 2
-- for the records written after it (their hash covers every column). The
-- columns below keep their defaults on a record of format 1.
ALTER TABLE audit_log ADD COLUMN format BIGINT NOT NULL DEFAULT 1;
-- log_name is the stream: 'activity' or 'data_access'.
ALTER TABLE audit_log ADD COLUMN log_name TEXT NOT NULL DEFAULT 'activity';
-- caller_roles are the caller's grants, "unit:ROLE" separated by spaces.
ALTER TABLE audit_log ADD COLUMN caller_roles TEXT NOT NULL DEFAULT '';
-- auth_method is how the caller authenticated: bearer, mtls, anonymous.
ALTER TABLE audit_log ADD COLUMN auth_method TEXT NOT NULL DEFAULT '';
-- owner_unit is the id of the unit owning the resource ('' for none):
-- what ListAuditEntries scopes a province's officers by.
ALTER TABLE audit_log ADD COLUMN owner_unit TEXT NOT NULL DEFAULT '';
-- result is the outcome of the call, 'OK' for what is recorded today.
ALTER TABLE audit_log ADD COLUMN result TEXT NOT NULL DEFAULT '';
-- trace_id is the OpenTelemetry trace of the call, 32 hex digits ('' when
-- it was not traced).
ALTER TABLE audit_log ADD COLUMN trace_id TEXT NOT NULL DEFAULT '';
CREATE INDEX audit_log_owner ON audit_log (owner_unit, seq);
CREATE INDEX audit_log_stream ON audit_log (log_name, seq);

-- +goose Down
DROP INDEX audit_log_stream;
DROP INDEX audit_log_owner;
ALTER TABLE audit_log DROP COLUMN trace_id;
ALTER TABLE audit_log DROP COLUMN result;
ALTER TABLE audit_log DROP COLUMN owner_unit;
ALTER TABLE audit_log DROP COLUMN auth_method;
ALTER TABLE audit_log DROP COLUMN caller_roles;
ALTER TABLE audit_log DROP COLUMN log_name;
ALTER TABLE audit_log DROP COLUMN format;
