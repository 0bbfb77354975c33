package gateway_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"flag"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/propagation"
	tracenoop "go.opentelemetry.io/otel/trace/noop"
	"google.golang.org/grpc/codes"

	"github.com/tdkt-vn/tdkt/gateway"
	"github.com/tdkt-vn/tdkt/platform/auth"
	"github.com/tdkt-vn/tdkt/platform/auth/devissuer"
	"github.com/tdkt-vn/tdkt/platform/config"
	"github.com/tdkt-vn/tdkt/platform/ratelimit"
	"github.com/tdkt-vn/tdkt/platform/telemetry"
)

func officer(subject string) *auth.Caller {
	return &auth.Caller{Subject: subject, Method: auth.MethodBearer,
		Grants: []auth.Grant{{Unit: "bac-kan", Roles: []auth.Role{auth.BoardOfficer}}}}
}

// requireEdgeHeaders checks that an answer of the edge's own carries the
// security headers and, for an allowed origin, CORS.
func requireEdgeHeaders(t *testing.T, r response, origin string) {
	t.Helper()
	require.Equal(t, "nosniff", r.header.Get("X-Content-Type-Options"))
	require.Equal(t, "DENY", r.header.Get("X-Frame-Options"))
	require.Contains(t, r.header.Get("Content-Security-Policy"), "frame-ancestors 'none'")
	require.Equal(t, origin, r.header.Get("Access-Control-Allow-Origin"))
	require.Equal(t, "application/json", r.header.Get("Content-Type"))
}

// requireDetailReason checks the ErrorInfo reason of a JSON error body.
func requireDetailReason(t *testing.T, r response, reason string) {
	t.Helper()
	require.Contains(t, string(r.body), `"reason":"`+reason+`"`, "%s", r.body)
}

// TestBearerTokens: a good token is forwarded to the service as the
// authorization metadata; a bad one is answered 401 with a Bearer
// challenge and the usual JSON error, and no service is called.
func TestBearerTokens(t *testing.T) {
	const origin = "https://tdkt.gov.vn"
	e := start(t, gateway.DefaultMaxBodyBytes, func(c *gateway.Config) { c.CORSOrigins = origin })
	good := e.issuer.Token(officer("officer-1"), time.Minute)

	r := e.do(t, http.MethodGet, "/v1/units/bac-kan", nil, "Authorization", "Bearer "+good)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	require.Equal(t, []string{"Bearer " + good}, e.fake.lastMD().Get("authorization"),
		"the token travels on as the authorization metadata")

	r = e.do(t, http.MethodGet, "/v1/units/bac-kan", nil)
	require.Equal(t, http.StatusOK, r.status, "no token: anonymous, the service decides")
	require.Empty(t, e.fake.lastMD().Get("authorization"))

	expired, err := e.issuer.Forge(devissuer.Expired, officer("officer-1"))
	require.NoError(t, err)
	altered, err := e.issuer.Forge(devissuer.AlteredPayload, officer("officer-1"))
	require.NoError(t, err)
	other, err := devissuer.New("http://127.0.0.1:1", devissuer.Options{})
	require.NoError(t, err)
	bad := map[string][]string{
		"garbage":            {"Bearer not-a-jwt"},
		"expired":            {"Bearer " + expired},
		"altered":            {"Bearer " + altered},
		"another issuer":     {"Bearer " + other.Token(officer("officer-1"), time.Minute)},
		"not bearer":         {"Basic b2ZmaWNlcjpzZWNyZXQ="},
		"empty bearer":       {"Bearer "},
		"two authorizations": {"Bearer " + good, "Bearer " + good},
	}
	e.fake.md = nil
	for name, values := range bad {
		t.Run(name, func(t *testing.T) {
			req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, e.url+"/v1/units/bac-kan", nil)
			require.NoError(t, err)
			req.Header.Set("Origin", origin)
			for _, v := range values {
				req.Header.Add("Authorization", v)
			}
			r := e.send(t, req)
			require.Equal(t, http.StatusUnauthorized, r.status, "%s", r.body)
			require.Equal(t, `Bearer realm="tdkt", error="invalid_token"`, r.header.Get("WWW-Authenticate"))
			require.Equal(t, int(codes.Unauthenticated), decodeStatus(t, r).Code)
			requireDetailReason(t, r, gateway.ReasonInvalidToken)
			requireEdgeHeaders(t, r, origin)
			if len(values) == 1 && len(values[0]) > 20 {
				require.NotContains(t, string(r.body), values[0][7:], "the token is not repeated")
			}
		})
	}
	require.Nil(t, e.fake.lastMD(), "no service was called")

	// A service's Unauthenticated (an anonymous caller of a method that
	// needs a role) is a 401 with a bare challenge.
	r = e.do(t, http.MethodGet, "/v1/units/anon", nil)
	require.Equal(t, http.StatusUnauthorized, r.status)
	require.Equal(t, `Bearer realm="tdkt"`, r.header.Get("WWW-Authenticate"))
	r = e.do(t, http.MethodGet, "/v1/units/denied", nil, "Authorization", "Bearer "+good)
	require.Equal(t, http.StatusForbidden, r.status)
	require.Empty(t, r.header.Get("WWW-Authenticate"))
	r = e.do(t, http.MethodGet, "/v1/units/busy", nil, "Authorization", "Bearer "+good)
	require.Equal(t, http.StatusTooManyRequests, r.status)
	require.Equal(t, "2", r.header.Get("Retry-After"), "a service's RetryInfo of 1.5s, rounded up")
}

