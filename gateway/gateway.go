// Package gateway is the REST edge of tdkt: grpc-gateway handlers for every
// backend service, dialled over real gRPC connections, the merged OpenAPI
// document, health and readiness probes and the Prometheus endpoint; bearer
// tokens verified and each caller's rate limited before any service is
// called, security headers and CORS on every answer, HTTPS when given a
// certificate. It holds no business logic: what a caller may do, the
// services decide.
//
// cmd/gateway runs it alone; tools/devstack runs it beside the services.
package gateway

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"google.golang.org/grpc"

	"github.com/tdkt-vn/tdkt/gateway/dashboard"
	"github.com/tdkt-vn/tdkt/platform/auth"
	"github.com/tdkt-vn/tdkt/platform/config"
	"github.com/tdkt-vn/tdkt/platform/grpcclient"
	"github.com/tdkt-vn/tdkt/platform/ratelimit"
	"github.com/tdkt-vn/tdkt/platform/telemetry"
	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	movementsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/movements/v1"
	nominationsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/nominations/v1"
)

// DefaultMaxBodyBytes is the default limit on a request body: 1 MiB.
const DefaultMaxBodyBytes = 1 << 20

// Config is what the gateway needs to run.
type Config struct {
	// BlocsAddr is the host:port of the blocs service's gRPC server.
	BlocsAddr string
	// HonoursAddr is the host:port of the honours service's gRPC server.
	HonoursAddr string
	// MovementsAddr is the host:port of the movements service's gRPC
	// server.
	MovementsAddr string
	// NominationsAddr is the host:port of the nominations service's gRPC
	// server.
	NominationsAddr string
	// MaxBodyBytes is the largest request body accepted; a larger one is
	// refused with HTTP 413.
	MaxBodyBytes int64
	// CORSOrigins lists, comma-separated, the origins whose browser pages
	// may call the API ("https://tdkt.gov.vn"); empty allows none.
	CORSOrigins string
	// Auth says whose bearer tokens the edge accepts: the issuer the
	// services believe (Issuer required). A request with a token that does
	// not verify is answered 401 before any service is called.
	Auth auth.VerifierConfig
	// RateLimit limits how fast each caller (the token's subject, else the
	// client's address) may call; over it, 429 with Retry-After. The zero
	// value sets no limit.
	RateLimit ratelimit.Limits
	// TLSCert and TLSKey are the PEM certificate (chain) and private key
	// the edge serves HTTPS with; empty serves plain HTTP.
	TLSCert, TLSKey string
	// Dashboard configures the web application served at /: its sign-in
	// at the issuer of Auth.
	Dashboard dashboard.Config
}

// RegisterFlags registers the gateway's flags on f, with defaults from the
// TDKT_* environment: -blocs-addr (TDKT_BLOCS_ADDR), -oidc-issuer
// (TDKT_OIDC_ISSUER), -rate-limit, -tls-cert and so on at the root,
// -gateway.blocs-addr (TDKT_GATEWAY_BLOCS_ADDR) under Sub("gateway").
func (c *Config) RegisterFlags(f config.Flags) {
	f.String(&c.BlocsAddr, "blocs-addr", "127.0.0.1:9101",
		"host:port of the blocs service's gRPC server")
	f.String(&c.HonoursAddr, "honours-addr", "127.0.0.1:9104",
		"host:port of the honours service's gRPC server")
	f.String(&c.MovementsAddr, "movements-addr", "127.0.0.1:9102",
		"host:port of the movements service's gRPC server")
	f.String(&c.NominationsAddr, "nominations-addr", "127.0.0.1:9103",
		"host:port of the nominations service's gRPC server")
	f.Int64(&c.MaxBodyBytes, "http-max-body", DefaultMaxBodyBytes,
		"largest request body accepted, in bytes; larger bodies get HTTP 413")
	f.String(&c.CORSOrigins, "cors-origins", "",
		"comma-separated origins whose browser pages may call the API, e.g. https://tdkt.gov.vn; empty allows none")
	f.String(&c.Auth.Issuer, "oidc-issuer", "", "OpenID Connect issuer URL whose bearer tokens are accepted (required)")
	f.String(&c.Auth.Audience, "oidc-audience", auth.DefaultAudience, "audience accepted tokens must name")
	f.String(&c.Auth.JWKSURL, "oidc-jwks-url", "", "the issuer's JWKS URL; empty means the one its discovery document names")
	c.RateLimit.RegisterFlags(f)
	f.String(&c.TLSCert, "tls-cert", "", "PEM certificate (chain) to serve HTTPS with; empty serves plain HTTP")
	f.String(&c.TLSKey, "tls-key", "", "PEM private key of -tls-cert")
	c.Dashboard.RegisterFlags(f)
}

