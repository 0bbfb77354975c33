package sqlstore_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/tdkt-vn/tdkt/platform/sqlstore"
	"github.com/tdkt-vn/tdkt/platform/sqlstore/sqlstoretest"
)

// serviceMigrations stands for a service's embedded migrations.
var serviceMigrations = fstest.MapFS{
	"00001_items.sql": {Data: []byte(`-- +goose Up
CREATE TABLE owners (
    id   TEXT PRIMARY KEY,
    name TEXT NOT NULL
);
CREATE TABLE items (
    id       TEXT PRIMARY KEY,
    owner_id TEXT REFERENCES owners (id),
    name     TEXT NOT NULL UNIQUE,
    n        BIGINT NOT NULL DEFAULT 0,
    score    DOUBLE PRECISION,
    payload  BYTEA
);
-- +goose Down
DROP TABLE items;
DROP TABLE owners;
`)},
	"00002_items_index.sql": {Data: []byte(`-- +goose Up
CREATE INDEX items_n ON items (n);
-- +goose Down
DROP INDEX items_n;
`)},
}

func open(t *testing.T, url string) *sqlstore.DB {
	t.Helper()
	db, err := sqlstore.Open(t.Context(), url, serviceMigrations, nil)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, db.Close()) })
	return db
}

func count(t *testing.T, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, query string, args ...any) int {
	t.Helper()
	var n int
	require.NoError(t, q.QueryRowContext(t.Context(), query, args...).Scan(&n))
	return n
}

