package store

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"

	"github.com/tdkt-vn/tdkt/platform/sqlstore"
	"github.com/tdkt-vn/tdkt/platform/sqlstore/sqlstoretest"
)

// TestMigrationsKeepTheRegister opens a database at the first version of
// the schema with a register in it, then applies the later migrations: the
// honours survive the rebuild of their table and the running totals start
// from them.
func TestMigrationsKeepTheRegister(t *testing.T) {
	first, err := fs.ReadFile(migrations, "migrations/00001_init.sql")
	require.NoError(t, err)
	for _, e := range sqlstoretest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := t.Context()
			url := e.URL(t)
			db, err := sqlstore.Open(ctx, url, fstest.MapFS{"00001_init.sql": {Data: first}}, nil)
			require.NoError(t, err)
			for _, q := range []string{
				`INSERT INTO decisions (id, number, signed_on, year, authority, state, search, create_time, update_time, version)
					VALUES ('qd-1', '946/QĐ-UBND', '2023-05-31', 2023, 'bac-kan', 2, '', 1, 1, 1)`,
				`INSERT INTO decision_entries (decision_id, ordinal, kind, full_name, recipient_key, weak, award_code, period_start, period_end)
					VALUES ('qd-1', 1, 1, 'Nông Văn A', 'k1', 0, 'BK_TINH', 2022, 2022),
					       ('qd-1', 2, 2, '', 'unit:truong', 0, 'BK_TINH', 2022, 2022),
					       ('qd-1', 3, 1, 'Nông Văn B', 'k3', 0, 'BK_TINH', 2022, 2022)`,
				`INSERT INTO honours (id, decision_id, ordinal, decision_number, authority, award_code, kind, full_name, recipient_key,
					weak, recipient_name, sort_key, search, period_start, period_end, conferred_on, year, reward_vnd,
					certificate_number, province, province_original, state, create_time, update_time, version)
					VALUES ('h1', 'qd-1', 1, '946/QĐ-UBND', 'bac-kan', 'BK_TINH', 1, 'Nông Văn A', 'k1', 0, 'Nông Văn A', $1, 'nong van a',
					        2022, 2022, '2023-05-31', 2023, 1490000, '946/QĐ-UBND/1', 'thai-nguyen', 'bac-kan', 1, 1, 1, 1),
					       ('h2', 'qd-1', 2, '946/QĐ-UBND', 'bac-kan', 'BK_TINH', 2, '', 'unit:truong', 0, 'Trường', $2, 'truong',
					        2022, 2022, '2023-05-31', 2023, 2980000, '946/QĐ-UBND/2', 'thai-nguyen', 'bac-kan', 1, 1, 1, 1),
					       ('h3', 'qd-1', 3, '946/QĐ-UBND', 'bac-kan', 'BK_TINH', 1, 'Nông Văn B', 'k3', 0, 'Nông Văn B', $3, 'nong van b',
					        2022, 2022, '2023-05-31', 2023, 1490000, '946/QĐ-UBND/3', 'thai-nguyen', 'bac-kan', 2, 1, 1, 1)`,
			} {
				var args []any
				if strings.Contains(q, "$1") {
					args = []any{[]byte{1}, []byte{2}, []byte{3}} // sort keys: BLOB on SQLite, bytea on PostgreSQL
				}
				_, err := db.ExecContext(ctx, q, args...)
				require.NoError(t, err)
			}
			require.NoError(t, db.Close())

			s, err := Open(ctx, url, nil)
			require.NoError(t, err)
			defer s.Close()
			h, err := s.GetHonour(ctx, "h2")
			require.NoError(t, err)
			require.Equal(t, "Trường", h.RecipientName)
			require.EqualValues(t, 2_980_000, h.RewardVND)
			n, err := s.CountHonours(ctx, HonourFilter{})
			require.NoError(t, err)
			require.Equal(t, 3, n)
			rows, err := s.Statistics(ctx, StatsFilter{Provinces: []string{"bac-kan"}}, []Dimension{ByRecipientKind})
			require.NoError(t, err)
			require.Equal(t, []StatsRow{
				{RecipientKind: 1, Count: 1, RewardVND: 1_490_000}, // h3 is revoked
				{RecipientKind: 2, Count: 1, RewardVND: 2_980_000},
			}, rows)
			_, err = s.DB.ExecContext(ctx, `INSERT INTO honours (id, decision_id, ordinal, decision_number, authority, award_code, kind,
				recipient_key, weak, recipient_name, sort_key, search, period_start, period_end, conferred_on, year, reward_vnd,
				certificate_number, state, create_time, update_time, version)
				SELECT 'h4', decision_id, ordinal, decision_number, authority, award_code, kind, recipient_key, weak, recipient_name,
				sort_key, search, period_start, period_end, conferred_on, year, reward_vnd, certificate_number, state, 1, 1, 1
				FROM honours WHERE id = 'h1'`)
			require.True(t, sqlstore.IsUniqueViolation(err), "the rebuilt table keeps one honour per entry: %v", err)
		})
	}
}
