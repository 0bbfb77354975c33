package domain

import (
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tdkt-vn/tdkt/platform/civil"
	"github.com/tdkt-vn/tdkt/services/blocs/lineage"
)

// Fixtures: a province, a provincial department, a commune in it and a
// ministry.
func thaiBinh() *Unit {
	return &Unit{ID: "thai-binh", DisplayName: "Tỉnh Thái Bình", Kind: KindLocality, Level: lineage.LevelProvince, Province: "thai-binh", State: UnitActive, Version: 1}
}

func soNoiVu() *Unit {
	return &Unit{ID: "so-noi-vu-tb", DisplayName: "Sở Nội vụ tỉnh Thái Bình", Kind: KindAgency, Level: lineage.LevelProvince, Province: "thai-binh", State: UnitActive, Version: 1}
}

func xaVuTay() *Unit {
	return &Unit{ID: "vu-tay", DisplayName: "Xã Vũ Tây", Kind: KindLocality, Level: lineage.LevelCommune, Province: "thai-binh", State: UnitActive, Version: 1}
}

func TestUnitFieldsValidate(t *testing.T) {
	for _, tc := range []struct {
		name   string
		f      UnitFields
		prefix string
		fields []string
	}{
		{"ministry", UnitFields{DisplayName: "Bộ Nội vụ", Kind: KindAgency, Level: lineage.LevelMinistry}, "unit", nil},
		{"central", UnitFields{DisplayName: "Ban Thi đua - Khen thưởng Trung ương", Kind: KindAgency, Level: lineage.LevelCentral}, "unit", nil},
		{"commune with province", UnitFields{DisplayName: "Xã Vũ Tây", Kind: KindLocality, Level: lineage.LevelCommune, Province: "thai-binh"}, "unit", nil},
		{"province without province", UnitFields{DisplayName: "Tỉnh Thái Bình", Kind: KindLocality, Level: lineage.LevelProvince}, "unit", nil},
		{"nothing", UnitFields{}, "unit", []string{"unit.displayName", "unit.kind", "unit.level"}},
		{"missing display name", UnitFields{Kind: KindAgency, Level: lineage.LevelMinistry}, "unit", []string{"unit.displayName"}},
		{"missing kind", UnitFields{DisplayName: "Bộ Nội vụ", Level: lineage.LevelMinistry}, "unit", []string{"unit.kind"}},
		{"missing level", UnitFields{DisplayName: "Bộ Nội vụ", Kind: KindAgency}, "unit", []string{"unit.level"}},
		{"province on a ministry", UnitFields{DisplayName: "Bộ Nội vụ", Kind: KindAgency, Level: lineage.LevelMinistry, Province: "thai-binh"}, "unit", []string{"unit.province"}},
		{"province on a central unit", UnitFields{DisplayName: "Ban TĐKT TW", Kind: KindAgency, Level: lineage.LevelCentral, Province: "thai-binh"}, "unit", []string{"unit.province"}},
		{"no level and a province", UnitFields{DisplayName: "X", Kind: KindOther, Province: "thai-binh"}, "unit", []string{"unit.level"}},
		{"prefix", UnitFields{Kind: KindAgency, Level: lineage.LevelMinistry, Province: "p"}, "requests[2].unit", []string{"requests[2].unit.displayName", "requests[2].unit.province"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.f.Validate(tc.prefix)
			if tc.fields == nil {
				require.NoError(t, err)
				return
			}
			requireFields(t, err, tc.fields...)
		})
	}
}

