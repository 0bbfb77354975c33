// Package server holds the blocs service's gRPC handlers: it turns requests
// into domain calls and store transactions, and results and errors into
// API messages and statuses. Request shape is checked by protovalidate
// before a handler runs; business rules live in the domain package.
package server

import (
	"context"
	"log/slog"
	"time"

	"github.com/tdkt-vn/tdkt/platform/policy"

	"github.com/tdkt-vn/tdkt/platform/cache"
	"github.com/tdkt-vn/tdkt/platform/pagetoken"
	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
	"github.com/tdkt-vn/tdkt/services/blocs/internal/store"
)

// Cache lifetimes. Entries are also deleted after every commit that
// changes what they hold; the TTL bounds what a missed invalidation (a unit
// renamed after a ranking was cached) can show.
const (
	unitTTL    = 10 * time.Minute
	rankingTTL = 10 * time.Minute
)

// Server implements blocsv1.BlocsServiceServer.
type Server struct {
	blocsv1.UnimplementedBlocsServiceServer
	store  *store.Store
	cache  cache.Cache
	tokens *pagetoken.Signer
	log    *slog.Logger
	feed   *feed
	policy *policy.Policy
}

// New returns the handlers; pol scopes what lists show.
func New(st *store.Store, c cache.Cache, tokens *pagetoken.Signer, log *slog.Logger, pol *policy.Policy) *Server {
	return &Server{store: st, cache: c, tokens: tokens, log: log, feed: newFeed(), policy: pol}
}

// invalidate deletes cache entries after a commit. The cache fails open: an
// error is logged, and the cache deletes the keys before it serves a read
// again (platform/cache.Redis), so an outage leaves no stale entry behind.
func (s *Server) invalidate(ctx context.Context, keys ...string) {
	if len(keys) == 0 {
		return
	}
	if err := s.cache.Delete(ctx, keys...); err != nil {
		s.log.WarnContext(ctx, "cache invalidation failed", "keys", keys, "error", err)
	}
}
