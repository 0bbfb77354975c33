package recipientkey

import (
	"bytes"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func secret(b byte) []byte { return bytes.Repeat([]byte{b}, MinKeySecretBytes) }

// testKeys is a keyring for the tests of this package.
var testKeys = func() *Keyring {
	k, err := NewKeyring(secret(1))
	if err != nil {
		panic(err)
	}
	return k
}()

func TestKeyringIsKeyed(t *testing.T) {
	r := Identity{Kind: Individual, FullName: "Lò Văn Ơn", CitizenID: "001234567889"}
	other, err := NewKeyring(secret(2))
	require.NoError(t, err)
	a, _ := testKeys.Key(r)
	b, _ := other.Key(r)
	require.NotEqual(t, a, b, "another secret, another key")
	require.NotEqual(t, testKeys.Generation(), other.Generation())
	require.NotContains(t, a, digest("cccd:"+r.CitizenID), "the unkeyed digest is not in the key")
	require.True(t, strings.HasPrefix(a, KeyCitizen+testKeys.Generation()+"."))
	require.True(t, DerivedFromCitizenID(a))
	require.True(t, testKeys.IsCurrent(a))
	require.False(t, other.IsCurrent(a))

	for _, r := range []Identity{
		{Kind: Individual, FullName: "Lò Văn Ơn", BirthYear: 1970, Unit: "units/x"},
		{Kind: Household, HeadName: "Lò Văn Ơn", Commune: "units/x"},
	} {
		k, weak := testKeys.Key(r)
		require.True(t, weak)
		require.True(t, DerivedFromPersonalData(k))
		require.False(t, DerivedFromCitizenID(k))
		k2, _ := other.Key(r)
		require.NotEqual(t, k, k2, "weak keys are keyed too")
	}
	c, _ := testKeys.Key(Identity{Kind: Collective, Unit: "units/bac-kan"})
	require.Equal(t, "unit:bac-kan", c)
	require.False(t, DerivedFromPersonalData(c))
	require.True(t, testKeys.IsCurrent(c))
}

// A rotation appends a secret: keys of the old chain are brought to the
// new one without what they were derived from, and equal the keys the new
// chain makes; keys of before keys were keyed come forward too.
func TestKeyringRotation(t *testing.T) {
	old := testKeys
	rotated, err := NewKeyring(secret(1), secret(3))
	require.NoError(t, err)
	require.Equal(t, "", func() string { _, g, _, _ := splitKey("cid:" + digest("x")); return g }())
	for _, r := range []Identity{
		{Kind: Individual, FullName: "A", CitizenID: "001234567889"},
		{Kind: Individual, FullName: "Lò Văn Ơn", BirthYear: 1970, Unit: "units/x"},
		{Kind: Household, HeadName: "Lò Văn Ơn", Commune: "units/x"},
	} {
		before, _ := old.Key(r)
		after, _ := rotated.Key(r)
		require.NotEqual(t, before, after)
		require.False(t, rotated.IsCurrent(before))
		got, ok := rotated.Current(before)
		require.True(t, ok)
		require.Equal(t, after, got, "brought forward")
		got, ok = rotated.Current(after)
		require.True(t, ok)
		require.Equal(t, after, got, "current keys stay")

		// A key of before keys were keyed: kind + the unkeyed digest.
		kind, _, _, _ := splitKey(before)
		var legacy string
		switch kind {
		case KeyCitizen:
			legacy = kind + digest("cccd:"+r.CitizenID)
		case KeyIndividual:
			legacy = kind + digest("ind", "lo van on", "1970", "x")
		case KeyHousehold:
			legacy = kind + digest("hh", "lo van on", "x")
		}
		got, ok = rotated.Current(legacy)
		require.True(t, ok)
		require.Equal(t, after, got, "an unkeyed key comes forward")
		got, ok = old.Current(legacy)
		require.True(t, ok)
		require.Equal(t, before, got)
	}

	// A key made with a secret the keyring lacks is not brought forward.
	stranger, err := NewKeyring(secret(9))
	require.NoError(t, err)
	k, _ := stranger.Key(Identity{Kind: Individual, FullName: "A", CitizenID: "001234567889"})
	_, ok := rotated.Current(k)
	require.False(t, ok)
	for _, bad := range []string{"", "cid:", "cid:khong-co", "cid:0123.abc", "x:" + digest("a"), "unit:"} {
		_, ok := rotated.Current(bad)
		require.False(t, ok, bad)
		require.False(t, rotated.IsCurrent(bad), bad)
	}
}

func TestParseKeyring(t *testing.T) {
	enc := base64.StdEncoding.EncodeToString
	k, err := ParseKeyring(enc(secret(1)))
	require.NoError(t, err)
	require.Equal(t, testKeys.Generation(), k.Generation())
	k, err = ParseKeyring(enc(secret(1)) + ", " + enc(secret(3)))
	require.NoError(t, err)
	rotated, err := NewKeyring(secret(1), secret(3))
	require.NoError(t, err)
	require.Equal(t, rotated.Generation(), k.Generation())
	for _, bad := range []string{"", "not base64!", enc(secret(1)[:16]), enc(secret(1)) + ","} {
		_, err := ParseKeyring(bad)
		require.Error(t, err, bad)
		require.NotContains(t, err.Error(), enc(secret(1)), "the error does not quote the secret")
	}
}
