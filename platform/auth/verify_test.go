package auth_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tdkt-vn/tdkt/platform/auth"
	"github.com/tdkt-vn/tdkt/platform/auth/devissuer"
)

// officer is a board officer of Thái Nguyên.
var officer = &auth.Caller{Subject: "lan@thai-nguyen", Method: auth.MethodBearer,
	Grants: []auth.Grant{{Unit: "thai-nguyen", Roles: []auth.Role{auth.BoardOfficer}}}}

func startIssuer(t *testing.T, o devissuer.Options) *devissuer.Issuer {
	t.Helper()
	iss, err := devissuer.Start(t.Context(), "127.0.0.1:0", o)
	require.NoError(t, err)
	return iss
}

func newVerifier(t *testing.T, iss *devissuer.Issuer) *auth.Verifier {
	t.Helper()
	v, err := auth.NewVerifier(auth.VerifierConfig{Issuer: iss.URL()})
	require.NoError(t, err)
	return v
}

// requireRefused checks that err is a refused token: a *TokenError that
// matches ErrToken.
func requireRefused(t *testing.T, err error, what string) *auth.TokenError {
	t.Helper()
	require.Error(t, err, what)
	require.ErrorIs(t, err, auth.ErrToken, what)
	te, ok := errors.AsType[*auth.TokenError](err)
	require.True(t, ok, "%s: %T %v", what, err, err)
	return te
}

func TestVerify(t *testing.T) {
	t.Parallel()
	iss := startIssuer(t, devissuer.Options{})
	v := newVerifier(t, iss)

	got, err := v.Verify(t.Context(), iss.Token(officer, time.Minute))
	require.NoError(t, err)
	require.Equal(t, officer, got)

	for _, f := range devissuer.Forgeries {
		tok, err := iss.Forge(f, officer)
		require.NoError(t, err, f.String())
		te := requireRefused(t, func() error { _, err := v.Verify(t.Context(), tok); return err }(), f.String())
		if f == devissuer.Expired {
			require.Equal(t, "expired", te.Reason)
		}
		require.NotContains(t, te.Error(), tok, "the reason carries nothing of the token")
	}
	for _, raw := range []string{"", "not-a-jwt", "a.b.c", "e30.e30.", string(make([]byte, 17<<10))} {
		_, err := v.Verify(t.Context(), raw)
		requireRefused(t, err, "malformed "+raw[:min(len(raw), 10)])
	}

	// Claims the verifier cannot map are refused too.
	bad := &auth.Caller{Subject: "x", Grants: []auth.Grant{{Unit: "Bắc Kạn", Roles: []auth.Role{auth.Viewer}}}}
	_, err = v.Verify(t.Context(), iss.Token(bad, time.Minute))
	requireRefused(t, err, "a unit that is not a unit id")
}

// A key rotation at the issuer is picked up by a running verifier: a
// token signed with the new key (an unknown kid) makes it fetch the keys
// again. A token signed with a key the issuer no longer publishes is then
// refused; one whose key is still published verifies.
func TestVerifyKeyRotation(t *testing.T) {
	t.Parallel()
	for _, keep := range []bool{false, true} {
		iss := startIssuer(t, devissuer.Options{KeepRotatedKeys: keep})
		v := newVerifier(t, iss)
		_, err := v.Verify(t.Context(), iss.Token(officer, time.Minute))
		require.NoError(t, err)
		signedBefore := iss.Token(officer, time.Minute) // not verified yet: not in the verifier's cache
		oldKid := iss.KeyID()

		newKid, err := iss.Rotate()
		require.NoError(t, err)
		require.NotEqual(t, oldKid, newKid)
		got, err := v.Verify(t.Context(), iss.Token(officer, time.Minute))
		require.NoError(t, err, "a token of the new key verifies without a restart")
		require.Equal(t, officer, got)

		_, err = v.Verify(t.Context(), signedBefore)
		if keep {
			require.NoError(t, err, "the old key is still published")
		} else {
			requireRefused(t, err, "the old key was dropped")
		}
	}
}

// An issuer that cannot be reached is a fault of the deployment, not of
// the token.
func TestVerifyIssuerUnreachable(t *testing.T) {
	t.Parallel()
	v, err := auth.NewVerifier(auth.VerifierConfig{Issuer: "http://127.0.0.1:1"})
	require.NoError(t, err)
	_, err = v.Verify(t.Context(), "a.b.c")
	_, ok := errors.AsType[*auth.IssuerError](err)
	require.True(t, ok, "%T %v", err, err)
	require.NotErrorIs(t, err, auth.ErrToken)
}
