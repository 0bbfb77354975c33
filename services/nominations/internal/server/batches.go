package server

import (
	"context"
	"errors"
	"slices"

	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/protobuf/proto"

	"github.com/tdkt-vn/tdkt/platform/cache"
	"github.com/tdkt-vn/tdkt/platform/civil"
	"github.com/tdkt-vn/tdkt/platform/domainerr"
	"github.com/tdkt-vn/tdkt/platform/idempotency"
	"github.com/tdkt-vn/tdkt/platform/pagetoken"
	"github.com/tdkt-vn/tdkt/platform/resname"
	nominationsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/nominations/v1"
	"github.com/tdkt-vn/tdkt/services/blocs/lineage"
	"github.com/tdkt-vn/tdkt/services/nominations/internal/domain"
	"github.com/tdkt-vn/tdkt/services/nominations/internal/domain/eligibility"
	"github.com/tdkt-vn/tdkt/services/nominations/internal/store"
)

// batchID reads batches/{batch}.
func batchID(field, name string) (string, error) { return domain.BatchPattern.FieldID(field, name) }

func batchKey(id string) string { return "batch:" + id }

// CreateBatch creates a draft batch. Its proposer and authority (and its
// document's issuer) must be active units: active on the day its
// document was signed when it has a signed one (a historical batch, such
// as Bắc Kạn's of 2023, names the units of its day, dissolved since),
// else today.
func (s *Server) CreateBatch(ctx context.Context, req *nominationsv1.CreateBatchRequest) (*nominationsv1.Batch, error) {
	f, err := batchFields("batch", req.GetBatch())
	if err != nil {
		return nil, err
	}
	ids := []string{f.Proposer, f.Authority}
	if f.Document != nil && f.Document.Issuer != "" {
		ids = append(ids, f.Document.Issuer)
	}
	units, err := s.units.Units(ctx, ids)
	if err != nil {
		return nil, err
	}
	var errs domainerr.FieldErrors
	active := func(field, id string) {
		if problem := lineage.InactiveOn(units, id, f.Dated()); problem != "" {
			errs.Add(field, "%s", problem)
		}
	}
	active("batch.proposer", f.Proposer)
	active("batch.authority", f.Authority)
	if f.Document != nil && f.Document.Issuer != "" {
		active("batch.document.issuer", f.Document.Issuer)
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	id := req.GetBatchId()
	if id == "" {
		id = domain.NewID()
	}
	resp := new(nominationsv1.Batch)
	err = idempotency.Mutate(ctx, s.store.Do, req, resp, func(tx *store.Tx) (proto.Message, error) {
		b := domain.NewBatch(id, f, tx.Now())
		if err := tx.InsertBatch(ctx, b); err != nil {
			return nil, err
		}
		return batchOut(b), nil
	})
	return resp, err
}

// GetBatch returns a batch, from the cache when it can.
func (s *Server) GetBatch(ctx context.Context, req *nominationsv1.GetBatchRequest) (*nominationsv1.Batch, error) {
	id, err := batchID("name", req.GetName())
	if err != nil {
		return nil, err
	}
	return cache.GetOrLoad(ctx, s.cache, batchKey(id), cacheTTL, func() *nominationsv1.Batch { return new(nominationsv1.Batch) },
		func(ctx context.Context) (*nominationsv1.Batch, error) {
			b, err := s.store.GetBatch(ctx, id)
			if err != nil {
				return nil, err
			}
			return batchOut(b), nil
		})
}

// ListBatches lists the batches proposed by or to the caller's units.
func (s *Server) ListBatches(ctx context.Context, req *nominationsv1.ListBatchesRequest) (*nominationsv1.ListBatchesResponse, error) {
	var errs resname.Fields
	proposer := errs.ID("proposer", req.GetProposer(), resname.Unit)
	authority := errs.ID("authority", req.GetAuthority(), resname.Unit)
	if err := errs.Err(); err != nil {
		return nil, err
	}
	f := store.BatchFilter{State: domain.BatchState(req.GetState()), Year: int(req.GetYear())}
	var err error
	if f.Units, err = s.scope(ctx); err != nil {
		return nil, err
	}
	page, err := pagetoken.PageOf[store.BatchCursor](s.tokens, req)
	if err != nil {
		return nil, err
	}
	if f.Proposers, err = lineage.WithDissolved(ctx, s.units.Ancestors, proposer); err != nil {
		return nil, err
	}
	if f.Authorities, err = lineage.WithDissolved(ctx, s.units.Ancestors, authority); err != nil {
		return nil, err
	}
	l, err := pagetoken.List(ctx, page, s.store.ListBatches, f, batchOut)
	if err != nil {
		return nil, err
	}
	return &nominationsv1.ListBatchesResponse{Batches: l.Items, TotalSize: l.TotalSize, NextPageToken: l.NextPageToken}, nil
}

// SubmitBatch submits a batch's DRAFT nominations to its authority, each
// with its eligibility report: the recipients' prior honours are read
// before the transaction, in one call to the honours service for the
// whole batch.
func (s *Server) SubmitBatch(ctx context.Context, req *nominationsv1.SubmitBatchRequest) (*nominationsv1.Batch, error) {
	id, err := batchID("name", req.GetName())
	if err != nil {
		return nil, err
	}
	received, err := receivedOn(req.GetReceivedOn(), s.today())
	if err != nil {
		return nil, err
	}
	if req.GetReceivedOn() != nil {
		b, err := s.store.GetBatch(ctx, id)
		if err != nil {
			return nil, err
		}
		if err := b.CheckReceivedOn(received, s.today()); err != nil {
			return nil, err
		}
	}
	cal, err := s.workCalendar(ctx, min(received.Year, s.today().Year), s.today().Year+1)
	if err != nil {
		return nil, err
	}
	drafts, err := s.store.NominationsOfBatch(ctx, id, domain.Draft)
	if err != nil {
		return nil, err
	}
	history, err := s.history.RecipientHistory(ctx, recipientKeys(drafts))
	if err != nil {
		return nil, err
	}
	if history == nil {
		history = map[string][]eligibility.Honour{}
	}
	fields := make([]domain.NominationFields, len(drafts))
	for i, n := range drafts {
		fields[i] = n.NominationFields
	}
	rankings, err := s.rankingsOf(ctx, fields)
	if err != nil {
		return nil, err
	}
	asked := map[string]bool{}
	for _, k := range recipientKeys(drafts) {
		asked[k] = true
	}
	// A nomination added between the read and the transaction has a
	// history to read too: the transaction reports it, and runs again.
	for range 3 {
		var names []string
		resp := new(nominationsv1.Batch)
		err = idempotency.Mutate(ctx, s.store.Do, req, resp, func(tx *store.Tx) (proto.Message, error) {
			b, err := tx.LockBatch(ctx, id)
			if err != nil {
				return nil, err
			}
			ns, err := tx.NominationsOfBatch(ctx, id, domain.Draft)
			if err != nil {
				return nil, err
			}
			keys := recipientKeys(ns)
			if slices.ContainsFunc(keys, func(k string) bool { return !asked[k] }) {
				return nil, &missingHistoryError{keys: keys}
			}
			if err := b.CheckReceivedOn(received, civil.Today(tx.Now())); err != nil {
				return nil, err
			}
			if err := b.Submit(len(ns), req.GetEtag(), tx.Now()); err != nil {
				return nil, err
			}
			sides, err := s.sides(ctx, b)
			if err != nil {
				return nil, err
			}
			act := domain.Act{Actor: s.actor(ctx), Sides: sides, Time: tx.Now(), Calendar: cal}
			claims, err := tx.Claims(ctx, keys)
			if err == nil {
				claims, err = s.seen(ctx, claims)
			}
			if err != nil {
				return nil, err
			}
			for _, n := range ns {
				version := n.Version
				if err := n.Submit(act, received); err != nil {
					return nil, err
				}
				n.Evaluated(evaluate(n.Name(), b.Authority, n.NominationFields, history[n.Recipient.Key], claims,
					s.standing(ctx, n.NominationFields, rankings)), tx.Now())
				n.Version = version + 1
				if err := tx.UpdateNomination(ctx, n); err != nil {
					return nil, err
				}
				names = append(names, nominationKey(n.Batch, n.ID))
			}
			if err := tx.UpdateBatch(ctx, b); err != nil {
				return nil, err
			}
			return batchOut(b), nil
		})
		missing, ok := errors.AsType[*missingHistoryError](err)
		if !ok {
			if err == nil {
				s.invalidate(ctx, append(names, batchKey(id))...)
			}
			return resp, err
		}
		more, err := s.history.RecipientHistory(ctx, missing.keys)
		if err != nil {
			return nil, err
		}
		for _, k := range missing.keys {
			asked[k] = true
			if h, ok := more[k]; ok {
				history[k] = h
			}
		}
	}
	return nil, &domainerr.UnavailableError{Service: "nominations", Cause: errors.New("the batch's nominations kept changing")}
}

// receivedOn reads the day a dossier was received: today when unset. Its
// bounds are the batch's (domain.BatchFields.CheckReceivedOn).
func receivedOn(d *date.Date, today civil.Date) (civil.Date, error) {
	if d == nil {
		return today, nil
	}
	var errs resname.Fields
	on := errs.Date("receivedOn", d)
	if err := errs.Err(); err != nil {
		return civil.Date{}, err
	}
	return on, nil
}

// missingHistoryError says that a transaction needs the history of
// recipients it was not given.
type missingHistoryError struct{ keys []string }

func (e *missingHistoryError) Error() string { return "recipient histories to read" }

// recipientKeys are the recipient keys of ns, without repeats or "".
func recipientKeys(ns []*domain.Nomination) []string {
	var keys []string
	for _, n := range ns {
		if n.Recipient.Key != "" {
			keys = append(keys, n.Recipient.Key)
		}
	}
	return slices.Compact(slices.Sorted(slices.Values(keys)))
}
