package server

import (
	"context"
	"strings"

	"github.com/tdkt-vn/tdkt/platform/domainerr"
	"github.com/tdkt-vn/tdkt/platform/policy"
	"github.com/tdkt-vn/tdkt/services/nominations/internal/store"
)

// Access tells the access policy (platform/policy) whom the service's
// resources belong to: a batch, with its nominations, to its proposer and
// its authority (Owner.Also), never public; which side may take which
// step is the workflow's (Server.sides). Calendars are public; changing
// one is the central administrators' (the method's rule).
type Access struct{ store *store.Store }

// NewAccess returns the service's Access.
func NewAccess(st *store.Store) *Access { return &Access{store: st} }

// Owner returns the owner of a batch or of what it holds
// ("batches/{b}/…"), or of a calendar.
func (a *Access) Owner(ctx context.Context, name string) (policy.Owner, error) {
	if strings.HasPrefix(name, "calendars/") {
		return policy.Owner{Public: true}, nil
	}
	rest, ok := strings.CutPrefix(name, "batches/")
	if !ok {
		return policy.Owner{}, &domainerr.NotFoundError{Name: name}
	}
	id, _, _ := strings.Cut(rest, "/")
	if id == "-" {
		// batches/- (AIP-159): every batch; lists show the caller's scope.
		return policy.Owner{Public: true}, nil
	}
	b, err := a.store.GetBatch(ctx, id)
	if err != nil {
		return policy.Owner{}, err
	}
	return policy.Owner{Unit: b.Proposer, Also: []string{b.Authority}}, nil
}
