package civil

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/type/date"
)

func TestNewRejectsImpossibleDates(t *testing.T) {
	for _, tc := range []struct {
		y, m, d int
		ok      bool
	}{
		{2023, 5, 31, true},
		{2024, 2, 29, true},
		{2023, 2, 29, false},
		{2023, 4, 31, false},
		{2023, 13, 1, false},
		{2023, 0, 1, false},
		{2023, 1, 0, false},
		{1944, 12, 31, false},
		{1945, 1, 1, true},
		{2200, 12, 31, true},
		{2201, 1, 1, false},
	} {
		_, err := New(tc.y, time.Month(tc.m), tc.d)
		require.Equal(t, tc.ok, err == nil, "%d-%d-%d", tc.y, tc.m, tc.d)
	}
}

func TestProtoRoundTrip(t *testing.T) {
	d, err := FromProto(&date.Date{Year: 2023, Month: 5, Day: 31})
	require.NoError(t, err)
	require.Equal(t, "2023-05-31", d.String())
	require.Equal(t, int32(31), d.Proto().GetDay())

	z, err := FromProto(nil)
	require.NoError(t, err)
	require.True(t, z.IsZero())
	require.Nil(t, z.Proto())

	_, err = FromProto(&date.Date{Year: 2023})
	require.ErrorIs(t, err, ErrInvalid)
}

func TestParseCompareAddDays(t *testing.T) {
	a, err := Parse("2025-06-30")
	require.NoError(t, err)
	b := a.AddDays(1)
	require.Equal(t, "2025-07-01", b.String())
	require.True(t, a.Before(b))
	require.True(t, b.After(a))
	require.Equal(t, 0, a.Compare(a))
	_, err = Parse("2025-02-30")
	require.Error(t, err)
	_, err = Parse("hôm qua")
	require.Error(t, err)
}

func TestStringIsISO(t *testing.T) {
	// Every day New accepts, and values outside it, print as %04d-%02d-%02d.
	for d := (Date{Year: MinYear, Month: 1, Day: 1}); d.Year <= MaxYear; d = d.AddDays(1) {
		if got, want := d.String(), fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day); got != want {
			t.Fatalf("String() = %q, want %q", got, want)
		}
		if p, err := Parse(d.String()); err != nil || p != d {
			t.Fatalf("Parse(%q) = %v, %v", d.String(), p, err)
		}
	}
	for _, d := range []Date{{}, {Year: 7, Month: 3, Day: 9}, {Year: -1, Month: 1, Day: 1}, {Year: 12345, Month: 1, Day: 1}, {Year: 2020, Month: 13, Day: 100}} {
		require.Equal(t, fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day), d.String())
	}
}