func insertItem(ctx context.Context, tx *sqlstore.Tx, id, name string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO items (id, name) VALUES ($1, $2)`, id, name)
	return err
}

// TestStore runs every case on every engine, each on a database of its own.
func TestStore(t *testing.T) {
	tests := []struct {
		name string
		run  func(t *testing.T, url string)
	}{
		{"MigrationsTwiceAreANoOp", testMigrationsTwice},
		{"Placeholders", testPlaceholders},
		{"InTx", testInTx},
		{"Copy", testCopy},
		{"IsUniqueViolation", testIsUniqueViolation},
		{"ForeignKeys", testForeignKeys},
		{"Requests", testRequests},
		{"Audit", testAudit},
		{"ConcurrentWriters", testConcurrentWriters},
	}
	for _, e := range sqlstoretest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					t.Parallel()
					tc.run(t, e.URL(t))
				})
			}
		})
	}
}

func testMigrationsTwice(t *testing.T, url string) {
	versions := func(db *sqlstore.DB) [2]int {
		return [2]int{
			count(t, db, `SELECT COUNT(*) FROM tdkt_platform_migrations`),
			count(t, db, `SELECT COUNT(*) FROM goose_db_version`),
		}
	}
	first, err := sqlstore.Open(t.Context(), url, serviceMigrations, nil)
	require.NoError(t, err)
	before := versions(first)
	require.NoError(t, first.Close())

	second := open(t, url)
	require.Equal(t, before, versions(second))
	var max int
	require.NoError(t, second.QueryRowContext(t.Context(), `SELECT MAX(version_id) FROM goose_db_version`).Scan(&max))
	require.Equal(t, 2, max)
	require.Zero(t, count(t, second, `SELECT COUNT(*) FROM items`))
}

func testPlaceholders(t *testing.T, url string) {
	db := open(t, url)
	// $N is positional on both engines, in any order and repeated.
	var a, b, ab string
	require.NoError(t, db.QueryRowContext(t.Context(), `SELECT $2, $1, $2 || $1`, "x", "y").Scan(&a, &b, &ab))
	require.Equal(t, []string{"y", "x", "yx"}, []string{a, b, ab})

	payload := []byte{0, 1, 2, 255}
	_, err := db.ExecContext(t.Context(), `INSERT INTO items (payload, name, id, n, score) VALUES ($4, $2, $1, $3, $5)`,
		"i1", "Đơn vị", int64(1)<<40, payload, 0.5)
	require.NoError(t, err)
	var (
		name  string
		n     int64
		got   []byte
		score float64
	)
	require.NoError(t, db.QueryRowContext(t.Context(), `SELECT name, n, payload, score FROM items WHERE id = $1`, "i1").
		Scan(&name, &n, &got, &score))
	require.Equal(t, "Đơn vị", name)
	require.Equal(t, int64(1)<<40, n)
	require.Equal(t, payload, got)
	require.InDelta(t, 0.5, score, 0)
}

func testCopy(t *testing.T, url string) {
	db := open(t, url)
	ctx := t.Context()
	columns := []string{"id", "name", "n", "score", "payload"}
	// More rows than one SQLite statement binds parameters for.
	rows := make([][]any, 7000)
	for i := range rows {
		var payload any // NULL
		if i%2 == 0 {
			payload = []byte{byte(i), 0, 255}
		}
		rows[i] = []any{fmt.Sprintf("c%05d", i), fmt.Sprintf("Đơn vị %d", i), int64(i) << 33, float64(i) / 4, payload}
	}
	require.NoError(t, db.InTx(ctx, func(tx *sqlstore.Tx) error {
		if err := tx.Copy(ctx, "items", columns, rows); err != nil {
			return err
		}
		// The rows are in the transaction already.
		require.Equal(t, len(rows), count(t, tx, `SELECT COUNT(*) FROM items`))
		return nil
	}))
	require.Equal(t, len(rows), count(t, db, `SELECT COUNT(*) FROM items`))
	var (
		name    string
		n       int64
		score   float64
		payload []byte
	)
	require.NoError(t, db.QueryRowContext(ctx, `SELECT name, n, score, payload FROM items WHERE id = $1`, "c06998").
		Scan(&name, &n, &score, &payload))
	require.Equal(t, "Đơn vị 6998", name)
	require.Equal(t, int64(6998)<<33, n)
	require.InDelta(t, 6998.0/4, score, 0)
	require.Equal(t, []byte{byte(6998 % 256), 0, 255}, payload)
	require.Equal(t, len(rows)/2, count(t, db, `SELECT COUNT(*) FROM items WHERE payload IS NULL`))

	// A failed transaction takes its copied rows with it.
	err := db.InTx(ctx, func(tx *sqlstore.Tx) error {
		if err := tx.Copy(ctx, "items", columns, [][]any{{"d1", "new", 1, 0.0, nil}}); err != nil {
			return err
		}
		return errors.New("abort")
	})
	require.EqualError(t, err, "abort")
	require.Zero(t, count(t, db, `SELECT COUNT(*) FROM items WHERE id = 'd1'`))

	// A duplicate key fails the copy as it would an INSERT, and nothing of it stays.
	err = db.InTx(ctx, func(tx *sqlstore.Tx) error {
		return tx.Copy(ctx, "items", columns, [][]any{{"d2", "fresh", 1, 0.0, nil}, {"c00001", "again", 1, 0.0, nil}})
	})
	require.True(t, sqlstore.IsUniqueViolation(err), "%v", err)
	require.Zero(t, count(t, db, `SELECT COUNT(*) FROM items WHERE id = 'd2'`))

	// A row of the wrong width is refused before anything is sent.
	err = db.InTx(ctx, func(tx *sqlstore.Tx) error {
		return tx.Copy(ctx, "items", columns, [][]any{{"d3", "short"}})
	})
	require.ErrorContains(t, err, "2 values for 5 columns")
}

func testInTx(t *testing.T, url string) {
	db := open(t, url)
	ctx := t.Context()

	require.NoError(t, db.InTx(ctx, func(tx *sqlstore.Tx) error { return insertItem(ctx, tx, "a", "committed") }))
	require.Equal(t, 1, count(t, db, `SELECT COUNT(*) FROM items WHERE id = $1`, "a"))

	errRule := errors.New("rule broken")
	err := db.InTx(ctx, func(tx *sqlstore.Tx) error {
		require.NoError(t, insertItem(ctx, tx, "b", "rolled back"))
		return fmt.Errorf("wrapped: %w", errRule)
	})
	require.ErrorIs(t, err, errRule)
	require.Zero(t, count(t, db, `SELECT COUNT(*) FROM items WHERE id = $1`, "b"))

	require.PanicsWithValue(t, "boom", func() {
		_ = db.InTx(ctx, func(tx *sqlstore.Tx) error {
			require.NoError(t, insertItem(ctx, tx, "c", "panicked"))
			panic("boom")
		})
	})
	require.Zero(t, count(t, db, `SELECT COUNT(*) FROM items WHERE id = $1`, "c"))

	// The pool is usable after a panic (the connection went back).
	require.NoError(t, db.InTx(ctx, func(tx *sqlstore.Tx) error { return insertItem(ctx, tx, "d", "after panic") }))
	require.Equal(t, 2, count(t, db, `SELECT COUNT(*) FROM items`))
}

func testIsUniqueViolation(t *testing.T, url string) {
	db := open(t, url)
	ctx := t.Context()
	require.NoError(t, db.InTx(ctx, func(tx *sqlstore.Tx) error { return insertItem(ctx, tx, "a", "one") }))

	tests := []struct {
		name   string
		id     string
		itName string
		want   bool
	}{
		{"primary key", "a", "two", true},
		{"unique column", "b", "one", true},
		{"not null", "c", "", false}, // name NULL below
		{"no error", "d", "four", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := db.InTx(ctx, func(tx *sqlstore.Tx) error {
				var name any = tc.itName
				if tc.itName == "" {
					name = nil
				}
				_, err := tx.ExecContext(ctx, `INSERT INTO items (id, name) VALUES ($1, $2)`, tc.id, name)
				return err
			})
			if tc.name == "no error" {
				require.NoError(t, err)
			} else {
				require.Error(t, err)
			}
			require.Equal(t, tc.want, sqlstore.IsUniqueViolation(err), "err: %v", err)
			require.Equal(t, tc.want, sqlstore.IsUniqueViolation(fmt.Errorf("wrapped: %w", err)))
		})
	}
	require.False(t, sqlstore.IsUniqueViolation(nil))
	require.False(t, sqlstore.IsUniqueViolation(errors.New("UNIQUE constraint failed")))
}

func testForeignKeys(t *testing.T, url string) {
	db := open(t, url)
	_, err := db.ExecContext(t.Context(), `INSERT INTO items (id, owner_id, name) VALUES ($1, $2, $3)`, "a", "nobody", "orphan")
	require.Error(t, err, "foreign keys must be enforced")
	require.False(t, sqlstore.IsUniqueViolation(err))
}

func testRequests(t *testing.T, url string) {
	db := open(t, url)
	ctx := t.Context()
	const method = "/tdkt.blocs.v1.BlocService/CreateUnit"
	fp := []byte("fingerprint-1")

	lookup := func(id, method string, fp []byte) (resp []byte, found bool, err error) {
		err = db.InTx(ctx, func(tx *sqlstore.Tx) error {
			resp, found, err = sqlstore.LookupRequest(ctx, tx.Tx, id, method, fp)
			return err
		})
		return resp, found, err
	}

	resp, found, err := lookup("req-1", method, fp)
	require.NoError(t, err)
	require.False(t, found)
	require.Nil(t, resp)

	// The write and the saved response commit together.
	require.NoError(t, db.InTx(ctx, func(tx *sqlstore.Tx) error {
		if err := insertItem(ctx, tx, "u1", "unit"); err != nil {
			return err
		}
		return sqlstore.SaveRequest(ctx, tx.Tx, "req-1", method, fp, []byte("response-1"))
	}))
	// A rolled back write leaves no saved response.
	require.Error(t, db.InTx(ctx, func(tx *sqlstore.Tx) error {
		require.NoError(t, sqlstore.SaveRequest(ctx, tx.Tx, "req-2", method, fp, []byte("response-2")))
		return errors.New("write failed")
	}))

	tests := []struct {
		name      string
		id        string
		method    string
		fp        []byte
		wantResp  []byte
		wantFound bool
		wantErr   error
	}{
		{"same request", "req-1", method, fp, []byte("response-1"), true, nil},
		{"other fingerprint", "req-1", method, []byte("fingerprint-2"), nil, false, sqlstore.ErrRequestReused},
		{"other method", "req-1", "/tdkt.blocs.v1.BlocService/CreateBloc", fp, nil, false, sqlstore.ErrRequestReused},
		{"rolled back", "req-2", method, fp, nil, false, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, found, err := lookup(tc.id, tc.method, tc.fp)
			require.ErrorIs(t, err, tc.wantErr)
			require.Equal(t, tc.wantFound, found)
			require.Equal(t, tc.wantResp, resp)
		})
	}

	// Saving the same id twice is a unique violation (a concurrent duplicate).
	err = db.InTx(ctx, func(tx *sqlstore.Tx) error {
		return sqlstore.SaveRequest(ctx, tx.Tx, "req-1", method, fp, []byte("again"))
	})
	require.True(t, sqlstore.IsUniqueViolation(err), "err: %v", err)

	// An empty response round-trips as empty, not as "not found".
	require.NoError(t, db.InTx(ctx, func(tx *sqlstore.Tx) error {
		return sqlstore.SaveRequest(ctx, tx.Tx, "req-3", method, nil, nil)
	}))
	resp, found, err = lookup("req-3", method, nil)
	require.NoError(t, err)
	require.True(t, found)
	require.Empty(t, resp)
}

func testAudit(t *testing.T, url string) {
	db := open(t, url)
	ctx := t.Context()
	at := time.Date(2024, 5, 17, 8, 30, 0, 123456000, time.UTC)
	require.NoError(t, db.InTx(ctx, func(tx *sqlstore.Tx) error {
		if err := sqlstore.Audit(ctx, tx, sqlstore.AuditEntry{
			Caller: "bonoivu", Method: "/tdkt.blocs.v1.BlocService/CreateUnit",
			Resource: "units/1", RequestID: "req-1", At: at,
		}); err != nil {
			return err
		}
		return sqlstore.Audit(ctx, tx, sqlstore.AuditEntry{Caller: "bonoivu", Method: "M", Resource: "units/2"})
	}))

	var (
		gotAt                               int64
		caller, method, resource, requestID string
	)
	require.NoError(t, db.QueryRowContext(ctx,
		`SELECT at, caller, method, resource, request_id FROM audit_log WHERE resource = $1`, "units/1").
		Scan(&gotAt, &caller, &method, &resource, &requestID))
	require.Equal(t, at.UnixMicro(), gotAt)
	require.Equal(t, []string{"bonoivu", "/tdkt.blocs.v1.BlocService/CreateUnit", "units/1", "req-1"},
		[]string{caller, method, resource, requestID})

	require.NoError(t, db.QueryRowContext(ctx, `SELECT at FROM audit_log WHERE resource = $1`, "units/2").Scan(&gotAt))
	require.WithinDuration(t, time.Now(), time.UnixMicro(gotAt), time.Minute, "zero At means now")
	require.Equal(t, 2, count(t, db, `SELECT COUNT(DISTINCT id) FROM audit_log`))
}

// testConcurrentWriters: on a SQLite file, writers wait for each other
// (immediate transactions + busy_timeout) instead of failing with SQLITE_BUSY.
func testConcurrentWriters(t *testing.T, url string) {
	db := open(t, url)
	ctx := t.Context()
	const writers, perWriter = 8, 50
	var wg sync.WaitGroup
	errs := make(chan error, writers*perWriter)
	for w := range writers {
		wg.Go(func() {
			for i := range perWriter {
				errs <- db.InTx(ctx, func(tx *sqlstore.Tx) error {
					// Read then write: the pattern that fails with
					// SQLITE_BUSY under deferred transactions.
					var n int
					if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM items`).Scan(&n); err != nil {
						return err
					}
					_, err := tx.ExecContext(ctx, `INSERT INTO items (id, name, n) VALUES ($1, $2, $3)`,
						fmt.Sprintf("w%d-%d", w, i), fmt.Sprintf("item %d/%d", w, i), n)
					return err
				})
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.Equal(t, writers*perWriter, count(t, db, `SELECT COUNT(*) FROM items`))
}

