// Package service holds what every tdkt service is configured with and
// opens the same way: its database URL, its cache and the key that signs
// its page tokens. A service's seam (services/<name>/<name>.go) embeds
// Config in its own, calls Open for the shared parts and opens its own
// store.
package service

import (
	"context"
	"errors"
	"fmt"

	"github.com/tdkt-vn/tdkt/platform/auth"

	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/tdkt-vn/tdkt/platform/cache"
	"github.com/tdkt-vn/tdkt/platform/config"
	"github.com/tdkt-vn/tdkt/platform/pagetoken"
	"github.com/tdkt-vn/tdkt/platform/ratelimit"
	"github.com/tdkt-vn/tdkt/platform/telemetry"
)

// Config is what every service is configured with.
type Config struct {
	// DatabaseURL is "sqlite:PATH", "sqlite::memory:" or "postgres://…".
	DatabaseURL string
	// Cache configures Redis; with no Redis address, an in-process cache.
	Cache cache.Config
	// PageTokenKey signs page tokens; at least 16 bytes. Replicas of the
	// service must share it.
	PageTokenKey string
	// Auth says whom the service believes.
	Auth AuthConfig
	// TLS is the certificate the service's gRPC server presents, and the
	// client authorities of mutual TLS.
	TLS TLSConfig
	// RateLimit limits how fast each caller may call the service.
	RateLimit ratelimit.Limits
}

// RateLimits returns the rate limits of the service's gRPC server
// (platform/command finds them through this method of the Config every
// service embeds).
func (c Config) RateLimits() ratelimit.Limits { return c.RateLimit }

// AuthConfig says which credentials a service accepts: bearer JWTs of one
// OpenID Connect issuer, and client certificates an administrator mapped to
// units.
type AuthConfig struct {
	// Issuer is the issuer URL (TDKT_OIDC_ISSUER). Required.
	Issuer string
	// Audience is the audience tokens must name; "" means "tdkt".
	Audience string
	// JWKSURL overrides the jwks_uri of the issuer's discovery document.
	JWKSURL string
	// ClientCertificates is a JSON file mapping client certificate
	// identities to units and roles (auth.LoadCertificates); "" means
	// none are mapped.
	ClientCertificates string
}

// RegisterFlags registers -oidc-issuer, -oidc-audience, -oidc-jwks-url
// and -client-certificates on f.
func (c *AuthConfig) RegisterFlags(f config.Flags) {
	f.String(&c.Issuer, "oidc-issuer", "", "OpenID Connect issuer URL whose bearer tokens are accepted (required)")
	f.String(&c.Audience, "oidc-audience", auth.DefaultAudience, "audience accepted tokens must name")
	f.String(&c.JWKSURL, "oidc-jwks-url", "", "the issuer's JWKS URL; empty means the one its discovery document names")
	f.String(&c.ClientCertificates, "client-certificates", "",
		"JSON file mapping client certificate identities to units and roles, for mutual TLS; empty means none")
}

// Authenticator builds the authenticator c describes.
func (c AuthConfig) Authenticator() (*auth.Authenticator, error) {
	if c.Issuer == "" {
		return nil, errors.New("no OpenID Connect issuer: set -oidc-issuer (TDKT_OIDC_ISSUER); devstack runs one of its own")
	}
	v, err := auth.NewVerifier(auth.VerifierConfig{Issuer: c.Issuer, Audience: c.Audience, JWKSURL: c.JWKSURL})
	if err != nil {
		return nil, err
	}
	a := &auth.Authenticator{Verifier: v}
	if c.ClientCertificates != "" {
		if a.Certificates, err = auth.LoadCertificates(c.ClientCertificates); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// RegisterFlags registers the shared flags of the service name on f, with
// defaults from the TDKT_* environment: -database-url
// (TDKT_DATABASE_URL, default sqlite:var/<name>.db), the cache's flags,
// -page-token-key, and those of Auth, TLS and RateLimit (-rate-limit,
// -rate-burst, -trusted-proxies).
func (c *Config) RegisterFlags(f config.Flags, name string) {
	f.String(&c.DatabaseURL, "database-url", "sqlite:var/"+name+".db",
		"database: sqlite:PATH, sqlite::memory: or postgres://user:pass@host/db")
	c.Cache.RegisterFlags(f)
	f.String(&c.PageTokenKey, "page-token-key", "",
		"secret that signs page tokens (16+ bytes); empty generates one per process")
	c.Auth.RegisterFlags(f)
	c.TLS.RegisterFlags(f)
	c.RateLimit.RegisterFlags(f)
}

// Parts are the shared parts of a running service.
type Parts struct {
	// Cache holds the service's cached reads, under keys prefixed
	// "tdkt:<name>:".
	Cache cache.Cache
	// Tokens signs and checks the service's page tokens.
	Tokens *pagetoken.Signer
	// Authn finds the callers of incoming calls.
	Authn       *auth.Authenticator
	closeCache  func() error
	stopWatches []func()
}

// CacheHealthService is the name under which a service's gRPC health
// reports its cache: NOT_SERVING while the cache is degraded (Redis failing
// or slow, its circuit breaker open, reads served by the database), SERVING
// otherwise. The service itself stays SERVING: it answers correctly, only
// slower.
const CacheHealthService = "tdkt.cache"

// ReportHealth keeps the status of CacheHealthService in hs up to date
// until Close.
func (p *Parts) ReportHealth(hs *health.Server) {
	p.stopWatches = append(p.stopWatches, cache.Watch(p.Cache, func(healthy bool) {
		status := healthpb.HealthCheckResponse_SERVING
		if !healthy {
			status = healthpb.HealthCheckResponse_NOT_SERVING
		}
		hs.SetServingStatus(CacheHealthService, status)
	}))
}

// Open opens the shared parts of the service name. Close releases them.
func Open(ctx context.Context, name string, cfg Config, tel *telemetry.Telemetry) (*Parts, error) {
	if tel == nil {
		return nil, fmt.Errorf("%s: telemetry is required", name)
	}
	authn, err := cfg.Auth.Authenticator()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	key, err := pagetoken.KeyOrRandom(cfg.PageTokenKey)
	if err != nil {
		return nil, fmt.Errorf("%s: page token key: %w", name, err)
	}
	signer, err := pagetoken.NewSigner(key)
	if err != nil {
		return nil, fmt.Errorf("%s: page token key: %w", name, err)
	}
	cfg.Cache.Prefix = "tdkt:" + name + ":"
	c, closeCache, err := cache.Open(ctx, cfg.Cache, tel)
	if err != nil {
		return nil, fmt.Errorf("%s: cache: %w", name, err)
	}
	return &Parts{Cache: c, Tokens: signer, Authn: authn, closeCache: closeCache}, nil
}

// Close releases the parts.
func (p *Parts) Close() error {
	if p == nil {
		return nil
	}
	for _, stop := range p.stopWatches {
		stop()
	}
	return errors.Join(p.closeCache())
}
