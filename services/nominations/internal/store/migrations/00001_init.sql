-- The nominations service's schema. Written once for SQLite and
-- PostgreSQL: TEXT, INTEGER, BIGINT and BYTEA mean the same to both.
-- Timestamps are unix microseconds (UTC), 0 for none; civil dates are ISO
-- text, '' for none, which sorts in date order. Unit references are bare
-- unit ids of the blocs service. Nested values (documents, the recipient,
-- ratings, votes, reports, history) are JSON text, '' for none.

-- +goose Up
-- A submission (tờ trình) of nominations by a proposer to an authority.
CREATE TABLE batches (
    id                TEXT PRIMARY KEY,
    proposer          TEXT NOT NULL,
    authority         TEXT NOT NULL,
    title             TEXT NOT NULL,
    document          TEXT NOT NULL DEFAULT '',
    state             INTEGER NOT NULL,
    nominations_count INTEGER NOT NULL DEFAULT 0,
    decision          TEXT NOT NULL DEFAULT '',
    create_time       BIGINT NOT NULL,
    update_time       BIGINT NOT NULL,
    submit_time       BIGINT NOT NULL DEFAULT 0,
    version           BIGINT NOT NULL
);
CREATE INDEX batches_order ON batches (create_time, id);
CREATE INDEX batches_proposer ON batches (proposer, create_time, id);
CREATE INDEX batches_authority ON batches (authority, create_time, id);
CREATE INDEX batches_state ON batches (state, create_time, id);

-- A recipient proposed for an award in a batch. The recipient's citizen
-- id is personal data: recipient holds the recipient without it, and
-- citizen_id_sealed the id as the server sealed it (NULL when none).
-- proposer and authority are the batch's, for the lists' visibility.
-- search is the recipient's folded name (vnfold.Fold), sort_key its
-- collation key (vnfold.SortKey). due_on and due_step are the time limit
-- that runs, '' when none.
CREATE TABLE nominations (
    batch_id               TEXT NOT NULL REFERENCES batches (id),
    id                     TEXT NOT NULL,
    recipient              TEXT NOT NULL,
    citizen_id_sealed      BYTEA,
    recipient_key          TEXT NOT NULL DEFAULT '',
    award_code             TEXT NOT NULL,
    period_start           INTEGER NOT NULL,
    period_end             INTEGER NOT NULL,
    basis                  INTEGER NOT NULL,
    movement               TEXT NOT NULL DEFAULT '',
    ranking                TEXT NOT NULL DEFAULT '',
    achievements           TEXT NOT NULL DEFAULT '',
    ratings                TEXT NOT NULL DEFAULT '',
    initiatives            TEXT NOT NULL DEFAULT '',
    members                TEXT NOT NULL DEFAULT '',
    discipline_pending     INTEGER NOT NULL DEFAULT 0,
    attachments            TEXT NOT NULL DEFAULT '',
    vote                   TEXT NOT NULL DEFAULT '',
    eligibility            TEXT NOT NULL DEFAULT '',
    approval_override      TEXT NOT NULL DEFAULT '',
    state                  INTEGER NOT NULL,
    history                TEXT NOT NULL DEFAULT '',
    due_on                 TEXT NOT NULL DEFAULT '',
    due_step               TEXT NOT NULL DEFAULT '',
    comment_window_ends_on TEXT NOT NULL DEFAULT '',
    honour                 TEXT NOT NULL DEFAULT '',
    proposer               TEXT NOT NULL,
    authority              TEXT NOT NULL,
    search                 TEXT NOT NULL,
    sort_key               BYTEA NOT NULL,
    create_time            BIGINT NOT NULL,
    update_time            BIGINT NOT NULL,
    version                BIGINT NOT NULL,
    PRIMARY KEY (batch_id, id)
);
CREATE INDEX nominations_order ON nominations (create_time, batch_id, id);
CREATE INDEX nominations_proposer ON nominations (proposer, create_time, batch_id, id);
CREATE INDEX nominations_authority ON nominations (authority, create_time, batch_id, id);
CREATE INDEX nominations_state ON nominations (state, create_time, batch_id, id);
CREATE INDEX nominations_award ON nominations (award_code, create_time, batch_id, id);
CREATE INDEX nominations_recipient ON nominations (recipient_key, state);
CREATE INDEX nominations_search ON nominations (search);
CREATE INDEX nominations_due ON nominations (due_on) WHERE due_on <> '';

-- The working-day calendar of a year: its listed days.
CREATE TABLE calendars (
    year        INTEGER PRIMARY KEY,
    days        TEXT NOT NULL DEFAULT '',
    update_time BIGINT NOT NULL,
    version     BIGINT NOT NULL
);

-- The intent of conferring a batch's approved nominations through the
-- honours service: written before the call, so that a crash between the
-- call and the batch's closing is resumed with the same request and
-- decision ids. nominations are their names, in the decision's entry
-- order (JSON); state is PENDING until the batch is closed, then DONE.
CREATE TABLE conferrals (
    batch_id    TEXT PRIMARY KEY REFERENCES batches (id),
    request_id  TEXT NOT NULL,
    decision_id TEXT NOT NULL,
    document    TEXT NOT NULL,
    title       TEXT NOT NULL,
    state       TEXT NOT NULL,
    nominations TEXT NOT NULL DEFAULT '',
    create_time BIGINT NOT NULL,
    update_time BIGINT NOT NULL
);
CREATE INDEX conferrals_state ON conferrals (state, create_time, batch_id);

-- +goose Down
DROP TABLE conferrals;
DROP TABLE calendars;
DROP TABLE nominations;
DROP TABLE batches;
