// Package store keeps the honours service's data in SQL (SQLite or
// PostgreSQL, one schema for both): decisions, their entries and the
// register of honours. Reads go through Store; every mutation runs in Do,
// one transaction that also records the request id (so a retry returns the
// first answer) and the audit entry.
package store

import (
	"context"
	"embed"
	"slices"
	"strings"

	"github.com/tdkt-vn/tdkt/platform/domainerr"

	"go.opentelemetry.io/otel/trace"

	"github.com/tdkt-vn/tdkt/platform/sqlstore"
)

//go:embed migrations/*.sql migrations/postgres/*.sql migrations/sqlite/*.sql
var migrations embed.FS

// reader holds the queries shared by Store (outside a transaction) and Tx.
type reader struct{ sqlstore.Reader }

// Store is the honours database.
type Store struct {
	reader
	*sqlstore.Store[*Tx]
}

// Tx is a transaction of Do: the reads of Store plus the writes.
type Tx struct {
	reader
	*sqlstore.Tx
}

// Open connects to url and applies the migrations.
func Open(ctx context.Context, url string, tp trace.TracerProvider) (*Store, error) {
	base, err := sqlstore.OpenStore(ctx, url, migrations, tp, func(tx *sqlstore.Tx) *Tx { return &Tx{reader{tx.Reader()}, tx} },
		sqlstore.SearchIndex(7, "honours", "decisions"))
	if err != nil {
		return nil, err
	}
	return &Store{reader{base.DB.Reader()}, base}, nil
}

// ExistsError says a resource with that name already exists.
type ExistsError = domainerr.ExistsError

// ErrStaleEtag reports a change against an outdated etag, or a row changed
// by someone else since it was read.
var ErrStaleEtag = domainerr.ErrStaleEtag

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
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
	for chunk := range slices.Chunk(ids, 1000) {
		if err := fn(chunk); err != nil {
			return err
		}
	}
	return nil
}
