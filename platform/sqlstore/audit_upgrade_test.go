package sqlstore

import (
	"io/fs"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/require"
	tracenoop "go.opentelemetry.io/otel/trace/noop"

	"github.com/tdkt-vn/tdkt/platform/sqlstore/sqlstoretest"
)

// TestAuditUpgrade opens a database at the first platform migration, with
// an audit log written by the code of that time (no chain), then applies
// the later migrations: the old records are chained in the order of their
// time and new records follow them.
func TestAuditUpgrade(t *testing.T) {
	first, err := fs.ReadFile(platformMigrations, "migrations/00001_platform.sql")
	require.NoError(t, err)
	for _, e := range sqlstoretest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := t.Context()
			url := e.URL(t)
			old, err := open(url, tracenoop.NewTracerProvider())
			require.NoError(t, err)
			require.NoError(t, old.up(ctx, fstest.MapFS{"00001_platform.sql": {Data: first}}, platformVersionTable))
			// The old Audit's statement; written out of time order.
			for _, r := range []struct {
				id string
				at int64
			}{{"c", 300}, {"a", 100}, {"b2", 200}, {"b1", 200}} {
				_, err := old.ExecContext(ctx, `INSERT INTO audit_log (id, at, caller, method, resource, request_id)
					VALUES ($1, $2, 'old', 'M', $3, '')`, r.id, r.at, "units/"+r.id)
				require.NoError(t, err)
			}
			require.NoError(t, old.Close())

			db, err := Open(ctx, url, nil, nil)
			require.NoError(t, err)
			defer db.Close()
			n, err := VerifyAudit(ctx, db)
			require.NoError(t, err)
			require.EqualValues(t, 4, n)
			var ids []string
			rows, err := db.QueryContext(ctx, `SELECT id FROM audit_log ORDER BY seq`)
			require.NoError(t, err)
			for rows.Next() {
				var id string
				require.NoError(t, rows.Scan(&id))
				ids = append(ids, id)
			}
			require.NoError(t, rows.Err())
			require.Equal(t, []string{"a", "b1", "b2", "c"}, ids, "by time, then id")

			_, err = db.Do(ctx, Op{Method: "M", Caller: "new"}, func(tx *Tx) (string, []byte, error) { return "units/d", nil, nil })
			require.NoError(t, err)
			n, err = VerifyAudit(ctx, db)
			require.NoError(t, err)
			require.EqualValues(t, 5, n)

			// Applying the migrations again changes nothing.
			require.NoError(t, db.migrate(ctx, nil))
			n, err = VerifyAudit(ctx, db)
			require.NoError(t, err)
			require.EqualValues(t, 5, n)
		})
	}
}

// TestAuditRehashed: an attacker who edits a record and recomputes its hash
// breaks the link of the next record, or, for the last one, its match with
// the chain's head.
func TestAuditRehashed(t *testing.T) {
	for _, e := range sqlstoretest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := t.Context()
			db, err := Open(ctx, e.URL(t), nil, nil)
			require.NoError(t, err)
			defer db.Close()
			for range 3 {
				_, err := db.Do(ctx, Op{Method: "M", Caller: "c"}, func(tx *Tx) (string, []byte, error) { return "units/x", nil, nil })
				require.NoError(t, err)
			}
			rehash := func(seq int64) {
				var r auditRecord
				require.NoError(t, db.QueryRowContext(ctx, `SELECT seq, id, at, caller, method, resource, request_id, prev_hash
					FROM audit_log WHERE seq = $1`, seq).Scan(&r.Seq, &r.ID, &r.At, &r.Caller, &r.Method, &r.Resource, &r.RequestID, &r.PrevHash))
				r.Resource = "units/forged"
				_, err := db.ExecContext(ctx, `UPDATE audit_log SET resource = $1, hash = $2 WHERE seq = $3`, r.Resource, r.sum(), seq)
				require.NoError(t, err)
			}
			rehash(3)
			_, err = VerifyAudit(ctx, db)
			var chainErr *AuditChainError
			require.ErrorAs(t, err, &chainErr)
			require.EqualValues(t, 3, chainErr.Seq)
			require.Contains(t, chainErr.Reason, "head")

			rehash(2)
			_, err = VerifyAudit(ctx, db)
			require.ErrorAs(t, err, &chainErr)
			require.EqualValues(t, 3, chainErr.Seq, "record 3 no longer follows record 2")
			require.Contains(t, chainErr.Reason, "previous hash")
		})
	}
}

// TestAuditHashEncoding: moving bytes from one field to the next changes
// the hash, and every column counts.
func TestAuditHashEncoding(t *testing.T) {
	base := auditRecord{Seq: 7, ID: "id", At: time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC).UnixMicro(),
		Caller: "ab", Method: "c", Resource: "units/1", RequestID: "r", PrevHash: []byte{1, 2}}
	variants := []func(r *auditRecord){
		func(r *auditRecord) { r.Caller, r.Method = "a", "bc" },
		func(r *auditRecord) { r.Seq++ },
		func(r *auditRecord) { r.ID = "id2" },
		func(r *auditRecord) { r.At++ },
		func(r *auditRecord) { r.Resource = "units/2" },
		func(r *auditRecord) { r.RequestID = "" },
		func(r *auditRecord) { r.PrevHash = []byte{1} },
		func(r *auditRecord) { r.RequestID, r.PrevHash = "r\x01", []byte{2} },
	}
	seen := map[string]bool{string(base.sum()): true}
	for i, change := range variants {
		r := base
		change(&r)
		h := string(r.sum())
		require.False(t, seen[h], "variant %d collides", i)
		seen[h] = true
	}
}
