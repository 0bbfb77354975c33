package pagetoken_test

import (
	"encoding/base64"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tdkt-vn/tdkt/platform/pagetoken"
)

type cursor struct {
	LastKey  []byte `json:"k"`
	LastName string `json:"n"`
}

func newSigner(t testing.TB, key string) *pagetoken.Signer {
	t.Helper()
	s, err := pagetoken.NewSigner([]byte(key))
	require.NoError(t, err)
	return s
}

const (
	key1 = "0123456789abcdef0123456789abcdef"
	key2 = "fedcba9876543210fedcba9876543210"
)

func TestSize(t *testing.T) {
	tests := []struct {
		name    string
		in      int32
		want    int
		wantErr bool
	}{
		{"negative", -1, 0, true},
		{"min int32", math.MinInt32, 0, true},
		{"zero means default", 0, pagetoken.DefaultSize, false},
		{"one", 1, 1, false},
		{"default", 50, 50, false},
		{"max", 1000, 1000, false},
		{"above max is clamped", 1001, pagetoken.MaxSize, false},
		{"max int32 is clamped", math.MaxInt32, pagetoken.MaxSize, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := pagetoken.Size(tt.in)
			if tt.wantErr {
				require.ErrorIs(t, err, pagetoken.ErrNegativeSize)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestNewSignerKeyLength(t *testing.T) {
	_, err := pagetoken.NewSigner(nil)
	require.Error(t, err)
	_, err = pagetoken.NewSigner([]byte("fifteen bytes!!"))
	require.Error(t, err)
	_, err = pagetoken.NewSigner([]byte("sixteen bytes!!!"))
	require.NoError(t, err)
}

func TestNewSignerCopiesKey(t *testing.T) {
	key := []byte(key1)
	s, err := pagetoken.NewSigner(key)
	require.NoError(t, err)
	tok, err := s.Encode("scope", cursor{LastName: "units/a"})
	require.NoError(t, err)
	key[0] ^= 1 // the caller reusing its buffer must not change the signer
	var got cursor
	require.NoError(t, s.Decode(tok, "scope", &got))
}

func TestRoundTrip(t *testing.T) {
	s := newSigner(t, key1)
	scope := pagetoken.Scope("units", "query=khoa", "level=PROVINCE")
	want := cursor{LastKey: []byte{0, 1, 0xff}, LastName: "units/đà-nẵng"}

	tok, err := s.Encode(scope, want)
	require.NoError(t, err)
	require.NotContains(t, tok, "=", "no padding")
	require.NotContains(t, tok, "+")
	require.NotContains(t, tok, "/")

	var got cursor
	require.NoError(t, s.Decode(tok, scope, &got))
	require.Equal(t, want, got)

	// Deterministic: the same cursor gives the same token.
	again, err := s.Encode(scope, want)
	require.NoError(t, err)
	require.Equal(t, tok, again)
}

func TestDecodeRejects(t *testing.T) {
	s := newSigner(t, key1)
	scope := pagetoken.Scope("units", "state=ACTIVE")
	tok, err := s.Encode(scope, cursor{LastName: "units/abc"})
	require.NoError(t, err)
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	require.NoError(t, err)

	flip := func(i int) string {
		b := []byte(string(raw))
		b[i] ^= 0x01
		return base64.RawURLEncoding.EncodeToString(b)
	}
	otherKey, err := newSigner(t, key2).Encode(scope, cursor{LastName: "units/abc"})
	require.NoError(t, err)
	wrongCursor, err := s.Encode(scope, map[string]int{"offset": 10})
	require.NoError(t, err)

	tests := []struct {
		name, token, scope string
	}{
		{"empty", "", scope},
		{"flipped bit in version", flip(0), scope},
		{"flipped bit in cursor", flip(len(raw) / 2), scope},
		{"flipped bit in MAC", flip(len(raw) - 1), scope},
		{"other key", otherKey, scope},
		{"other scope", tok, pagetoken.Scope("units", "state=DISSOLVED")},
		{"empty scope", tok, ""},
		{"truncated by one char", tok[:len(tok)-1], scope},
		{"truncated to half", tok[:len(tok)/2], scope},
		{"MAC only", base64.RawURLEncoding.EncodeToString(raw[len(raw)-32:]), scope},
		{"garbage", "not a token!", scope},
		{"std base64 padding", base64.URLEncoding.EncodeToString(raw), scope},
		{"appended data", tok + "AAAA", scope},
		{"too long", strings.Repeat("A", pagetoken.MaxTokenLen+4), scope},
		{"cursor of another shape", wrongCursor, scope},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got cursor
			err := s.Decode(tt.token, tt.scope, &got)
			require.ErrorIs(t, err, pagetoken.ErrInvalidToken)
			require.Zero(t, got)
		})
	}
}

func TestDecodeNonPointerIsNotATokenError(t *testing.T) {
	s := newSigner(t, key1)
	tok, err := s.Encode("", cursor{})
	require.NoError(t, err)
	err = s.Decode(tok, "", cursor{})
	require.Error(t, err)
	require.NotErrorIs(t, err, pagetoken.ErrInvalidToken)
}

func TestEncodeErrors(t *testing.T) {
	s := newSigner(t, key1)
	_, err := s.Encode("", func() {})
	require.Error(t, err, "unmarshalable cursor")
	_, err = s.Encode("", strings.Repeat("x", pagetoken.MaxTokenLen))
	require.Error(t, err, "token longer than Decode accepts")
}

func TestScope(t *testing.T) {
	require.Equal(t, pagetoken.Scope("a", "b"), pagetoken.Scope("a", "b"))
	require.NotEqual(t, pagetoken.Scope("ab", "c"), pagetoken.Scope("a", "bc"))
	require.NotEqual(t, pagetoken.Scope("a"), pagetoken.Scope("a", ""))
	require.NotEqual(t, pagetoken.Scope(), pagetoken.Scope(""))
	require.Len(t, pagetoken.Scope("units"), 22)
}

func FuzzDecode(f *testing.F) {
	s := newSigner(f, key1)
	scope := pagetoken.Scope("fuzz")
	valid, err := s.Encode(scope, cursor{LastKey: []byte("k"), LastName: "units/a"})
	require.NoError(f, err)
	for _, seed := range []string{"", valid, valid[:10], valid + "A", "AAAA", "!!!!", strings.Repeat("_", 64)} {
		f.Add(seed, scope)
	}
	f.Fuzz(func(t *testing.T, token, scope string) {
		var c cursor
		err := s.Decode(token, scope, &c)
		if err == nil {
			// Only a token this signer produced for this scope may decode;
			// re-encoding it must give a token that decodes to the same cursor.
			again, encErr := s.Encode(scope, c)
			require.NoError(t, encErr)
			var c2 cursor
			require.NoError(t, s.Decode(again, scope, &c2))
			require.Equal(t, c, c2)
			return
		}
		require.ErrorIs(t, err, pagetoken.ErrInvalidToken)
	})
}

func TestKeyOrRandom(t *testing.T) {
	k, err := pagetoken.KeyOrRandom("")
	if err != nil || len(k) != 32 {
		t.Fatalf("random key: %d bytes, %v", len(k), err)
	}
	k2, _ := pagetoken.KeyOrRandom("")
	if string(k) == string(k2) {
		t.Fatal("two random keys are equal")
	}
	if _, err := pagetoken.KeyOrRandom("short"); err == nil {
		t.Fatal("a short secret was accepted")
	}
	k, err = pagetoken.KeyOrRandom("a-secret-of-24-bytes-xxx")
	if err != nil || string(k) != "a-secret-of-24-bytes-xxx" {
		t.Fatalf("secret: %q, %v", k, err)
	}
}

func TestCursorHelpers(t *testing.T) {
	s := newSigner(t, key1)
	got, err := pagetoken.DecodeCursor[cursor](s, "", "scope")
	require.NoError(t, err)
	require.Nil(t, got, "an empty token is the first page")

	token, err := pagetoken.EncodeCursor[cursor](s, nil, "scope")
	require.NoError(t, err)
	require.Empty(t, token, "no cursor: the last page")

	token, err = pagetoken.EncodeCursor(s, &cursor{LastKey: []byte{1}, LastName: "units/a"}, "scope")
	require.NoError(t, err)
	got, err = pagetoken.DecodeCursor[cursor](s, token, "scope")
	require.NoError(t, err)
	require.Equal(t, &cursor{LastKey: []byte{1}, LastName: "units/a"}, got)

	_, err = pagetoken.DecodeCursor[cursor](s, token, "other scope")
	require.ErrorIs(t, err, pagetoken.ErrInvalidToken)
}
