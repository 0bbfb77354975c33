-- Accent-insensitive search through an index (sqlstore.Reader.Search), on
-- SQLite. Every distinct text of the folded search column of the units and
-- of the emulation groups is kept in TABLE_search_texts, with
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
CREATE TABLE units_search_texts (search TEXT PRIMARY KEY);
INSERT OR IGNORE INTO units_search_texts (search) SELECT search FROM units;
CREATE VIRTUAL TABLE units_search_trigrams USING fts5 (search, content = 'units_search_texts', tokenize = 'trigram case_sensitive 1');
INSERT INTO units_search_trigrams (units_search_trigrams) VALUES ('rebuild');

-- +goose StatementBegin
CREATE TRIGGER units_search_texts_insert AFTER INSERT ON units BEGIN
    INSERT OR IGNORE INTO units_search_texts (search) VALUES (new.search);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER units_search_texts_update AFTER UPDATE OF search ON units BEGIN
    INSERT OR IGNORE INTO units_search_texts (search) VALUES (new.search);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER units_search_trigrams_insert AFTER INSERT ON units_search_texts BEGIN
    INSERT INTO units_search_trigrams (rowid, search) VALUES (new.rowid, new.search);
END;
-- +goose StatementEnd

CREATE TABLE emulation_groups_search_texts (search TEXT PRIMARY KEY);
INSERT OR IGNORE INTO emulation_groups_search_texts (search) SELECT search FROM emulation_groups;
CREATE VIRTUAL TABLE emulation_groups_search_trigrams USING fts5 (search, content = 'emulation_groups_search_texts', tokenize = 'trigram case_sensitive 1');
INSERT INTO emulation_groups_search_trigrams (emulation_groups_search_trigrams) VALUES ('rebuild');

-- +goose StatementBegin
CREATE TRIGGER emulation_groups_search_texts_insert AFTER INSERT ON emulation_groups BEGIN
    INSERT OR IGNORE INTO emulation_groups_search_texts (search) VALUES (new.search);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER emulation_groups_search_texts_update AFTER UPDATE OF search ON emulation_groups BEGIN
    INSERT OR IGNORE INTO emulation_groups_search_texts (search) VALUES (new.search);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER emulation_groups_search_trigrams_insert AFTER INSERT ON emulation_groups_search_texts BEGIN
    INSERT INTO emulation_groups_search_trigrams (rowid, search) VALUES (new.rowid, new.search);
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER units_search_trigrams_insert;
DROP TRIGGER units_search_texts_update;
DROP TRIGGER units_search_texts_insert;
DROP TABLE units_search_trigrams;
DROP TABLE units_search_texts;
DROP TRIGGER emulation_groups_search_trigrams_insert;
DROP TRIGGER emulation_groups_search_texts_update;
DROP TRIGGER emulation_groups_search_texts_insert;
DROP TABLE emulation_groups_search_trigrams;
DROP TABLE emulation_groups_search_texts;
