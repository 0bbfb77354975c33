package domain

import (
	"sort"

	"github.com/tdkt-vn/tdkt/platform/vnfold"
)

// Proposal is what a ranking proposes for a unit. Values match
// tdkt.blocs.v1.Proposal.
type Proposal int32

// Proposals.
const (
	ProposalUnspecified Proposal = iota
	ProposalFlag
	ProposalCertificate
	ProposalNone
)

// RankingEntry is one member's place.
type RankingEntry struct {
	Unit            string
	UnitDisplayName string
	Rank            int
	Total           float64
	WomenMajority   bool
	Proposal        Proposal
}

// Ranking is the order of a covenant's scored members.
type Ranking struct {
	Group    string
	Year     int
	Entries  []RankingEntry
	Unscored []string // member ids without a score, sorted
}

// Rank orders the scores: by total, highest first; ties by a women
// majority (at least 70%, first); then by display name in Vietnamese
// collation, then by unit id, so the order is total. Units equal on total
// and women majority share a rank (standard competition ranking: 1, 1, 3).
// The flag goes to the rank-1 units (rule R8: ranked first), certificates
// to the next quota units in order. displayNames maps unit ids to names;
// members are the year's members.
func Rank(group string, year int, scores []*Score, displayNames map[string]string, members map[string]bool, quota int) *Ranking {
	entries := make([]RankingEntry, len(scores))
	scored := make(map[string]bool, len(scores))
	for i, s := range scores {
		scored[s.Unit] = true
		entries[i] = RankingEntry{
			Unit: s.Unit, UnitDisplayName: displayNames[s.Unit], Total: s.Total,
			WomenMajority: s.WomenShare >= WomenMajorityShare,
		}
	}
	sort.SliceStable(entries, func(i, j int) bool {
		a, b := entries[i], entries[j]
		if a.Total != b.Total {
			return a.Total > b.Total
		}
		if a.WomenMajority != b.WomenMajority {
			return a.WomenMajority
		}
		if c := vnfold.Compare(a.UnitDisplayName, b.UnitDisplayName); c != 0 {
			return c < 0
		}
		return a.Unit < b.Unit
	})
	certificates := 0
	for i := range entries {
		e := &entries[i]
		if i > 0 && e.Total == entries[i-1].Total && e.WomenMajority == entries[i-1].WomenMajority {
			e.Rank = entries[i-1].Rank
		} else {
			e.Rank = i + 1
		}
		switch {
		case e.Rank == 1:
			e.Proposal = ProposalFlag
		case certificates < quota:
			e.Proposal = ProposalCertificate
			certificates++
		default:
			e.Proposal = ProposalNone
		}
	}
	r := &Ranking{Group: group, Year: year, Entries: entries}
	for id := range members {
		if !scored[id] {
			r.Unscored = append(r.Unscored, id)
		}
	}
	sort.Strings(r.Unscored)
	return r
}
