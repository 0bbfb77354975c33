// Package server holds the nominations service's gRPC handlers: it turns
// requests into domain calls and store transactions, and results and
// errors into API messages and statuses. Request shape is checked by
// protovalidate before a handler runs; the workflow, votes, duplicates,
// eligibility and working days are the domain's; units come from the blocs
// service's unit mirror (Units), prior honours from the honours service
// (History).
package server

import (
	"context"
	"log/slog"
	"time"

	"github.com/tdkt-vn/tdkt/platform/auth"
	"github.com/tdkt-vn/tdkt/platform/cache"
	"github.com/tdkt-vn/tdkt/platform/civil"
	"github.com/tdkt-vn/tdkt/platform/pagetoken"
	"github.com/tdkt-vn/tdkt/platform/policy"
	nominationsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/nominations/v1"
	"github.com/tdkt-vn/tdkt/services/blocs/lineage"
	"github.com/tdkt-vn/tdkt/services/honours/personaldata"
	"github.com/tdkt-vn/tdkt/services/honours/recipientkey"
	"github.com/tdkt-vn/tdkt/services/nominations/internal/domain"
	"github.com/tdkt-vn/tdkt/services/nominations/internal/store"
)

// Units is what the handlers need of the blocs service: units and their
// lineage, from the mirror blocsclient.Client keeps in memory.
type Units interface {
	// Units returns the units with ids; unknown ids are absent.
	Units(ctx context.Context, ids []string) (map[string]lineage.Unit, error)
	// Ancestors returns, for each id, the units dissolved into it,
	// transitively.
	Ancestors(ctx context.Context, ids []string) (map[string][]string, error)
}

// cacheTTL bounds how long a batch or nomination stays in the cache; every
// change deletes it after the commit, so the TTL only bounds a missed
// delete.
const cacheTTL = 10 * time.Minute

// systemActor is the actor recorded for a call no guard authenticated
// (a server run without one, in tests).
const systemActor = "system"

// Server implements nominationsv1.NominationsServiceServer.
type Server struct {
	nominationsv1.UnimplementedNominationsServiceServer
	store   *store.Store
	units   Units
	history History
	// decisions confers approved nominations in honours.
	decisions Decisions
	// rankings are the groups' rankings flags rely on (blocs).
	rankings Rankings
	keys     *recipientkey.Keyring
	sealer   *personaldata.Sealer
	cache    cache.Cache
	tokens   *pagetoken.Signer
	log      *slog.Logger
	policy   *policy.Policy
	now      func() time.Time
	calendar calendarCache
}

// Options are what New needs.
type Options struct {
	Store *store.Store
	Units Units
	// History reads the recipients' prior honours (eligibility).
	History History
	// Decisions confers approved nominations by decisions of the honours
	// service (ConferBatch).
	Decisions Decisions
	// Rankings reads the rankings of blocs and clusters that nominations
	// for flags rely on (R8); nil leaves their standing UNKNOWN.
	Rankings Rankings
	// Keys derives recipient keys; required.
	Keys *recipientkey.Keyring
	// Sealer seals citizen ids for storage; nil keeps none (only the
	// recipient key derived from them).
	Sealer *personaldata.Sealer
	Cache  cache.Cache
	Tokens *pagetoken.Signer
	Log    *slog.Logger
	// Policy decides the sides a caller holds and what it sees; nil
	// (tests) gives every caller every side and sight.
	Policy *policy.Policy
	// Now is the clock (tests); nil is time.Now. It is the store's clock
	// too.
	Now func() time.Time
}

// New returns the handlers.
func New(o Options) *Server {
	if o.Keys == nil {
		panic("server: Options.Keys is required")
	}
	now := o.Now
	if now == nil {
		now = time.Now
	} else {
		o.Store.SetClock(now)
	}
	return &Server{store: o.Store, units: o.Units, history: o.History, decisions: o.Decisions, rankings: o.Rankings, keys: o.Keys, sealer: o.Sealer, cache: o.Cache,
		tokens: o.Tokens, log: o.Log, policy: o.Policy, now: now}
}

// today is the date in Vietnam.
func (s *Server) today() civil.Date { return civil.Today(s.now()) }

// invalidate deletes cache entries after a commit. The cache fails open:
// an error is logged, and the cache deletes the keys before it serves a
// read again.
func (s *Server) invalidate(ctx context.Context, keys ...string) {
	if err := s.cache.Delete(ctx, keys...); err != nil {
		s.log.WarnContext(ctx, "cache invalidation failed", "keys", keys, "error", err)
	}
}

// unguarded reports whether the call runs without a policy or a guard
// (tests): every side, every sight.
func (s *Server) unguarded(ctx context.Context) bool {
	return s.policy == nil || !auth.Authenticated(ctx)
}

// scope is the units whose batches the caller sees (nil: all).
func (s *Server) scope(ctx context.Context) ([]string, error) {
	if s.unguarded(ctx) {
		return nil, nil
	}
	sc, err := s.policy.Scope(ctx)
	if err != nil || sc.All {
		return nil, err
	}
	return append([]string{}, sc.Units...), nil
}

// actor is the caller's subject, recorded in history.
func (s *Server) actor(ctx context.Context) string {
	if !auth.Authenticated(ctx) {
		return systemActor
	}
	if sub := auth.FromContext(ctx).Subject; sub != "" {
		return sub
	}
	return systemActor
}

// sides returns the sides of batch b that the caller of ctx holds.
func (s *Server) sides(ctx context.Context, b *domain.Batch) (domain.Side, error) {
	if s.unguarded(ctx) {
		return domain.Proposer | domain.Authority | domain.Council, nil
	}
	var sides domain.Side
	for _, c := range []struct {
		side  domain.Side
		unit  string
		roles []auth.Role
	}{
		{domain.Proposer, b.Proposer, []auth.Role{auth.UnitClerk, auth.BoardOfficer, auth.CentralAdmin}},
		{domain.Authority, b.Authority, []auth.Role{auth.BoardOfficer, auth.CentralAdmin}},
		{domain.Council, b.Authority, []auth.Role{auth.CouncilMember, auth.CentralAdmin}},
	} {
		ok, err := s.policy.Can(ctx, c.unit, c.roles...)
		if err != nil {
			return 0, err
		}
		if ok {
			sides |= c.side
		}
	}
	return sides, nil
}
