-- The movements service's schema. Written once for SQLite and PostgreSQL:
-- TEXT, INTEGER, BIGINT and BYTEA mean the same to both. Timestamps are unix
-- microseconds (UTC), 0 for none; civil dates are ISO text, which sorts in
-- date order. Unit references are bare unit ids of the blocs service.
-- Documents (the launch document, the closing review) are JSON text, ''
-- for none.

-- +goose Up
CREATE TABLE movements (
    id                TEXT PRIMARY KEY,
    title             TEXT NOT NULL,
    kind              INTEGER NOT NULL,
    launched_by       TEXT NOT NULL,
    launch_document   TEXT NOT NULL DEFAULT '',
    period_start      TEXT NOT NULL,
    period_end        TEXT NOT NULL,
    objectives        TEXT NOT NULL DEFAULT '',
    criteria          TEXT NOT NULL DEFAULT '',
    state             INTEGER NOT NULL,
    closing_review    TEXT NOT NULL DEFAULT '',
    participant_count INTEGER NOT NULL DEFAULT 0,
    sort_key          BYTEA NOT NULL,
    search            TEXT NOT NULL,
    create_time       BIGINT NOT NULL,
    update_time       BIGINT NOT NULL,
    launch_time       BIGINT NOT NULL DEFAULT 0,
    close_time        BIGINT NOT NULL DEFAULT 0,
    version           BIGINT NOT NULL
);
CREATE INDEX movements_order ON movements (sort_key, id);
CREATE INDEX movements_launched_by ON movements (launched_by);

-- A unit taking part in a movement: once per movement.
CREATE TABLE participants (
    movement_id       TEXT NOT NULL REFERENCES movements (id),
    id                TEXT NOT NULL,
    unit              TEXT NOT NULL,
    unit_display_name TEXT NOT NULL,
    registered_on     TEXT NOT NULL,
    commitment        TEXT NOT NULL DEFAULT '',
    sort_key          BYTEA NOT NULL,
    create_time       BIGINT NOT NULL,
    PRIMARY KEY (movement_id, id),
    UNIQUE (movement_id, unit)
);
CREATE INDEX participants_order ON participants (movement_id, sort_key, id);

-- +goose Down
DROP TABLE participants;
DROP TABLE movements;
