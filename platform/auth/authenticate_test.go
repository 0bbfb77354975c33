package auth_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/tdkt-vn/tdkt/platform/auth"
	"github.com/tdkt-vn/tdkt/platform/auth/devissuer"
	"github.com/tdkt-vn/tdkt/platform/grpcserver"
	"github.com/tdkt-vn/tdkt/platform/policy"
	"github.com/tdkt-vn/tdkt/platform/service"
	"github.com/tdkt-vn/tdkt/platform/telemetry"
	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
)

// whoami is a blocs service that answers with its caller: GetUnit (public)
// and ArchiveGroup (a province's officers, over their own groups) return
// the caller's subject as the display name and how it authenticated as
// the short name.
type whoami struct {
	blocsv1.UnimplementedBlocsServiceServer
}

func (whoami) GetUnit(ctx context.Context, req *blocsv1.GetUnitRequest) (*blocsv1.Unit, error) {
	c := auth.FromContext(ctx)
	return &blocsv1.Unit{Name: req.GetName(), DisplayName: c.Subject, ShortName: c.Method}, nil
}

func (whoami) ArchiveGroup(ctx context.Context, req *blocsv1.ArchiveGroupRequest) (*blocsv1.Group, error) {
	c := auth.FromContext(ctx)
	return &blocsv1.Group{Name: req.GetName(), DisplayName: c.Subject}, nil
}

// groups: groups/<unit>-bloc belongs to <unit>; groups are public.
type groups struct{}

func (groups) Owner(_ context.Context, name string) (policy.Owner, error) {
	unit, _ := strings.CutSuffix(strings.TrimPrefix(name, "groups/"), "-bloc")
	return policy.Owner{Unit: unit, Public: true}, nil
}

// flat: a unit covers itself only.
type flat struct{}

func (flat) Covers(_ context.Context, grant, id string) (bool, error) { return grant == id, nil }
func (flat) Covered(_ context.Context, grant string) ([]string, error) {
	return []string{grant}, nil
}

// serve serves whoami, guarded by the policy with authn, on a loopback
// port, over TLS when tlsConfig is not nil. It returns the address.
func serve(t *testing.T, authn *auth.Authenticator, tlsConfig *tls.Config) string {
	t.Helper()
	tel, err := telemetry.Setup(t.Context(), telemetry.Config{ServiceName: "auth-test", LogOutput: io.Discard})
	require.NoError(t, err)
	srv, err := grpcserver.New(grpcserver.Options{
		Telemetry: tel, ShutdownTimeout: time.Second, TLS: tlsConfig,
		Guard: policy.New(authn, groups{}, flat{}),
	})
	require.NoError(t, err)
	blocsv1.RegisterBlocsServiceServer(srv.GRPC, whoami{})
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, lis) }()
	t.Cleanup(func() {
		cancel()
		require.NoError(t, <-done)
		_ = tel.Shutdown(context.Background())
	})
	return lis.Addr().String()
}

func dial(t *testing.T, addr string, creds credentials.TransportCredentials) blocsv1.BlocsServiceClient {
	t.Helper()
	if creds == nil {
		creds = insecure.NewCredentials()
	}
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(creds))
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	return blocsv1.NewBlocsServiceClient(conn)
}

func withAuthorization(ctx context.Context, value string) context.Context {
	return metadata.AppendToOutgoingContext(ctx, "authorization", value)
}

func bearer(ctx context.Context, token string) context.Context {
	return withAuthorization(ctx, "Bearer "+token)
}

func requireCode(t *testing.T, want codes.Code, err error, what string) {
	t.Helper()
	require.Equal(t, want, status.Code(err), "%s: %v", what, err)
}

