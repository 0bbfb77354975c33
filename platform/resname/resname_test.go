package resname_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	gdate "google.golang.org/genproto/googleapis/type/date"

	"github.com/tdkt-vn/tdkt/platform/domainerr"
	"github.com/tdkt-vn/tdkt/platform/resname"
)

func TestParse(t *testing.T) {
	const terms resname.Pattern = "groups/{group}/terms/{term}"
	for _, tc := range []struct {
		name string
		want []string
	}{
		{"groups/g1/terms/2023", []string{"g1", "2023"}},
		{"groups/g1/terms/1944", []string{"g1", "1944"}}, // the year's range is Year's
		{"groups/g1/terms", nil},
		{"groups/g1/terms/2023/x", nil},
		{"groups/G1/terms/2023", nil},
		{"groups//terms/2023", nil},
		{"units/g1/terms/2023", nil},
		{"groups/g1/covenants/2023", nil},
		{"", nil},
	} {
		got, ok := terms.Parse(tc.name)
		require.Equal(t, tc.want != nil, ok, tc.name)
		require.Equal(t, tc.want, got, tc.name)
	}
	id, ok := resname.Unit.ID("units/bac-kan")
	require.True(t, ok)
	require.Equal(t, "bac-kan", id)
	for _, bad := range []string{"units/", "units/Bac-Kan", "units/bac kan", "unit/bac-kan", "units/a/b", "bac-kan", "units/hà-nội"} {
		_, ok := resname.Unit.ID(bad)
		require.False(t, ok, bad)
	}
}

func TestFormat(t *testing.T) {
	require.Equal(t, "units/x", resname.Unit.Format("x"))
	require.Equal(t, "", resname.Unit.Format(""), "no reference")
	require.Equal(t, "groups/g/terms/2023", resname.Pattern("groups/{group}/terms/{term}").Format("g", "2023"))
	require.Equal(t, []string{"units/a", "units/b"}, resname.Unit.FormatAll([]string{"a", "b"}))
}

func TestYear(t *testing.T) {
	for _, tc := range []struct {
		s    string
		year int
		ok   bool
	}{
		{"2023", 2023, true}, {"1945", 1945, true}, {"2200", 2200, true},
		{"1944", 0, false}, {"2201", 0, false}, {"023", 0, false}, {"20231", 0, false},
		{"+202", 0, false}, {"20a3", 0, false}, {"", 0, false},
	} {
		y, ok := resname.Year(tc.s)
		require.Equal(t, tc.ok, ok, tc.s)
		require.Equal(t, tc.year, y, tc.s)
	}
}

func TestFields(t *testing.T) {
	var f resname.Fields
	require.NoError(t, f.Err())
	require.Equal(t, "a", f.ID("unit", "units/a", resname.Unit))
	require.Equal(t, "", f.ID("parent", "", resname.Unit), "optional")
	require.NoError(t, f.Err())

	f.ID("province", "provinces/a", resname.Unit)
	f.RequiredID("successor", "", resname.Unit)
	f.RequiredDate("effectiveOn", nil)
	f.RequiredDate("signedOn", &gdate.Date{Year: 2023, Month: 2, Day: 30})
	f.Date("leftOn", &gdate.Date{Year: 2023, Month: 2, Day: 28})
	require.NoError(t, f.Merge(domainerr.Field("title", "must not be empty")))
	other := domainerr.ErrStaleEtag
	require.ErrorIs(t, f.Merge(other), other, "not a field error: returned")

	var fe domainerr.FieldErrors
	require.ErrorAs(t, f.Err(), &fe)
	require.Equal(t, domainerr.FieldErrors{
		{Field: "province", Description: "must be units/{unit}"},
		{Field: "successor", Description: "is required"},
		{Field: "effectiveOn", Description: "is required"},
		{Field: "signedOn", Description: "is not a valid full date between 1945 and 2200"},
		{Field: "title", Description: "must not be empty"},
	}, fe)
}

func TestFieldID(t *testing.T) {
	id, err := resname.Unit.FieldID("name", "units/bac-kan")
	require.NoError(t, err)
	require.Equal(t, "bac-kan", id)
	for _, name := range []string{"", "provinces/bac-kan", "units/bac-kan/x"} {
		_, err := resname.Unit.FieldID("name", name)
		require.Equal(t, resname.Field("name", resname.Unit), err, name)
	}
}
