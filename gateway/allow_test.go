package gateway_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tdkt-vn/tdkt/gateway"
)

// TestMethodNotAllowed: a method a resource path does not take is 405 with
// the methods it takes in Allow, from the services' http rules; an unknown
// path stays 404.
func TestMethodNotAllowed(t *testing.T) {
	e := start(t, gateway.DefaultMaxBodyBytes)
	for _, tc := range []struct {
		method, path, allow string
	}{
		{http.MethodDelete, "/v1/units/bac-kan", "GET, PATCH"},
		{http.MethodPut, "/v1/units/bac-kan", "GET, PATCH"},
		{http.MethodOptions, "/v1/units/bac-kan", "GET, PATCH"},
		{http.MethodDelete, "/v1/units", "GET, POST"},
		{http.MethodDelete, "/v1/decisions/qd-1", "GET"},
	} {
		r := e.do(t, tc.method, tc.path, nil)
		require.Equal(t, http.StatusMethodNotAllowed, r.status, "%s %s: %s", tc.method, tc.path, r.body)
		require.Equal(t, tc.allow, r.header.Get("Allow"), "%s %s", tc.method, tc.path)
		st := decodeStatus(t, r)
		require.Equal(t, 12, st.Code, "UNIMPLEMENTED")
		require.Contains(t, st.Message, tc.allow)
	}
	r := e.do(t, http.MethodGet, "/v1/no-such-thing", nil)
	require.Equal(t, http.StatusNotFound, r.status, "%s", r.body)
	require.Empty(t, r.header.Get("Allow"))
}
