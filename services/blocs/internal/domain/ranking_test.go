package domain

import (
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

func sc(unit string, total, women float64) *Score {
	return &Score{Group: "cum-mien-nui", Year: 2023, Unit: unit, Total: total, WomenShare: women}
}

// place is an entry as "unit rank proposal", e.g. "u1 1 FLAG".
func place(e RankingEntry) string {
	p := map[Proposal]string{ProposalFlag: "FLAG", ProposalCertificate: "CERTIFICATE", ProposalNone: "NONE"}[e.Proposal]
	if p == "" {
		p = fmt.Sprintf("Proposal(%d)", e.Proposal)
	}
	return fmt.Sprintf("%s %d %s", e.Unit, e.Rank, p)
}

func TestRank(t *testing.T) {
	for _, tc := range []struct {
		name   string
		scores []*Score
		names  map[string]string
		quota  int
		want   []string
	}{
		{
			name:   "by total, highest first",
			scores: []*Score{sc("u1", 50, 0), sc("u2", 90, 0), sc("u3", 70, 0), sc("u4", 70.001, 0)},
			quota:  2,
			want:   []string{"u2 1 FLAG", "u4 2 CERTIFICATE", "u3 3 CERTIFICATE", "u1 4 NONE"},
		},
		{
			name:   "a women majority breaks a tie",
			scores: []*Score{sc("anh", 80, 0.69), sc("binh", 80, 0.7)},
			names:  map[string]string{"anh": "Ánh", "binh": "Bình"},
			quota:  2,
			want:   []string{"binh 1 FLAG", "anh 2 CERTIFICATE"},
		},
		{
			name:   "a women majority does not beat more points",
			scores: []*Score{sc("anh", 79.999, 1), sc("binh", 80, 0)},
			quota:  2,
			want:   []string{"binh 1 FLAG", "anh 2 CERTIFICATE"},
		},
		{
			name:   "then Vietnamese collation: á before b, d before đ",
			scores: []*Score{sc("da-nang", 80, 0), sc("dung", 80, 0), sc("binh", 80, 0), sc("anh", 80, 0), sc("zz", 90, 0)},
			names:  map[string]string{"anh": "Ánh", "binh": "Bình", "da-nang": "Đà Nẵng", "dung": "Dung", "zz": "Zê"},
			quota:  2,
			want:   []string{"zz 1 FLAG", "anh 2 CERTIFICATE", "binh 2 CERTIFICATE", "dung 2 NONE", "da-nang 2 NONE"},
		},
		{
			name:   "collation after the women majority",
			scores: []*Score{sc("anh", 80, 0.1), sc("dung", 80, 0.9), sc("da-nang", 80, 0.9)},
			names:  map[string]string{"anh": "Ánh", "da-nang": "Đà Nẵng", "dung": "Dung"},
			quota:  2,
			want:   []string{"dung 1 FLAG", "da-nang 1 FLAG", "anh 3 CERTIFICATE"},
		},
		{
			name:   "then unit id",
			scores: []*Score{sc("b", 80, 0), sc("c", 80, 0), sc("a", 80, 0), sc("x", 10, 0)},
			names:  map[string]string{"a": "Cùng tên", "b": "Cùng tên", "c": "Cùng tên"},
			quota:  2,
			want:   []string{"a 1 FLAG", "b 1 FLAG", "c 1 FLAG", "x 4 CERTIFICATE"},
		},
		{
			name:   "names in another normal form are equal",
			scores: []*Score{sc("b", 80, 0), sc("a", 80, 0)},
			names:  map[string]string{"a": "Bi\u0300nh", "b": "Bình"},
			quota:  2,
			want:   []string{"a 1 FLAG", "b 1 FLAG"},
		},
		{
			name:   "equal totals share a rank: 1, 1, 3",
			scores: []*Score{sc("u3", 80, 0), sc("u1", 90, 0), sc("u4", 70, 0), sc("u2", 90, 0), sc("u5", 60, 0)},
			quota:  2,
			want:   []string{"u1 1 FLAG", "u2 1 FLAG", "u3 3 CERTIFICATE", "u4 4 CERTIFICATE", "u5 5 NONE"},
		},
		{
			name:   "a shared second rank: 1, 2, 2, 4",
			scores: []*Score{sc("u1", 90, 0), sc("u2", 80, 0), sc("u3", 80, 0), sc("u4", 70, 0)},
			quota:  2,
			want:   []string{"u1 1 FLAG", "u2 2 CERTIFICATE", "u3 2 CERTIFICATE", "u4 4 NONE"},
		},
		{
			// Certificates go to the next quota units in order, even when
			// that splits a shared rank.
			name:   "the quota may split a shared rank",
			scores: []*Score{sc("u1", 90, 0), sc("u2", 80, 0), sc("u3", 80, 0)},
			quota:  1,
			want:   []string{"u1 1 FLAG", "u2 2 CERTIFICATE", "u3 2 NONE"},
		},
		{
			name:   "equal totals, different women majority: separate ranks",
			scores: []*Score{sc("u1", 80, 0.1), sc("u2", 80, 0.8), sc("u3", 80, 0.2)},
			quota:  2,
			want:   []string{"u2 1 FLAG", "u1 2 CERTIFICATE", "u3 2 CERTIFICATE"},
		},
		{
			name:   "every rank-1 unit gets the flag; certificates come after them",
			scores: []*Score{sc("u1", 90, 0), sc("u2", 90, 0), sc("u3", 90, 0), sc("u4", 80, 0), sc("u5", 70, 0), sc("u6", 60, 0)},
			quota:  2,
			want:   []string{"u1 1 FLAG", "u2 1 FLAG", "u3 1 FLAG", "u4 4 CERTIFICATE", "u5 5 CERTIFICATE", "u6 6 NONE"},
		},
		{
			name:   "quota 0",
			scores: []*Score{sc("u1", 90, 0), sc("u2", 80, 0), sc("u3", 70, 0)},
			quota:  0,
			want:   []string{"u1 1 FLAG", "u2 2 NONE", "u3 3 NONE"},
		},
		{
			name:   "quota larger than the members",
			scores: []*Score{sc("u1", 90, 0), sc("u2", 80, 0)},
			quota:  5,
			want:   []string{"u1 1 FLAG", "u2 2 CERTIFICATE"},
		},
		{
			name:   "one score",
			scores: []*Score{sc("u1", 0, 0)},
			quota:  2,
			want:   []string{"u1 1 FLAG"},
		},
		{
			name:  "no scores",
			quota: 2,
			want:  []string{},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The order must not depend on the order scores come in.
			for _, scores := range [][]*Score{tc.scores, reversed(tc.scores)} {
				r := Rank("cum-mien-nui", 2023, scores, tc.names, nil, tc.quota)
				require.Equal(t, "cum-mien-nui", r.Group)
				require.Equal(t, 2023, r.Year)
				got := make([]string, len(r.Entries))
				for i, e := range r.Entries {
					got[i] = place(e)
				}
				require.Equal(t, tc.want, got)
				require.Empty(t, r.Unscored)
			}
		})
	}
}

