package server

import (
	"context"
	"strings"
	"sync"

	"github.com/tdkt-vn/tdkt/platform/auth"
	"github.com/tdkt-vn/tdkt/platform/domainerr"
	"github.com/tdkt-vn/tdkt/platform/policy"
	"github.com/tdkt-vn/tdkt/services/blocs/internal/domain"
	"github.com/tdkt-vn/tdkt/services/blocs/internal/store"
	"github.com/tdkt-vn/tdkt/services/blocs/lineage"
)

// Access tells the access policy (platform/policy) whom the service's
// resources belong to, and the scope of the units (Scope, for
// lineage.Scopes: which units a unit covers). Units are their own
// owners (the policy knows); a group, and its memberships, terms,
// covenants and scores, belongs to its organizer. All are public to read.
type Access struct {
	store *store.Store

	mu    sync.Mutex
	scope *lineage.Scope
	rev   int64
}

// NewAccess returns the service's Access.
func NewAccess(st *store.Store) *Access { return &Access{store: st} }

// Owner returns the owner of a group or of what a group holds
// ("groups/{g}/…").
func (a *Access) Owner(ctx context.Context, name string) (policy.Owner, error) {
	rest, ok := strings.CutPrefix(name, "groups/")
	if !ok {
		return policy.Owner{}, &domain.NotFoundError{Name: name}
	}
	id, _, _ := strings.Cut(rest, "/")
	g, err := a.store.GetGroup(ctx, id)
	if err != nil {
		return policy.Owner{}, err
	}
	return policy.Owner{Unit: g.Organizer, Public: true}, nil
}

// Scope returns the scope of the units as they are: read again after
// any change of a unit (the unit feed's revision moved).
func (a *Access) Scope(ctx context.Context) (*lineage.Scope, error) {
	rev, err := a.store.FeedRevision(ctx)
	if err != nil {
		return nil, err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.scope != nil && a.rev == rev {
		return a.scope, nil
	}
	units, err := a.store.UnitLinks(ctx)
	if err != nil {
		return nil, err
	}
	a.scope, a.rev = lineage.NewScope(units), rev
	return a.scope, nil
}

// mayShape refuses a caller who is not a central administrator a change
// of a unit at any of levels that is at province level or above: the
// provinces, ministries and central bodies, whose level decides which
// awards they may confer (honours checks the authority's level), are set
// up centrally. A province's officers shape the units below it. A server
// without a guard (tests) allows all.
func (s *Server) mayShape(ctx context.Context, levels ...domain.Level) error {
	if !auth.Authenticated(ctx) || auth.FromContext(ctx).Has(auth.CentralAdmin) {
		return nil
	}
	for _, l := range levels {
		if l != lineage.LevelUnspecified && l <= lineage.LevelProvince {
			return &domainerr.DeniedError{Reason: "only a central administrator creates or changes a unit at level " + l.String()}
		}
	}
	return nil
}
