package domain

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParseYearName(t *testing.T) {
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
		{"groups/x/terms/2023/x", "", 0, false},
	} {
		group, year, ok := ParseYearName(tc.name, TermPattern)
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
