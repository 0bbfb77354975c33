package auth_test

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tdkt-vn/tdkt/platform/auth"
	"github.com/tdkt-vn/tdkt/platform/auth/devissuer"
)

// Forged tokens, naming unknown key ids or bearing bad signatures, make the
// verifier fetch the issuer's keys a bounded number of times, not once
// each.
func TestForgeriesDoNotFloodTheIssuer(t *testing.T) {
	t.Parallel()
	var fetches atomic.Int64
	var iss *devissuer.Issuer
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/jwks" {
			fetches.Add(1)
		}
		iss.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	var err error
	iss, err = devissuer.New(srv.URL, devissuer.Options{})
	require.NoError(t, err)
	v, err := auth.NewVerifier(auth.VerifierConfig{Issuer: srv.URL})
	require.NoError(t, err)
	c := &auth.Caller{Subject: "x", Method: auth.MethodBearer, Grants: []auth.Grant{{Unit: "thai-nguyen", Roles: []auth.Role{auth.Viewer}}}}
	_, err = v.Verify(t.Context(), iss.Token(c, time.Minute))
	require.NoError(t, err)
	require.EqualValues(t, 1, fetches.Load())

	for range 50 {
		for _, f := range []devissuer.Forgery{devissuer.UnknownKey, devissuer.AlteredPayload} {
			forged, err := iss.Forge(f, c)
			require.NoError(t, err)
			_, err = v.Verify(t.Context(), forged)
			require.ErrorIs(t, err, auth.ErrToken)
		}
	}
	// One first fetch, then at most a burst of three (keySet).
	require.LessOrEqual(t, fetches.Load(), int64(4), "fetches of the key set")
}
