package personaldata_test

import (
	"bytes"
	"encoding/base64"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tdkt-vn/tdkt/services/honours/personaldata"
)

func TestSealOpen(t *testing.T) {
	key := bytes.Repeat([]byte{7}, personaldata.KeySize)
	s, err := personaldata.NewSealer(key)
	require.NoError(t, err)

	sealed := s.Seal("001234567889", "decisions/d1/entries/1")
	require.NotContains(t, string(sealed), "001234567889")
	got, err := s.Open(sealed, "decisions/d1/entries/1")
	require.NoError(t, err)
	require.Equal(t, "001234567889", got)
	require.NotEqual(t, sealed, s.Seal("001234567889", "decisions/d1/entries/1"), "a fresh nonce each time")

	_, err = s.Open(sealed, "decisions/d1/entries/2")
	require.ErrorIs(t, err, personaldata.ErrOpen, "bound to its record")
	other, err := personaldata.NewSealer(bytes.Repeat([]byte{8}, personaldata.KeySize))
	require.NoError(t, err)
	_, err = other.Open(sealed, "decisions/d1/entries/1")
	require.ErrorIs(t, err, personaldata.ErrOpen, "another key")
	damaged := bytes.Clone(sealed)
	damaged[len(damaged)-1] ^= 1
	_, err = s.Open(damaged, "decisions/d1/entries/1")
	require.ErrorIs(t, err, personaldata.ErrOpen)
	_, err = s.Open([]byte{1, 2}, "x")
	require.ErrorIs(t, err, personaldata.ErrOpen)
}

func TestParseKey(t *testing.T) {
	key := bytes.Repeat([]byte{1}, personaldata.KeySize)
	got, err := personaldata.ParseKey(base64.StdEncoding.EncodeToString(key))
	require.NoError(t, err)
	require.Equal(t, key, got)
	for _, bad := range []string{"", "not base64!", base64.StdEncoding.EncodeToString(key[:16])} {
		_, err := personaldata.ParseKey(bad)
		require.Error(t, err, bad)
	}
	_, err = personaldata.NewSealer(key[:31])
	require.Error(t, err)
}