func TestUnitFieldsCheckRefs(t *testing.T) {
	commune := func(province, parent string) UnitFields {
		return UnitFields{DisplayName: "Xã Mới", Kind: KindLocality, Level: lineage.LevelCommune, Province: province, Parent: parent}
	}
	for _, tc := range []struct {
		name     string
		self     string
		f        UnitFields
		province *Unit
		parent   *Unit
		fields   []string
		contains string // in the first violation's description
	}{
		{name: "no refs", self: "x", f: UnitFields{DisplayName: "Bộ Nội vụ", Kind: KindAgency, Level: lineage.LevelMinistry}},
		{name: "province and parent exist", self: "x", f: commune("thai-binh", "so-noi-vu-tb"), province: thaiBinh(), parent: soNoiVu()},
		{name: "unknown province", self: "x", f: commune("nowhere", ""), fields: []string{"unit.province"}, contains: "units/nowhere does not exist"},
		{name: "province is a provincial agency", self: "x", f: commune("so-noi-vu-tb", ""), province: soNoiVu(), fields: []string{"unit.province"}, contains: "units/so-noi-vu-tb is not a province"},
		{name: "province is a commune", self: "x", f: commune("vu-tay", ""), province: xaVuTay(), fields: []string{"unit.province"}, contains: "is not a province"},
		{name: "parent is self", self: "x", f: commune("thai-binh", "x"), province: thaiBinh(), parent: &Unit{ID: "x", Level: lineage.LevelCommune, Kind: KindLocality}, fields: []string{"unit.parent"}, contains: "own parent"},
		{name: "parent is self on create", self: "x", f: commune("thai-binh", "x"), province: thaiBinh(), fields: []string{"unit.parent"}, contains: "own parent"},
		{name: "unknown parent", self: "x", f: commune("thai-binh", "ghost"), province: thaiBinh(), fields: []string{"unit.parent"}, contains: "units/ghost does not exist"},
		{name: "both wrong", self: "x", f: commune("nowhere", "ghost"), fields: []string{"unit.province", "unit.parent"}},
		{
			name: "province-level locality is its own province", self: "thai-binh",
			f: UnitFields{DisplayName: "Tỉnh Thái Bình", Kind: KindLocality, Level: lineage.LevelProvince, Province: "thai-binh"},
		},
		{
			// The store finds the unit itself (still a province) on update,
			// but the fields make it a commune: it cannot be its own province.
			name: "commune names itself as province", self: "x",
			f:      commune("x", ""),
			fields: []string{"unit.province"}, contains: "units/x is not a province",
		},
		{
			name: "province-level agency names itself as province", self: "so-noi-vu-tb",
			f:        UnitFields{DisplayName: "Sở Nội vụ", Kind: KindAgency, Level: lineage.LevelProvince, Province: "so-noi-vu-tb"},
			province: soNoiVu(),
			fields:   []string{"unit.province"}, contains: "is not a province",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.f.CheckRefs("unit", tc.self, tc.province, tc.parent)
			if tc.fields == nil {
				require.NoError(t, err)
				return
			}
			fe := requireFields(t, err, tc.fields...)
			require.Contains(t, fe[0].Description, tc.contains)
		})
	}
}

func TestNewUnit(t *testing.T) {
	for _, tc := range []struct {
		name         string
		id           string
		f            UnitFields
		wantProvince string
	}{
		{"province-level locality becomes its own province", "thai-binh", UnitFields{DisplayName: "Tỉnh Thái Bình", Kind: KindLocality, Level: lineage.LevelProvince}, "thai-binh"},
		{"province-level locality keeps a named province", "thai-binh", UnitFields{DisplayName: "Tỉnh Thái Bình", Kind: KindLocality, Level: lineage.LevelProvince, Province: "thai-binh"}, "thai-binh"},
		{"province-level agency does not", "so-noi-vu", UnitFields{DisplayName: "Sở Nội vụ", Kind: KindAgency, Level: lineage.LevelProvince}, ""},
		{"commune does not", "vu-tay", UnitFields{DisplayName: "Xã Vũ Tây", Kind: KindLocality, Level: lineage.LevelCommune}, ""},
		{"commune keeps its province", "vu-tay", UnitFields{DisplayName: "Xã Vũ Tây", Kind: KindLocality, Level: lineage.LevelCommune, Province: "thai-binh"}, "thai-binh"},
		{"ministry", "bo-noi-vu", UnitFields{DisplayName: "Bộ Nội vụ", ShortName: "BNV", Kind: KindAgency, Level: lineage.LevelMinistry, Code: "G09"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u := NewUnit(tc.id, tc.f, now)
			require.Equal(t, tc.id, u.ID)
			require.Equal(t, UnitActive, u.State)
			require.Equal(t, int64(1), u.Version)
			require.Equal(t, `"1"`, u.Etag())
			require.Equal(t, now, u.CreateTime)
			require.Equal(t, now, u.UpdateTime)
			require.Equal(t, tc.wantProvince, u.Province)
			require.Empty(t, u.Successor)
			require.True(t, u.DissolvedOn.IsZero())
			want := tc.f
			want.Province = tc.wantProvince
			require.Equal(t, want, u.Fields())
		})
	}
}

