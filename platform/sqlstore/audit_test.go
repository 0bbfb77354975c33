package sqlstore_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tdkt-vn/tdkt/platform/sqlstore"
	"github.com/tdkt-vn/tdkt/platform/sqlstore/sqlstoretest"
)

// mutate makes n audited mutations with Do, each creating an item.
func mutate(t *testing.T, db *sqlstore.DB, prefix string, n int) {
	t.Helper()
	ctx := t.Context()
	for i := range n {
		id := fmt.Sprintf("%s%d", prefix, i)
		_, err := db.Do(ctx, sqlstore.Op{Method: "CreateItem", Caller: "tester", RequestID: "req-" + id},
			func(tx *sqlstore.Tx) (string, []byte, error) {
				return "items/" + id, nil, insertItem(ctx, tx, id, "item "+id)
			})
		require.NoError(t, err)
	}
}

func exec(t *testing.T, db *sqlstore.DB, query string, args ...any) {
	t.Helper()
	_, err := db.ExecContext(t.Context(), query, args...)
	require.NoError(t, err)
}

// TestAuditChainConcurrent runs Do from many goroutines at once: the
// records form one chain, numbered without gaps.
func TestAuditChainConcurrent(t *testing.T) {
	for _, e := range sqlstoretest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			db := open(t, e.URL(t))
			const writers, perWriter = 8, 25
			var wg sync.WaitGroup
			for w := range writers {
				wg.Go(func() { mutate(t, db, fmt.Sprintf("w%d-", w), perWriter) })
			}
			wg.Wait()
			n, err := sqlstore.VerifyAudit(t.Context(), db)
			require.NoError(t, err)
			require.EqualValues(t, writers*perWriter, n)
			require.Equal(t, writers*perWriter, count(t, db, `SELECT COUNT(*) FROM audit_log`))
			require.Equal(t, writers*perWriter, count(t, db, `SELECT COUNT(DISTINCT seq) FROM audit_log`))
			require.Equal(t, writers*perWriter, count(t, db, `SELECT MAX(seq) FROM audit_log`))
			require.Equal(t, writers*perWriter, count(t, db, `SELECT COUNT(DISTINCT prev_hash) FROM audit_log`),
				"no two records follow the same one")
		})
	}
}

// TestAuditChainTampering alters a chain of five records in each way and
// checks that VerifyAudit names the first broken record.
func TestAuditChainTampering(t *testing.T) {
	tests := []struct {
		name    string
		tamper  []string
		seq     int64
		reason  string
		missing bool
	}{
		{"intact", nil, 0, "", false},
		{"caller edited", []string{`UPDATE audit_log SET caller = 'someone else' WHERE seq = 3`}, 3, "altered", false},
		{"method edited", []string{`UPDATE audit_log SET method = 'DeleteItem' WHERE seq = 2`}, 2, "altered", false},
		{"resource edited", []string{`UPDATE audit_log SET resource = 'items/other' WHERE seq = 4`}, 4, "altered", false},
		{"time edited", []string{`UPDATE audit_log SET at = at + 1 WHERE seq = 1`}, 1, "altered", false},
		{"request id edited", []string{`UPDATE audit_log SET request_id = '' WHERE seq = 5`}, 5, "altered", false},
		{"middle record deleted", []string{`DELETE FROM audit_log WHERE seq = 3`}, 3, "missing", true},
		{"first record deleted", []string{`DELETE FROM audit_log WHERE seq = 1`}, 1, "missing", true},
		{"last record deleted", []string{`DELETE FROM audit_log WHERE seq = 5`}, 5, "missing", true},
		{"last records deleted", []string{`DELETE FROM audit_log WHERE seq >= 4`}, 4, "missing", true},
		{"deleted and renumbered", []string{
			`DELETE FROM audit_log WHERE seq = 3`,
			`UPDATE audit_log SET seq = seq - 1 WHERE seq = 4`,
			`UPDATE audit_log SET seq = seq - 1 WHERE seq = 5`,
		}, 3, "previous hash", false},
		{"reordered", []string{
			`UPDATE audit_log SET seq = 100 WHERE seq = 2`,
			`UPDATE audit_log SET seq = 2 WHERE seq = 3`,
			`UPDATE audit_log SET seq = 3 WHERE seq = 100`,
		}, 2, "previous hash", false},
		{"hash replaced by another record's", []string{
			`UPDATE audit_log SET hash = (SELECT hash FROM audit_log WHERE seq = 1) WHERE seq = 2`,
		}, 2, "altered", false},
		{"record outside the chain", []string{
			`INSERT INTO audit_log (id, at, caller, method, resource, request_id) VALUES ('forged', 1, 'x', 'y', 'z', '')`,
		}, 0, "not chained", false},
	}
	for _, e := range sqlstoretest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					t.Parallel()
					db := open(t, e.URL(t))
					mutate(t, db, "i", 5)
					for _, q := range tc.tamper {
						exec(t, db, q)
					}
					n, err := sqlstore.VerifyAudit(t.Context(), db)
					if tc.reason == "" {
						require.NoError(t, err)
						require.EqualValues(t, 5, n)
						return
					}
					require.ErrorIs(t, err, sqlstore.ErrAuditBroken)
					chainErr, ok := err.(*sqlstore.AuditChainError)
					require.True(t, ok, "%T: %v", err, err)
					require.Equal(t, tc.seq, chainErr.Seq, "%v", err)
					require.Contains(t, chainErr.Reason, tc.reason)
					require.Equal(t, tc.missing, chainErr.ID == "", "%v", err)
				})
			}
		})
	}
}

