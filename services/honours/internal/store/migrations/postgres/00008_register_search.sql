-- The register's search index (ListHonours with query=): the rows whose
-- search text the words selected (sqlstore.SearchIndex, migration 7) are
-- counted and placed in the register's order from this index alone, with
-- the filters a search is most often combined with and the columns of
-- that order (a name is far shorter than the 2,700 bytes a B-tree entry may
-- hold). Databases migrated before it was its own migration have it
-- already. The sqlite directory holds the same index for SQLite.

-- +goose Up
CREATE INDEX IF NOT EXISTS honours_search ON honours (search, year, province, province_original, state) INCLUDE (conferred_on, sort_key, id);

-- +goose Down
DROP INDEX honours_search;
