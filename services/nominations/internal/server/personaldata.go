package server

import (
	"context"

	"github.com/tdkt-vn/tdkt/platform/auth"
	"github.com/tdkt-vn/tdkt/platform/idempotency"
	nominationsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/nominations/v1"
	typev1 "github.com/tdkt-vn/tdkt/proto/tdkt/type/v1"
	"github.com/tdkt-vn/tdkt/services/honours/personaldata"
	"github.com/tdkt-vn/tdkt/services/honours/recipientkey"
	"github.com/tdkt-vn/tdkt/services/nominations/internal/domain"
)

// Personal data in responses, as the honours service shows it (its
// personaldata.go). Every caller who reads a nomination reads its batch
// (the policy lets only the batch's proposer and authority in): it sees
// the birth year, the citizen id masked, and the recipient keys not
// derived from a citizen id. A PII_READER of the proposer or the authority
// sees the full citizen id, opened from its seal, each such read recorded
// in the data access audit log, and "cid:" keys. A mutation's response,
// saved for its retries and cached reads, never holds a full citizen id.

// seal seals n's citizen id for storage, bound to n's name; without a
// sealer the id is not kept (its key is). The clear id stays in n, which
// the store never writes.
func (s *Server) seal(n *domain.Nomination) {
	n.SealedCitizenID = nil
	if id := n.Recipient.CitizenID; id != "" && s.sealer != nil {
		n.SealedCitizenID = s.sealer.Seal(id, n.Name())
	}
}

// citizenID opens n's sealed citizen id; "" when none is kept or it does
// not open (logged).
func (s *Server) citizenID(ctx context.Context, n *domain.Nomination) string {
	if len(n.SealedCitizenID) == 0 || s.sealer == nil {
		return n.Recipient.CitizenID
	}
	id, err := s.sealer.Open(n.SealedCitizenID, n.Name())
	if err != nil {
		s.log.WarnContext(ctx, "a sealed citizen id does not open: not shown", "resource", n.Name(), "error", err)
		return ""
	}
	return id
}

// recipientOut renders r; clearID is its citizen id, shown in full when
// pii, masked otherwise.
func recipientOut(r domain.Recipient, clearID string, pii bool) *typev1.Recipient {
	p := &typev1.Recipient{
		Kind:      typev1.RecipientKind(r.Kind),
		FullName:  r.FullName,
		Gender:    typev1.Gender(r.Gender),
		BirthYear: int32(r.BirthYear),
		Position:  r.Position,
		Unit:      optionalUnit(r.Unit),
		HeadName:  r.HeadName,
		Address:   r.Address,
		Commune:   optionalUnit(r.Commune),
		CitizenId: personaldata.MaskCitizenID(clearID),
	}
	if pii {
		p.CitizenId = clearID
	}
	if pii || !recipientkey.DerivedFromCitizenID(r.Key) {
		p.RecipientKey, p.Weak = r.Key, r.Weak
	}
	return p
}

// pii reports whether the caller of ctx reads the personal data of batch
// b's nominations: a PII_READER of its proposer or authority.
func (s *Server) pii(ctx context.Context, b *domain.Batch) (bool, error) {
	if s.unguarded(ctx) {
		return true, nil
	}
	if auth.FromContext(ctx).IsAnonymous() {
		return false, nil
	}
	for _, u := range []string{b.Proposer, b.Authority} {
		if ok, err := s.policy.Can(ctx, u, auth.PIIReader); err != nil || ok {
			return ok, err
		}
	}
	return false, nil
}

// stored renders n as stored and cached, and as a mutation answers it: the
// citizen id masked, every key shown. shown narrows it for a caller.
func (s *Server) stored(ctx context.Context, n *domain.Nomination) *nominationsv1.Nomination {
	r := recipientOut(n.Recipient, s.citizenID(ctx, n), false)
	r.RecipientKey, r.Weak = n.Recipient.Key, n.Recipient.Weak
	return nominationOut(n, r)
}

// shown narrows p, rendered by stored, to what a caller without pii sees:
// no key derived from a citizen id.
func shown(p *nominationsv1.Nomination, pii bool) *nominationsv1.Nomination {
	if r := p.GetRecipient(); !pii && recipientkey.DerivedFromCitizenID(r.GetRecipientKey()) {
		r.RecipientKey, r.Weak = "", false
	}
	return p
}

// revealed renders n for a PII reader: the full citizen id, its read
// recorded before the response leaves.
func (s *Server) revealed(ctx context.Context, n *domain.Nomination, b *domain.Batch) (*nominationsv1.Nomination, error) {
	id := s.citizenID(ctx, n)
	if id != "" && len(n.SealedCitizenID) > 0 {
		if err := idempotency.RecordAccess(ctx, s.store.DB, idempotency.Read{Resource: n.Name(), OwnerUnit: b.Proposer}); err != nil {
			return nil, err
		}
	}
	return nominationOut(n, recipientOut(n.Recipient, id, true)), nil
}

// blindCitizenIDs replaces each citizen id of the request's nominations
// with its recipient key (keys, in the same order): the request's
// fingerprint, saved with its response, holds no citizen id.
func blindCitizenIDs(ps []*nominationsv1.Nomination, keys []string) {
	for i, p := range ps {
		if r := p.GetRecipient(); r.GetCitizenId() != "" && i < len(keys) {
			r.CitizenId = keys[i]
		}
	}
}

// identity is what the recipient key is derived from.
func identity(r domain.Recipient) recipientkey.Identity {
	return recipientkey.Identity{Kind: recipientkey.Kind(r.Kind), FullName: r.FullName, CitizenID: r.CitizenID,
		BirthYear: r.BirthYear, Unit: r.Unit, HeadName: r.HeadName, Commune: r.Commune}
}
