-- Accent-insensitive search through an index (sqlstore.Reader.Search), on
-- SQLite. Every distinct text of the folded search column of the
-- nominations (their recipients' names) is kept in
-- nominations_search_texts, with nominations_search_trigrams, an FTS5 table
-- of the texts with the trigram tokenizer: the words of a query select the
-- texts that hold them all, and the nominations are those whose search is
-- one of them (read through the index nominations_search). The triggers
-- add the texts of the rows inserted or updated; a text no row holds any
-- more stays, and matches nothing. The trigram table is looked up by the
-- rowids of the texts: after a VACUUM, which may renumber them, run its
-- rebuild command below again. The postgres directory holds the same
-- migration for PostgreSQL.

-- +goose Up
CREATE TABLE nominations_search_texts (search TEXT PRIMARY KEY);
CREATE VIRTUAL TABLE nominations_search_trigrams USING fts5 (search, content = 'nominations_search_texts', tokenize = 'trigram case_sensitive 1');
INSERT INTO nominations_search_trigrams (nominations_search_trigrams) VALUES ('rebuild');

-- +goose StatementBegin
CREATE TRIGGER nominations_search_texts_insert AFTER INSERT ON nominations BEGIN
    INSERT OR IGNORE INTO nominations_search_texts (search) VALUES (new.search);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER nominations_search_texts_update AFTER UPDATE OF search ON nominations BEGIN
    INSERT OR IGNORE INTO nominations_search_texts (search) VALUES (new.search);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER nominations_search_trigrams_insert AFTER INSERT ON nominations_search_texts BEGIN
    INSERT INTO nominations_search_trigrams (rowid, search) VALUES (new.rowid, new.search);
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER nominations_search_trigrams_insert;
DROP TRIGGER nominations_search_texts_update;
DROP TRIGGER nominations_search_texts_insert;
DROP TABLE nominations_search_trigrams;
DROP TABLE nominations_search_texts;
