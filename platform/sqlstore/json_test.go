package sqlstore_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tdkt-vn/tdkt/platform/sqlstore"
)

// TestJSONAndCollect writes values as JSON text and reads them back with
// Collect: nil and empty slices are kept as the empty string and read as nil.
func TestJSONAndCollect(t *testing.T) {
	db := open(t, "sqlite::memory:")
	ctx := t.Context()
	_, err := db.ExecContext(ctx, `CREATE TABLE docs (id INTEGER PRIMARY KEY, body TEXT NOT NULL)`)
	require.NoError(t, err)
	type doc struct {
		Words []string
		N     int
	}
	for i, v := range []any{&doc{Words: []string{"Hà Nội"}, N: 2}, nil, []string{}} {
		_, err := db.ExecContext(ctx, `INSERT INTO docs VALUES ($1, $2)`, i, sqlstore.JSON(v))
		require.NoError(t, err)
	}
	rows, err := db.QueryContext(ctx, `SELECT body FROM docs ORDER BY id`)
	got, err := sqlstore.Collect(rows, err, func(row sqlstore.Scanner) (*doc, error) {
		var d *doc
		return d, row.Scan(sqlstore.JSON(&d))
	})
	require.NoError(t, err)
	require.Equal(t, []*doc{{Words: []string{"Hà Nội"}, N: 2}, nil, nil}, got)
	rows, err = db.QueryContext(ctx, `SELECT body FROM docs ORDER BY id`)
	raw, err := sqlstore.Collect(rows, err, func(row sqlstore.Scanner) (s string, err error) { return s, row.Scan(&s) })
	require.NoError(t, err)
	require.Equal(t, []string{`{"Words":["Hà Nội"],"N":2}`, "", ""}, raw)
}
