// Package store keeps the blocs service's data in SQL (SQLite or
// PostgreSQL, one schema for both). Reads go through Store; every mutation
// runs in Do, one transaction that also records the request id (so a retry
// returns the first answer) and the audit entry.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"go.opentelemetry.io/otel/trace"

	"github.com/tdkt-vn/tdkt/platform/sqlstore"
	"github.com/tdkt-vn/tdkt/services/blocs/internal/domain"
)

//go:embed migrations/*.sql
var migrations embed.FS

// querier is what reads need: a database or a transaction.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// reader holds the queries shared by Store (outside a transaction) and Tx.
type reader struct{ q querier }

// Store is the blocs database.
type Store struct {
	reader
	db  *sqlstore.DB
	now func() time.Time
}

// Open connects to url and applies the migrations.
func Open(ctx context.Context, url string, tp trace.TracerProvider) (*Store, error) {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	db, err := sqlstore.Open(ctx, url, sub, tp)
	if err != nil {
		return nil, err
	}
	return &Store{reader: reader{db.DB}, db: db, now: func() time.Time { return time.Now().UTC() }}, nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Now is the store's clock, truncated to what it keeps (microseconds).
func (s *Store) Now() time.Time { return s.now().Truncate(time.Microsecond) }

// Tx is a transaction of Do: the reads of Store plus the writes.
type Tx struct {
	reader
	tx  *sql.Tx
	now time.Time
}

// Now is the time of the transaction.
func (tx *Tx) Now() time.Time { return tx.now }

// Do runs fn in one transaction made safe to retry and audited by
// sqlstore.DB.Do: when op has a request id that was seen before, fn does not
// run and the first response is returned (a different fingerprint is
// sqlstore.ErrRequestReused); otherwise fn's changes, its response under the
// request id and the audit entry commit together, or nothing does.
func (s *Store) Do(ctx context.Context, op sqlstore.Op, fn func(tx *Tx) (resource string, response []byte, err error)) ([]byte, error) {
	now := s.Now()
	if op.At.IsZero() {
		op.At = now
	}
	return s.db.Do(ctx, op, func(sqlTx *sqlstore.Tx) (string, []byte, error) {
		return fn(&Tx{reader: reader{sqlTx}, tx: sqlTx.Tx, now: now})
	})
}

// micros and fromMicros convert timestamps for storage.
func micros(t time.Time) int64 { return t.UnixMicro() }

func fromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }

// count runs a COUNT(*) query.
func (r reader) count(ctx context.Context, query string, args ...any) (int, error) {
	var n int
	if err := r.q.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count: %w", err)
	}
	return n, nil
}

// notFound turns sql.ErrNoRows into a domain NotFoundError for name.
func notFound(err error, name string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return &domain.NotFoundError{Name: name}
	}
	return err
}
