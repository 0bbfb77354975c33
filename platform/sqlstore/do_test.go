package sqlstore_test

import (
	"errors"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tdkt-vn/tdkt/platform/sqlstore"
	"github.com/tdkt-vn/tdkt/platform/sqlstore/sqlstoretest"
)

func TestDo(t *testing.T) {
	for _, e := range sqlstoretest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			db := open(t, e.URL(t))
			ctx := t.Context()
			op := sqlstore.Op{Method: "CreateItem", RequestID: "r1", Fingerprint: []byte{1}, Caller: "tester"}
			runs := 0
			create := func(tx *sqlstore.Tx) (string, []byte, error) {
				runs++
				return "items/a", []byte("first"), insertItem(ctx, tx, "a", "A")
			}
			out, err := db.Do(ctx, op, create)
			require.NoError(t, err)
			require.Equal(t, "first", string(out))
			out, err = db.Do(ctx, op, create)
			require.NoError(t, err, "a retry returns the first response")
			require.Equal(t, "first", string(out))
			require.Equal(t, 1, runs, "a retry does not run the mutation")
			require.Equal(t, 1, count(t, db, `SELECT COUNT(*) FROM audit_log WHERE resource = 'items/a' AND caller = 'tester'`))

			other := op
			other.Fingerprint = []byte{2}
			_, err = db.Do(ctx, other, create)
			require.ErrorIs(t, err, sqlstore.ErrRequestReused)

			// A failing mutation leaves nothing behind: no item, request or audit row.
			boom := errors.New("boom")
			_, err = db.Do(ctx, sqlstore.Op{Method: "CreateItem", RequestID: "r2"}, func(tx *sqlstore.Tx) (string, []byte, error) {
				if err := insertItem(ctx, tx, "b", "B"); err != nil {
					return "", nil, err
				}
				return "", nil, boom
			})
			require.ErrorIs(t, err, boom)
			require.Zero(t, count(t, db, `SELECT COUNT(*) FROM items WHERE id = 'b'`))
			require.Zero(t, count(t, db, `SELECT COUNT(*) FROM requests WHERE request_id = 'r2'`))
		})
	}
}

// TestDoConcurrentCopies sends copies of one request at once: one runs,
// every other gets its response, whatever the engine's isolation does.
func TestDoConcurrentCopies(t *testing.T) {
	for _, e := range sqlstoretest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			db := open(t, e.URL(t))
			ctx := t.Context()
			op := sqlstore.Op{Method: "CreateItem", RequestID: "same", Fingerprint: []byte{7}}
			var wg sync.WaitGroup
			outs := make([]string, 8)
			errs := make([]error, 8)
			for i := range outs {
				wg.Go(func() {
					out, err := db.Do(ctx, op, func(tx *sqlstore.Tx) (string, []byte, error) {
						// The item's unique name stands for the state the
						// winner changes.
						return "items/x", []byte("created"), insertItem(ctx, tx, "x", "X")
					})
					outs[i], errs[i] = string(out), err
				})
			}
			wg.Wait()
			for i := range outs {
				require.NoError(t, errs[i])
				require.Equal(t, "created", outs[i])
			}
			require.Equal(t, 1, count(t, db, `SELECT COUNT(*) FROM items`))
		})
	}
}

func TestWhere(t *testing.T) {
	var w sqlstore.Where
	require.Empty(t, w.SQL())
	w.Add("a = ? AND b > ?", 1, 2)
	w.In("c", "x", "y")
	w.Words("search", "Đắk  LẮK 100%")
	require.Equal(t, ` WHERE a = $1 AND b > $2 AND c IN ($3,$4) AND search LIKE $5 ESCAPE '\' AND search LIKE $6 ESCAPE '\' AND search LIKE $7 ESCAPE '\'`, w.SQL())
	require.Equal(t, []any{1, 2, "x", "y", "%dak%", "%lak%", `%100\%%`}, w.Args)
	require.Equal(t, "$8", w.Next("z"))

	var none sqlstore.Where
	none.In("c")
	require.Equal(t, " WHERE 1 = 0", none.SQL())
	require.Equal(t, "$3,$4,$5", sqlstore.Placeholders(3, 3))
}
