-- Events: congresses, reviews, covenant signings, honouring conferences.
-- Unit, group and movement references are bare ids ('' for none); the
-- period is two ISO dates ('' for none); decisions are JSON text of their
-- names. ordinal_scope is what a congress's ordinal is unique within
-- ("groups/{g}" or "units/{u}"), '' for other events.

-- +goose Up
CREATE TABLE events (
    id            TEXT PRIMARY KEY,
    kind          INTEGER NOT NULL,
    organizer     TEXT NOT NULL,
    group_id      TEXT NOT NULL DEFAULT '',
    movement_id   TEXT NOT NULL DEFAULT '',
    held_on       TEXT NOT NULL,
    ordinal       INTEGER NOT NULL DEFAULT 0,
    ordinal_scope TEXT NOT NULL DEFAULT '',
    period_start  TEXT NOT NULL DEFAULT '',
    period_end    TEXT NOT NULL DEFAULT '',
    summary       TEXT NOT NULL DEFAULT '',
    decisions     TEXT NOT NULL DEFAULT '',
    create_time   BIGINT NOT NULL
);
CREATE INDEX events_order ON events (held_on, id);
CREATE INDEX events_organizer ON events (organizer);
CREATE INDEX events_group ON events (group_id);
CREATE INDEX events_movement ON events (movement_id);
CREATE UNIQUE INDEX events_ordinal ON events (ordinal_scope, ordinal) WHERE ordinal_scope <> '';

-- +goose Down
DROP TABLE events;
