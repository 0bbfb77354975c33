-- The register's search index (ListHonours with query=): the rows whose
-- search text the words selected (sqlstore.SearchIndex, migration 7) are
-- counted and placed in the register's order from this index alone.
-- Databases migrated before it was its own migration have it already. The
-- postgres directory holds the same index for PostgreSQL.

-- +goose Up
CREATE INDEX IF NOT EXISTS honours_search ON honours (search, year, province, province_original, state, conferred_on, sort_key, id);

-- +goose Down
DROP INDEX honours_search;
