package sqlstore

import (
	"fmt"
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
				require.NoError(t, r.scan(db.QueryRowContext(ctx, `SELECT `+auditColumns+` FROM audit_log WHERE seq = $1`, seq)))
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
// the hash, and every column of the record's format counts; the two
// formats never share a hash.
func TestAuditHashEncoding(t *testing.T) {
	base := auditRecord{Seq: 7, ID: "id", Format: auditFormatV2, At: time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC).UnixMicro(),
		Log: LogActivity, Caller: "ab", CallerRoles: "tn:BOARD_OFFICER", AuthMethod: "bearer", Method: "c",
		Resource: "units/1", OwnerUnit: "tn", RequestID: "r", Result: ResultOK, TraceID: "0af7651916cd43dd8448eb211c80319c",
		PrevHash: []byte{1, 2}}
	common := []func(r *auditRecord){
		func(r *auditRecord) { r.Caller, r.Method = "a", "bc" },
		func(r *auditRecord) { r.Seq++ },
		func(r *auditRecord) { r.ID = "id2" },
		func(r *auditRecord) { r.At++ },
		func(r *auditRecord) { r.Resource = "units/2" },
		func(r *auditRecord) { r.RequestID = "" },
		func(r *auditRecord) { r.PrevHash = []byte{1} },
		func(r *auditRecord) { r.RequestID, r.PrevHash = "r\x01", []byte{2} },
	}
	v2Only := []func(r *auditRecord){
		func(r *auditRecord) { r.Log = LogDataAccess },
		func(r *auditRecord) { r.CallerRoles = "tn:VIEWER" },
		func(r *auditRecord) { r.AuthMethod = "mtls" },
		func(r *auditRecord) { r.OwnerUnit = "bk" },
		func(r *auditRecord) { r.Result = "" },
		func(r *auditRecord) { r.TraceID = "" },
		func(r *auditRecord) { r.CallerRoles, r.AuthMethod = "tn:BOARD_OFFICERb", "earer" },
		func(r *auditRecord) { r.OwnerUnit, r.RequestID = "tnr", "" },
	}
	for _, format := range []int64{auditFormatV1, auditFormatV2} {
		b := base
		b.Format = format
		seen := map[string]bool{string(b.sum()): true}
		variants := common
		if format == auditFormatV2 {
			variants = append(variants, v2Only...)
		}
		for i, change := range variants {
			r := b
			change(&r)
			h := string(r.sum())
			require.False(t, seen[h], "format %d: variant %d collides", format, i)
			seen[h] = true
		}
	}
	v1, v2 := base, base
	v1.Format = auditFormatV1
	require.NotEqual(t, v1.sum(), v2.sum())
	require.Equal(t, v1.sumV1(), v1.sum())
	require.Equal(t, v2.sumV2(), v2.sum())
	unknown := base
	unknown.Format = 3
	require.Nil(t, unknown.sum())
}

// appendV1 appends a record as Audit did before migration 4: the columns
// of migration 1, chained with a hash of format 1.
func appendV1(t *testing.T, db *DB, at int64, caller, method, resource string) {
	t.Helper()
	require.NoError(t, db.InTx(t.Context(), func(tx *Tx) error {
		r := auditRecord{ID: fmt.Sprintf("v1-%d", at), At: at, Caller: caller, Method: method, Resource: resource}
		var head int64
		if err := tx.QueryRowContext(t.Context(), `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&head, &r.PrevHash); err != nil {
			return err
		}
		r.Seq, r.PrevHash = head+1, nonNil(r.PrevHash)
		r.Hash = r.sumV1()
		if _, err := tx.ExecContext(t.Context(), `INSERT INTO audit_log (id, at, caller, method, resource, request_id, seq, prev_hash, hash)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, r.ID, r.At, r.Caller, r.Method, r.Resource, r.RequestID, r.Seq, r.PrevHash, r.Hash); err != nil {
			return err
		}
		_, err := tx.ExecContext(t.Context(), `UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1`, r.Seq, r.Hash)
		return err
	}))
}

