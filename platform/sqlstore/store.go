package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"go.opentelemetry.io/otel/trace"

	"github.com/tdkt-vn/tdkt/platform/domainerr"
)

// Querier is what reads need: a database or a transaction.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Reader runs queries on a database or inside a transaction, knowing the
// engine. A service's store embeds it in the type that holds its reads, so
// that the same reads serve outside and inside a transaction.
type Reader struct {
	Q       Querier
	Dialect Dialect
}

// Reader returns a Reader on the database, outside any transaction.
func (db *DB) Reader() Reader { return Reader{Q: db.DB, Dialect: db.Dialect} }

// Reader returns a Reader inside the transaction.
func (tx *Tx) Reader() Reader { return Reader{Q: tx.Tx, Dialect: tx.db.Dialect} }

// Count runs a query that selects one number, such as COUNT(*).
func (r Reader) Count(ctx context.Context, query string, args ...any) (int, error) {
	var n int
	if err := r.Q.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count: %w", err)
	}
	return n, nil
}

// ForUpdate is the row lock of a read-modify-write, to append to a SELECT:
// " FOR UPDATE" on PostgreSQL. SQLite has none and needs none: its
// transactions hold the database's write lock from BEGIN (Open makes them
// IMMEDIATE).
func (r Reader) ForUpdate() string {
	if r.Dialect == Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// NotFound turns sql.ErrNoRows into a domainerr.NotFoundError for the
// resource name; any other error is returned as it is.
func NotFound(err error, name string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return &domainerr.NotFoundError{Name: name}
	}
	return err
}

// CheckUpdated turns an UPDATE that changed no row (its WHERE named the
// version read, and someone changed the row since) into
// domainerr.ErrStaleEtag.
func CheckUpdated(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return domainerr.ErrStaleEtag
	}
	return nil
}

// Store is the base of a service's store: its database, its clock, and Do
// over the service's own transaction type T, which newTx builds around
// each transaction.
type Store[T any] struct {
	DB    *DB
	now   func() time.Time
	newTx func(*Tx) T
}

// OpenStore opens the database at url (see Open) with a service's
// migrations, the *.sql files of the "migrations" directory of migrations
// (an embed.FS) and goMigrations (SearchIndex), and returns the base of
// its store.
func OpenStore[T any](ctx context.Context, url string, migrations fs.FS, tp trace.TracerProvider, newTx func(*Tx) T,
	goMigrations ...Migration) (*Store[T], error) {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, fmt.Errorf("sqlstore: service migrations: %w", err)
	}
	db, err := Open(ctx, url, sub, tp, goMigrations...)
	if err != nil {
		return nil, err
	}
	return NewStore(db, newTx), nil
}

// NewStore returns the base of a store on db.
func NewStore[T any](db *DB, newTx func(*Tx) T) *Store[T] {
	return &Store[T]{DB: db, now: time.Now, newTx: newTx}
}

// SetClock replaces the clock (tests).
func (s *Store[T]) SetClock(now func() time.Time) { s.now = now }

// Now is the store's clock in UTC, truncated to what it keeps
// (microseconds).
func (s *Store[T]) Now() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// Close closes the database.
func (s *Store[T]) Close() error { return s.DB.Close() }

// Do runs fn in one transaction made safe to retry and audited (DB.Do):
// when op has a request id that was seen before, fn does not run and the
// first response is returned (ErrRequestReused for another request under
// that id); otherwise fn's changes, its response under the request id and
// the audit entry commit together, or nothing does. The transaction's time
// (Tx.Now) is the store's clock when Do starts; op.At defaults to it.
func (s *Store[T]) Do(ctx context.Context, op Op, fn func(tx T) (resource string, response []byte, err error)) ([]byte, error) {
	now := s.Now()
	if op.At.IsZero() {
		op.At = now
	}
	return s.DB.Do(ctx, op, func(tx *Tx) (string, []byte, error) {
		tx.now = now
		return fn(s.newTx(tx))
	})
}

// Micros stores a time.Time as microseconds since the Unix epoch (a BIGINT
// column), the zero time as 0. It is both a query argument (driver.Valuer)
// and a Scan destination (sql.Scanner), so that rows are written and read
// through the same call: Micros(&u.CreateTime).
func Micros(t *time.Time) MicrosValue { return MicrosValue{t} }

// MicrosValue is what Micros returns.
type MicrosValue struct{ t *time.Time }

// Value implements driver.Valuer.
func (m MicrosValue) Value() (driver.Value, error) {
	if m.t.IsZero() {
		return int64(0), nil
	}
	return m.t.UnixMicro(), nil
}

// Scan implements sql.Scanner. NULL and 0 are the zero time.
func (m MicrosValue) Scan(src any) error {
	var us int64
	switch v := src.(type) {
	case nil:
	case int64:
		us = v
	case int32:
		us = int64(v)
	default:
		return fmt.Errorf("sqlstore: cannot scan %T as a time in microseconds", src)
	}
	if us == 0 {
		*m.t = time.Time{}
		return nil
	}
	*m.t = time.UnixMicro(us).UTC()
	return nil
}
