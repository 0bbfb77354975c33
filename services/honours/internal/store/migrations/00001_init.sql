-- The honours service's schema. Written once for SQLite and PostgreSQL:
-- TEXT, INTEGER, BIGINT and BYTEA mean the same to both. Timestamps are unix
-- microseconds (UTC); civil dates are ISO text, which sorts in date order;
-- '' means "none". Unit references are bare unit ids of the blocs service.
-- Booleans are INTEGER 0/1.

-- +goose Up
CREATE TABLE decisions (
    id                  TEXT PRIMARY KEY,
    number              TEXT NOT NULL,
    signed_on           TEXT NOT NULL,
    year                INTEGER NOT NULL,
    signer_name         TEXT NOT NULL DEFAULT '',
    signer_title        TEXT NOT NULL DEFAULT '',
    issuer              TEXT NOT NULL DEFAULT '',
    title               TEXT NOT NULL DEFAULT '',
    authority           TEXT NOT NULL,
    movement            TEXT NOT NULL DEFAULT '',
    state               INTEGER NOT NULL,
    entry_count         INTEGER NOT NULL DEFAULT 0,
    reward_total        BIGINT NOT NULL DEFAULT 0,
    search              TEXT NOT NULL,
    revoke_reason       TEXT NOT NULL DEFAULT '',
    revoke_number       TEXT NOT NULL DEFAULT '',
    revoke_signed_on    TEXT NOT NULL DEFAULT '',
    revoke_signer_name  TEXT NOT NULL DEFAULT '',
    revoke_signer_title TEXT NOT NULL DEFAULT '',
    revoke_issuer       TEXT NOT NULL DEFAULT '',
    revoke_time         BIGINT NOT NULL DEFAULT 0,
    create_time         BIGINT NOT NULL,
    issue_time          BIGINT NOT NULL DEFAULT 0,
    update_time         BIGINT NOT NULL,
    version             BIGINT NOT NULL
);
CREATE INDEX decisions_order ON decisions (signed_on DESC, id);
CREATE INDEX decisions_authority ON decisions (authority, signed_on);

-- One line of a decision. The full citizen id is personal data: it is
-- kept only sealed (AES-GCM, see internal/personaldata) and, for display,
-- masked.
CREATE TABLE decision_entries (
    decision_id       TEXT NOT NULL REFERENCES decisions (id),
    ordinal           INTEGER NOT NULL,
    kind              INTEGER NOT NULL,
    full_name         TEXT NOT NULL DEFAULT '',
    gender            INTEGER NOT NULL DEFAULT 0,
    birth_year        INTEGER NOT NULL DEFAULT 0,
    job_title         TEXT NOT NULL DEFAULT '',
    unit              TEXT NOT NULL DEFAULT '',
    citizen_id_masked TEXT NOT NULL DEFAULT '',
    citizen_id_sealed BYTEA,
    head_name         TEXT NOT NULL DEFAULT '',
    address           TEXT NOT NULL DEFAULT '',
    commune           TEXT NOT NULL DEFAULT '',
    recipient_key     TEXT NOT NULL,
    weak              INTEGER NOT NULL,
    award_code        TEXT NOT NULL,
    period_start      INTEGER NOT NULL,
    period_end        INTEGER NOT NULL,
    achievements      TEXT NOT NULL DEFAULT '',
    nomination        TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (decision_id, ordinal)
);
CREATE INDEX decision_entries_recipient ON decision_entries (decision_id, recipient_key);

-- The register. UNIQUE (decision_id, ordinal): one honour per entry, however
-- often an issue is retried or restarted. (00003 drops its foreign keys.)
CREATE TABLE honours (
    id                  TEXT PRIMARY KEY,
    decision_id         TEXT NOT NULL REFERENCES decisions (id),
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
    UNIQUE (decision_id, ordinal),
    FOREIGN KEY (decision_id, ordinal) REFERENCES decision_entries (decision_id, ordinal)
);
CREATE INDEX honours_order ON honours (conferred_on DESC, sort_key, id);
CREATE INDEX honours_recipient ON honours (recipient_key, conferred_on);
CREATE INDEX honours_province ON honours (province, year);
CREATE INDEX honours_province_original ON honours (province_original, year);
CREATE INDEX honours_authority ON honours (authority, year);
CREATE INDEX honours_award ON honours (award_code, year);
CREATE INDEX honours_year ON honours (year, state);

-- +goose Down
DROP TABLE honours;
DROP TABLE decision_entries;
DROP TABLE decisions;
