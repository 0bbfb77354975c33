// Package store keeps the nominations service's data in SQL (SQLite or
// PostgreSQL, one schema for both): batches, their nominations, the
// working-day calendars and the conferrals under way. Reads go through
// Store; every mutation runs in Do, one transaction that also records the
// request id (so a retry returns the first answer) and the audit entry.
package store

import (
	"context"
	"embed"
	"strconv"
	"strings"

	"go.opentelemetry.io/otel/trace"

	"github.com/tdkt-vn/tdkt/platform/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// reader holds the queries shared by Store (outside a transaction) and Tx.
type reader struct{ sqlstore.Reader }

// Store is the nominations database.
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
		sqlstore.SearchIndex(2, "nominations"))
	if err != nil {
		return nil, err
	}
	return &Store{reader{base.DB.Reader()}, base}, nil
}

// page cuts rows, read with a limit of size+1, to size, and returns the
// cursor after the last kept row when more follow (nil on the last page).
func page[T, C any](rows []T, size int, cursor func(T) *C) ([]T, *C) {
	if len(rows) <= size {
		return rows, nil
	}
	rows = rows[:size]
	return rows, cursor(rows[size-1])
}

// limit is the LIMIT clause of a page of size rows and the probe of the
// next.
func limit(size int) string { return " LIMIT " + strconv.Itoa(size+1) }

// visibleTo keeps the rows whose proposer or authority is one of units;
// nil units keep every row, no units none.
func visibleTo(w *sqlstore.Where, units []string) {
	if units == nil {
		return
	}
	w.In("proposer", units...)
	w.In("authority", units...)
	n := len(w.Conds)
	w.Conds = append(w.Conds[:n-2], "("+w.Conds[n-2]+" OR "+w.Conds[n-1]+")")
}

// columnList splits a comma-separated list of columns.
func columnList(columns string) []string {
	var out []string
	for c := range strings.SplitSeq(columns, ",") {
		out = append(out, strings.TrimSpace(c))
	}
	return out
}

// assignments returns "c1 = $from, c2 = $from+1, …" for an UPDATE's SET.
func assignments(columns []string, from int) string {
	set := make([]string, len(columns))
	for i, c := range columns {
		set[i] = c + " = $" + strconv.Itoa(from+i)
	}
	return strings.Join(set, ", ")
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
