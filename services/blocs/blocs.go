// Package blocs is the blocs service: units of the public sector, the
// emulation blocs and clusters they form, memberships, yearly terms,
// covenants, scores and rankings. New builds it from a Config; Register puts
// its gRPC handlers on a server. cmd/blocs runs it alone; tools/devstack runs
// it beside the other services.
package blocs

import (
	"context"
	"errors"
	"fmt"

	"github.com/tdkt-vn/tdkt/platform/policy"

	"google.golang.org/grpc"

	"github.com/tdkt-vn/tdkt/platform/config"
	"github.com/tdkt-vn/tdkt/platform/service"
	"github.com/tdkt-vn/tdkt/platform/telemetry"
	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
	"github.com/tdkt-vn/tdkt/services/blocs/internal/server"
	"github.com/tdkt-vn/tdkt/services/blocs/internal/store"
	"github.com/tdkt-vn/tdkt/services/blocs/lineage"
)

// Config is what the service needs to run: what every service has.
type Config struct {
	service.Config
}

// RegisterFlags registers the service's flags on f, with defaults from the
// TDKT_* environment: -database-url (TDKT_DATABASE_URL) and so on at the
// root, -blocs.database-url (TDKT_BLOCS_DATABASE_URL) under Sub("blocs").
func (c *Config) RegisterFlags(f config.Flags) {
	c.Config.RegisterFlags(f, "blocs")
}

// New opens the database (applying migrations) and the cache and builds the
// handlers: a running blocs service. Close releases them.
func New(ctx context.Context, cfg Config, tel *telemetry.Telemetry) (*service.Running, error) {
	parts, err := service.Open(ctx, "blocs", cfg.Config, tel)
	if err != nil {
		return nil, err
	}
	st, err := store.Open(ctx, cfg.DatabaseURL, tel.TracerProvider)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("blocs: %w", err), parts.Close())
	}
	access := server.NewAccess(st)
	pol := policy.New(parts.Authn, access, lineage.Scopes(access.Scope))
	handlers := server.New(st, parts.Cache, parts.Tokens, tel.Logger, pol)
	return service.NewRunning(parts, pol, func(g *grpc.Server) { blocsv1.RegisterBlocsServiceServer(g, handlers) }, st.Close), nil
}