func TestUnitFieldsNormalize(t *testing.T) {
	f := UnitFields{
		DisplayName: "  Tỉnh   Thái Bi\u0300nh ", // NFD "ì"
		ShortName:   "\tTB\n",
		Code:        " 34 ",
	}
	f.Normalize()
	require.Equal(t, "Tỉnh Thái Bình", f.DisplayName)
	require.Equal(t, "TB", f.ShortName)
	require.Equal(t, "34", f.Code)
}

func TestUnitSearchText(t *testing.T) {
	u := &Unit{DisplayName: "Thành phố Đà Nẵng", ShortName: "ĐN", Code: "48"}
	require.Equal(t, "thanh pho da nang dn 48", u.SearchText())
	u = &Unit{DisplayName: "Bộ Nội vụ"}
	require.Equal(t, "bo noi vu", u.SearchText())
}

func TestUnitUpdate(t *testing.T) {
	newFields := UnitFields{DisplayName: "Xã Vũ Tây mới", ShortName: "VT", Kind: KindLocality, Level: lineage.LevelCommune, Province: "thai-binh", Parent: "kien-xuong", Code: "12345"}
	dissolved := func() *Unit {
		u := xaVuTay()
		u.State, u.Successor, u.DissolvedOn = UnitDissolved, "vu-quy", day(2025, 7, 1)
		return u
	}
	for _, tc := range []struct {
		name string
		unit func() *Unit
		etag string
		want wantErr
	}{
		{"no etag", xaVuTay, "", wantErr{}},
		{"current etag", xaVuTay, `"1"`, wantErr{}},
		{"stale etag", xaVuTay, `"0"`, wantErr{stale: true}},
		{"dissolved", dissolved, "", wantErr{reason: "UNIT_DISSOLVED", subject: "units/vu-tay"}},
		{"dissolved with current etag", dissolved, `"1"`, wantErr{reason: "UNIT_DISSOLVED", subject: "units/vu-tay"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u := tc.unit()
			before := *u
			added, err := u.Update(newFields, civil.Date{}, day(2026, 1, 1), tc.etag, later)
			tc.want.check(t, err)
			require.Nil(t, added, "a correction keeps no history")
			if !tc.want.ok() {
				require.Equal(t, before, *u, "a refused update changes nothing")
				return
			}
			require.Equal(t, newFields, u.Fields())
			require.Equal(t, int64(2), u.Version)
			require.Equal(t, later, u.UpdateTime)
			require.Equal(t, before.CreateTime, u.CreateTime)
			require.Equal(t, UnitActive, u.State)
		})
	}
}

func TestUnitDissolve(t *testing.T) {
	on := day(2025, 7, 1)
	for _, tc := range []struct {
		name      string
		unit      func() *Unit
		successor func() *Unit
		etag      string
		want      wantErr
	}{
		{"into another active unit", xaVuTay, thaiBinh, "", wantErr{}},
		{"current etag", xaVuTay, thaiBinh, `"1"`, wantErr{}},
		{"stale etag", xaVuTay, thaiBinh, `"2"`, wantErr{stale: true}},
		{"into itself", xaVuTay, xaVuTay, "", wantErr{fields: []string{"successor"}}},
		{
			"into a dissolved unit", xaVuTay,
			func() *Unit {
				u := soNoiVu()
				u.State, u.Successor, u.DissolvedOn = UnitDissolved, "thai-binh", day(2025, 3, 1)
				return u
			},
			"", wantErr{reason: "SUCCESSOR_DISSOLVED", subject: "units/so-noi-vu-tb"},
		},
		{
			"already dissolved",
			func() *Unit {
				u := xaVuTay()
				u.State, u.Successor, u.DissolvedOn = UnitDissolved, "thai-binh", day(2025, 3, 1)
				return u
			},
			soNoiVu, "", wantErr{reason: "UNIT_DISSOLVED", subject: "units/vu-tay"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u := tc.unit()
			before := *u
			err := u.Dissolve(tc.successor(), on, tc.etag, later)
			tc.want.check(t, err)
			if !tc.want.ok() {
				require.Equal(t, before, *u, "a refused dissolution changes nothing")
				return
			}
			require.Equal(t, UnitDissolved, u.State)
			require.Equal(t, "thai-binh", u.Successor)
			require.Equal(t, on, u.DissolvedOn)
			require.Equal(t, int64(2), u.Version)
			require.Equal(t, later, u.UpdateTime)
		})
	}
}

