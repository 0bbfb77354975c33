-- Accent-insensitive search through an index (sqlstore.Reader.Search), on
-- PostgreSQL. Every distinct text of the folded search column of the
-- register and of the decisions is kept in TABLE_search_texts, which a
-- trigram index (pg_trgm) searches: the words of a query select the texts
-- that hold them all, and the rows of the table are those whose search is
-- one of them (the register reads them through its index on search). A row
-- matches the same words as before: its search text is one of those texts.
-- The triggers add the texts of the rows a statement inserts or updates; a
-- text no row holds any more stays, and matches nothing. pg_trgm ships with
-- PostgreSQL's contrib modules (Debian and Ubuntu: postgresql-contrib, in
-- the server package since PostgreSQL 10). The sqlite directory holds the
-- same migration for SQLite.

-- +goose Up
-- +goose StatementBegin
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm') THEN
        RAISE EXCEPTION 'tdkt needs the PostgreSQL extension pg_trgm, which this server does not have: install PostgreSQL''s contrib modules (Debian, Ubuntu: apt-get install postgresql-contrib)';
    END IF;
END
$$;
-- +goose StatementEnd
CREATE EXTENSION IF NOT EXISTS pg_trgm;
-- +goose StatementBegin
CREATE FUNCTION tdkt_search_texts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- In order: concurrent statements adding the same new texts wait for
    -- each other in the same order, never for each other at once.
    EXECUTE format('INSERT INTO %I (search) SELECT DISTINCT search FROM changed ORDER BY search ON CONFLICT DO NOTHING',
        TG_TABLE_NAME || '_search_texts');
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TABLE honours_search_texts (search TEXT PRIMARY KEY);
INSERT INTO honours_search_texts (search) SELECT DISTINCT search FROM honours;
CREATE INDEX honours_search_texts_trigrams ON honours_search_texts USING gin (search gin_trgm_ops);
-- The register's rows of the texts: counts and the matches of a page
-- read this index alone, with the filters a search is most often
-- combined with and the columns of the register's order (a name is far
-- shorter than the 2,700 bytes a B-tree entry may hold).
CREATE INDEX honours_search ON honours (search, year, province, province_original, state) INCLUDE (conferred_on, sort_key, id);
CREATE TRIGGER honours_search_texts_insert AFTER INSERT ON honours REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION tdkt_search_texts();
CREATE TRIGGER honours_search_texts_update AFTER UPDATE ON honours REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION tdkt_search_texts();

CREATE TABLE decisions_search_texts (search TEXT PRIMARY KEY);
INSERT INTO decisions_search_texts (search) SELECT DISTINCT search FROM decisions;
CREATE INDEX decisions_search_texts_trigrams ON decisions_search_texts USING gin (search gin_trgm_ops);

CREATE TRIGGER decisions_search_texts_insert AFTER INSERT ON decisions REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION tdkt_search_texts();
CREATE TRIGGER decisions_search_texts_update AFTER UPDATE ON decisions REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION tdkt_search_texts();

-- +goose Down
DROP TRIGGER honours_search_texts_update ON honours;
DROP TRIGGER honours_search_texts_insert ON honours;
DROP INDEX honours_search;
DROP TABLE honours_search_texts;
DROP TRIGGER decisions_search_texts_update ON decisions;
DROP TRIGGER decisions_search_texts_insert ON decisions;
DROP TABLE decisions_search_texts;
DROP FUNCTION tdkt_search_texts();
