package server

import (
	"context"
	"strings"

	"google.golang.org/protobuf/proto"

	"github.com/tdkt-vn/tdkt/platform/cache"
	"github.com/tdkt-vn/tdkt/platform/domainerr"
	"github.com/tdkt-vn/tdkt/platform/idempotency"
	"github.com/tdkt-vn/tdkt/platform/pagetoken"
	"github.com/tdkt-vn/tdkt/platform/resname"
	nominationsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/nominations/v1"
	"github.com/tdkt-vn/tdkt/services/nominations/internal/domain"
	"github.com/tdkt-vn/tdkt/services/nominations/internal/domain/eligibility"
	"github.com/tdkt-vn/tdkt/services/nominations/internal/store"
)

// nominationName reads batches/{batch}/nominations/{nomination}.
func nominationName(field, name string) (batch, id string, err error) {
	ids, ok := domain.NominationPattern.Parse(name)
	if !ok {
		return "", "", resname.Field(field, domain.NominationPattern)
	}
	return ids[0], ids[1], nil
}

func nominationKey(batch, id string) string { return "nomination:" + batch + "/" + id }

// CreateNomination adds a nomination to a draft batch.
func (s *Server) CreateNomination(ctx context.Context, req *nominationsv1.CreateNominationRequest) (*nominationsv1.Nomination, error) {
	resp := new(nominationsv1.Nomination)
	err := s.add(ctx, req, resp, req.GetParent(), []*nominationsv1.CreateNominationRequest{req}, func(int) string { return "nomination" },
		func(ps []*nominationsv1.Nomination) proto.Message { return ps[0] })
	if err != nil {
		return nil, err
	}
	return resp, nil
}

