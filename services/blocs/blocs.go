// Package blocs is the blocs service: units of the public sector, the
// emulation blocs and clusters they form, memberships, yearly terms,
// covenants, scores and rankings. New builds it from a Config; Register puts
// its gRPC handlers on a server. cmd/blocs runs it alone; tools/devstack runs
// it beside the other services.
package blocs

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"google.golang.org/grpc"

	"github.com/tdkt-vn/tdkt/platform/cache"
	"github.com/tdkt-vn/tdkt/platform/config"
	"github.com/tdkt-vn/tdkt/platform/pagetoken"
	"github.com/tdkt-vn/tdkt/platform/telemetry"
	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
	"github.com/tdkt-vn/tdkt/services/blocs/internal/server"
	"github.com/tdkt-vn/tdkt/services/blocs/internal/store"
)

// Config is what the service needs to run.
type Config struct {
	// DatabaseURL is "sqlite:PATH", "sqlite::memory:" or "postgres://…".
	DatabaseURL string
	// Cache configures Redis; with no Redis address, an in-process cache.
	Cache cache.Config
	// PageTokenKey signs page tokens; at least 16 bytes. Replicas of the
	// service must share it.
	PageTokenKey string
}

// RegisterFlags registers the service's flags on fs, with defaults from the
// TDKT_* environment. prefix ("" or e.g. "blocs.") lets several services
// share one flag set.
func (c *Config) RegisterFlags(fs *flag.FlagSet, prefix string) {
	config.String(fs, &c.DatabaseURL, prefix+"database-url", "TDKT_DATABASE_URL", "sqlite:var/blocs.db",
		"database: sqlite:PATH, sqlite::memory: or postgres://user:pass@host/db")
	config.String(fs, &c.Cache.RedisAddr, prefix+"redis-addr", "TDKT_REDIS_ADDR", "",
		"Redis host:port for the cache; empty means an in-process cache")
	config.String(fs, &c.Cache.RedisPassword, prefix+"redis-password", "TDKT_REDIS_PASSWORD", "", "Redis password")
	config.Int(fs, &c.Cache.RedisDB, prefix+"redis-db", "TDKT_REDIS_DB", 0, "Redis database number")
	config.String(fs, &c.PageTokenKey, prefix+"page-token-key", "TDKT_PAGE_TOKEN_KEY", "",
		"secret that signs page tokens (16+ bytes); empty generates one per process")
}

// Service is a running blocs service: its store, cache and handlers.
type Service struct {
	handlers   *server.Server
	store      *store.Store
	closeCache func() error
}

// New opens the database (applying migrations) and the cache and builds the
// handlers. Close releases them.
func New(ctx context.Context, cfg Config, tel *telemetry.Telemetry) (*Service, error) {
	if tel == nil {
		return nil, errors.New("blocs: telemetry is required")
	}
	key, err := pagetoken.KeyOrRandom(cfg.PageTokenKey)
	if err != nil {
		return nil, fmt.Errorf("blocs: page token key: %w", err)
	}
	signer, err := pagetoken.NewSigner(key)
	if err != nil {
		return nil, fmt.Errorf("blocs: page token key: %w", err)
	}
	st, err := store.Open(ctx, cfg.DatabaseURL, tel.TracerProvider)
	if err != nil {
		return nil, fmt.Errorf("blocs: %w", err)
	}
	cfg.Cache.Prefix = "tdkt:blocs:"
	c, closeCache, err := cache.Open(ctx, cfg.Cache, tel)
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("blocs: cache: %w", err)
	}
	return &Service{
		handlers:   server.New(st, c, signer, tel.Logger),
		store:      st,
		closeCache: closeCache,
	}, nil
}

// Register adds the service's handlers to g.
func (s *Service) Register(g *grpc.Server) {
	blocsv1.RegisterBlocsServiceServer(g, s.handlers)
}

// Close releases the database and the cache.
func (s *Service) Close() error {
	return errors.Join(s.closeCache(), s.store.Close())
}