// TestAuditChainEmpty: a new database holds an empty, intact chain, and
// the chain goes on after a failed mutation (its record rolled back).
func TestAuditChainEmpty(t *testing.T) {
	for _, e := range sqlstoretest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			db := open(t, e.URL(t))
			ctx := t.Context()
			n, err := sqlstore.VerifyAudit(ctx, db)
			require.NoError(t, err)
			require.Zero(t, n)

			mutate(t, db, "a", 2)
			_, err = db.Do(ctx, sqlstore.Op{Method: "CreateItem"}, func(tx *sqlstore.Tx) (string, []byte, error) {
				return "items/a0", nil, insertItem(ctx, tx, "a0", "a duplicate")
			})
			require.Error(t, err)
			mutate(t, db, "b", 1)
			n, err = sqlstore.VerifyAudit(ctx, db)
			require.NoError(t, err)
			require.EqualValues(t, 3, n)
		})
	}
}

// TestConnect opens an existing database without migrating it, and refuses
// a SQLite file that does not exist.
func TestConnect(t *testing.T) {
	url := "sqlite:" + t.TempDir() + "/c.db"
	_, err := sqlstore.Connect(t.Context(), url, nil)
	require.ErrorContains(t, err, "no such file")
	db := open(t, url)
	mutate(t, db, "c", 1)

	c, err := sqlstore.Connect(context.Background(), url, nil)
	require.NoError(t, err)
	defer c.Close()
	n, err := sqlstore.VerifyAudit(t.Context(), c)
	require.NoError(t, err)
	require.EqualValues(t, 1, n)
}

// TestListAudit filters the log in the query: by stream, method, resource,
// caller, owner unit, time and the caller's scope, newest first, in pages.
func TestListAudit(t *testing.T) {
	for _, e := range sqlstoretest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			db := open(t, e.URL(t))
			base := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
			write := func(i int, op sqlstore.Op, resource string) {
				op.At = base.Add(time.Duration(i) * time.Hour)
				_, err := db.Do(ctx, op, func(tx *sqlstore.Tx) (string, []byte, error) { return resource, nil, nil })
				require.NoError(t, err)
			}
			write(0, sqlstore.Op{Method: "CreateUnit", Caller: "alice", OwnerUnit: "a"}, "units/a1")
			write(1, sqlstore.Op{Method: "CreateUnit", Caller: "bob", OwnerUnit: "b"}, "units/b1")
			write(2, sqlstore.Op{Method: "UpdateUnit", Caller: "alice", OwnerUnit: "a"}, "units/a1")
			write(3, sqlstore.Op{Method: "ImportDecisions", Caller: "root"}, "decisions/x")
			require.NoError(t, db.AuditAccess(ctx, sqlstore.AuditEntry{Method: "GetDecision", Caller: "carol", OwnerUnit: "b",
				Resource: "decisions/y", At: base.Add(4 * time.Hour)}))

			list := func(f sqlstore.AuditFilter) []int64 {
				t.Helper()
				var seqs []int64
				var after *sqlstore.AuditCursor
				for {
					page, next, total, err := db.Reader().ListAudit(ctx, f, after, 2)
					require.NoError(t, err)
					for _, r := range page {
						seqs = append(seqs, r.Seq)
					}
					if next == nil {
						require.Len(t, seqs, total)
						return seqs
					}
					after = next
				}
			}
			all := sqlstore.AuditFilter{AllUnits: true}
			require.Equal(t, []int64{5, 4, 3, 2, 1}, list(all))
			for name, tc := range map[string]struct {
				f    sqlstore.AuditFilter
				want []int64
			}{
				"activity":         {sqlstore.AuditFilter{AllUnits: true, Log: sqlstore.LogActivity}, []int64{4, 3, 2, 1}},
				"data access":      {sqlstore.AuditFilter{AllUnits: true, Log: sqlstore.LogDataAccess}, []int64{5}},
				"method":           {sqlstore.AuditFilter{AllUnits: true, Method: "CreateUnit"}, []int64{2, 1}},
				"resource":         {sqlstore.AuditFilter{AllUnits: true, Resource: "units/a1"}, []int64{3, 1}},
				"caller":           {sqlstore.AuditFilter{AllUnits: true, Caller: "alice"}, []int64{3, 1}},
				"owner":            {sqlstore.AuditFilter{AllUnits: true, OwnerUnit: "b"}, []int64{5, 2}},
				"since":            {sqlstore.AuditFilter{AllUnits: true, Since: base.Add(3 * time.Hour)}, []int64{5, 4}},
				"before":           {sqlstore.AuditFilter{AllUnits: true, Before: base.Add(time.Hour)}, []int64{1}},
				"range":            {sqlstore.AuditFilter{AllUnits: true, Since: base.Add(time.Hour), Before: base.Add(3 * time.Hour)}, []int64{3, 2}},
				"scope a":          {sqlstore.AuditFilter{Units: []string{"a"}}, []int64{3, 1}},
				"scope a and b":    {sqlstore.AuditFilter{Units: []string{"a", "b"}}, []int64{5, 3, 2, 1}},
				"no scope":         {sqlstore.AuditFilter{}, nil},
				"scope and filter": {sqlstore.AuditFilter{Units: []string{"b"}, Log: sqlstore.LogActivity}, []int64{2}},
			} {
				require.Equal(t, tc.want, list(tc.f), name)
			}
		})
	}
}
