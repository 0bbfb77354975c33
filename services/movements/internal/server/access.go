package server

import (
	"context"
	"strings"

	"github.com/tdkt-vn/tdkt/platform/policy"
	"github.com/tdkt-vn/tdkt/services/movements/internal/domain"
	"github.com/tdkt-vn/tdkt/services/movements/internal/store"
)

// Access tells the access policy (platform/policy) whom the service's
// resources belong to: a movement, with its participants, to the unit
// that launched it; public once launched (a draft is seen only by its
// unit's readers), as are its exemplars. An event belongs to its organizer
// and is public.
type Access struct{ store *store.Store }

// NewAccess returns the service's Access.
func NewAccess(st *store.Store) *Access { return &Access{store: st} }

// Owner returns the owner of an event ("events/{e}"), or of a movement or
// of what it holds ("movements/{m}/…").
func (a *Access) Owner(ctx context.Context, name string) (policy.Owner, error) {
	if id, ok := strings.CutPrefix(name, "events/"); ok {
		e, err := a.store.GetEvent(ctx, id)
		if err != nil {
			return policy.Owner{}, err
		}
		return policy.Owner{Unit: e.Organizer, Public: true}, nil
	}
	rest, ok := strings.CutPrefix(name, "movements/")
	if !ok {
		return policy.Owner{}, &domain.NotFoundError{Name: name}
	}
	id, _, _ := strings.Cut(rest, "/")
	if id == "-" {
		// movements/- (AIP-159): every movement; lists show a caller
		// drafts only within its scope.
		return policy.Owner{Public: true}, nil
	}
	m, err := a.store.GetMovement(ctx, id)
	if err != nil {
		return policy.Owner{}, err
	}
	return policy.Owner{Unit: m.LaunchedBy, Public: m.State != domain.Draft}, nil
}