// TestAuditFormats opens a database at platform migration 3 whose chain
// holds records of hash format 1, migrates it, and appends records of
// format 2 to both streams: the chain verifies across the formats, and an
// edit of any column, of either format, is detected.
func TestAuditFormats(t *testing.T) {
	upTo3 := fstest.MapFS{}
	for _, name := range []string{"00001_platform.sql", "00002_audit_chain.sql"} {
		b, err := fs.ReadFile(platformMigrations, "migrations/"+name)
		require.NoError(t, err)
		upTo3[name] = &fstest.MapFile{Data: b}
	}

	// build makes the chain: records 1-2 of format 1, then 3 (activity)
	// and 4 (data access) of format 2.
	build := func(t *testing.T, url string) *DB {
		ctx := t.Context()
		old, err := open(url, tracenoop.NewTracerProvider())
		require.NoError(t, err)
		require.NoError(t, old.up(ctx, upTo3, platformVersionTable, chainAuditMigration))
		appendV1(t, old, 100, "old-1", "CreateUnit", "units/a")
		appendV1(t, old, 200, "old-2", "UpdateUnit", "units/a")
		n, err := VerifyAudit(ctx, old)
		require.NoError(t, err)
		require.EqualValues(t, 2, n)
		require.NoError(t, old.Close())

		db, err := Open(ctx, url, nil, nil)
		require.NoError(t, err)
		t.Cleanup(func() { db.Close() })
		_, err = db.Do(ctx, Op{
			Method: "DissolveUnit", RequestID: "7d9f1c4e-0d1b-4c39-9d0e-1f2a3b4c5d6e", Caller: "alice",
			CallerRoles: "tn:BOARD_OFFICER tn:PII_READER", AuthMethod: "bearer", OwnerUnit: "tn",
			TraceID: "0af7651916cd43dd8448eb211c80319c",
		}, func(tx *Tx) (string, []byte, error) { return "units/a", nil, nil })
		require.NoError(t, err)
		require.NoError(t, db.AuditAccess(ctx, AuditEntry{
			Caller: "bob", CallerRoles: "tn:PII_READER", AuthMethod: "mtls", Method: "GetDecision",
			Resource: "decisions/d1", OwnerUnit: "tn",
		}))
		return db
	}

	for _, e := range sqlstoretest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			t.Run("chained", func(t *testing.T) {
				t.Parallel()
				ctx := t.Context()
				db := build(t, e.URL(t))
				n, err := VerifyAudit(ctx, db)
				require.NoError(t, err)
				require.EqualValues(t, 4, n)

				records, next, total, err := db.Reader().ListAudit(ctx, AuditFilter{AllUnits: true}, nil, 10)
				require.NoError(t, err)
				require.Nil(t, next)
				require.Equal(t, 4, total)
				require.Len(t, records, 4)
				access, change, old := records[0], records[1], records[3]
				require.Equal(t, AuditRecord{Seq: 4, ID: access.ID, Format: 2, AuditEntry: AuditEntry{
					Log: LogDataAccess, Caller: "bob", CallerRoles: "tn:PII_READER", AuthMethod: "mtls", Method: "GetDecision",
					Resource: "decisions/d1", OwnerUnit: "tn", Result: ResultOK, At: access.At,
				}}, access)
				require.Equal(t, AuditRecord{Seq: 3, ID: change.ID, Format: 2, AuditEntry: AuditEntry{
					Log: LogActivity, Caller: "alice", CallerRoles: "tn:BOARD_OFFICER tn:PII_READER", AuthMethod: "bearer",
					Method: "DissolveUnit", Resource: "units/a", OwnerUnit: "tn", RequestID: "7d9f1c4e-0d1b-4c39-9d0e-1f2a3b4c5d6e",
					Result: ResultOK, TraceID: "0af7651916cd43dd8448eb211c80319c", At: change.At,
				}}, change)
				require.Equal(t, AuditRecord{Seq: 1, ID: "v1-100", Format: 1, AuditEntry: AuditEntry{
					Log: LogActivity, Caller: "old-1", Method: "CreateUnit", Resource: "units/a", At: time.UnixMicro(100).UTC(),
				}}, old)
				require.WithinDuration(t, time.Now(), access.At, time.Minute)
			})

			tests := []struct {
				name   string
				tamper string
				seq    int64
				reason string
			}{
				{"old caller edited", `UPDATE audit_log SET caller = 'x' WHERE seq = 2`, 2, "does not match"},
				{"old record given an owner unit", `UPDATE audit_log SET owner_unit = 'bk' WHERE seq = 1`, 1, "does not cover"},
				{"old record moved to data access", `UPDATE audit_log SET log_name = 'data_access' WHERE seq = 2`, 2, "does not cover"},
				{"old record given a trace", `UPDATE audit_log SET trace_id = 'abc' WHERE seq = 2`, 2, "does not cover"},
				{"new caller edited", `UPDATE audit_log SET caller = 'mallory' WHERE seq = 3`, 3, "does not match"},
				{"new roles edited", `UPDATE audit_log SET caller_roles = 'tn:CENTRAL_ADMIN' WHERE seq = 3`, 3, "does not match"},
				{"new auth method edited", `UPDATE audit_log SET auth_method = 'mtls' WHERE seq = 3`, 3, "does not match"},
				{"new owner unit edited", `UPDATE audit_log SET owner_unit = 'bk' WHERE seq = 3`, 3, "does not match"},
				{"new result edited", `UPDATE audit_log SET result = 'DENIED' WHERE seq = 3`, 3, "does not match"},
				{"new trace edited", `UPDATE audit_log SET trace_id = '' WHERE seq = 3`, 3, "does not match"},
				{"new stream edited", `UPDATE audit_log SET log_name = 'activity' WHERE seq = 4`, 4, "does not match"},
				{"new resource edited", `UPDATE audit_log SET resource = 'decisions/d2' WHERE seq = 4`, 4, "does not match"},
				{"new record downgraded", `UPDATE audit_log SET format = 1 WHERE seq = 4`, 4, "format 1 after"},
				{"new record in an unknown format", `UPDATE audit_log SET format = 3 WHERE seq = 3`, 3, "unknown hash format"},
				{"new record deleted", `DELETE FROM audit_log WHERE seq = 3`, 3, "missing"},
				{"last record deleted", `DELETE FROM audit_log WHERE seq = 4`, 4, "missing"},
			}
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					t.Parallel()
					ctx := t.Context()
					db := build(t, e.URL(t))
					_, err := db.ExecContext(ctx, tc.tamper)
					require.NoError(t, err)
					_, err = VerifyAudit(ctx, db)
					var chainErr *AuditChainError
					require.ErrorAs(t, err, &chainErr)
					require.Equal(t, tc.seq, chainErr.Seq, "%v", err)
					require.Contains(t, chainErr.Reason, tc.reason)
				})
			}
		})
	}
}
