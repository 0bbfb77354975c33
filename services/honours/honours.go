// Package honours is the honours service: the award catalogue, the
// decisions that confer honours, and the register of honours, the
// commendation history of the country. New builds it from a Config;
// Register puts its gRPC handlers on a server. cmd/honours runs it alone;
// tools/devstack runs it beside the other services.
package honours

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"google.golang.org/grpc"

	"github.com/tdkt-vn/tdkt/platform/cache"
	"github.com/tdkt-vn/tdkt/platform/config"
	"github.com/tdkt-vn/tdkt/platform/grpcclient"
	"github.com/tdkt-vn/tdkt/platform/pagetoken"
	"github.com/tdkt-vn/tdkt/platform/telemetry"
	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	"github.com/tdkt-vn/tdkt/services/honours/internal/lineage"
	"github.com/tdkt-vn/tdkt/services/honours/internal/personaldata"
	"github.com/tdkt-vn/tdkt/services/honours/internal/server"
	"github.com/tdkt-vn/tdkt/services/honours/internal/store"
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
	// BlocsAddr is the gRPC address of the blocs service, which holds the
	// units and their lineage.
	BlocsAddr string
	// PersonalDataKey encrypts citizen ids at rest: standard base64 of 32
	// random bytes, kept for as long as the data. Empty means full citizen
	// ids are not kept at all, only their masked form and the recipient key
	// derived from them.
	PersonalDataKey string
}

// RegisterFlags registers the service's flags on fs, with defaults from the
// TDKT_* environment. prefix ("" or e.g. "honours.") lets several services
// share one flag set.
func (c *Config) RegisterFlags(fs *flag.FlagSet, prefix string) {
	config.String(fs, &c.DatabaseURL, prefix+"database-url", "TDKT_DATABASE_URL", "sqlite:var/honours.db",
		"database: sqlite:PATH, sqlite::memory: or postgres://user:pass@host/db")
	config.String(fs, &c.Cache.RedisAddr, prefix+"redis-addr", "TDKT_REDIS_ADDR", "",
		"Redis host:port for the cache; empty means an in-process cache")
	config.String(fs, &c.Cache.RedisPassword, prefix+"redis-password", "TDKT_REDIS_PASSWORD", "", "Redis password")
	config.Int(fs, &c.Cache.RedisDB, prefix+"redis-db", "TDKT_REDIS_DB", 0, "Redis database number")
	config.String(fs, &c.PageTokenKey, prefix+"page-token-key", "TDKT_PAGE_TOKEN_KEY", "",
		"secret that signs page tokens (16+ bytes); empty generates one per process")
	config.String(fs, &c.BlocsAddr, prefix+"blocs-addr", "TDKT_BLOCS_ADDR", "127.0.0.1:9101",
		"gRPC address of the blocs service (units and their lineage)")
	config.String(fs, &c.PersonalDataKey, prefix+"personal-data-key", "TDKT_PERSONAL_DATA_KEY", "",
		"base64 of 32 random bytes that encrypt citizen ids at rest; empty keeps only masked citizen ids")
}

// Service is a running honours service: its store, cache, blocs client and
// handlers.
type Service struct {
	handlers   *server.Server
	store      *store.Store
	blocs      *grpc.ClientConn
	closeCache func() error
}

// New opens the database (applying migrations) and the cache, dials blocs
// (lazily: an unreachable blocs shows on the calls that need it) and builds
// the handlers. Close releases them.
func New(ctx context.Context, cfg Config, tel *telemetry.Telemetry) (*Service, error) {
	if tel == nil {
		return nil, errors.New("honours: telemetry is required")
	}
	if cfg.BlocsAddr == "" {
		return nil, errors.New("honours: the blocs address is required")
	}
	key, err := pagetoken.KeyOrRandom(cfg.PageTokenKey)
	if err != nil {
		return nil, fmt.Errorf("honours: page token key: %w", err)
	}
	signer, err := pagetoken.NewSigner(key)
	if err != nil {
		return nil, fmt.Errorf("honours: page token key: %w", err)
	}
	var sealer *personaldata.Sealer
	if cfg.PersonalDataKey != "" {
		k, err := personaldata.ParseKey(cfg.PersonalDataKey)
		if err != nil {
			return nil, fmt.Errorf("honours: %w", err)
		}
		if sealer, err = personaldata.NewSealer(k); err != nil {
			return nil, fmt.Errorf("honours: %w", err)
		}
	} else {
		tel.Logger.WarnContext(ctx, "no personal data key: full citizen ids are not kept, only masked ones (set TDKT_PERSONAL_DATA_KEY)")
	}
	conn, err := grpcclient.Dial(cfg.BlocsAddr, grpcclient.Options{Telemetry: tel})
	if err != nil {
		return nil, fmt.Errorf("honours: blocs: %w", err)
	}
	st, err := store.Open(ctx, cfg.DatabaseURL, tel.TracerProvider)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("honours: %w", err)
	}
	cfg.Cache.Prefix = "tdkt:honours:"
	c, closeCache, err := cache.Open(ctx, cfg.Cache, tel)
	if err != nil {
		st.Close()
		conn.Close()
		return nil, fmt.Errorf("honours: cache: %w", err)
	}
	handlers, err := server.New(server.Options{
		Store: st, Units: lineage.New(conn, c, 0), Cache: c, Tokens: signer, Sealer: sealer, Log: tel.Logger,
	})
	if err != nil {
		return nil, errors.Join(fmt.Errorf("honours: %w", err), closeCache(), st.Close(), conn.Close())
	}
	return &Service{handlers: handlers, store: st, blocs: conn, closeCache: closeCache}, nil
}

// Register adds the service's handlers to g.
func (s *Service) Register(g *grpc.Server) {
	honoursv1.RegisterHonoursServiceServer(g, s.handlers)
}

// Close releases the database, the cache and the connection to blocs.
func (s *Service) Close() error {
	return errors.Join(s.closeCache(), s.store.Close(), s.blocs.Close())
}
