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
	"strconv"
	"strings"
	"time"

	"go.opentelemetry.io/otel/trace"

	"github.com/tdkt-vn/tdkt/platform/sqlstore"
	"github.com/tdkt-vn/tdkt/platform/vnfold"
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

// Op describes a mutation for idempotency and the audit log.
type Op struct {
	Method      string // e.g. "CreateUnit"
	RequestID   string // "" when the client sent none
	Fingerprint []byte // hash of the request without its request id
	Caller      string
}

// Tx is a transaction of Do: the reads of Store plus the writes.
type Tx struct {
	reader
	tx  *sql.Tx
	now time.Time
}

// Now is the time of the transaction.
func (tx *Tx) Now() time.Time { return tx.now }

// Do runs fn in one transaction. When op has a request id that was seen
// before, fn is not run and the first response is returned (a different
// fingerprint is sqlstore.ErrRequestReused). Otherwise fn's response is
// stored with the request id, the audit entry is written, and both commit
// with fn's changes, or nothing does.
func (s *Store) Do(ctx context.Context, op Op, fn func(tx *Tx) (resource string, response []byte, err error)) ([]byte, error) {
	var out []byte
	err := s.db.InTx(ctx, func(sqlTx *sql.Tx) error {
		if op.RequestID != "" {
			prev, found, err := sqlstore.LookupRequest(ctx, sqlTx, op.RequestID, op.Method, op.Fingerprint)
			if err != nil {
				return err
			}
			if found {
				out = prev
				return nil
			}
		}
		tx := &Tx{reader: reader{sqlTx}, tx: sqlTx, now: s.Now()}
		resource, resp, err := fn(tx)
		if err != nil {
			return err
		}
		if op.RequestID != "" {
			if err := sqlstore.SaveRequest(ctx, sqlTx, op.RequestID, op.Method, op.Fingerprint, resp); err != nil {
				return err
			}
		}
		err = sqlstore.Audit(ctx, sqlTx, sqlstore.AuditEntry{
			Caller: op.Caller, Method: op.Method, Resource: resource, RequestID: op.RequestID, At: tx.now,
		})
		if err != nil {
			return err
		}
		out = resp
		return nil
	})
	return out, err
}

// micros and fromMicros convert timestamps for storage.
func micros(t time.Time) int64 { return t.UnixMicro() }

func fromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }

// where builds a WHERE clause with $n placeholders.
type where struct {
	conds []string
	args  []any
}

// add appends a condition; each "?" in cond becomes the next $n.
func (w *where) add(cond string, args ...any) {
	for _, a := range args {
		w.args = append(w.args, a)
		cond = strings.Replace(cond, "?", "$"+strconv.Itoa(len(w.args)), 1)
	}
	w.conds = append(w.conds, cond)
}

// words adds one LIKE condition on column per word of the folded query.
func (w *where) words(column, query string) {
	for _, word := range strings.Fields(vnfold.Fold(query)) {
		w.add(column+` LIKE ? ESCAPE '\'`, "%"+vnfold.EscapeLike(word)+"%")
	}
}

func (w *where) sql() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// next returns the placeholder for one more argument.
func (w *where) next(arg any) string {
	w.args = append(w.args, arg)
	return "$" + strconv.Itoa(len(w.args))
}

// placeholders returns "$i,$i+1,…" for n arguments starting at $from.
func placeholders(from, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("$" + strconv.Itoa(from+i))
	}
	return b.String()
}

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
