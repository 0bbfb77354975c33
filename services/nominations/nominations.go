// Package nominations is the nominations service: the batches a unit sends
// to the authority that decides them, the nominations in them and their
// workflow from draft to conferral, eligibility, council votes and the
// working-day time limits of each step. New builds it from a Config;
// cmd/nominations runs it alone; tools/devstack runs it beside the other
// services.
package nominations

import (
	"context"
	"errors"
	"fmt"
	"time"

	"google.golang.org/grpc"

	"github.com/tdkt-vn/tdkt/platform/config"
	"github.com/tdkt-vn/tdkt/platform/grpcclient"
	"github.com/tdkt-vn/tdkt/platform/policy"
	"github.com/tdkt-vn/tdkt/platform/service"
	"github.com/tdkt-vn/tdkt/platform/telemetry"
	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	nominationsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/nominations/v1"
	"github.com/tdkt-vn/tdkt/services/blocs/blocsclient"
	"github.com/tdkt-vn/tdkt/services/blocs/lineage"
	"github.com/tdkt-vn/tdkt/services/honours/personaldata"
	"github.com/tdkt-vn/tdkt/services/nominations/internal/server"
	"github.com/tdkt-vn/tdkt/services/nominations/internal/store"
)

// resumeInterval is how often an unfinished conferral is tried again
// while honours cannot finish it.
const resumeInterval = 10 * time.Second

// Config is what the service needs to run.
type Config struct {
	service.Config
	// BlocsAddr is the gRPC address of the blocs service: units, their
	// lineage and the groups' rankings.
	BlocsAddr string
	// HonoursAddr is the gRPC address of the honours service: recipients'
	// prior honours, and the decisions that confer approved nominations.
	HonoursAddr string
	// PersonalData is the key that seals citizen ids and the secret of
	// recipient keys: the same as honours'.
	PersonalData personaldata.Config
	// ClientID and ClientSecret are the service's own credentials at the
	// issuer (the client credentials grant), with which it finishes a
	// conferral that a crash left unfinished: no caller's token is there
	// to forward then. Empty: such a conferral waits until a caller
	// confers the batch again.
	ClientID, ClientSecret string
}

// RegisterFlags registers the service's flags on f, with defaults from the
// TDKT_* environment: -database-url (TDKT_DATABASE_URL) and so on at the
// root, -nominations.database-url (TDKT_NOMINATIONS_DATABASE_URL) under
// Sub("nominations").
func (c *Config) RegisterFlags(f config.Flags) {
	c.Config.RegisterFlags(f, "nominations")
	f.String(&c.BlocsAddr, "blocs-addr", "127.0.0.1:9101",
		"gRPC address of the blocs service (units, lineage, rankings)")
	f.String(&c.HonoursAddr, "honours-addr", "127.0.0.1:9104",
		"gRPC address of the honours service (prior honours, conferral)")
	c.PersonalData.RegisterFlags(f)
	f.String(&c.ClientID, "client-id", "",
		"the service's client id at the OIDC issuer (client credentials), to finish conferrals after a restart")
	f.String(&c.ClientSecret, "client-secret", "", "the secret of -client-id")
}

// New opens the database (applying migrations) and the cache, reads the
// personal-data keys, dials blocs (lazily: while blocs is down the unit
// mirror answers from what it has) and honours (lazily: what needs it is
// UNAVAILABLE while it is down) and builds the handlers: a running
// nominations service. Close releases them.
func New(ctx context.Context, cfg Config, tel *telemetry.Telemetry) (*service.Running, error) {
	if cfg.BlocsAddr == "" || cfg.HonoursAddr == "" {
		return nil, errors.New("nominations: the blocs and honours addresses are required")
	}
	parts, err := service.Open(ctx, "nominations", cfg.Config, tel)
	if err != nil {
		return nil, err
	}
	sealer, keys, err := cfg.PersonalData.Open(ctx, tel.Logger, "nominations")
	if err != nil {
		return nil, errors.Join(err, parts.Close())
	}
	st, err := store.Open(ctx, cfg.DatabaseURL, tel.TracerProvider)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("nominations: %w", err), parts.Close())
	}
	units, conn, releaseBlocs, err := blocsclient.Start(ctx, cfg.BlocsAddr, tel)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("nominations: blocs: %w", err), parts.Close(), st.Close())
	}
	honoursOpts := grpcclient.Options{Telemetry: tel}
	if cfg.ClientID != "" {
		honoursOpts.Tokens = grpcclient.ClientCredentials(cfg.Auth.Issuer, cfg.ClientID, cfg.ClientSecret)
	}
	honoursConn, err := grpcclient.Dial(cfg.HonoursAddr, honoursOpts)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("nominations: honours: %w", err), parts.Close(), st.Close(), releaseBlocs())
	}
	pol := policy.New(parts.Authn, server.NewAccess(st), lineage.Scopes(units.Scope))
	honoursClient := honoursv1.NewHonoursServiceClient(honoursConn)
	handlers := server.New(server.Options{
		Store: st, Units: units, History: server.HonoursHistory{Client: honoursClient},
		Decisions: server.HonoursDecisions{Client: honoursClient},
		Rankings:  server.BlocsRankings{Client: blocsv1.NewBlocsServiceClient(conn)},
		Keys:      keys, Sealer: sealer, Cache: parts.Cache, Tokens: parts.Tokens, Log: tel.Logger, Policy: pol,
	})
	// Conferrals a crash left unfinished are finished now, with the
	// service's own identity, and retried while honours cannot answer.
	resumeCtx, stopResuming := context.WithCancel(context.WithoutCancel(ctx))
	resumed := make(chan struct{})
	go func() { defer close(resumed); handlers.ResumeConferrals(resumeCtx, resumeInterval) }()
	return service.NewRunning(parts, pol, func(g *grpc.Server) { nominationsv1.RegisterNominationsServiceServer(g, handlers) },
		func() error { stopResuming(); <-resumed; return nil }, releaseBlocs, st.Close, honoursConn.Close), nil
}
