package personaldata_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tdkt-vn/tdkt/services/honours/personaldata"
)

func TestMaskCitizenID(t *testing.T) {
	tests := map[string]string{
		"001234567889": "001*******89",
		"079203000123": "079*******23",
		"12345678":     "123***78",
		"1234567":      "*******",
		"":             "",
	}
	for in, want := range tests {
		got := personaldata.MaskCitizenID(in)
		require.Equal(t, want, got, in)
		require.Len(t, got, len(in))
		if len(in) == 12 {
			require.False(t, strings.Contains(got, in[3:10]))
		}
	}
}
