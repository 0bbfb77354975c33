// Package movements is the movements service: the emulation movements
// (phong trào thi đua), their lifecycle from draft to closing review, and
// the units taking part in them. New builds it from a Config; Register puts
// its gRPC handlers on a server. cmd/movements runs it alone; tools/devstack
// runs it beside the other services.
package movements

import (
	"context"
	"errors"
	"fmt"

	"google.golang.org/grpc"

	"github.com/tdkt-vn/tdkt/platform/config"
	"github.com/tdkt-vn/tdkt/platform/grpcclient"
	"github.com/tdkt-vn/tdkt/platform/policy"
	"github.com/tdkt-vn/tdkt/platform/service"
	"github.com/tdkt-vn/tdkt/platform/telemetry"
	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	movementsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/movements/v1"
	"github.com/tdkt-vn/tdkt/services/blocs/blocsclient"
	"github.com/tdkt-vn/tdkt/services/blocs/lineage"
	"github.com/tdkt-vn/tdkt/services/movements/internal/server"
	"github.com/tdkt-vn/tdkt/services/movements/internal/store"
)

// Config is what the service needs to run.
type Config struct {
	service.Config
	// BlocsAddr is the gRPC address of the blocs service, which holds the
	// units and their lineage.
	BlocsAddr string
	// HonoursAddr is the gRPC address of the honours service, which holds
	// the honours exemplars name and counts those citing a movement.
	HonoursAddr string
}

// RegisterFlags registers the service's flags on f, with defaults from the
// TDKT_* environment: -database-url (TDKT_DATABASE_URL) and so on at the
// root, -movements.database-url (TDKT_MOVEMENTS_DATABASE_URL) under
// Sub("movements").
func (c *Config) RegisterFlags(f config.Flags) {
	c.Config.RegisterFlags(f, "movements")
	f.String(&c.BlocsAddr, "blocs-addr", "127.0.0.1:9101",
		"gRPC address of the blocs service (units and their lineage)")
	f.String(&c.HonoursAddr, "honours-addr", "127.0.0.1:9104",
		"gRPC address of the honours service (the honours exemplars name, and those citing a movement)")
}

// New opens the database (applying migrations) and the cache, dials blocs
// (lazily: while blocs is down the unit mirror answers from what it has)
// and honours (lazily: while honours is down, what needs it is
// UNAVAILABLE) and builds the handlers: a running movements service. Close
// releases them.
func New(ctx context.Context, cfg Config, tel *telemetry.Telemetry) (*service.Running, error) {
	if cfg.BlocsAddr == "" || cfg.HonoursAddr == "" {
		return nil, errors.New("movements: the blocs and honours addresses are required")
	}
	parts, err := service.Open(ctx, "movements", cfg.Config, tel)
	if err != nil {
		return nil, err
	}
	st, err := store.Open(ctx, cfg.DatabaseURL, tel.TracerProvider)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("movements: %w", err), parts.Close())
	}
	units, conn, releaseBlocs, err := blocsclient.Start(ctx, cfg.BlocsAddr, tel)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("movements: blocs: %w", err), parts.Close(), st.Close())
	}
	honoursConn, err := grpcclient.Dial(cfg.HonoursAddr, grpcclient.Options{Telemetry: tel})
	if err != nil {
		return nil, errors.Join(fmt.Errorf("movements: honours: %w", err), parts.Close(), st.Close(), releaseBlocs())
	}
	pol := policy.New(parts.Authn, server.NewAccess(st), lineage.Scopes(units.Scope))
	handlers := server.New(server.Options{
		Store: st, Units: units, Groups: server.BlocsGroups{Client: blocsv1.NewBlocsServiceClient(conn)},
		Honours: server.HonoursService{Client: honoursv1.NewHonoursServiceClient(honoursConn)}, Cache: parts.Cache, Tokens: parts.Tokens, Log: tel.Logger, Policy: pol,
	})
	return service.NewRunning(parts, pol, func(g *grpc.Server) { movementsv1.RegisterMovementsServiceServer(g, handlers) },
		releaseBlocs, st.Close, honoursConn.Close), nil
}
