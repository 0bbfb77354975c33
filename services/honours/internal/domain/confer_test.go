package domain

import (
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tdkt-vn/tdkt/services/blocs/lineage"
)

func TestCanConfer(t *testing.T) {
	g, c, p, m, z := lineage.LevelGrassroots, lineage.LevelCommune, lineage.LevelProvince, lineage.LevelMinistry, lineage.LevelCentral
	// Levels allowed per award type; every other level is refused.
	allowed := map[string][]Level{
		"LDTT":         {g, c, p, m},
		"CSTD_CS":      {g, c, p, m},
		"CSTD_TINH":    {p, m},
		"CSTD_TQ":      {z},
		"TTLDTT":       {g, c, p, m},
		"TTLDXS":       {p, m},
		"CO_TINH":      {p, m},
		"CO_CP":        {z},
		"XA_TIEU_BIEU": {p},
		"THON_VH":      {c},
		"GD_VH":        {c},
		"GIAY_KHEN":    {g, c, p, m},
		"BK_TINH":      {p, m},
		"BK_TTG":       {z},
		"HCLD_3":       {z},
		"HCLD_2":       {z},
		"HCLD_1":       {z},
		"HCDL_3":       {z},
		"HCDL_2":       {z},
		"HCDL_1":       {z},
		"HC_HCM":       {z},
		"HC_SAO_VANG":  {z},
		"AH_LD":        {z},
	}
	require.Len(t, allowed, len(catalogue(t).All()))
	for code, levels := range allowed {
		a := award(t, code)
		for _, l := range []Level{lineage.LevelUnspecified, z, m, p, c, g} {
			t.Run(code+"/"+l.String(), func(t *testing.T) {
				err := CanConfer(l, a)
				ok := false
				for _, x := range levels {
					ok = ok || x == l
				}
				if ok {
					require.NoError(t, err)
					return
				}
				re := requireRule(t, err, "AUTHORITY_LEVEL_NOT_ALLOWED", "awardTypes/"+code)
				require.Contains(t, re.Description, code)
			})
		}
	}
}

func TestCanConferAs(t *testing.T) {
	tests := []struct {
		name   string
		as     Authority
		level  Level
		code   string
		reason string // "" when allowed
	}{
		{"Prime Minister confers the Government flag", AuthorityPrimeMinister, lineage.LevelCentral, "CO_CP", ""},
		{"President does not confer the Government flag", AuthorityPresident, lineage.LevelCentral, "CO_CP", "AUTHORITY_NOT_ALLOWED"},
		{"President confers the Gold Star", AuthorityPresident, lineage.LevelCentral, "HC_SAO_VANG", ""},
		{"Prime Minister does not confer orders", AuthorityPrimeMinister, lineage.LevelCentral, "HCLD_3", "AUTHORITY_NOT_ALLOWED"},
		{"provincial chairman confers Bằng khen", AuthorityProvince, lineage.LevelProvince, "BK_TINH", ""},
		{"a Department director (unit head) does not", AuthorityUnitHead, lineage.LevelProvince, "BK_TINH", "AUTHORITY_NOT_ALLOWED"},
		{"a Department director confers Giấy khen", AuthorityUnitHead, lineage.LevelProvince, "GIAY_KHEN", ""},
		{"commune chairman confers THON_VH", AuthorityCommune, lineage.LevelCommune, "THON_VH", ""},
		{"a school head does not confer THON_VH", AuthorityUnitHead, lineage.LevelGrassroots, "THON_VH", "AUTHORITY_NOT_ALLOWED"},
		{"only provincial chairmen name exemplary communes", AuthorityMinistry, lineage.LevelMinistry, "XA_TIEU_BIEU", "AUTHORITY_NOT_ALLOWED"},
		{"a President at a province", AuthorityPresident, lineage.LevelProvince, "HCLD_3", "AUTHORITY_LEVEL_MISMATCH"},
		{"a unit head at central level", AuthorityUnitHead, lineage.LevelCentral, "LDTT", "AUTHORITY_LEVEL_MISMATCH"},
		{"a commune chairman at a grassroots unit", AuthorityCommune, lineage.LevelGrassroots, "GIAY_KHEN", "AUTHORITY_LEVEL_MISMATCH"},
		{"no authority", AuthorityUnspecified, lineage.LevelProvince, "BK_TINH", "AUTHORITY_LEVEL_MISMATCH"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := CanConferAs(tc.as, tc.level, award(t, tc.code))
			if tc.reason == "" {
				require.NoError(t, err)
				return
			}
			requireRule(t, err, tc.reason, "awardTypes/"+tc.code)
		})
	}
}

// Every authority's levels are consistent with CanConferAs.
func TestAuthorityLevels(t *testing.T) {
	for _, a := range []Authority{AuthorityUnitHead, AuthorityCommune, AuthorityProvince, AuthorityMinistry, AuthorityPrimeMinister, AuthorityPresident} {
		require.NotEmpty(t, a.Levels(), a.String())
		require.NotEmpty(t, a.Title(), a.String())
		for _, l := range a.Levels() {
			require.True(t, a.sitsAt(l))
		}
	}
	require.Empty(t, AuthorityUnspecified.Levels())
}
