package server

import (
	"context"
	"strings"

	"github.com/tdkt-vn/tdkt/platform/auth"
	"github.com/tdkt-vn/tdkt/platform/policy"
	"github.com/tdkt-vn/tdkt/services/honours/internal/domain"
	"github.com/tdkt-vn/tdkt/services/honours/internal/store"
)

// Access tells the access policy (platform/policy) whom the service's
// resources belong to: a decision, with its entries, to its authority,
// public once issued (a draft is seen only by its authority's readers); an
// honour, on the public register, to the authority that conferred it.
type Access struct{ store *store.Store }

// NewAccess returns the service's Access.
func NewAccess(st *store.Store) *Access { return &Access{store: st} }

// Owner returns the owner of a decision or an honour.
func (a *Access) Owner(ctx context.Context, name string) (policy.Owner, error) {
	if rest, ok := strings.CutPrefix(name, "decisions/"); ok {
		id, _, _ := strings.Cut(rest, "/")
		d, err := a.store.GetDecision(ctx, id)
		if err != nil {
			return policy.Owner{}, err
		}
		return policy.Owner{Unit: d.Authority, Public: d.State != domain.DecisionDraft}, nil
	}
	if rest, ok := strings.CutPrefix(name, "honours/"); ok {
		id, _, _ := strings.Cut(rest, "/")
		h, err := a.store.GetHonour(ctx, id)
		if err != nil {
			return policy.Owner{}, err
		}
		return policy.Owner{Unit: h.Authority, Public: true}, nil
	}
	return policy.Owner{}, &domain.NotFoundError{Name: name}
}

// scope is whose drafts (and other resources that are not public) the
// caller sees; a server without a policy or a guard (tests) shows all.
func (s *Server) scope(ctx context.Context) (policy.Scope, error) {
	if s.policy == nil || !auth.Authenticated(ctx) {
		return policy.Scope{All: true}, nil
	}
	return s.policy.Scope(ctx)
}
