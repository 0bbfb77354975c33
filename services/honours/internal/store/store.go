// Package store keeps the honours service's data in SQL (SQLite or
// PostgreSQL, one schema for both): decisions, their entries and the
// register of honours. Reads go through Store; every mutation runs in Do,
// one transaction that also records the request id (so a retry returns the
// first answer) and the audit entry.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"github.com/tdkt-vn/tdkt/platform/domainerr"
	"io/fs"
	"strings"
	"time"

	"go.opentelemetry.io/otel/trace"

	"github.com/tdkt-vn/tdkt/platform/civil"
	"github.com/tdkt-vn/tdkt/platform/sqlstore"
	"github.com/tdkt-vn/tdkt/services/honours/internal/domain"
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
type reader struct {
	q       querier
	dialect sqlstore.Dialect
}

// Store is the honours database.
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
	return &Store{reader: reader{db.DB, db.Dialect}, db: db, now: func() time.Time { return time.Now().UTC() }}, nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Now is the store's clock, truncated to what it keeps (microseconds).
func (s *Store) Now() time.Time { return s.now().Truncate(time.Microsecond) }

// Tx is a transaction of Do: the reads of Store plus the writes.
type Tx struct {
	reader
	tx  *sqlstore.Tx
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
		return fn(&Tx{reader: reader{sqlTx, s.db.Dialect}, tx: sqlTx, now: now})
	})
}

// ExistsError says a resource with that name already exists.
type ExistsError = domainerr.ExistsError

// ErrStaleEtag reports a change against an outdated etag, or a row changed
// by someone else since it was read.
var ErrStaleEtag = domainerr.ErrStaleEtag

// Recipient is who an entry or an honour names, as stored. Unit and Commune
// are unit ids. The full citizen id is never here in clear: CitizenIDSealed
// holds it encrypted (entries only), CitizenIDMasked shows it.
type Recipient struct {
	Kind            domain.RecipientKind
	FullName        string
	Gender          int32
	BirthYear       int
	Position        string
	Unit            string
	CitizenIDMasked string
	CitizenIDSealed []byte
	HeadName        string
	Address         string
	Commune         string
	Key             string
	Weak            bool
}

// Revoked is a revocation with its time.
type Revoked struct {
	domain.Revocation
	Time time.Time
}

// micros and fromMicros convert timestamps for storage; 0 is "none".
func micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

func fromMicros(us int64) time.Time {
	if us == 0 {
		return time.Time{}
	}
	return time.UnixMicro(us).UTC()
}

func dateText(d civil.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

func parseDate(s string) (civil.Date, error) {
	if s == "" {
		return civil.Date{}, nil
	}
	return civil.Parse(s)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// count runs a COUNT(*) query.
func (r reader) count(ctx context.Context, query string, args ...any) (int, error) {
	var n int
	if err := r.q.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count: %w", err)
	}
	return n, nil
}

// forUpdate is the row lock of a read-modify-write on PostgreSQL; SQLite
// transactions hold the database's write lock from BEGIN (sqlstore opens
// them IMMEDIATE), so it needs none.
func (r reader) forUpdate() string {
	if r.dialect == sqlstore.Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// checkUpdated turns "no row changed" into ErrStaleEtag.
func checkUpdated(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrStaleEtag
	}
	return nil
}

// notFound turns sql.ErrNoRows into a domain NotFoundError for name.
func notFound(err error, name string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return &domain.NotFoundError{Name: name}
	}
	return err
}

// columnList splits a comma-separated list of columns.
func columnList(columns string) []string {
	var out []string
	for c := range strings.SplitSeq(columns, ",") {
		out = append(out, strings.TrimSpace(c))
	}
	return out
}

// inChunks runs fn over ids in slices small enough for one IN list.
func inChunks(ids []string, fn func(chunk []string) error) error {
	const maxIn = 1000
	for start := 0; start < len(ids); start += maxIn {
		if err := fn(ids[start:min(start+maxIn, len(ids))]); err != nil {
			return err
		}
	}
	return nil
}