// TestRateLimitAtTheEdge: a caller over its burst gets 429 with
// Retry-After, the security headers and the JSON error, before any
// service is called; another caller, and anonymous callers (counted by
// address), are unaffected; bad tokens are counted by address too.
func TestRateLimitAtTheEdge(t *testing.T) {
	const origin = "https://tdkt.gov.vn"
	e := start(t, gateway.DefaultMaxBodyBytes, func(c *gateway.Config) {
		c.CORSOrigins = origin
		c.RateLimit = ratelimit.Limits{Rate: 1, Burst: 3}
	})
	alice := "Bearer " + e.issuer.Token(officer("alice"), time.Minute)
	bob := "Bearer " + e.issuer.Token(officer("bob"), time.Minute)

	for i := range 3 {
		r := e.do(t, http.MethodGet, "/v1/units/bac-kan", nil, "Authorization", alice)
		require.Equal(t, http.StatusOK, r.status, "call %d of the burst: %s", i+1, r.body)
	}
	e.fake.md = nil
	r := e.do(t, http.MethodGet, "/v1/units/bac-kan", nil, "Authorization", alice, "Origin", origin)
	require.Equal(t, http.StatusTooManyRequests, r.status, "%s", r.body)
	require.Equal(t, "1", r.header.Get("Retry-After"))
	require.Equal(t, int(codes.ResourceExhausted), decodeStatus(t, r).Code)
	requireDetailReason(t, r, "RATE_LIMITED")
	require.Contains(t, string(r.body), "google.rpc.RetryInfo")
	requireEdgeHeaders(t, r, origin)
	require.Nil(t, e.fake.lastMD(), "no service was called")

	r = e.do(t, http.MethodGet, "/v1/units/bac-kan", nil, "Authorization", bob)
	require.Equal(t, http.StatusOK, r.status, "another caller has its own bucket")
	for i := range 3 {
		r = e.do(t, http.MethodGet, "/v1/units/bac-kan", nil)
		require.Equal(t, http.StatusOK, r.status, "anonymous call %d, counted by address", i+1)
	}
	r = e.do(t, http.MethodGet, "/healthz", nil)
	require.Equal(t, http.StatusTooManyRequests, r.status, "the address is over its limit too")

	// Bad tokens are counted by address: past the burst, the next one is
	// not even verified.
	for range 3 {
		r = e.do(t, http.MethodGet, "/v1/units/bac-kan", nil, "Authorization", "Bearer forged")
		require.Equal(t, http.StatusUnauthorized, r.status)
	}
	r = e.do(t, http.MethodGet, "/v1/units/bac-kan", nil, "Authorization", "Bearer forged")
	require.Equal(t, http.StatusTooManyRequests, r.status)
	require.NotEmpty(t, r.header.Get("Retry-After"))
}

// TestRateLimitOfPages: the dashboard's pages are limited by address with
// the same limits, in a bucket of their own.
func TestRateLimitOfPages(t *testing.T) {
	e := start(t, gateway.DefaultMaxBodyBytes, func(c *gateway.Config) { c.RateLimit = ratelimit.Limits{Rate: 1, Burst: 2} })
	for i := range 2 {
		r := e.do(t, http.MethodGet, "/static/app.css", nil)
		require.Equal(t, http.StatusOK, r.status, "request %d of the burst", i+1)
	}
	r := e.do(t, http.MethodGet, "/static/app.css", nil)
	require.Equal(t, http.StatusTooManyRequests, r.status)
	require.Equal(t, "1", r.header.Get("Retry-After"))
	r = e.do(t, http.MethodGet, "/healthz", nil)
	require.Equal(t, http.StatusOK, r.status, "the API's bucket is another")
}

