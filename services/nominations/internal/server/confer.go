package server

import (
	"context"
	"slices"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/tdkt-vn/tdkt/platform/domainerr"
	"github.com/tdkt-vn/tdkt/platform/idempotency"
	"github.com/tdkt-vn/tdkt/platform/resid"
	"github.com/tdkt-vn/tdkt/platform/resname"
	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	nominationsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/nominations/v1"
	typev1 "github.com/tdkt-vn/tdkt/proto/tdkt/type/v1"
	"github.com/tdkt-vn/tdkt/services/nominations/internal/domain"
	"github.com/tdkt-vn/tdkt/services/nominations/internal/store"
)

// ConferBatch confers the APPROVED nominations of a SUBMITTED batch by one
// decision of its authority in the honours service. It spans two services
// and survives a crash at any point:
//
//  1. the intent (the decision's id and document, the nominations, the
//     request id the steps in honours derive theirs from) is written in
//     one audited transaction, keyed by the call's request id;
//  2. honours creates, fills and issues the decision, each step under its
//     own derived request id (a step sent again is answered as the first
//     time), and lists the honours it conferred;
//  3. one transaction makes each nomination CONFERRED with its honour,
//     closes the batch and marks the conferral done.
//
// A crash or honours down between 1 and 3 leaves a PENDING conferral: the
// same call again (same request id) finishes it, and so does the service
// when it starts (ResumeConferrals). No nomination gets a second decision
// or honour.
func (s *Server) ConferBatch(ctx context.Context, req *nominationsv1.ConferBatchRequest) (*nominationsv1.Batch, error) {
	id, err := batchID("name", req.GetName())
	if err != nil {
		return nil, err
	}
	var errs resname.Fields
	doc := documentIn(&errs, "document", req.GetDocument())
	if doc.SignedOn.IsZero() {
		errs.Add("document.signedOn", "is required")
	}
	if doc.SignerName == "" {
		errs.Add("document.signerName", "is required")
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	intent := new(nominationsv1.Batch)
	err = idempotency.Mutate(ctx, s.store.Do, req, intent, func(tx *store.Tx) (proto.Message, error) {
		b, err := tx.LockBatch(ctx, id)
		if err != nil {
			return nil, err
		}
		sides, err := s.sides(ctx, b)
		if err != nil {
			return nil, err
		}
		if sides&domain.Authority == 0 {
			return nil, &domainerr.DeniedError{Reason: "only the officers of the batch's authority confer its nominations"}
		}
		if b.State != domain.BatchSubmitted {
			return nil, domainerr.Rule("BATCH_NOT_SUBMITTED", b.Name(), "the batch is %s: only a SUBMITTED batch is conferred", b.State)
		}
		approved, err := tx.NominationsOfBatch(ctx, id, domain.Approved)
		if err != nil {
			return nil, err
		}
		if len(approved) == 0 {
			return nil, domainerr.Rule("NO_APPROVED_NOMINATION", b.Name(), "the batch has no APPROVED nomination to confer")
		}
		c := &store.Conferral{Batch: id, RequestID: idempotency.CanonicalRequestID(req.GetRequestId()), DecisionID: decisionID(id),
			Document: doc, Title: req.GetTitle(), State: store.ConferralPending, CreateTime: tx.Now(), UpdateTime: tx.Now()}
		for _, n := range approved {
			c.Nominations = append(c.Nominations, n.Name())
		}
		if err := tx.InsertConferral(ctx, c); err != nil {
			return nil, err
		}
		return batchOut(b), nil
	})
	if err != nil {
		return nil, err
	}
	c, err := s.store.GetConferral(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.finish(ctx, c); err != nil {
		return nil, err
	}
	b, err := s.store.GetBatch(ctx, id)
	if err != nil {
		return nil, err
	}
	return batchOut(b), nil
}

// decisionID is the id of the decision in honours that confers batch id:
// readable when it fits honours' 63 characters, else derived.
func decisionID(batch string) string {
	if id := "tt-" + batch; len(id) <= 63 {
		return id
	}
	return "tt-" + resid.Derived("conferral", batch)
}

// finish asks honours for the decision of a PENDING conferral c and
// records what it conferred; a DONE one is left as it is.
func (s *Server) finish(ctx context.Context, c *store.Conferral) error {
	if c.State == store.ConferralDone {
		return nil
	}
	b, err := s.store.GetBatch(ctx, c.Batch)
	if err != nil {
		return err
	}
	d := Conferral{ID: c.DecisionID, RequestID: c.RequestID, Decision: &honoursv1.Decision{
		Document: documentOut(c.Document), Title: c.Title, Authority: resname.Unit.Format(b.Authority),
	}}
	byName := map[string]*domain.Nomination{}
	all, err := s.store.NominationsOfBatch(ctx, c.Batch, domain.Approved, domain.Conferred)
	if err != nil {
		return err
	}
	for _, n := range all {
		byName[n.Name()] = n
	}
	var movements []string
	for _, name := range c.Nominations {
		n, ok := byName[name]
		if !ok {
			return domainerr.Rule("CONFERRAL_NOMINATION_CHANGED", name, "the nomination is no longer APPROVED since its conferral began")
		}
		d.Entries = append(d.Entries, &honoursv1.DecisionEntry{
			Recipient:    recipientOut(n.Recipient, s.citizenID(ctx, n), true),
			AwardType:    "awardTypes/" + string(n.Award),
			Period:       &typev1.Period{StartYear: int32(n.Period.StartYear), EndYear: int32(n.Period.EndYear)},
			Achievements: n.Achievements,
			Nomination:   name,
		})
		movements = append(movements, n.Movement)
	}
	// A decision cites one movement: the one all its nominations cite.
	if slices.Sort(movements); len(movements) > 0 && movements[0] != "" && movements[0] == movements[len(movements)-1] {
		d.Decision.Movement = "movements/" + movements[0]
	}
	for _, e := range d.Entries {
		e.Recipient.RecipientKey, e.Recipient.Weak = "", false
	}
	honours, err := s.decisions.Confer(ctx, d)
	if err != nil {
		return err
	}
	cal, err := s.workCalendar(ctx, c.Document.SignedOn.Year, c.Document.SignedOn.Year+1)
	if err != nil {
		return err
	}
	decision := "decisions/" + c.DecisionID
	op := idempotency.Op(ctx, "ConferBatch")
	op.Caller = s.actor(ctx)
	_, err = s.store.Do(ctx, op,
		func(tx *store.Tx) (string, []byte, error) {
			b, err := tx.LockBatch(ctx, c.Batch)
			if err != nil {
				return "", nil, err
			}
			now := tx.Now()
			act := domain.Act{Actor: s.actor(ctx), Sides: domain.System, Time: now, Calendar: cal}
			ns, err := tx.NominationsOfBatch(ctx, c.Batch, domain.Approved)
			if err != nil {
				return "", nil, err
			}
			for _, n := range ns {
				h, ok := honours[n.Name()]
				if !ok || !slices.Contains(c.Nominations, n.Name()) {
					continue
				}
				if err := n.Confer(act, h, c.Document.SignedOn); err != nil {
					return "", nil, err
				}
				if err := tx.UpdateNomination(ctx, n); err != nil {
					return "", nil, err
				}
			}
			if b.State == domain.BatchSubmitted {
				if err := b.Close(decision, now); err != nil {
					return "", nil, err
				}
				if err := tx.UpdateBatch(ctx, b); err != nil {
					return "", nil, err
				}
			}
			c.State, c.UpdateTime = store.ConferralDone, now
			return b.Name(), nil, tx.UpdateConferral(ctx, c)
		})
	if err != nil {
		return err
	}
	keys := []string{batchKey(c.Batch)}
	for _, name := range c.Nominations {
		if batch, id, err := nominationName("name", name); err == nil {
			keys = append(keys, nominationKey(batch, id))
		}
	}
	s.invalidate(ctx, keys...)
	return nil
}

// ResumeConferrals finishes the conferrals a crash or an unreachable
// honours left PENDING, with the service's own identity, until ctx ends:
// at once, then every interval while any is left.
func (s *Server) ResumeConferrals(ctx context.Context, interval time.Duration) {
	for {
		pending, err := s.store.PendingConferrals(ctx)
		if err != nil && ctx.Err() == nil {
			s.log.WarnContext(ctx, "pending conferrals not read", "error", err)
		}
		left := 0
		for _, c := range pending {
			if err := s.finish(ctx, c); err != nil {
				left++
				if ctx.Err() == nil {
					s.log.WarnContext(ctx, "conferral not finished yet", "batch", domain.BatchName(c.Batch), "error", err)
				}
				continue
			}
			s.log.InfoContext(ctx, "conferral finished", "batch", domain.BatchName(c.Batch), "decision", "decisions/"+c.DecisionID)
		}
		if err == nil && left == 0 {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(interval):
		}
	}
}
