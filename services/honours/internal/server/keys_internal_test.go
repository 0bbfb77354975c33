package server

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tdkt-vn/tdkt/services/honours/internal/domain"
)

// internalKeys returns a keyring for the package's internal tests.
func internalKeys(t *testing.T) *domain.Keyring {
	t.Helper()
	k, err := domain.NewKeyring(bytes.Repeat([]byte{7}, domain.MinKeySecretBytes))
	require.NoError(t, err)
	return k
}