// BatchCreateNominations adds up to 1000 nominations to a draft batch, all
// or none (AIP-233); errors name requests[i].nomination.… .
func (s *Server) BatchCreateNominations(ctx context.Context, req *nominationsv1.BatchCreateNominationsRequest) (*nominationsv1.BatchCreateNominationsResponse, error) {
	var errs resname.Fields
	for i, r := range req.GetRequests() {
		if r.GetParent() != "" && r.GetParent() != req.GetParent() {
			errs.Add(indexed("requests", i)+".parent", "must be empty or the batch's parent %s", req.GetParent())
		}
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	resp := new(nominationsv1.BatchCreateNominationsResponse)
	err := s.add(ctx, req, resp, req.GetParent(), req.GetRequests(),
		func(i int) string { return indexed("requests", i) + ".nomination" },
		func(ps []*nominationsv1.Nomination) proto.Message {
			return &nominationsv1.BatchCreateNominationsResponse{Nominations: ps}
		})
	if err != nil {
		return nil, err
	}
	return resp, nil
}

// add adds the nominations of reqs to the batch parent, in one
// transaction saved under req's request id: each recipient keyed, its
// citizen id sealed, and none repeating an open nomination of the same
// recipient, award and period (domain.FindDuplicate) in any batch. field
// names the JSON path of each, out makes the response.
func (s *Server) add(ctx context.Context, req, resp proto.Message, parent string, reqs []*nominationsv1.CreateNominationRequest,
	field func(i int) string, out func([]*nominationsv1.Nomination) proto.Message) error {
	batch, err := batchID("parent", parent)
	if err != nil {
		return err
	}
	var errs domainerr.FieldErrors
	fs := make([]domain.NominationFields, len(reqs))
	prefixes := make([]string, len(reqs))
	keys := make([]string, len(reqs))
	for i, r := range reqs {
		prefixes[i] = field(i)
		f, err := nominationFields(prefixes[i], r.GetNomination())
		if err := mergeFields(&errs, err); err != nil {
			return err
		}
		f.Recipient.Key, f.Recipient.Weak = s.keys.Key(identity(f.Recipient))
		fs[i], keys[i] = f, f.Recipient.Key
	}
	if err := errs.Err(); err != nil {
		return err
	}
	if err := s.checkRecipientUnits(ctx, prefixes, fs); err != nil {
		return err
	}
	ps := make([]*nominationsv1.Nomination, len(reqs))
	for i, r := range reqs {
		ps[i] = r.GetNomination()
	}
	blindCitizenIDs(ps, keys)
	actor := s.actor(ctx)
	var names []string
	err = idempotency.Mutate(ctx, s.store.Do, req, resp, func(tx *store.Tx) (proto.Message, error) {
		b, err := tx.LockBatch(ctx, batch)
		if err != nil {
			return nil, err
		}
		if err := b.CheckDraft(); err != nil {
			return nil, err
		}
		if err := s.mayAdd(ctx, b); err != nil {
			return nil, err
		}
		claims, err := tx.Claims(ctx, keys)
		if err == nil {
			claims, err = s.seen(ctx, claims)
		}
		if err != nil {
			return nil, err
		}
		ns := make([]*domain.Nomination, len(reqs))
		names = names[:0]
		for i, r := range reqs {
			id := r.GetNominationId()
			if id == "" {
				id = domain.NewID()
			}
			n := domain.NewNomination(batch, id, fs[i], actor, tx.Now())
			if other, dup := domain.FindDuplicate(n.Claim(), claims); dup {
				return nil, &domainerr.ExistsError{Name: other}
			}
			claims = append(claims, n.Claim())
			s.seal(n)
			ns[i] = n
			names = append(names, nominationKey(batch, id))
		}
		if err := tx.InsertNominations(ctx, ns); err != nil {
			return nil, err
		}
		b.NominationsCount += len(ns)
		b.UpdateTime, b.Version = tx.Now(), b.Version+1
		if err := tx.UpdateBatch(ctx, b); err != nil {
			return nil, err
		}
		pii, err := s.pii(ctx, b)
		if err != nil {
			return nil, err
		}
		rendered := make([]*nominationsv1.Nomination, len(ns))
		for i, n := range ns {
			rendered[i] = shown(s.stored(ctx, n), pii)
		}
		return out(rendered), nil
	})
	if err == nil {
		s.invalidate(ctx, append(names, batchKey(batch))...)
	}
	return err
}

// mergeFields adds the field errors of err to errs; any other error is
// returned.
func mergeFields(errs *domainerr.FieldErrors, err error) error {
	if err == nil {
		return nil
	}
	fe, ok := err.(domainerr.FieldErrors)
	if !ok {
		return err
	}
	*errs = append(*errs, fe...)
	return nil
}

// mayAdd fails unless the caller adds nominations to b as its proposer.
func (s *Server) mayAdd(ctx context.Context, b *domain.Batch) error {
	sides, err := s.sides(ctx, b)
	if err != nil {
		return err
	}
	if sides&domain.Proposer == 0 {
		return &domainerr.DeniedError{Reason: "only the PROPOSER side may add nominations to a batch"}
	}
	return nil
}

// GetNomination returns a nomination, from the cache when it can; a
// PII_READER of its batch reads its full citizen id from the store.
func (s *Server) GetNomination(ctx context.Context, req *nominationsv1.GetNominationRequest) (*nominationsv1.Nomination, error) {
	batch, id, err := nominationName("name", req.GetName())
	if err != nil {
		return nil, err
	}
	b, err := s.store.GetBatch(ctx, batch)
	if err != nil {
		return nil, err
	}
	pii, err := s.pii(ctx, b)
	if err != nil {
		return nil, err
	}
	if pii && s.sealer != nil {
		n, err := s.store.GetNomination(ctx, batch, id)
		if err != nil {
			return nil, err
		}
		return s.revealed(ctx, n, b)
	}
	p, err := cache.GetOrLoad(ctx, s.cache, nominationKey(batch, id), cacheTTL, func() *nominationsv1.Nomination { return new(nominationsv1.Nomination) },
		func(ctx context.Context) (*nominationsv1.Nomination, error) {
			n, err := s.store.GetNomination(ctx, batch, id)
			if err != nil {
				return nil, err
			}
			return s.stored(ctx, n), nil
		})
	if err != nil {
		return nil, err
	}
	return shown(p, pii), nil
}

// ListNominations lists the nominations of a batch, or of every batch the
// caller sees (batches/-).
func (s *Server) ListNominations(ctx context.Context, req *nominationsv1.ListNominationsRequest) (*nominationsv1.ListNominationsResponse, error) {
	f := store.NominationFilter{
		State:        domain.State(req.GetState()),
		RecipientKey: req.GetRecipientKey(),
		Query:        req.GetQuery(),
	}
	if a := req.GetAwardType(); a != "" {
		f.Award = eligibility.Award(strings.TrimPrefix(a, "awardTypes/"))
	}
	if p := req.GetParent(); p != "" && p != "batches/-" {
		var err error
		if f.Batch, err = batchID("parent", p); err != nil {
			return nil, err
		}
	}
	if req.GetOverdue() {
		f.OverdueOn = s.today()
	}
	var err error
	if f.Units, err = s.scope(ctx); err != nil {
		return nil, err
	}
	page, err := pagetoken.PageOf[store.NominationCursor](s.tokens, req)
	if err != nil {
		return nil, err
	}
	ns, next, total, err := s.store.ListNominations(ctx, f, page.After, page.Size)
	if err != nil {
		return nil, err
	}
	resp := &nominationsv1.ListNominationsResponse{TotalSize: int32(total)}
	batches := map[string]*domain.Batch{}
	var reads []idempotency.Read
	for _, n := range ns {
		b, ok := batches[n.Batch]
		if !ok {
			if b, err = s.store.GetBatch(ctx, n.Batch); err != nil {
				return nil, err
			}
			batches[n.Batch] = b
		}
		pii, err := s.pii(ctx, b)
		if err != nil {
			return nil, err
		}
		p := s.stored(ctx, n)
		if pii {
			p.Recipient = recipientOut(n.Recipient, s.citizenID(ctx, n), true)
			if len(n.SealedCitizenID) > 0 && s.sealer != nil {
				reads = append(reads, idempotency.Read{Resource: n.Name(), OwnerUnit: b.Proposer})
			}
		}
		resp.Nominations = append(resp.Nominations, shown(p, pii))
	}
	if len(reads) > 0 {
		if err := idempotency.RecordAccess(ctx, s.store.DB, reads...); err != nil {
			return nil, err
		}
	}
	if resp.NextPageToken, err = page.NextToken(next); err != nil {
		return nil, err
	}
	return resp, nil
}

// AppraiseNomination records the appraisal of a SUBMITTED nomination.
func (s *Server) AppraiseNomination(ctx context.Context, req *nominationsv1.AppraiseNominationRequest) (*nominationsv1.Nomination, error) {
	return s.act(ctx, req, req.GetName(), req.GetEtag(), req.GetReason(), func(n *domain.Nomination, act domain.Act, _ *domain.Batch) error {
		return n.Appraise(act)
	})
}

// ReturnNomination returns a nomination to its proposer, with a reason.
func (s *Server) ReturnNomination(ctx context.Context, req *nominationsv1.ReturnNominationRequest) (*nominationsv1.Nomination, error) {
	return s.act(ctx, req, req.GetName(), req.GetEtag(), req.GetReason(), func(n *domain.Nomination, act domain.Act, _ *domain.Batch) error {
		return n.Return(act)
	})
}

// RejectNomination rejects a nomination, with a reason.
func (s *Server) RejectNomination(ctx context.Context, req *nominationsv1.RejectNominationRequest) (*nominationsv1.Nomination, error) {
	return s.act(ctx, req, req.GetName(), req.GetEtag(), req.GetReason(), func(n *domain.Nomination, act domain.Act, _ *domain.Batch) error {
		return n.Reject(act)
	})
}

// PublishNomination publishes an APPRAISED nomination whose vote passed.
func (s *Server) PublishNomination(ctx context.Context, req *nominationsv1.PublishNominationRequest) (*nominationsv1.Nomination, error) {
	return s.act(ctx, req, req.GetName(), req.GetEtag(), req.GetReason(), func(n *domain.Nomination, act domain.Act, _ *domain.Batch) error {
		return n.Publish(act)
	})
}

// WithdrawNomination withdraws a nomination, with a reason.
func (s *Server) WithdrawNomination(ctx context.Context, req *nominationsv1.WithdrawNominationRequest) (*nominationsv1.Nomination, error) {
	return s.act(ctx, req, req.GetName(), req.GetEtag(), req.GetReason(), func(n *domain.Nomination, act domain.Act, _ *domain.Batch) error {
		return n.Withdraw(act)
	})
}

// ApproveNomination approves a PUBLISHED nomination; override_reason
// overrides a FAIL of its eligibility report.
func (s *Server) ApproveNomination(ctx context.Context, req *nominationsv1.ApproveNominationRequest) (*nominationsv1.Nomination, error) {
	return s.act(ctx, req, req.GetName(), req.GetEtag(), req.GetOverrideReason(), func(n *domain.Nomination, act domain.Act, _ *domain.Batch) error {
		return n.Approve(act)
	})
}

// RecordVote records the council's vote on an APPRAISED nomination.
func (s *Server) RecordVote(ctx context.Context, req *nominationsv1.RecordVoteRequest) (*nominationsv1.Nomination, error) {
	var errs resname.Fields
	v := voteIn(&errs, req.GetVote())
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return s.act(ctx, req, req.GetName(), req.GetEtag(), "", func(n *domain.Nomination, act domain.Act, b *domain.Batch) error {
		return n.RecordVote(act, v, b.Proposer)
	})
}

// act takes one step of the workflow on the nomination name, locked, in
// one transaction made safe to retry that saves it, and once committed
// drops it from the cache.
func (s *Server) act(ctx context.Context, req proto.Message, name, etag, reason string,
	step func(n *domain.Nomination, act domain.Act, b *domain.Batch) error) (*nominationsv1.Nomination, error) {
	batch, id, err := nominationName("name", name)
	if err != nil {
		return nil, err
	}
	cal, err := s.workCalendar(ctx, s.today().Year, s.today().Year+1)
	if err != nil {
		return nil, err
	}
	actor := s.actor(ctx)
	resp := new(nominationsv1.Nomination)
	err = idempotency.Mutate(ctx, s.store.Do, req, resp, func(tx *store.Tx) (proto.Message, error) {
		b, err := tx.GetBatch(ctx, batch)
		if err != nil {
			return nil, err
		}
		n, err := tx.LockNomination(ctx, batch, id)
		if err != nil {
			return nil, err
		}
		sides, err := s.sides(ctx, b)
		if err != nil {
			return nil, err
		}
		act := domain.Act{Actor: actor, Sides: sides, Etag: etag, Reason: reason, Time: tx.Now(), Calendar: cal}
		if err := step(n, act, b); err != nil {
			return nil, err
		}
		if err := tx.UpdateNomination(ctx, n); err != nil {
			return nil, err
		}
		pii, err := s.pii(ctx, b)
		if err != nil {
			return nil, err
		}
		return shown(s.stored(ctx, n), pii), nil
	})
	if err == nil {
		s.invalidate(ctx, nominationKey(batch, id))
	}
	return resp, err
}