// Through a real gRPC server guarded by the policy: every forged token is
// Unauthenticated, even for a public read; a good token is the caller the
// handler sees; a rotation at the issuer is picked up while the server
// runs.
func TestAuthenticateOverGRPC(t *testing.T) {
	t.Parallel()
	iss := startIssuer(t, devissuer.Options{})
	c := dial(t, serve(t, &auth.Authenticator{Verifier: newVerifier(t, iss)}, nil), nil)
	ctx := t.Context()
	own := &blocsv1.ArchiveGroupRequest{Name: "groups/thai-nguyen-bloc"}
	other := &blocsv1.ArchiveGroupRequest{Name: "groups/bac-kan-bloc"}
	unit := &blocsv1.GetUnitRequest{Name: "units/thai-nguyen"}

	for _, f := range devissuer.Forgeries {
		tok, err := iss.Forge(f, officer)
		require.NoError(t, err)
		_, err = c.GetUnit(bearer(ctx, tok), unit)
		requireCode(t, codes.Unauthenticated, err, f.String()+", public read")
		_, err = c.ArchiveGroup(bearer(ctx, tok), own)
		requireCode(t, codes.Unauthenticated, err, f.String()+", change")
	}
	for _, value := range []string{"Basic dXNlcjpwYXNz", "Bearer", "Bearer ", "token-without-scheme"} {
		_, err := c.GetUnit(withAuthorization(ctx, value), unit)
		requireCode(t, codes.Unauthenticated, err, value)
	}
	_, err := c.GetUnit(withAuthorization(withAuthorization(ctx, "Bearer a"), "Bearer b"), unit)
	requireCode(t, codes.Unauthenticated, err, "two authorizations")

	u, err := c.GetUnit(ctx, unit)
	require.NoError(t, err, "anonymous callers read what is public")
	require.Equal(t, auth.MethodAnonymous, u.GetShortName())
	_, err = c.ArchiveGroup(ctx, own)
	requireCode(t, codes.Unauthenticated, err, "an anonymous change")

	tok := iss.Token(officer, time.Minute)
	g, err := c.ArchiveGroup(bearer(ctx, tok), own)
	require.NoError(t, err)
	require.Equal(t, officer.Subject, g.GetDisplayName())
	_, err = c.ArchiveGroup(bearer(ctx, tok), other)
	requireCode(t, codes.PermissionDenied, err, "another province's group")

	_, err = iss.Rotate()
	require.NoError(t, err)
	g, err = c.ArchiveGroup(bearer(ctx, iss.Token(officer, time.Minute)), own)
	require.NoError(t, err, "a token of the rotated key")
	require.Equal(t, officer.Subject, g.GetDisplayName())
}

// A service whose issuer cannot be reached answers Unavailable to a
// caller with a token: the caller did nothing wrong.
func TestAuthenticateIssuerDown(t *testing.T) {
	t.Parallel()
	v, err := auth.NewVerifier(auth.VerifierConfig{Issuer: "http://127.0.0.1:1"})
	require.NoError(t, err)
	c := dial(t, serve(t, &auth.Authenticator{Verifier: v}, nil), nil)
	_, err = c.GetUnit(bearer(t.Context(), "a.b.c"), &blocsv1.GetUnitRequest{Name: "units/hue"})
	requireCode(t, codes.Unavailable, err, "issuer down")
}

// pki is a certificate authority for a test.
type pki struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  []byte
}

func newCA(t *testing.T, name string) *pki {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	return &pki{cert: cert, key: key, pem: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
}

// issue returns a certificate of the CA for tmpl's names, PEM-encoded
// with its key.
func (ca *pki) issue(t *testing.T, tmpl *x509.Certificate) (certPEM, keyPEM []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	serial, err := rand.Int(rand.Reader, big.NewInt(1<<62))
	require.NoError(t, err)
	tmpl.SerialNumber = serial
	tmpl.NotBefore, tmpl.NotAfter = time.Now().Add(-time.Hour), time.Now().Add(time.Hour)
	tmpl.KeyUsage = x509.KeyUsageDigitalSignature
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	require.NoError(t, err)
	keyDER, err := x509.MarshalECPrivateKey(key)
	require.NoError(t, err)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
}

func (ca *pki) client(t *testing.T, tmpl *x509.Certificate) tls.Certificate {
	t.Helper()
	tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	certPEM, keyPEM := ca.issue(t, tmpl)
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	require.NoError(t, err)
	return cert
}

func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(path, data, 0o600))
	return path
}

