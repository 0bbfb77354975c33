package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tdkt-vn/tdkt/platform/civil"
	"github.com/tdkt-vn/tdkt/platform/sqlstore"
	"github.com/tdkt-vn/tdkt/platform/sqlstore/sqlstoretest"
	"github.com/tdkt-vn/tdkt/services/honours/internal/domain"
)

// TestSearchAnswersAsLike checks the indexed search of the register
// against the query it replaced, one LIKE per folded word
// (referenceHonours): on a generated register with accents, đ and d,
// common and rare names, the same honours in the same order, page after
// page, and the same totals, for words in any order, words too short for a
// trigram, wildcards and filters, each plan of ListHonours; then again
// after rows changed and went.
func TestSearchAnswersAsLike(t *testing.T) {
	for _, e := range sqlstoretest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := t.Context()
			s, hs := openRegister(t, e)

			if s.Dialect == sqlstore.SQLite {
				// Words of three letters or more are looked up in the
				// trigram table, shorter ones filtered.
				for q, indexed := range map[string]bool{"nguyen": true, "Nguyễn a": true, "an y": false, "đ": false} {
					var w sqlstore.Where
					s.Search(&w, "honours", q)
					require.Equal(t, indexed, strings.Contains(w.SQL(), "MATCH"), "%q: %s", q, w.SQL())
				}
			}
			compareOnce := func(t *testing.T) {
				for _, f := range searchFilters() {
					want := referenceHonours(t, s, f)
					total, err := s.CountHonours(ctx, f)
					require.NoError(t, err)
					require.Equal(t, len(want), total, "count %+v", f)
					var got []string
					var after *HonourCursor
					for page := 0; ; page++ {
						list, next, total, err := s.ListHonours(ctx, f, after, 40)
						require.NoError(t, err)
						require.Equal(t, len(want), total, "total %+v", f)
						for _, h := range list {
							got = append(got, h.ID)
						}
						if next == nil {
							break
						}
						after = next
						require.Less(t, page, 1500, "pages never end")
					}
					require.Equal(t, want, got, "%+v", f)
				}
			}
			compare := func(t *testing.T) {
				for _, few := range []int{fewMatches, 0} {
					fewMatches = few
					compareOnce(t)
				}
			}
			defer func(few int) { fewMatches = few }(fewMatches)
			compare(t)

			// Rows whose search text changes, and rows that go: the index
			// follows the table.
			for i, h := range hs[:40] {
				search := "dang yen " + h.ID
				if i%2 == 0 {
					search = "xuyen nguyen"
				}
				_, err := s.DB.ExecContext(ctx, `UPDATE honours SET search = $1 WHERE id = $2`, search, h.ID)
				require.NoError(t, err)
			}
			_, err := s.DB.ExecContext(ctx, `DELETE FROM honours WHERE id IN ($1, $2, $3)`, hs[50].ID, hs[51].ID, hs[99].ID)
			require.NoError(t, err)
			compare(t)
		})
	}
}

// referenceHonours is the register's search as it was before its index:
// the filters of f with one LIKE per folded word of f.Query
// (sqlstore.Where.Words), in the register's order; the ids of every match.
func referenceHonours(t *testing.T, s *Store, f HonourFilter) []string {
	t.Helper()
	var w sqlstore.Where
	w.Words("search", f.Query)
	if f.Provinces != nil {
		list := sqlstore.Placeholders(len(w.Args)+1, len(f.Provinces))
		for _, p := range f.Provinces {
			w.Args = append(w.Args, p)
		}
		w.Conds = append(w.Conds, "(province IN ("+list+") OR province_original IN ("+list+"))")
	}
	if f.YearFrom != 0 {
		w.Add("year >= ?", f.YearFrom)
	}
	if f.YearTo != 0 {
		w.Add("year <= ?", f.YearTo)
	}
	rows, err := s.DB.QueryContext(context.Background(), `SELECT id FROM honours`+w.SQL()+honourOrder, w.Args...)
	require.NoError(t, err)
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		require.NoError(t, rows.Scan(&id))
		ids = append(ids, id)
	}
	require.NoError(t, rows.Err())
	return ids
}