func reversed(s []*Score) []*Score {
	r := slices.Clone(s)
	slices.Reverse(r)
	return r
}

func TestRankEntryFields(t *testing.T) {
	scores := []*Score{sc("bac-kan", 87.5, 0.7), sc("tuyen-quang", 91.25, 0.6999), sc("ha-giang", 50, 0)}
	names := map[string]string{"bac-kan": "Tỉnh Bắc Kạn", "tuyen-quang": "Tỉnh Tuyên Quang"}
	r := Rank("cum-mien-nui", 2023, scores, names, members2023, 2)
	require.Equal(t, []RankingEntry{
		{Unit: "tuyen-quang", UnitDisplayName: "Tỉnh Tuyên Quang", Rank: 1, Total: 91.25, WomenMajority: false, Proposal: ProposalFlag},
		{Unit: "bac-kan", UnitDisplayName: "Tỉnh Bắc Kạn", Rank: 2, Total: 87.5, WomenMajority: true, Proposal: ProposalCertificate},
		{Unit: "ha-giang", UnitDisplayName: "", Rank: 3, Total: 50, WomenMajority: false, Proposal: ProposalCertificate},
	}, r.Entries)
	require.Empty(t, r.Unscored)
}

func TestRankUnscored(t *testing.T) {
	members := map[string]bool{"tuyen-quang": true, "bac-kan": true, "cao-bang": true, "ha-giang": true, "lao-cai": true}
	for _, tc := range []struct {
		name     string
		scores   []*Score
		members  map[string]bool
		entries  int
		unscored []string
	}{
		{"some scored", []*Score{sc("bac-kan", 80, 0), sc("lao-cai", 70, 0)}, members, 2, []string{"cao-bang", "ha-giang", "tuyen-quang"}},
		{"none scored", nil, members, 0, []string{"bac-kan", "cao-bang", "ha-giang", "lao-cai", "tuyen-quang"}},
		{"all scored", []*Score{sc("bac-kan", 1, 0), sc("cao-bang", 1, 0), sc("ha-giang", 1, 0), sc("lao-cai", 1, 0), sc("tuyen-quang", 1, 0)}, members, 5, nil},
		{"no members, no scores", nil, nil, 0, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := Rank("cum-mien-nui", 2023, tc.scores, nil, tc.members, 2)
			require.Len(t, r.Entries, tc.entries)
			if tc.unscored == nil {
				require.Empty(t, r.Unscored)
				return
			}
			require.Equal(t, tc.unscored, r.Unscored)
		})
	}
}
