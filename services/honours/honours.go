// Package honours is the honours service: the award catalogue, the
// decisions that confer honours, and the register of honours, the
// commendation history of the country. New builds it from a Config;
// Register puts its gRPC handlers on a server. cmd/honours runs it alone;
// tools/devstack runs it beside the other services.
package honours

import (
	"cmp"
	"context"
	"errors"
	"fmt"

	"github.com/tdkt-vn/tdkt/platform/policy"

	"google.golang.org/grpc"

	"github.com/tdkt-vn/tdkt/platform/config"
	"github.com/tdkt-vn/tdkt/platform/service"
	"github.com/tdkt-vn/tdkt/platform/telemetry"
	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	"github.com/tdkt-vn/tdkt/services/blocs/blocsclient"
	"github.com/tdkt-vn/tdkt/services/blocs/lineage"
	"github.com/tdkt-vn/tdkt/services/honours/internal/server"
	"github.com/tdkt-vn/tdkt/services/honours/internal/store"
	"github.com/tdkt-vn/tdkt/services/honours/personaldata"
)

// Config is what the service needs to run.
type Config struct {
	service.Config
	// BlocsAddr is the gRPC address of the blocs service, which holds the
	// units and their lineage.
	BlocsAddr string
	// PersonalData is the key that seals citizen ids and the secret of
	// recipient keys.
	PersonalData personaldata.Config
}

// RegisterFlags registers the service's flags on f, with defaults from the
// TDKT_* environment: -database-url (TDKT_DATABASE_URL) and so on at the
// root, -honours.database-url (TDKT_HONOURS_DATABASE_URL) under
// Sub("honours").
func (c *Config) RegisterFlags(f config.Flags) {
	c.Config.RegisterFlags(f, "honours")
	f.String(&c.BlocsAddr, "blocs-addr", "127.0.0.1:9101",
		"gRPC address of the blocs service (units and their lineage)")
	c.PersonalData.RegisterFlags(f)
}

// New opens the database (applying migrations) and the cache, dials blocs
// (lazily: an unreachable blocs shows on the calls that need it) and builds
// the handlers: a running honours service. Close releases them.
func New(ctx context.Context, cfg Config, tel *telemetry.Telemetry) (*service.Running, error) {
	if cfg.BlocsAddr == "" {
		return nil, errors.New("honours: the blocs address is required")
	}
	parts, err := service.Open(ctx, "honours", cfg.Config, tel)
	if err != nil {
		return nil, err
	}
	sealer, keys, err := cfg.PersonalData.Open(ctx, tel.Logger, "honours")
	if err != nil {
		return nil, errors.Join(err, parts.Close())
	}
	units, _, releaseBlocs, err := blocsclient.Start(ctx, cfg.BlocsAddr, tel)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("honours: blocs: %w", err), parts.Close())
	}
	st, err := store.Open(ctx, cfg.DatabaseURL, tel.TracerProvider)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("honours: %w", err), parts.Close(), releaseBlocs())
	}
	rekeyed, err := server.Rekey(ctx, st, keys, sealer)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("honours: recipient keys: %w", err), parts.Close(), st.Close(), releaseBlocs())
	}
	if rekeyed.From != rekeyed.To {
		tel.Logger.InfoContext(ctx, "recipient keys brought to the current generation", "from", cmp.Or(rekeyed.From, "unkeyed"),
			"to", rekeyed.To, "entries", rekeyed.Entries, "keys", rekeyed.Keys)
	}
	pol := policy.New(parts.Authn, server.NewAccess(st), lineage.Scopes(units.Scope))
	handlers, err := server.New(server.Options{
		Store: st, Units: units, Cache: parts.Cache, Tokens: parts.Tokens,
		Sealer: sealer, Keys: keys, Log: tel.Logger, Policy: pol,
	})
	if err != nil {
		return nil, errors.Join(fmt.Errorf("honours: %w", err), parts.Close(), st.Close(), releaseBlocs())
	}
	return service.NewRunning(parts, pol, func(g *grpc.Server) { honoursv1.RegisterHonoursServiceServer(g, handlers) },
		releaseBlocs, st.Close), nil
}
