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
