-- Accent-insensitive search through an index (sqlstore.Reader.Search), on
-- SQLite. Every distinct text of the folded search column of the movements
-- and of their exemplars is kept in TABLE_search_texts, with
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
CREATE TABLE movements_search_texts (search TEXT PRIMARY KEY);
INSERT OR IGNORE INTO movements_search_texts (search) SELECT search FROM movements;
CREATE VIRTUAL TABLE movements_search_trigrams USING fts5 (search, content = 'movements_search_texts', tokenize = 'trigram case_sensitive 1');
INSERT INTO movements_search_trigrams (movements_search_trigrams) VALUES ('rebuild');

-- +goose StatementBegin
CREATE TRIGGER movements_search_texts_insert AFTER INSERT ON movements BEGIN
    INSERT OR IGNORE INTO movements_search_texts (search) VALUES (new.search);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER movements_search_texts_update AFTER UPDATE OF search ON movements BEGIN
    INSERT OR IGNORE INTO movements_search_texts (search) VALUES (new.search);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER movements_search_trigrams_insert AFTER INSERT ON movements_search_texts BEGIN
    INSERT INTO movements_search_trigrams (rowid, search) VALUES (new.rowid, new.search);
END;
-- +goose StatementEnd

CREATE TABLE exemplars_search_texts (search TEXT PRIMARY KEY);
INSERT OR IGNORE INTO exemplars_search_texts (search) SELECT search FROM exemplars;
CREATE VIRTUAL TABLE exemplars_search_trigrams USING fts5 (search, content = 'exemplars_search_texts', tokenize = 'trigram case_sensitive 1');
INSERT INTO exemplars_search_trigrams (exemplars_search_trigrams) VALUES ('rebuild');

-- +goose StatementBegin
CREATE TRIGGER exemplars_search_texts_insert AFTER INSERT ON exemplars BEGIN
    INSERT OR IGNORE INTO exemplars_search_texts (search) VALUES (new.search);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER exemplars_search_texts_update AFTER UPDATE OF search ON exemplars BEGIN
    INSERT OR IGNORE INTO exemplars_search_texts (search) VALUES (new.search);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER exemplars_search_trigrams_insert AFTER INSERT ON exemplars_search_texts BEGIN
    INSERT INTO exemplars_search_trigrams (rowid, search) VALUES (new.rowid, new.search);
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER movements_search_trigrams_insert;
DROP TRIGGER movements_search_texts_update;
DROP TRIGGER movements_search_texts_insert;
DROP TABLE movements_search_trigrams;
DROP TABLE movements_search_texts;
DROP TRIGGER exemplars_search_trigrams_insert;
DROP TRIGGER exemplars_search_texts_update;
DROP TRIGGER exemplars_search_texts_insert;
DROP TABLE exemplars_search_trigrams;
DROP TABLE exemplars_search_texts;
