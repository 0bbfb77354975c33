package lineage_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tdkt-vn/tdkt/platform/civil"
	"github.com/tdkt-vn/tdkt/services/blocs/lineage"
)

func TestInactive(t *testing.T) {
	t.Parallel()
	on := civil.Date{Year: 2025, Month: 7, Day: 1}
	units := map[string]lineage.Unit{
		"thai-nguyen": {ID: "thai-nguyen", Current: "thai-nguyen"},
		"bac-kan":     {ID: "bac-kan", Dissolved: true, DissolvedOn: on, Successor: "thai-nguyen", Current: "thai-nguyen"},
		"xa-cu":       {ID: "xa-cu", Dissolved: true, DissolvedOn: on},
	}
	for id, want := range map[string]string{
		"thai-nguyen": "",
		"khong-co":    "units/khong-co does not exist",
		"bac-kan":     "units/bac-kan was dissolved on 2025-07-01; its successor is units/thai-nguyen",
		"xa-cu":       "units/xa-cu was dissolved on 2025-07-01",
	} {
		require.Equal(t, want, lineage.Inactive(units, id), id)
	}
}

// TestInactiveOn: Bắc Kạn, dissolved on 2025-07-01, was active on any day
// before it, not on the day itself nor after (its successor named); a
// unit never dissolved is active whatever the day; a zero day is today.
func TestInactiveOn(t *testing.T) {
	t.Parallel()
	on := civil.Date{Year: 2025, Month: 7, Day: 1}
	units := map[string]lineage.Unit{
		"thai-nguyen": {ID: "thai-nguyen", Current: "thai-nguyen"},
		"bac-kan":     {ID: "bac-kan", Dissolved: true, DissolvedOn: on, Successor: "thai-nguyen", Current: "thai-nguyen"},
	}
	gone := "units/bac-kan was dissolved on 2025-07-01; its successor is units/thai-nguyen"
	for _, c := range []struct {
		id   string
		day  civil.Date
		want string
	}{
		{"bac-kan", civil.Date{Year: 2023, Month: 5, Day: 15}, ""},
		{"bac-kan", civil.Date{Year: 2025, Month: 6, Day: 30}, ""},
		{"bac-kan", on, gone},
		{"bac-kan", civil.Date{Year: 2025, Month: 8, Day: 1}, gone},
		{"bac-kan", civil.Date{}, gone},
		{"thai-nguyen", civil.Date{Year: 2023, Month: 5, Day: 15}, ""},
		{"khong-co", civil.Date{Year: 2023, Month: 5, Day: 15}, "units/khong-co does not exist"},
	} {
		require.Equal(t, c.want, lineage.InactiveOn(units, c.id, c.day), "%s on %s", c.id, c.day)
	}
}
