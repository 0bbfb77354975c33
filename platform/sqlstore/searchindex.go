package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"github.com/pressly/goose/v3"
)

// A Migration is a service migration written in Go, for what every
// service's schema shares (SearchIndex); it is made for the engine the
// store opens.
type Migration func(Dialect) *goose.Migration

// SearchIndex is the service migration version that gives the tables
// their accent-insensitive search index (Reader.Search): every distinct
// text of a table's folded search column is kept in TABLE_search_texts,
// filled by triggers from the rows inserted or updated (a text no row
// holds any more stays, and matches nothing), with the rows already there.
// The words of a query select the texts that hold them all, through:
//
//   - on PostgreSQL, a trigram index (pg_trgm, from the server's contrib
//     modules: the migration stops with a message saying so when the
//     server lacks them);
//   - on SQLite, TABLE_search_trigrams, an FTS5 table of the texts with the
//     trigram tokenizer, looked up by the texts' rowids: after a VACUUM,
//     which may renumber them, run INSERT INTO TABLE_search_trigrams
//     (TABLE_search_trigrams) VALUES ('rebuild').
func SearchIndex(version int64, tables ...string) Migration {
	return func(d Dialect) *goose.Migration {
		up, down := sqliteSearchIndex(tables)
		if d == Postgres {
			up, down = postgresSearchIndex(tables)
		}
		return goose.NewGoMigration(version, &goose.GoFunc{RunTx: statements(up)}, &goose.GoFunc{RunTx: statements(down)})
	}
}

func statements(stmts []string) func(context.Context, *sql.Tx) error {
	return func(ctx context.Context, tx *sql.Tx) error {
		for _, s := range stmts {
			if _, err := tx.ExecContext(ctx, s); err != nil {
				return fmt.Errorf("search index: %w", err)
			}
		}
		return nil
	}
}

func postgresSearchIndex(tables []string) (up, down []string) {
	up = []string{
		`DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm') THEN
        RAISE EXCEPTION 'tdkt needs the PostgreSQL extension pg_trgm, which this server does not have: install PostgreSQL''s contrib modules (Debian, Ubuntu: apt-get install postgresql-contrib)';
    END IF;
END
$$`,
		`CREATE EXTENSION IF NOT EXISTS pg_trgm`,
		// In order: concurrent statements adding the same new texts wait
		// for each other in the same order, never for each other at once.
		`CREATE FUNCTION tdkt_search_texts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('INSERT INTO %I (search) SELECT DISTINCT search FROM changed ORDER BY search ON CONFLICT DO NOTHING',
        TG_TABLE_NAME || '_search_texts');
    RETURN NULL;
END
$$`,
	}
	for _, t := range tables {
		up = append(up,
			`CREATE TABLE `+t+`_search_texts (search TEXT PRIMARY KEY)`,
			`INSERT INTO `+t+`_search_texts (search) SELECT DISTINCT search FROM `+t,
			`CREATE INDEX `+t+`_search_texts_trigrams ON `+t+`_search_texts USING gin (search gin_trgm_ops)`,
			`CREATE TRIGGER `+t+`_search_texts_insert AFTER INSERT ON `+t+` REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION tdkt_search_texts()`,
			`CREATE TRIGGER `+t+`_search_texts_update AFTER UPDATE ON `+t+` REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION tdkt_search_texts()`)
		down = append(down,
			`DROP TRIGGER `+t+`_search_texts_update ON `+t,
			`DROP TRIGGER `+t+`_search_texts_insert ON `+t,
			`DROP TABLE `+t+`_search_texts`)
	}
	return up, append(down, `DROP FUNCTION tdkt_search_texts()`)
}

func sqliteSearchIndex(tables []string) (up, down []string) {
	for _, t := range tables {
		up = append(up,
			`CREATE TABLE `+t+`_search_texts (search TEXT PRIMARY KEY)`,
			`INSERT OR IGNORE INTO `+t+`_search_texts (search) SELECT search FROM `+t,
			`CREATE VIRTUAL TABLE `+t+`_search_trigrams USING fts5 (search, content = '`+t+`_search_texts', tokenize = 'trigram case_sensitive 1')`,
			`INSERT INTO `+t+`_search_trigrams (`+t+`_search_trigrams) VALUES ('rebuild')`,
			`CREATE TRIGGER `+t+`_search_texts_insert AFTER INSERT ON `+t+` BEGIN
    INSERT OR IGNORE INTO `+t+`_search_texts (search) VALUES (new.search);
END`,
			`CREATE TRIGGER `+t+`_search_texts_update AFTER UPDATE OF search ON `+t+` BEGIN
    INSERT OR IGNORE INTO `+t+`_search_texts (search) VALUES (new.search);
END`,
			`CREATE TRIGGER `+t+`_search_trigrams_insert AFTER INSERT ON `+t+`_search_texts BEGIN
    INSERT INTO `+t+`_search_trigrams (rowid, search) VALUES (new.rowid, new.search);
END`)
		down = append(down,
			`DROP TRIGGER `+t+`_search_trigrams_insert`,
			`DROP TRIGGER `+t+`_search_texts_update`,
			`DROP TRIGGER `+t+`_search_texts_insert`,
			`DROP TABLE `+t+`_search_trigrams`,
			`DROP TABLE `+t+`_search_texts`)
	}
	return up, down
}

// built makes migrations for the engine d.
func built(d Dialect, migrations []Migration) []*goose.Migration {
	out := make([]*goose.Migration, len(migrations))
	for i, m := range migrations {
		out[i] = m(d)
	}
	return slices.Clip(out)
}
