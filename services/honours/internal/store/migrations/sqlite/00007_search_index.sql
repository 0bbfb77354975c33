-- Accent-insensitive search through an index (sqlstore.Reader.Search), on
-- SQLite. Every distinct text of the folded search column of the register
-- and of the decisions is kept in TABLE_search_texts, with
-- TABLE_search_trigrams, an FTS5 table of the texts with the trigram
-- tokenizer: the words of a query select the texts that hold them all, and
-- the rows of the table are those whose search is one of them (the register
-- reads them through its index on search). The triggers add the texts of
-- the rows inserted or updated; a text no row holds any more stays, and
-- matches nothing. The trigram table is looked up by the rowids of the
-- texts: after a VACUUM, which may renumber them, run its rebuild command
-- below again. The postgres directory holds the same migration for
-- PostgreSQL.

-- +goose Up
CREATE TABLE honours_search_texts (search TEXT PRIMARY KEY);
INSERT OR IGNORE INTO honours_search_texts (search) SELECT search FROM honours;
CREATE VIRTUAL TABLE honours_search_trigrams USING fts5 (search, content = 'honours_search_texts', tokenize = 'trigram case_sensitive 1');
INSERT INTO honours_search_trigrams (honours_search_trigrams) VALUES ('rebuild');
-- The register's rows of the texts: counts and the matches of a page
-- read this index alone, with the filters a search is most often
-- combined with and the columns of the register's order.
CREATE INDEX honours_search ON honours (search, year, province, province_original, state, conferred_on, sort_key, id);
-- +goose StatementBegin
CREATE TRIGGER honours_search_texts_insert AFTER INSERT ON honours BEGIN
    INSERT OR IGNORE INTO honours_search_texts (search) VALUES (new.search);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER honours_search_texts_update AFTER UPDATE OF search ON honours BEGIN
    INSERT OR IGNORE INTO honours_search_texts (search) VALUES (new.search);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER honours_search_trigrams_insert AFTER INSERT ON honours_search_texts BEGIN
    INSERT INTO honours_search_trigrams (rowid, search) VALUES (new.rowid, new.search);
END;
-- +goose StatementEnd

CREATE TABLE decisions_search_texts (search TEXT PRIMARY KEY);
INSERT OR IGNORE INTO decisions_search_texts (search) SELECT search FROM decisions;
CREATE VIRTUAL TABLE decisions_search_trigrams USING fts5 (search, content = 'decisions_search_texts', tokenize = 'trigram case_sensitive 1');
INSERT INTO decisions_search_trigrams (decisions_search_trigrams) VALUES ('rebuild');

-- +goose StatementBegin
CREATE TRIGGER decisions_search_texts_insert AFTER INSERT ON decisions BEGIN
    INSERT OR IGNORE INTO decisions_search_texts (search) VALUES (new.search);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER decisions_search_texts_update AFTER UPDATE OF search ON decisions BEGIN
    INSERT OR IGNORE INTO decisions_search_texts (search) VALUES (new.search);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER decisions_search_trigrams_insert AFTER INSERT ON decisions_search_texts BEGIN
    INSERT INTO decisions_search_trigrams (rowid, search) VALUES (new.rowid, new.search);
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER honours_search_trigrams_insert;
DROP TRIGGER honours_search_texts_update;
DROP TRIGGER honours_search_texts_insert;
DROP INDEX honours_search;
DROP TABLE honours_search_trigrams;
DROP TABLE honours_search_texts;
DROP TRIGGER decisions_search_trigrams_insert;
DROP TRIGGER decisions_search_texts_update;
DROP TRIGGER decisions_search_texts_insert;
DROP TABLE decisions_search_trigrams;
DROP TABLE decisions_search_texts;
