// Package store keeps the movements service's data in SQL (SQLite or
// PostgreSQL, one schema for both). Reads go through Store; every mutation
// runs in Do, one transaction that also records the request id (so a retry
// returns the first answer) and the audit entry.
package store

import (
	"context"
	"embed"

	"go.opentelemetry.io/otel/trace"

	"github.com/tdkt-vn/tdkt/platform/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// reader holds the queries shared by Store (outside a transaction) and Tx.
type reader struct{ sqlstore.Reader }

// Store is the movements database.
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
		sqlstore.SearchIndex(4, "movements", "exemplars"))
	if err != nil {
		return nil, err
	}
	return &Store{reader{base.DB.Reader()}, base}, nil
}