func TestUnitDissolveTwice(t *testing.T) {
	u := xaVuTay()
	require.NoError(t, u.Dissolve(thaiBinh(), day(2025, 7, 1), u.Etag(), now))
	err := u.Dissolve(soNoiVu(), day(2025, 8, 1), u.Etag(), later)
	requireRule(t, err, "UNIT_DISSOLVED", "units/vu-tay")
	require.Equal(t, "thai-binh", u.Successor)
	require.Equal(t, day(2025, 7, 1), u.DissolvedOn)
	require.Equal(t, int64(2), u.Version)

	// The old etag is stale now, and that is reported first.
	require.ErrorIs(t, u.Dissolve(soNoiVu(), day(2025, 8, 1), `"1"`, later), ErrStaleEtag)
	// Nor can the dissolved unit be changed.
	_, err = u.Update(u.Fields(), civil.Date{}, day(2026, 1, 1), "", later)
	requireRule(t, err, "UNIT_DISSOLVED", "units/vu-tay")
}

// TestUnitDatedChanges renames a province and changes its kind in law, as
// Thừa Thiên Huế became the centrally-run city of Huế on 1 January 2025.
func TestUnitDatedChanges(t *testing.T) {
	today := day(2026, 12, 4)
	hue := func() *Unit {
		return &Unit{ID: "hue", DisplayName: "Tỉnh Thừa Thiên Huế", ShortName: "Thừa Thiên Huế", Kind: KindLocality,
			Level: lineage.LevelProvince, Province: "hue", State: UnitActive, Version: 1}
	}
	city := hue().Fields()
	city.DisplayName, city.ShortName = "Thành phố Huế", "Huế"

	u := hue()
	added, err := u.Update(city, day(2025, 1, 1), today, "", later)
	require.NoError(t, err)
	require.Equal(t, &Period{DisplayName: "Tỉnh Thừa Thiên Huế", ShortName: "Thừa Thiên Huế", Kind: KindLocality,
		Level: lineage.LevelProvince, Until: day(2025, 1, 1)}, added)
	require.Equal(t, "Thành phố Huế", u.DisplayName)
	require.Equal(t, "Tỉnh Thừa Thiên Huế", u.On(day(2024, 12, 31)).DisplayName, "the day before")
	require.Equal(t, "Thành phố Huế", u.On(day(2025, 1, 1)).DisplayName, "the day it took effect")
	require.Equal(t, "Thành phố Huế", u.On(today).DisplayName)

	for _, tc := range []struct {
		name string
		f    UnitFields
		on   civil.Date
	}{
		{"no change of name, kind or level", hue().Fields(), day(2025, 1, 1)},
		{"in the future", city, day(2027, 1, 1)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u := hue()
			_, err := u.Update(tc.f, tc.on, today, "", later)
			requireFields(t, err, "effectiveOn")
			require.Empty(t, u.History)
		})
	}

	again := city
	again.DisplayName = "Thành phố Huế mới"
	_, err = u.Update(again, day(2024, 6, 1), today, "", later)
	requireFields(t, err, "effectiveOn")
	_, err = u.Update(again, day(2026, 1, 1), today, "", later)
	require.NoError(t, err)
	require.Len(t, u.History, 2)
	require.Equal(t, "Thành phố Huế", u.On(day(2025, 6, 1)).DisplayName)
	require.Equal(t, "Tỉnh Thừa Thiên Huế", u.On(day(2020, 1, 1)).DisplayName)
}
