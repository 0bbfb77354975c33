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
	"github.com/tdkt-vn/tdkt/platform/grpcclient"
	"github.com/tdkt-vn/tdkt/platform/service"
	"github.com/tdkt-vn/tdkt/platform/telemetry"
	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	"github.com/tdkt-vn/tdkt/services/blocs/blocsclient"
	"github.com/tdkt-vn/tdkt/services/blocs/lineage"
	"github.com/tdkt-vn/tdkt/services/honours/internal/server"
	"github.com/tdkt-vn/tdkt/services/honours/internal/store"
	"github.com/tdkt-vn/tdkt/services/honours/personaldata"
	"github.com/tdkt-vn/tdkt/services/honours/recipientkey"
)

// Config is what the service needs to run.
type Config struct {
	service.Config
	// BlocsAddr is the gRPC address of the blocs service, which holds the
	// units and their lineage.
	BlocsAddr string
	// PersonalDataKey encrypts citizen ids at rest: standard base64 of 32
	// random bytes, kept for as long as the data. Empty means full citizen
	// ids are not kept at all, only their masked form and the recipient key
	// derived from them.
	PersonalDataKey string
	// RecipientKeySecret keys recipient keys, blind indexes of the
	// personal data they are derived from (recipientkey.Keyring): standard
	// base64 of at least 32 random bytes, or after a rotation several,
	// oldest first and comma-separated. Required; kept for as long as the
	// data, since the keys of the register are made with it
	// (docs/personal-data.md).
	RecipientKeySecret string
	// personalDataKeyVar and recipientKeySecretVar are the environment
	// variables of the flags, as RegisterFlags registered them, for the
	// messages that name them.
	personalDataKeyVar, recipientKeySecretVar string
}

// RegisterFlags registers the service's flags on f, with defaults from the
// TDKT_* environment: -database-url (TDKT_DATABASE_URL) and so on at the
// root, -honours.database-url (TDKT_HONOURS_DATABASE_URL) under
// Sub("honours").
func (c *Config) RegisterFlags(f config.Flags) {
	c.Config.RegisterFlags(f, "honours")
	f.String(&c.BlocsAddr, "blocs-addr", "127.0.0.1:9101",
		"gRPC address of the blocs service (units and their lineage)")
	f.String(&c.PersonalDataKey, "personal-data-key", "",
		"base64 of 32 random bytes that encrypt citizen ids at rest; empty keeps only masked citizen ids")
	c.personalDataKeyVar = f.Env("personal-data-key")
	f.String(&c.RecipientKeySecret, "recipient-key-secret", "",
		"base64 of 32 random bytes that key recipient keys (blind indexes); after a rotation OLD,NEW (docs/personal-data.md). Required")
	c.recipientKeySecretVar = f.Env("recipient-key-secret")
}

// New opens the database (applying migrations) and the cache, dials blocs
// (lazily: an unreachable blocs shows on the calls that need it) and builds
// the handlers: a running honours service. Close releases them.
func New(ctx context.Context, cfg Config, tel *telemetry.Telemetry) (*service.Running, error) {
	if cfg.BlocsAddr == "" {
		return nil, errors.New("honours: the blocs address is required")
	}
	keysVar := cmp.Or(cfg.recipientKeySecretVar, "TDKT_RECIPIENT_KEY_SECRET")
	if cfg.RecipientKeySecret == "" {
		return nil, errors.New("honours: a recipient key secret is required (-recipient-key-secret / " + keysVar +
			": base64 of 32 random bytes, e.g. `head -c 32 /dev/urandom | base64`)")
	}
	keys, err := recipientkey.ParseKeyring(cfg.RecipientKeySecret)
	if err != nil {
		return nil, fmt.Errorf("honours: %s: %w", keysVar, err)
	}
	parts, err := service.Open(ctx, "honours", cfg.Config, tel)
	if err != nil {
		return nil, err
	}
	var sealer *personaldata.Sealer
	if cfg.PersonalDataKey != "" {
		k, err := personaldata.ParseKey(cfg.PersonalDataKey)
		if err == nil {
			sealer, err = personaldata.NewSealer(k)
		}
		if err != nil {
			return nil, errors.Join(fmt.Errorf("honours: %w", err), parts.Close())
		}
	} else {
		tel.Logger.WarnContext(ctx, "no personal data key: full citizen ids are not kept, only masked ones (set "+
			cmp.Or(cfg.personalDataKeyVar, "TDKT_PERSONAL_DATA_KEY")+")")
	}
	conn, err := grpcclient.Dial(cfg.BlocsAddr, grpcclient.Options{Telemetry: tel})
	if err != nil {
		return nil, errors.Join(fmt.Errorf("honours: blocs: %w", err), parts.Close())
	}
	st, err := store.Open(ctx, cfg.DatabaseURL, tel.TracerProvider)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("honours: %w", err), parts.Close(), conn.Close())
	}
	rekeyed, err := server.Rekey(ctx, st, keys, sealer)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("honours: recipient keys: %w", err), parts.Close(), st.Close(), conn.Close())
	}
	if rekeyed.From != rekeyed.To {
		tel.Logger.InfoContext(ctx, "recipient keys brought to the current generation", "from", cmp.Or(rekeyed.From, "unkeyed"),
			"to", rekeyed.To, "entries", rekeyed.Entries, "keys", rekeyed.Keys)
	}
	units := blocsclient.New(conn, tel.Logger)
	pol := policy.New(parts.Authn, server.NewAccess(st), lineage.Scopes(units.Scope))
	handlers, err := server.New(server.Options{
		Store: st, Units: units, Cache: parts.Cache, Tokens: parts.Tokens,
		Sealer: sealer, Keys: keys, Log: tel.Logger, Policy: pol,
	})
	if err != nil {
		return nil, errors.Join(fmt.Errorf("honours: %w", err), parts.Close(), st.Close(), conn.Close())
	}
	// Follow the units of blocs from now on; a blocs that is down is
	// followed once it is back, and meanwhile only reads that need units
	// wait for it.
	stopFollowing := blocsclient.Follow(ctx, units)
	return service.NewRunning(parts, pol, func(g *grpc.Server) { honoursv1.RegisterHonoursServiceServer(g, handlers) },
		func() error { stopFollowing(); return nil }, st.Close, conn.Close), nil
}
