-- The change feed of units (WatchUnits) and their dated history.
--
-- Every change of a unit takes the next revision from unit_feed, whose one
-- row is updated in the changing transaction: the row lock orders unit
-- changes by commit on PostgreSQL (SQLite writers are serial anyway), so a
-- follower that has seen revision n has seen every change up to n.
-- units.revision is the revision of a unit's last change; units that
-- existed before the feed are numbered in id order.
--
-- unit_history keeps what a unit was called, and what it was, before each
-- dated change (a rename or a change of kind or level in law): the row
-- with until = D is the unit as it was up to the day before D.

-- +goose Up
CREATE TABLE unit_feed (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    revision BIGINT NOT NULL
);
ALTER TABLE units ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;
UPDATE units SET revision = (SELECT COUNT(*) FROM units u WHERE u.id <= units.id);
INSERT INTO unit_feed (id, revision) SELECT 1, COUNT(*) FROM units;
CREATE INDEX units_revision ON units (revision);

CREATE TABLE unit_history (
    unit_id      TEXT NOT NULL REFERENCES units (id),
    until        TEXT NOT NULL,
    display_name TEXT NOT NULL,
    short_name   TEXT NOT NULL,
    kind         INTEGER NOT NULL,
    level        INTEGER NOT NULL,
    PRIMARY KEY (unit_id, until)
);

-- +goose Down
DROP TABLE unit_history;
DROP INDEX units_revision;
ALTER TABLE units DROP COLUMN revision;
DROP TABLE unit_feed;
