package procstat_test

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tdkt-vn/tdkt/tools/internal/procstat"
)

func TestPeakRSS(t *testing.T) {
	before, err := procstat.PeakRSS(os.Getpid())
	require.NoError(t, err)
	require.Greater(t, before, int64(1<<20), "a Go test binary holds more than a megabyte")
	b := make([]byte, 64<<20)
	for i := range b {
		b[i] = 1
	}
	after, err := procstat.PeakRSS(os.Getpid())
	require.NoError(t, err)
	require.GreaterOrEqual(t, after-before, int64(32<<20), "touching 64 MiB raises the peak")
	_ = b[len(b)-1]
	_, err = procstat.PeakRSS(-1)
	require.Error(t, err)
}