// TLS returns the TLS configuration of the edge's HTTPS server; nil when
// no certificate is configured (plain HTTP). Serve with it on a
// tls.NewListener: it offers HTTP/2 and HTTP/1.1.
func (c Config) TLS() (*tls.Config, error) {
	if c.TLSCert == "" && c.TLSKey == "" {
		return nil, nil
	}
	if c.TLSCert == "" || c.TLSKey == "" {
		return nil, errors.New("gateway: -tls-cert and -tls-key go together")
	}
	cert, err := tls.LoadX509KeyPair(c.TLSCert, c.TLSKey)
	if err != nil {
		return nil, fmt.Errorf("gateway: TLS certificate (-tls-cert, -tls-key): %w", err)
	}
	return &tls.Config{
		Certificates: []tls.Certificate{cert},
		MinVersion:   tls.VersionTLS12,
		NextProtos:   []string{"h2", "http/1.1"},
	}, nil
}

// backend is one gRPC service behind the gateway.
type backend struct {
	// name is the short name used in logs and /readyz ("blocs").
	name string
	// addr is the host:port to dial.
	addr string
	// service is the full gRPC service name whose health /readyz checks.
	service string
	// register adds the service's REST routes to the mux.
	register func(context.Context, *runtime.ServeMux, *grpc.ClientConn) error
}

// backends lists the services the gateway fronts. Adding a service is one
// line here and one address in Config.
func (c Config) backends() []backend {
	return []backend{
		{"blocs", c.BlocsAddr, blocsv1.BlocsService_ServiceDesc.ServiceName, blocsv1.RegisterBlocsServiceHandler},
		{"honours", c.HonoursAddr, honoursv1.HonoursService_ServiceDesc.ServiceName, honoursv1.RegisterHonoursServiceHandler},
		{"movements", c.MovementsAddr, movementsv1.MovementsService_ServiceDesc.ServiceName, movementsv1.RegisterMovementsServiceHandler},
		{"nominations", c.NominationsAddr, nominationsv1.NominationsService_ServiceDesc.ServiceName, nominationsv1.RegisterNominationsServiceHandler},
	}
}

// Gateway is a running REST edge: its connections and its HTTP handler.
type Gateway struct {
	handler  http.Handler
	backends []dialled
}

// dialled is a backend with its connection.
type dialled struct {
	backend
	conn *grpc.ClientConn
}

