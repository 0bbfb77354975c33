package server

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tdkt-vn/tdkt/services/honours/recipientkey"
)

// internalKeys returns a keyring for the package's internal tests.
func internalKeys(t *testing.T) *recipientkey.Keyring {
	t.Helper()
	k, err := recipientkey.NewKeyring(bytes.Repeat([]byte{7}, recipientkey.MinKeySecretBytes))
	require.NoError(t, err)
	return k
}
