package server

import (
	"context"
	"strings"

	"github.com/tdkt-vn/tdkt/platform/policy"
	"github.com/tdkt-vn/tdkt/services/nominations/internal/domain"
)

// hiddenNomination stands for a nomination the caller may not see (AIP-159
// wildcards): a duplicate or an eligibility line says that one exists,
// never its name, which would tell one province another's batches.
const hiddenNomination = "batches/-/nominations/-"

// seen returns claims with the name of every nomination the caller of ctx
// may not see (a batch neither its proposer's nor its authority's readers
// cover) replaced by hiddenNomination.
func (s *Server) seen(ctx context.Context, claims []domain.Claim) ([]domain.Claim, error) {
	if s.unguarded(ctx) {
		return claims, nil
	}
	out := make([]domain.Claim, len(claims))
	visible := map[string]bool{}
	for i, c := range claims {
		out[i] = c
		batch, _, _ := strings.Cut(strings.TrimPrefix(c.Name, "batches/"), "/")
		ok, known := visible[batch]
		if !known {
			b, err := s.store.GetBatch(ctx, batch)
			if err != nil {
				return nil, err
			}
			for _, unit := range []string{b.Proposer, b.Authority} {
				if ok, err = s.policy.Can(ctx, unit, policy.Readers...); err != nil || ok {
					break
				}
			}
			if err != nil {
				return nil, err
			}
			visible[batch] = ok
		}
		if !ok {
			out[i].Name = hiddenNomination
		}
	}
	return out, nil
}
