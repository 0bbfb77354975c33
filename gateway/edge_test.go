package gateway_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tdkt-vn/tdkt/gateway"
)

// TestSecurityHeadersAndCORS: every answer carries the security headers;
// a page of an allowed origin may call the API (preflight and call), one of
// another origin gets no CORS header and its preflight is 403.
func TestSecurityHeadersAndCORS(t *testing.T) {
	e := start(t, gateway.DefaultMaxBodyBytes, func(c *gateway.Config) {
		c.CORSOrigins = "https://tdkt.gov.vn, https://thidua.bacninh.gov.vn/"
	})
	for _, path := range []string{"/v1/units/bac-kan", "/v1/no-such-thing", "/healthz"} {
		r := e.do(t, http.MethodGet, path, nil)
		require.Equal(t, "nosniff", r.header.Get("X-Content-Type-Options"), path)
		require.Equal(t, "DENY", r.header.Get("X-Frame-Options"), path)
		require.Contains(t, r.header.Get("Content-Security-Policy"), "frame-ancestors 'none'", path)
		require.Empty(t, r.header.Get("Strict-Transport-Security"), "not over plain HTTP")
		require.Empty(t, r.header.Get("Access-Control-Allow-Origin"), "no Origin, no CORS")
	}

	r := e.do(t, http.MethodOptions, "/v1/units/bac-kan", nil,
		"Origin", "https://thidua.bacninh.gov.vn", "Access-Control-Request-Method", "PATCH")
	require.Equal(t, http.StatusNoContent, r.status, "%s", r.body)
	require.Equal(t, "https://thidua.bacninh.gov.vn", r.header.Get("Access-Control-Allow-Origin"))
	require.Equal(t, "GET, PATCH", r.header.Get("Access-Control-Allow-Methods"))
	require.Contains(t, r.header.Get("Access-Control-Allow-Headers"), "If-Match")

	r = e.do(t, http.MethodGet, "/v1/units/bac-kan", nil, "Origin", "https://tdkt.gov.vn")
	require.Equal(t, http.StatusOK, r.status)
	require.Equal(t, "https://tdkt.gov.vn", r.header.Get("Access-Control-Allow-Origin"))
	require.Contains(t, r.header.Get("Access-Control-Expose-Headers"), "ETag")
	require.Contains(t, r.header.Values("Vary"), "Origin")

	r = e.do(t, http.MethodGet, "/v1/units/bac-kan", nil, "Origin", "https://evil.example")
	require.Equal(t, http.StatusOK, r.status, "the call itself is answered; the browser withholds it")
	require.Empty(t, r.header.Get("Access-Control-Allow-Origin"))
	r = e.do(t, http.MethodOptions, "/v1/units/bac-kan", nil,
		"Origin", "https://evil.example", "Access-Control-Request-Method", "PATCH")
	require.Equal(t, http.StatusForbidden, r.status)
	require.Equal(t, 7, decodeStatus(t, r).Code, "PERMISSION_DENIED")
	require.Empty(t, r.header.Get("Access-Control-Allow-Origin"))
}

// TestNoCORSByDefault: without configured origins no page of another
// origin may call the API.
func TestNoCORSByDefault(t *testing.T) {
	e := start(t, gateway.DefaultMaxBodyBytes)
	r := e.do(t, http.MethodOptions, "/v1/units/bac-kan", nil,
		"Origin", "https://tdkt.gov.vn", "Access-Control-Request-Method", "GET")
	require.Equal(t, http.StatusForbidden, r.status)
	r = e.do(t, http.MethodGet, "/v1/units/bac-kan", nil, "Origin", "https://tdkt.gov.vn")
	require.Empty(t, r.header.Get("Access-Control-Allow-Origin"))
}
