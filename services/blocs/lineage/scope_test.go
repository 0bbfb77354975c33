package lineage_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tdkt-vn/tdkt/services/blocs/lineage"
)

// The 2025 merger: Bắc Kạn was dissolved into Thái Nguyên.
func mergerUnits() map[string]lineage.Unit {
	return map[string]lineage.Unit{
		"thai-nguyen":      {ID: "thai-nguyen", Province: "thai-nguyen"},
		"so-noi-vu-tn":     {ID: "so-noi-vu-tn", Parent: "thai-nguyen", Province: "thai-nguyen"},
		"phong-tdkt-tn":    {ID: "phong-tdkt-tn", Parent: "so-noi-vu-tn", Province: "thai-nguyen"},
		"bac-kan":          {ID: "bac-kan", Province: "bac-kan", Dissolved: true, Successor: "thai-nguyen"},
		"xa-cho-don":       {ID: "xa-cho-don", Province: "bac-kan"}, // no parent: its province
		"ha-noi":           {ID: "ha-noi", Province: "ha-noi"},
		"phuong-hoan-kiem": {ID: "phuong-hoan-kiem", Parent: "ha-noi", Province: "ha-noi"},
		"bo-noi-vu":        {ID: "bo-noi-vu"},
		"ban-tdkt-tw":      {ID: "ban-tdkt-tw", Parent: "bo-noi-vu"},
		"cycle-a":          {ID: "cycle-a", Parent: "cycle-b"},
		"cycle-b":          {ID: "cycle-b", Parent: "cycle-a"},
		"so-gd-bac-kan-cu": {ID: "so-gd-bac-kan-cu", Parent: "bac-kan", Province: "bac-kan", Dissolved: true, Successor: "so-noi-vu-tn"},
	}
}

func TestScopeCovers(t *testing.T) {
	t.Parallel()
	s := lineage.NewScope(mergerUnits())
	tests := []struct {
		grant, unit string
		want        bool
	}{
		{"thai-nguyen", "thai-nguyen", true},
		{"thai-nguyen", "phong-tdkt-tn", true},     // two levels down
		{"thai-nguyen", "bac-kan", true},           // dissolved into it
		{"thai-nguyen", "xa-cho-don", true},        // of what Bắc Kạn left, through its province
		{"thai-nguyen", "so-gd-bac-kan-cu", true},  // through parent and successor both
		{"so-noi-vu-tn", "so-gd-bac-kan-cu", true}, // its successor
		{"so-noi-vu-tn", "thai-nguyen", false},     // not upwards
		{"thai-nguyen", "ha-noi", false},           // another province
		{"thai-nguyen", "phuong-hoan-kiem", false}, //
		{"ha-noi", "xa-cho-don", false},            //
		{"bac-kan", "xa-cho-don", false},           // a dissolved unit covers nothing
		{"bac-kan", "bac-kan", false},              //
		{"bo-noi-vu", "ban-tdkt-tw", true},         // a ministry's agencies
		{"bo-noi-vu", "thai-nguyen", false},        //
		{"thai-nguyen", "cycle-a", false},          // a cycle ends
		{"nowhere", "thai-nguyen", false},          // unknown grant
		{"thai-nguyen", "nowhere", false},          // unknown unit
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, s.Covers(tt.grant, tt.unit), "%s covers %s", tt.grant, tt.unit)
	}
}

func TestScopeCoveredAgreesWithCovers(t *testing.T) {
	t.Parallel()
	units := mergerUnits()
	s := lineage.NewScope(units)
	for grant := range units {
		covered := map[string]bool{}
		for _, id := range s.Covered(grant) {
			require.False(t, covered[id], "%s listed twice", id)
			covered[id] = true
		}
		for id := range units {
			require.Equal(t, s.Covers(grant, id), covered[id], "grant %s, unit %s", grant, id)
		}
	}
	require.Equal(t, "thai-nguyen", s.Covered("thai-nguyen")[0])
	require.Empty(t, s.Covered("bac-kan"))
}