func TestOpenSQLiteMemory(t *testing.T) {
	db := open(t, "sqlite::memory:")
	ctx := t.Context()
	require.Equal(t, sqlstore.SQLite, db.Dialect)
	require.NoError(t, db.InTx(ctx, func(tx *sqlstore.Tx) error { return insertItem(ctx, tx, "a", "in memory") }))
	// Still the same database on the next statement.
	require.Equal(t, 1, count(t, db, `SELECT COUNT(*) FROM items`))
}

func TestOpenSQLitePragmas(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.db")
	db := open(t, "sqlite:"+path)
	ctx := t.Context()
	tests := []struct {
		pragma string
		want   string
	}{
		{"journal_mode", "wal"},
		{"foreign_keys", "1"},
		{"synchronous", "2"}, // FULL
		{"busy_timeout", "10000"},
	}
	for _, tc := range tests {
		t.Run(tc.pragma, func(t *testing.T) {
			var got string
			require.NoError(t, db.QueryRowContext(ctx, "PRAGMA "+tc.pragma).Scan(&got))
			require.Equal(t, tc.want, got)
		})
	}
}

func TestOpenErrors(t *testing.T) {
	tests := []struct {
		name       string
		url        string
		migrations fstest.MapFS
		wantErr    string
	}{
		{"unknown scheme", "mysql://u:secret@h/db", nil, "unsupported database URL"},
		{"password redacted", "mysql://u:secret@h/db", nil, "u:xxxxx@h"},
		{"empty sqlite path", "sqlite:", nil, "empty SQLite path"},
		{"no migrations at root", "sqlite:" + filepath.Join(t.TempDir(), "x.db"),
			fstest.MapFS{"migrations/00001_a.sql": {Data: []byte("-- +goose Up\nSELECT 1;\n")}}, "fs.Sub"},
		{"bad migration", "sqlite:" + filepath.Join(t.TempDir(), "y.db"),
			fstest.MapFS{"00001_a.sql": {Data: []byte("-- +goose Up\nCREATE TABLOID x;\n")}}, "service migrations"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var migrations fstest.MapFS
			if tc.migrations != nil {
				migrations = tc.migrations
			}
			db, err := sqlstore.Open(t.Context(), tc.url, migrations, nil)
			if db != nil {
				_ = db.Close()
			}
			require.ErrorContains(t, err, tc.wantErr)
			require.NotContains(t, err.Error(), "secret")
		})
	}
}