// New dials every backend and builds the HTTP handler. Dialling does not
// wait for the backends: /readyz reports whether they answer. Close
// releases the connections.
func New(ctx context.Context, cfg Config, tel *telemetry.Telemetry) (*Gateway, error) {
	if tel == nil {
		return nil, errors.New("gateway: telemetry is required")
	}
	if cfg.MaxBodyBytes <= 0 {
		return nil, fmt.Errorf("gateway: max body size must be positive, got %d", cfg.MaxBodyBytes)
	}
	if cfg.Auth.Issuer == "" {
		return nil, errors.New("gateway: no OpenID Connect issuer: set -oidc-issuer (TDKT_OIDC_ISSUER), the one the services believe")
	}
	verifier, err := auth.NewVerifier(cfg.Auth)
	if err != nil {
		return nil, fmt.Errorf("gateway: %w", err)
	}
	var services []string
	for _, b := range cfg.backends() {
		services = append(services, b.service)
	}
	routes, err := httpRoutes(services)
	if err != nil {
		return nil, err
	}
	allow, err := newAllowed(routes)
	if err != nil {
		return nil, err
	}
	mux := newServeMux(allow)
	rt := newRouter(mux)
	for _, r := range routes {
		rt.claim(r.service, r.path)
	}
	g := &Gateway{}
	for _, b := range cfg.backends() {
		if b.addr == "" {
			return nil, errors.Join(fmt.Errorf("gateway: no address for the %s service", b.name), g.Close())
		}
		conn, err := grpcclient.Dial(b.addr, grpcclient.Options{Telemetry: tel})
		if err != nil {
			return nil, errors.Join(fmt.Errorf("gateway: dial %s at %s: %w", b.name, b.addr, err), g.Close())
		}
		g.backends = append(g.backends, dialled{backend: b, conn: conn})
		own := newServeMux(allow)
		for _, m := range []*runtime.ServeMux{mux, own} {
			if err := b.register(ctx, m, conn); err != nil {
				return nil, errors.Join(fmt.Errorf("gateway: register %s: %w", b.name, err), g.Close())
			}
		}
		rt.use(b.service, own)
	}
	if err := g.handleExtras(rt, tel); err != nil {
		return nil, errors.Join(err, g.Close())
	}
	guarded, err := guard(checkRequest(mux, rt, cfg.MaxBodyBytes), mux, verifier, cfg.RateLimit)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("gateway: %w", err), g.Close())
	}
	dash, err := dashboard.New(cfg.Dashboard, cfg.Auth.Issuer, verifier, g.clients(), tel.Logger)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("gateway: %w", err), g.Close())
	}
	pages, err := throttle(dash, cfg.RateLimit)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("gateway: %w", err), g.Close())
	}
	api := edge(guarded, mux, allow, parseOrigins(cfg.CORSOrigins))
	root := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isAPI(r.URL.Path) {
			api.ServeHTTP(w, r)
			return
		}
		pages.ServeHTTP(w, r)
	})
	g.handler = otelhttp.NewHandler(root, "tdkt-gateway",
		otelhttp.WithTracerProvider(tel.TracerProvider),
		otelhttp.WithMeterProvider(tel.MeterProvider),
		otelhttp.WithPropagators(tel.Propagator),
	)
	return g, nil
}

// isAPI reports whether path is the API's (and the probes'), not the
// dashboard's.
func isAPI(path string) bool {
	switch path {
	case "/openapi.json", "/healthz", "/readyz", "/metrics":
		return true
	}
	return strings.HasPrefix(path, "/v1/") || path == "/v1"
}

// clients are the gRPC clients of the backends, for the dashboard.
func (g *Gateway) clients() dashboard.Clients {
	var c dashboard.Clients
	for _, b := range g.backends {
		switch b.name {
		case "blocs":
			c.Blocs = blocsv1.NewBlocsServiceClient(b.conn)
		case "honours":
			c.Honours = honoursv1.NewHonoursServiceClient(b.conn)
		case "movements":
			c.Movements = movementsv1.NewMovementsServiceClient(b.conn)
		case "nominations":
			c.Nominations = nominationsv1.NewNominationsServiceClient(b.conn)
		}
	}
	return c
}

// Handler is the gateway's HTTP handler, traced and measured by otelhttp.
// Mount it at the root of a server, not under an http.ServeMux pattern:
// otelhttp would rename its spans after that pattern.
func (g *Gateway) Handler() http.Handler { return g.handler }

// Close closes the connections to the backends.
func (g *Gateway) Close() error {
	var errs []error
	for _, b := range g.backends {
		if err := b.conn.Close(); err != nil {
			errs = append(errs, fmt.Errorf("gateway: close %s connection: %w", b.name, err))
		}
	}
	g.backends = nil
	return errors.Join(errs...)
}
