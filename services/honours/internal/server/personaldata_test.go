package server_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tdkt-vn/tdkt/platform/sqlstore"
	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	"github.com/tdkt-vn/tdkt/services/honours/personaldata"
)

// requireNowhere checks that no column of any table holds secret, in clear.
func requireNowhere(t *testing.T, db *sqlstore.DB, secret string) {
	t.Helper()
	for _, table := range []string{"decisions", "decision_entries", "honours", "requests", "audit_log"} {
		rows, err := db.QueryContext(t.Context(), "SELECT * FROM "+table)
		require.NoError(t, err)
		cols, err := rows.Columns()
		require.NoError(t, err)
		n := 0
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			require.NoError(t, rows.Scan(ptrs...))
			for i, v := range vals {
				var b []byte
				switch v := v.(type) {
				case []byte:
					b = v
				case string:
					b = []byte(v)
				default:
					b = fmt.Append(nil, v)
				}
				require.False(t, bytes.Contains(b, []byte(secret)), "%s.%s holds a citizen id in clear", table, cols[i])
			}
			n++
		}
		require.NoError(t, rows.Err())
		rows.Close()
		if table == "decision_entries" || table == "honours" {
			require.Positive(t, n, table)
		}
	}
}

func TestCitizenIDsAreSealed(t *testing.T) {
	sealer, err := personaldata.NewSealer(bytes.Repeat([]byte{42}, personaldata.KeySize))
	require.NoError(t, err)
	forEachEngineWith(t, options{sealer: sealer}, func(t *testing.T, e *env) {
		ctx := t.Context()
		const secret = "034187000123"
		dec := newDecision(t, e.c, "qd-1", "bac-kan", "1/QĐ-UBND", d(2024, 1, 10))
		added, err := e.c.AddDecisionEntries(ctx, &honoursv1.AddDecisionEntriesRequest{Name: dec.GetName(),
			RequestId: "1d2c3b4a-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
			Entries:   []*honoursv1.DecisionEntry{entry(person("Phùng Thị Tuyết", secret, "so-noi-vu-bk"), "BK_TINH", 2024)}})
		require.NoError(t, err)
		require.Equal(t, "034*******23", added.GetEntries()[0].GetRecipient().GetCitizenId())
		issue(t, e.c, dec.GetName())

		db, err := sqlstore.Open(ctx, e.dbURL, nil, nil)
		require.NoError(t, err)
		defer db.Close()
		requireNowhere(t, db, secret)

		var masked string
		var sealed []byte
		require.NoError(t, db.QueryRowContext(ctx, `SELECT citizen_id_masked, citizen_id_sealed FROM decision_entries`).Scan(&masked, &sealed))
		require.Equal(t, "034*******23", masked)
		clear, err := sealer.Open(sealed, "decisions/qd-1/entries/1")
		require.NoError(t, err, "the sealed id opens with the key, for its record")
		require.Equal(t, secret, clear)
	})
}

func TestWithoutKeyCitizenIDsAreNotKept(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		const secret = "034187000456"
		dec := newDecision(t, e.c, "qd-1", "bac-kan", "1/QĐ-UBND", d(2024, 1, 10))
		addEntries(t, e.c, dec.GetName(), entry(person("Phùng Thị Tuyết", secret, ""), "BK_TINH", 2024))
		issue(t, e.c, dec.GetName())
		db, err := sqlstore.Open(ctx, e.dbURL, nil, nil)
		require.NoError(t, err)
		defer db.Close()
		requireNowhere(t, db, secret)
		var sealed []byte
		require.NoError(t, db.QueryRowContext(ctx, `SELECT citizen_id_sealed FROM decision_entries`).Scan(&sealed))
		require.Empty(t, sealed)
	})
}
