package domain

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParseCoefficient(t *testing.T) {
	tests := []struct {
		in   string
		want Coefficient // 0: error
	}{
		{"0.3", 30},
		{"0.29", 29}, // float: 0.29*100 = 28.999…
		{"1.1", 110},
		{"1", 100},
		{"1.0", 100},
		{"12.0", 1200},
		{"46.00", 4600},
		{"0.05", 5},
		{"1000", 100_000},
		{"1000.01", 0},
		{"0", 0},
		{"0.00", 0},
		{"", 0},
		{".5", 0},
		{"1.", 0},
		{"1.005", 0},
		{"-1", 0},
		{"+1", 0},
		{"1e2", 0},
		{"1,5", 0},
		{" 1", 0},
		{"99999", 0},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseCoefficient(tc.in)
			if tc.want == 0 {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}

func TestCoefficientString(t *testing.T) {
	for c, want := range map[Coefficient]string{30: "0.3", 100: "1", 150: "1.5", 1200: "12", 5: "0.05", 3050: "30.5", NoCoefficient: "none"} {
		require.Equal(t, want, c.String())
	}
	require.InDelta(t, 0.3, Coefficient(30).Float64(), 1e-12)
}
