-- The blocs service's schema. Written once for SQLite and PostgreSQL:
-- TEXT, INTEGER, BIGINT, BYTEA and DOUBLE PRECISION mean the same to both.
-- Timestamps are unix microseconds (UTC); civil dates are ISO text, which
-- sorts in date order; '' means "no date".

-- +goose Up
CREATE TABLE units (
    id           TEXT PRIMARY KEY,
    display_name TEXT NOT NULL,
    short_name   TEXT NOT NULL DEFAULT '',
    kind         INTEGER NOT NULL,
    level        INTEGER NOT NULL,
    province     TEXT NOT NULL DEFAULT '',
    parent       TEXT NOT NULL DEFAULT '',
    code         TEXT NOT NULL DEFAULT '',
    state        INTEGER NOT NULL,
    successor    TEXT NOT NULL DEFAULT '',
    dissolved_on TEXT NOT NULL DEFAULT '',
    sort_key     BYTEA NOT NULL,
    search       TEXT NOT NULL,
    create_time  BIGINT NOT NULL,
    update_time  BIGINT NOT NULL,
    version      BIGINT NOT NULL
);
CREATE INDEX units_order ON units (sort_key, id);
CREATE INDEX units_province ON units (province);
CREATE INDEX units_parent ON units (parent);
CREATE INDEX units_successor ON units (successor);

CREATE TABLE emulation_groups (
    id           TEXT PRIMARY KEY,
    kind         INTEGER NOT NULL,
    display_name TEXT NOT NULL,
    organizer    TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    state        INTEGER NOT NULL,
    sort_key     BYTEA NOT NULL,
    search       TEXT NOT NULL,
    create_time  BIGINT NOT NULL,
    update_time  BIGINT NOT NULL,
    version      BIGINT NOT NULL
);
CREATE INDEX emulation_groups_order ON emulation_groups (sort_key, id);
CREATE INDEX emulation_groups_organizer ON emulation_groups (organizer);

CREATE TABLE memberships (
    group_id    TEXT NOT NULL REFERENCES emulation_groups (id),
    id          TEXT NOT NULL,
    unit_id     TEXT NOT NULL REFERENCES units (id),
    joined_on   TEXT NOT NULL,
    left_on     TEXT NOT NULL DEFAULT '',
    create_time BIGINT NOT NULL,
    PRIMARY KEY (group_id, id)
);
CREATE INDEX memberships_unit ON memberships (unit_id);
CREATE INDEX memberships_order ON memberships (group_id, joined_on, id);

CREATE TABLE terms (
    group_id    TEXT NOT NULL REFERENCES emulation_groups (id),
    year        INTEGER NOT NULL,
    head        TEXT NOT NULL REFERENCES units (id),
    deputy      TEXT NOT NULL REFERENCES units (id),
    create_time BIGINT NOT NULL,
    PRIMARY KEY (group_id, year)
);

CREATE TABLE covenants (
    group_id          TEXT NOT NULL REFERENCES emulation_groups (id),
    year              INTEGER NOT NULL,
    criteria          TEXT NOT NULL,
    signed_on         TEXT NOT NULL DEFAULT '',
    signatories       TEXT NOT NULL,
    certificate_quota INTEGER,
    create_time       BIGINT NOT NULL,
    update_time       BIGINT NOT NULL,
    version           BIGINT NOT NULL,
    PRIMARY KEY (group_id, year)
);

CREATE TABLE scores (
    group_id     TEXT NOT NULL,
    year         INTEGER NOT NULL,
    unit_id      TEXT NOT NULL REFERENCES units (id),
    points       TEXT NOT NULL,
    women_share  DOUBLE PRECISION NOT NULL,
    total        DOUBLE PRECISION NOT NULL,
    submitted_by TEXT NOT NULL DEFAULT '',
    submit_time  BIGINT NOT NULL,
    PRIMARY KEY (group_id, year, unit_id),
    FOREIGN KEY (group_id, year) REFERENCES covenants (group_id, year)
);

-- +goose Down
DROP TABLE scores;
DROP TABLE covenants;
DROP TABLE terms;
DROP TABLE memberships;
DROP TABLE emulation_groups;
DROP TABLE units;