// TestNoIssuer: the gateway does not start without an issuer to verify
// tokens with.
func TestNoIssuer(t *testing.T) {
	tel := &telemetry.Telemetry{
		TracerProvider: tracenoop.NewTracerProvider(),
		MeterProvider:  metricnoop.NewMeterProvider(),
		Propagator:     propagation.TraceContext{},
		Logger:         slog.New(slog.NewTextHandler(t.Output(), nil)),
	}
	_, err := gateway.New(t.Context(), gateway.Config{BlocsAddr: "127.0.0.1:1", HonoursAddr: "127.0.0.1:1", MovementsAddr: "127.0.0.1:1", NominationsAddr: "127.0.0.1:1", MaxBodyBytes: 1}, tel)
	require.ErrorContains(t, err, "-oidc-issuer")
	_, err = gateway.New(t.Context(), gateway.Config{BlocsAddr: "127.0.0.1:1", HonoursAddr: "127.0.0.1:1", MovementsAddr: "127.0.0.1:1", NominationsAddr: "127.0.0.1:1", MaxBodyBytes: 1,
		Auth: auth.VerifierConfig{Issuer: "http://127.0.0.1:1"}, RateLimit: ratelimit.Limits{Rate: 1, TrustedProxies: "lb"}}, tel)
	require.ErrorContains(t, err, "trusted proxy")
}

// TestHTTPS: given a certificate, the edge serves HTTPS (HTTP/2 offered)
// with Strict-Transport-Security.
func TestHTTPS(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, pool := selfSigned(t, dir)
	e := start(t, gateway.DefaultMaxBodyBytes)

	cfg := gateway.Config{TLSCert: certFile, TLSKey: keyFile}
	tc, err := cfg.TLS()
	require.NoError(t, err)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := &http.Server{Handler: e.handler, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(tls.NewListener(lis, tc)) }()
	t.Cleanup(func() { _ = srv.Close() })

	client := &http.Client{Transport: &http.Transport{
		TLSClientConfig:   &tls.Config{RootCAs: pool},
		ForceAttemptHTTP2: true,
	}}
	t.Cleanup(client.CloseIdleConnections)
	resp, err := client.Get("https://" + lis.Addr().String() + "/healthz")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, 2, resp.ProtoMajor, "HTTP/2 over TLS")
	require.Equal(t, "max-age=31536000", resp.Header.Get("Strict-Transport-Security"))

	plain, err := http.Get("http://" + lis.Addr().String() + "/healthz")
	require.NoError(t, err)
	plain.Body.Close()
	require.Equal(t, http.StatusBadRequest, plain.StatusCode, "no plain HTTP on the TLS port")

	for _, c := range []gateway.Config{
		{TLSCert: certFile},
		{TLSKey: keyFile},
		{TLSCert: keyFile, TLSKey: certFile},
		{TLSCert: filepath.Join(dir, "missing.pem"), TLSKey: keyFile},
	} {
		_, err := c.TLS()
		require.Error(t, err, "%+v", c)
	}
	tc, err = gateway.Config{}.TLS()
	require.NoError(t, err)
	require.Nil(t, tc, "no certificate: plain HTTP")
}

// TestAuthAndTLSFlags: the edge's issuer, rate limit and certificate are
// flags with TDKT_* variables, as the services' are.
func TestAuthAndTLSFlags(t *testing.T) {
	t.Setenv("TDKT_OIDC_ISSUER", "https://sso.tdkt.gov.vn")
	t.Setenv("TDKT_TLS_CERT", "/etc/tdkt/cert.pem")
	t.Setenv("TDKT_RATE_LIMIT", "20")
	var c gateway.Config
	fs := flag.NewFlagSet("gateway", flag.ContinueOnError)
	c.RegisterFlags(config.NewFlags(fs))
	require.NoError(t, config.Parse(fs, []string{"-tls-key", "/etc/tdkt/key.pem", "-trusted-proxies", "10.0.0.0/8"}))
	require.Equal(t, "https://sso.tdkt.gov.vn", c.Auth.Issuer)
	require.Equal(t, auth.DefaultAudience, c.Auth.Audience)
	require.Equal(t, "/etc/tdkt/cert.pem", c.TLSCert)
	require.Equal(t, "/etc/tdkt/key.pem", c.TLSKey)
	require.Equal(t, ratelimit.Limits{Rate: 20, Burst: ratelimit.DefaultBurst, TrustedProxies: "10.0.0.0/8"}, c.RateLimit)
}

// selfSigned writes a self-signed certificate for 127.0.0.1 and its key
// to dir, and returns their paths and a pool that trusts it.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "tdkt gateway test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	kder, err := x509.MarshalPKCS8PrivateKey(key)
	require.NoError(t, err)
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	require.NoError(t, os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600))
	require.NoError(t, os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder}), 0o600))
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}
