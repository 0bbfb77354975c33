// Package server holds the movements service's gRPC handlers: it turns
// requests into domain calls and store transactions, and results and errors
// into API messages and statuses. Request shape is checked by protovalidate
// before a handler runs; business rules live in the domain package; units
// come from the blocs service's unit mirror through Units.
package server

import (
	"context"
	"log/slog"
	"time"

	"github.com/tdkt-vn/tdkt/platform/auth"
	"github.com/tdkt-vn/tdkt/platform/cache"
	"github.com/tdkt-vn/tdkt/platform/pagetoken"
	"github.com/tdkt-vn/tdkt/platform/policy"
	movementsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/movements/v1"
	"github.com/tdkt-vn/tdkt/services/blocs/lineage"
	"github.com/tdkt-vn/tdkt/services/movements/internal/store"
)

// Units is what the handlers need of the blocs service: units and their
// lineage, from the mirror blocsclient.Client keeps in memory (a unit the
// mirror lacks is asked of blocs once, in one batch).
type Units interface {
	// Units returns the units with ids; unknown ids are absent.
	Units(ctx context.Context, ids []string) (map[string]lineage.Unit, error)
	// Ancestors returns, for each id, the units dissolved into it,
	// transitively.
	Ancestors(ctx context.Context, ids []string) (map[string][]string, error)
}

// movementTTL bounds how long a movement stays in the cache; every change
// deletes it after the commit, so the TTL only bounds a missed delete.
const movementTTL = 10 * time.Minute

// Server implements movementsv1.MovementsServiceServer.
type Server struct {
	movementsv1.UnimplementedMovementsServiceServer
	store   *store.Store
	units   Units
	groups  Groups
	honours Honours
	cache   cache.Cache
	tokens  *pagetoken.Signer
	log     *slog.Logger
	policy  *policy.Policy
}

// Options are what New needs.
type Options struct {
	Store  *store.Store
	Units  Units
	Groups Groups
	// Honours checks the honours exemplars name and counts those citing
	// a movement.
	Honours Honours
	Cache   cache.Cache
	Tokens  *pagetoken.Signer
	Log     *slog.Logger
	// Policy scopes what lists show; nil (tests) shows all.
	Policy *policy.Policy
}

// New returns the handlers.
func New(o Options) *Server {
	return &Server{store: o.Store, units: o.Units, groups: o.Groups, honours: o.Honours, cache: o.Cache, tokens: o.Tokens, log: o.Log, policy: o.Policy}
}

// invalidate deletes cache entries after a commit. The cache fails open: an
// error is logged, and the cache deletes the keys before it serves a read
// again (platform/cache.Redis), so an outage leaves no stale entry behind.
func (s *Server) invalidate(ctx context.Context, keys ...string) {
	if err := s.cache.Delete(ctx, keys...); err != nil {
		s.log.WarnContext(ctx, "cache invalidation failed", "keys", keys, "error", err)
	}
}

// scope is whose drafts the caller sees; a server without a policy or a
// guard (tests) shows all.
func (s *Server) scope(ctx context.Context) (policy.Scope, error) {
	if s.policy == nil || !auth.Authenticated(ctx) {
		return policy.Scope{All: true}, nil
	}
	return s.policy.Scope(ctx)
}