// searchFilters are the searches compared: words in any order and case,
// with and without accents, đ as d, words of one and two letters, LIKE
// wildcards, words no honour holds, and the province and year filters.
func searchFilters() []HonourFilter {
	queries := []string{
		"", "nguyen", "Nguyễn", "NGUYEN VAN", "văn nguyễn", "dang", "Đặng", "đ", "d", "an", "y", "ý đặng",
		"nguyen a", "uyen", "xuyến", "thi xuyen", "Đức Đạt", "dat duc", "đông", "ong", "ong đ", "  tran   quan ",
		"100%", "a_b", "zzz", "nguyen zzz", "ngoc anh tran", "le", "lê thị", "hà", "ha ngan",
	}
	var fs []HonourFilter
	for _, q := range queries {
		fs = append(fs,
			HonourFilter{Query: q},
			HonourFilter{Query: q, Provinces: []string{"tinh-02"}},
			HonourFilter{Query: q, YearFrom: 2021, YearTo: 2021},
			HonourFilter{Query: q, Provinces: []string{"tinh-01", "tinh-03"}, YearFrom: 2020})
	}
	return fs
}

// openRegister opens a store on engine e with the register of
// searchRegister(1000).
func openRegister(t *testing.T, e sqlstoretest.Engine) (*Store, []*domain.Honour) {
	t.Helper()
	ctx := t.Context()
	s, err := Open(ctx, e.URL(t), nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	hs := searchRegister(1000)
	_, err = s.Do(ctx, sqlstore.Op{Method: "Test"}, func(tx *Tx) (string, []byte, error) {
		return "", nil, tx.InsertHonours(ctx, hs)
	})
	require.NoError(t, err)
	return s, hs
}

// searchRegister returns n honours of a seeded register: a third of them
// Nguyễn, names with and without diacritics and with đ, a few rare ones,
// dates shared by many honours (the order then goes by name and id).
func searchRegister(n int) []*domain.Honour {
	var (
		families = []string{"Nguyễn", "Trần", "Đặng", "Đỗ", "Dương", "Lê", "Lý", "Hồ", "Ngô", "Dang"}
		middles  = []string{"Văn", "Thị", "Đức", "Ngọc", "Anh", "Ý", "Hà"}
		givens   = []string{"Đạt", "Dũng", "An", "Hà", "Quân", "Trang", "Uyên", "Ý", "Đông", "Long", "Ngân", "a_b", "100%"}
	)
	rng := rand.New(rand.NewPCG(15, 2026))
	pick := func(s []string) string { return s[rng.IntN(len(s))] }
	hs := make([]*domain.Honour, n)
	for i := range hs {
		family := pick(families)
		if rng.IntN(4) == 0 {
			family = "Nguyễn"
		}
		name := family + " " + pick(middles) + " " + pick(givens)
		if i%97 == 0 {
			name = "Vũ Thị Xuyến"
		}
		year := 2019 + rng.IntN(4)
		hs[i] = &domain.Honour{
			ID: fmt.Sprintf("h-%05d", i), DecisionID: fmt.Sprintf("qd-%d", i/100), Ordinal: i%100 + 1,
			DecisionNumber: "1/QĐ-UBND", Authority: "tinh-01", AwardCode: "BK_TINH",
			Recipient:     domain.Recipient{Kind: domain.RecipientIndividual, FullName: name, Key: fmt.Sprintf("cid:%d", i%700)},
			RecipientName: name, Period: domain.Period{StartYear: year - 1, EndYear: year - 1},
			ConferredOn: civil.Date{Year: year, Month: time.Month(1 + rng.IntN(2)), Day: 1}, CertificateNumber: fmt.Sprint(i),
			Province: fmt.Sprintf("tinh-%02d", 1+rng.IntN(3)), ProvinceOriginal: fmt.Sprintf("tinh-cu-%02d", 1+rng.IntN(3)),
			State: domain.HonourActive, Version: 1,
		}
	}
	return hs
}

// TestHonoursOfInHalves checks that the histories of many keys, read in
// two halves at once on PostgreSQL, come as one query returns them.
func TestHonoursOfInHalves(t *testing.T) {
	for _, e := range sqlstoretest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := t.Context()
			s, hs := openRegister(t, e)
			var keys []string
			for i := range 700 {
				keys = append(keys, fmt.Sprintf("cid:%d", i))
			}
			ids := func(hs []*domain.Honour) []string {
				var out []string
				for _, h := range hs {
					out = append(out, h.ID)
				}
				return out
			}
			whole, err := s.honoursOf(ctx, keys, false)
			require.NoError(t, err)
			require.Len(t, whole, len(hs))
			halves, err := s.HonoursOf(ctx, keys, false)
			require.NoError(t, err)
			require.Equal(t, ids(whole), ids(halves))
		})
	}
}
