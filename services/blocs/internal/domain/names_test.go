package domain

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestValidID(t *testing.T) {
	for _, tc := range []struct {
		id string
		ok bool
	}{
		{"a", true},
		{"7", true},
		{"ha-noi", true},
		{"cum-1-mien-nui", true},
		{"a--b", true},
		{strings.Repeat("a", 63), true},
		{"a" + strings.Repeat("-", 61) + "b", true},
		{strings.Repeat("a", 64), false},
		{"", false},
		{"-", false},
		{"-ha-noi", false},
		{"ha-noi-", false},
		{"Ha-noi", false},
		{"HANOI", false},
		{"ha_noi", false},
		{"ha noi", false},
		{"hà-nội", false},
		{"units/a", false},
		{"a\n", false},
		{"\na", false},
	} {
		require.Equal(t, tc.ok, ValidID(tc.id), "ValidID(%q)", tc.id)
	}
}

func TestNewID(t *testing.T) {
	a, b := NewID(), NewID()
	require.Len(t, a, 16)
	require.True(t, ValidID(a), a)
	require.True(t, ValidID(b), b)
	require.NotEqual(t, a, b)
}

func TestNames(t *testing.T) {
	require.Equal(t, "units/ha-noi", UnitName("ha-noi"))
	require.Equal(t, "groups/g1", GroupName("g1"))
	require.Equal(t, "units/u1", (&Unit{ID: "u1"}).Name())
	require.Equal(t, "groups/g1", (&Group{ID: "g1"}).Name())
	require.Equal(t, "groups/g1/memberships/m1", (&Membership{Group: "g1", ID: "m1"}).Name())
	require.Equal(t, "groups/g1/terms/2023", (&Term{Group: "g1", Year: 2023}).Name())
	require.Equal(t, "groups/g1/covenants/2023", (&Covenant{Group: "g1", Year: 2023}).Name())
	require.Equal(t, "groups/g1/covenants/2023/scores/u1", (&Score{Group: "g1", Year: 2023, Unit: "u1"}).Name())
}

func TestParseName(t *testing.T) {
	for _, tc := range []struct {
		name        string
		collections []string
		want        []string // nil: not that shape
	}{
		{"units/ha-noi", []string{"units"}, []string{"ha-noi"}},
		{"groups/g1/terms/2023", []string{"groups", "terms"}, []string{"g1", "2023"}},
		{"groups/g1/covenants/2023/scores/u1", []string{"groups", "covenants", "scores"}, []string{"g1", "2023", "u1"}},
		// ParseName checks the shape; the year's range is ParseYear's.
		{"groups/x/terms/1944", []string{"groups", "terms"}, []string{"x", "1944"}},
		{"units/", []string{"units"}, nil},
		{"units", []string{"units"}, nil},
		{"units/a/b", []string{"units"}, nil},
		{"units/a/", []string{"units"}, nil},
		{"/units/a", []string{"units"}, nil},
		{"units//a", []string{"units"}, nil},
		{"units/A", []string{"units"}, nil},
		{"units/-a", []string{"units"}, nil},
		{"units/" + strings.Repeat("a", 64), []string{"units"}, nil},
		{"groups/a", []string{"units"}, nil},
		{"Units/a", []string{"units"}, nil},
		{"groups/g1/memberships/m1", []string{"groups", "terms"}, nil},
		{"groups/g1/terms", []string{"groups", "terms"}, nil},
		{"groups/g1/terms/2023/x", []string{"groups", "terms"}, nil},
		{"", []string{"units"}, nil},
	} {
		got, ok := ParseName(tc.name, tc.collections...)
		require.Equal(t, tc.want != nil, ok, "ParseName(%q, %q)", tc.name, tc.collections)
		require.Equal(t, tc.want, got, "ParseName(%q, %q)", tc.name, tc.collections)
	}
}

func TestParseUnitName(t *testing.T) {
	for _, tc := range []struct {
		name string
		id   string
		ok   bool
	}{
		{"units/ha-noi", "ha-noi", true},
		{"units/01", "01", true},
		{"units/", "", false},
		{"units/a/b", "", false},
		{"units/-a", "", false},
		{"units/Ha-noi", "", false},
		{"units/" + strings.Repeat("a", 64), "", false},
		{"groups/a", "", false},
		{"ha-noi", "", false},
		{"", "", false},
	} {
		id, ok := ParseUnitName(tc.name)
		require.Equal(t, tc.ok, ok, "ParseUnitName(%q)", tc.name)
		require.Equal(t, tc.id, id, "ParseUnitName(%q)", tc.name)
	}
}

func TestParseYear(t *testing.T) {
	for _, tc := range []struct {
		s    string
		year int
		ok   bool
	}{
		{"2023", 2023, true},
		{"1945", 1945, true},
		{"2200", 2200, true},
		{"1944", 0, false},
		{"2201", 0, false},
		{"20a3", 0, false},
		{"203", 0, false},
		{"02023", 0, false},
		{"+203", 0, false},
		{"-203", 0, false},
		{" 203", 0, false},
		{"", 0, false},
		{"９９９９", 0, false},
	} {
		y, ok := ParseYear(tc.s)
		require.Equal(t, tc.ok, ok, "ParseYear(%q)", tc.s)
		require.Equal(t, tc.year, y, "ParseYear(%q)", tc.s)
	}
}

// TestParseTermName parses a term name the way a handler does: the shape
// with ParseName, then the year with ParseYear.
func TestParseTermName(t *testing.T) {
	for _, tc := range []struct {
		name  string
		group string
		year  int
		ok    bool
	}{
		{"groups/x/terms/2023", "x", 2023, true},
		{"groups/x/terms/1944", "", 0, false},
		{"groups/x/terms/2201", "", 0, false},
		{"groups/x/terms/20a3", "", 0, false},
		{"groups/X/terms/2023", "", 0, false},
		{"groups/x/covenants/2023", "", 0, false},
	} {
		var (
			group string
			year  int
		)
		ids, ok := ParseName(tc.name, "groups", "terms")
		if ok {
			group = ids[0]
			year, ok = ParseYear(ids[1])
		}
		require.Equal(t, tc.ok, ok, tc.name)
		if ok {
			require.Equal(t, tc.group, group, tc.name)
			require.Equal(t, tc.year, year, tc.name)
		}
	}
}

func TestCheckEtag(t *testing.T) {
	require.Equal(t, `"3"`, Etag(3))
	require.Equal(t, `"3"`, (&Unit{Version: 3}).Etag())
	require.Equal(t, `"4"`, (&Group{Version: 4}).Etag())
	require.Equal(t, `"5"`, (&Covenant{Version: 5}).Etag())
	for _, tc := range []struct {
		etag  string
		stale bool
	}{
		{"", false},
		{`"3"`, false},
		{`"2"`, true},
		{`"4"`, true},
		{`"30"`, true},
		{"3", true},
		{`W/"3"`, true},
		{`"3" `, true},
	} {
		err := CheckEtag(tc.etag, 3)
		if tc.stale {
			require.ErrorIs(t, err, ErrStaleEtag, "etag %q", tc.etag)
		} else {
			require.NoError(t, err, "etag %q", tc.etag)
		}
	}
}