func TestOpenTraces(t *testing.T) {
	recorder := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(recorder))
	db, err := sqlstore.Open(t.Context(), "sqlite:"+filepath.Join(t.TempDir(), "t.db"), nil, tp)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, db.Close()) })
	require.NoError(t, db.PingContext(t.Context()))
	_, err = db.ExecContext(t.Context(), `DELETE FROM audit_log WHERE id = $1`, "x")
	require.NoError(t, err)

	var names []string
	var sawExec bool
	for _, s := range recorder.Ended() {
		names = append(names, s.Name())
		require.NotEqual(t, "sql.conn.ping", s.Name(), "pings make no spans")
		require.NotEqual(t, "sql.rows", s.Name(), "rows make no spans")
		if s.Name() == "sql.conn.exec" {
			for _, kv := range s.Attributes() {
				if kv.Key == "db.query.text" && kv.Value.AsString() == `DELETE FROM audit_log WHERE id = $1` {
					sawExec = true
					require.Contains(t, s.Attributes(), attribute.String("db.system.name", "sqlite"))
				}
			}
		}
	}
	require.True(t, sawExec, "no exec span among %v", names)
}

func TestOpenSQLiteCreatesDirectory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "var", "nested", "svc.db")
	db := open(t, "sqlite:"+path)
	require.Equal(t, 0, count(t, db, `SELECT COUNT(*) FROM items`))
	_, err := os.Stat(path)
	require.NoError(t, err, "the database file is where the URL says")
}