// Mutual TLS: a server configured as a service is (service.TLSConfig,
// -client-certificates) maps a verified client certificate to the caller
// an administrator gave it, by URI SAN or common name; a certificate it
// does not map is Unauthenticated, one from another authority fails the
// handshake, and a client without a certificate still signs in with a
// bearer token or reads anonymously.
func TestMutualTLS(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ca := newCA(t, "tdkt test CA")
	serverCert, serverKey := ca.issue(t, &x509.Certificate{
		Subject: pkix.Name{CommonName: "blocs"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	})
	cfg := service.Config{
		Auth: service.AuthConfig{ClientCertificates: writeFile(t, dir, "clients.json", []byte(`{"clients": [
			{"identity": "CN=he-thong-thai-nguyen", "grants": [{"unit": "thai-nguyen", "roles": ["BOARD_OFFICER"]}]},
			{"identity": "spiffe://bac-kan.gov.vn/tdkt", "grants": [{"unit": "units/bac-kan", "roles": ["BOARD_OFFICER", "VIEWER"]}]}
		]}`))},
		TLS: service.TLSConfig{
			CertFile:     writeFile(t, dir, "server.pem", serverCert),
			KeyFile:      writeFile(t, dir, "server-key.pem", serverKey),
			ClientCAFile: writeFile(t, dir, "clients-ca.pem", ca.pem),
		},
	}
	tlsConfig, err := cfg.ServerTLS()
	require.NoError(t, err)
	certs, err := auth.LoadCertificates(cfg.Auth.ClientCertificates)
	require.NoError(t, err)
	iss := startIssuer(t, devissuer.Options{})
	addr := serve(t, &auth.Authenticator{Verifier: newVerifier(t, iss), Certificates: certs}, tlsConfig)

	roots := x509.NewCertPool()
	roots.AddCert(ca.cert)
	client := func(certs ...tls.Certificate) blocsv1.BlocsServiceClient {
		return dial(t, addr, credentials.NewTLS(&tls.Config{RootCAs: roots, Certificates: certs, MinVersion: tls.VersionTLS12}))
	}
	ctx := t.Context()
	own := &blocsv1.ArchiveGroupRequest{Name: "groups/thai-nguyen-bloc"}
	other := &blocsv1.ArchiveGroupRequest{Name: "groups/bac-kan-bloc"}

	thaiNguyen := client(ca.client(t, &x509.Certificate{Subject: pkix.Name{CommonName: "he-thong-thai-nguyen"}}))
	g, err := thaiNguyen.ArchiveGroup(ctx, own)
	require.NoError(t, err)
	require.Equal(t, "CN=he-thong-thai-nguyen", g.GetDisplayName())
	_, err = thaiNguyen.ArchiveGroup(ctx, other)
	requireCode(t, codes.PermissionDenied, err, "Thái Nguyên's system on Bắc Kạn's group")
	u, err := thaiNguyen.GetUnit(ctx, &blocsv1.GetUnitRequest{Name: "units/thai-nguyen"})
	require.NoError(t, err)
	require.Equal(t, auth.MethodMTLS, u.GetShortName())

	spiffe, err := url.Parse("spiffe://bac-kan.gov.vn/tdkt")
	require.NoError(t, err)
	bacKan := client(ca.client(t, &x509.Certificate{Subject: pkix.Name{CommonName: "ignored"}, URIs: []*url.URL{spiffe}}))
	g, err = bacKan.ArchiveGroup(ctx, other)
	require.NoError(t, err, "identified by its URI SAN")
	require.Equal(t, "spiffe://bac-kan.gov.vn/tdkt", g.GetDisplayName())

	stranger := client(ca.client(t, &x509.Certificate{Subject: pkix.Name{CommonName: "stranger"}}))
	_, err = stranger.GetUnit(ctx, &blocsv1.GetUnitRequest{Name: "units/thai-nguyen"})
	requireCode(t, codes.Unauthenticated, err, "a certificate no one mapped")

	// Another authority of the same name: the client offers its
	// certificate, which does not verify.
	forged := client(newCA(t, "tdkt test CA").client(t, &x509.Certificate{Subject: pkix.Name{CommonName: "he-thong-thai-nguyen"}}))
	_, err = forged.GetUnit(ctx, &blocsv1.GetUnitRequest{Name: "units/thai-nguyen"})
	requireCode(t, codes.Unavailable, err, "a certificate of another authority fails the handshake")

	noCert := client()
	u, err = noCert.GetUnit(ctx, &blocsv1.GetUnitRequest{Name: "units/thai-nguyen"})
	require.NoError(t, err)
	require.Equal(t, auth.MethodAnonymous, u.GetShortName())
	g, err = noCert.ArchiveGroup(bearer(ctx, iss.Token(officer, time.Minute)), own)
	require.NoError(t, err, "a bearer token over TLS")
	require.Equal(t, officer.Subject, g.GetDisplayName())

	_, err = dial(t, addr, nil).GetUnit(ctx, &blocsv1.GetUnitRequest{Name: "units/thai-nguyen"})
	requireCode(t, codes.Unavailable, err, "plaintext to a TLS server")
}

func TestServerTLSSettings(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		cfg  service.Config
		want string
	}{
		{service.Config{TLS: service.TLSConfig{CertFile: "c.pem"}}, "go together"},
		{service.Config{TLS: service.TLSConfig{ClientCAFile: "ca.pem"}}, "needs -tls-cert"},
		{service.Config{Auth: service.AuthConfig{ClientCertificates: "clients.json"}}, "need -tls-client-ca"},
		{service.Config{TLS: service.TLSConfig{CertFile: "/nonexistent/c.pem", KeyFile: "/nonexistent/k.pem"}}, "-tls-cert, -tls-key"},
	} {
		_, err := tt.cfg.ServerTLS()
		require.ErrorContains(t, err, tt.want)
	}
	got, err := service.Config{}.ServerTLS()
	require.NoError(t, err)
	require.Nil(t, got, "plaintext by default")
}
