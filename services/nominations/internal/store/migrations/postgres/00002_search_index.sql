-- Accent-insensitive search through an index (sqlstore.Reader.Search), on
-- PostgreSQL. Every distinct text of the folded search column of the
-- nominations (their recipients' names) is kept in
-- nominations_search_texts, which a trigram index (pg_trgm) searches: the
-- words of a query select the texts that hold them all, and the
-- nominations are those whose search is one of them (read through the
-- index nominations_search). The triggers add the texts of the rows a
-- statement inserts (COPY included) or updates; a text no row holds any
-- more stays, and matches nothing. pg_trgm ships with PostgreSQL's contrib
-- modules (Debian and Ubuntu: postgresql-contrib, in the server package
-- since PostgreSQL 10). The sqlite directory holds the same migration for
-- SQLite.

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

CREATE TABLE nominations_search_texts (search TEXT PRIMARY KEY);
CREATE INDEX nominations_search_texts_trigrams ON nominations_search_texts USING gin (search gin_trgm_ops);

CREATE TRIGGER nominations_search_texts_insert AFTER INSERT ON nominations REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION tdkt_search_texts();
CREATE TRIGGER nominations_search_texts_update AFTER UPDATE ON nominations REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION tdkt_search_texts();

-- +goose Down
DROP TRIGGER nominations_search_texts_update ON nominations;
DROP TRIGGER nominations_search_texts_insert ON nominations;
DROP TABLE nominations_search_texts;
DROP FUNCTION tdkt_search_texts();
