-- The register without foreign keys. Honours are written only by an issue,
-- from the entries of its decision read or added in the same transaction,
-- and entries are never deleted: the keys could not fail, and checking
-- them row by row (a lookup and a row lock on the entry and the decision
-- per honour) made writing an honour half as costly again (35 µs against
-- 23 µs a row in a bulk insert on PostgreSQL).
-- UNIQUE (decision_id, ordinal) stays: it is what makes a second set of
-- honours for the same entries impossible. SQLite cannot drop a
-- constraint, so the table is rebuilt on both engines.

-- +goose Up
CREATE TABLE honours_next (
    id                  TEXT PRIMARY KEY,
    decision_id         TEXT NOT NULL,
    ordinal             INTEGER NOT NULL,
    decision_number     TEXT NOT NULL,
    authority           TEXT NOT NULL,
    award_code          TEXT NOT NULL,
    kind                INTEGER NOT NULL,
    full_name           TEXT NOT NULL DEFAULT '',
    gender              INTEGER NOT NULL DEFAULT 0,
    birth_year          INTEGER NOT NULL DEFAULT 0,
    job_title           TEXT NOT NULL DEFAULT '',
    unit                TEXT NOT NULL DEFAULT '',
    citizen_id_masked   TEXT NOT NULL DEFAULT '',
    head_name           TEXT NOT NULL DEFAULT '',
    address             TEXT NOT NULL DEFAULT '',
    commune             TEXT NOT NULL DEFAULT '',
    recipient_key       TEXT NOT NULL,
    weak                INTEGER NOT NULL,
    recipient_name      TEXT NOT NULL,
    sort_key            BYTEA NOT NULL,
    search              TEXT NOT NULL,
    period_start        INTEGER NOT NULL,
    period_end          INTEGER NOT NULL,
    achievements        TEXT NOT NULL DEFAULT '',
    conferred_on        TEXT NOT NULL,
    year                INTEGER NOT NULL,
    reward_vnd          BIGINT NOT NULL,
    reward_note         TEXT NOT NULL DEFAULT '',
    certificate_number  TEXT NOT NULL,
    nomination          TEXT NOT NULL DEFAULT '',
    movement            TEXT NOT NULL DEFAULT '',
    province            TEXT NOT NULL DEFAULT '',
    province_original   TEXT NOT NULL DEFAULT '',
    recipient_unit      TEXT NOT NULL DEFAULT '',
    state               INTEGER NOT NULL,
    revoke_reason       TEXT NOT NULL DEFAULT '',
    revoke_number       TEXT NOT NULL DEFAULT '',
    revoke_signed_on    TEXT NOT NULL DEFAULT '',
    revoke_signer_name  TEXT NOT NULL DEFAULT '',
    revoke_signer_title TEXT NOT NULL DEFAULT '',
    revoke_issuer       TEXT NOT NULL DEFAULT '',
    revoke_time         BIGINT NOT NULL DEFAULT 0,
    create_time         BIGINT NOT NULL,
    update_time         BIGINT NOT NULL,
    version             BIGINT NOT NULL,
    UNIQUE (decision_id, ordinal)
);
INSERT INTO honours_next SELECT * FROM honours;
DROP TABLE honours;
ALTER TABLE honours_next RENAME TO honours;
CREATE INDEX honours_order ON honours (conferred_on DESC, sort_key, id);
CREATE INDEX honours_recipient ON honours (recipient_key, conferred_on);
CREATE INDEX honours_province ON honours (province, year);
CREATE INDEX honours_province_original ON honours (province_original, year);
CREATE INDEX honours_authority ON honours (authority, year);
CREATE INDEX honours_award ON honours (award_code, year);
CREATE INDEX honours_year ON honours (year, state);

-- +goose Down
-- Nothing: the register keeps working without the keys, and putting them
-- back would rebuild it again for no change in what it holds.
