package server

import (
	"context"
	"slices"
	"strings"
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
	"github.com/tdkt-vn/tdkt/services/nominations/internal/domain/eligibility"
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
//
// With a decision (decisions/{d}) instead of a document, the decision is
// one honours holds already, ISSUED: see conferExisting.
func (s *Server) ConferBatch(ctx context.Context, req *nominationsv1.ConferBatchRequest) (*nominationsv1.Batch, error) {
	id, err := batchID("name", req.GetName())
	if err != nil {
		return nil, err
	}
	if req.GetDecision() != "" {
		return s.conferExisting(ctx, id, req)
	}
	var errs resname.Fields
	if req.GetDocument() == nil {
		errs.Add("document", "is required unless decision is given")
	}
	if req.GetTitle() == "" {
		errs.Add("title", "is required unless decision is given")
	}
	doc := documentIn(&errs, "document", req.GetDocument())
	if req.GetDocument() != nil && doc.SignedOn.IsZero() {
		errs.Add("document.signedOn", "is required")
	}
	if req.GetDocument() != nil && doc.SignerName == "" {
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
		c := &store.Conferral{Batch: id, RequestID: idempotency.CanonicalRequestID(req.GetRequestId()), Kind: store.ConferralCreate,
			DecisionID: decisionID(id), Document: doc, Title: req.GetTitle(), State: store.ConferralPending, CreateTime: tx.Now(), UpdateTime: tx.Now()}
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
	return s.finished(ctx, id)
}

// finished finishes the conferral of batch id and returns the batch.
func (s *Server) finished(ctx context.Context, id string) (*nominationsv1.Batch, error) {
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

// conferExisting confers the APPROVED nominations of batch id by the
// decision req names, which honours holds already: it must be ISSUED, by
// the batch's authority, and hold for each APPROVED nomination an entry
// of the same recipient key, award type and period, whose honour the
// nomination gets (domain.MatchIssued); else nothing changes. Nothing is
// created in honours. The decision and its entries are read before the
// intent is written; the intent records the match, and finishing it (at
// once, on a retry with the same request id, or in ResumeConferrals)
// needs nothing more of honours.
func (s *Server) conferExisting(ctx context.Context, id string, req *nominationsv1.ConferBatchRequest) (*nominationsv1.Batch, error) {
	var errs resname.Fields
	if req.GetDocument() != nil {
		errs.Add("document", "must be empty when decision is given: the decision has its document")
	}
	if req.GetTitle() != "" {
		errs.Add("title", "must be empty when decision is given: the decision has its title")
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	name := req.GetDecision()
	requestID := idempotency.CanonicalRequestID(req.GetRequestId())
	// The same call again, once its intent is written: finish it from
	// what the intent recorded, whatever honours says now.
	if c, err := s.store.GetConferral(ctx, id); err == nil && c.RequestID == requestID && c.Kind == store.ConferralExisting &&
		"decisions/"+c.DecisionID == name {
		return s.finished(ctx, id)
	}
	dec, entries, err := s.decisions.Issued(ctx, "decision", name)
	if err != nil {
		return nil, err
	}
	if st := dec.GetState(); st != honoursv1.DecisionState_DECISION_STATE_ISSUED {
		return nil, domainerr.Rule("DECISION_NOT_ISSUED", name, "the decision is %s: only an ISSUED decision confers nominations",
			strings.TrimPrefix(st.String(), "DECISION_STATE_"))
	}
	var derrs resname.Fields
	doc := documentIn(&derrs, "decision.document", dec.GetDocument())
	if err := derrs.Err(); err != nil || doc.SignedOn.IsZero() {
		return nil, domainerr.Rule("DECISION_NOT_ISSUED", name, "the decision has no signed document")
	}
	issued := make([]domain.IssuedEntry, 0, len(entries))
	for _, e := range entries {
		issued = append(issued, domain.IssuedEntry{
			Key:    s.entryKey(e.GetRecipient()),
			Award:  eligibility.Award(strings.TrimPrefix(e.GetAwardType(), "awardTypes/")),
			Period: domain.Period{StartYear: int(e.GetPeriod().GetStartYear()), EndYear: int(e.GetPeriod().GetEndYear())},
			Honour: e.GetHonour(),
		})
	}
	decisionID := strings.TrimPrefix(name, "decisions/")
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
		if dec.GetAuthority() != resname.Unit.Format(b.Authority) {
			return nil, domainerr.Rule("DECISION_OF_ANOTHER_AUTHORITY", name, "the decision is of %s, not of the batch's authority %s",
				dec.GetAuthority(), resname.Unit.Format(b.Authority))
		}
		approved, err := tx.NominationsOfBatch(ctx, id, domain.Approved)
		if err != nil {
			return nil, err
		}
		if len(approved) == 0 {
			return nil, domainerr.Rule("NO_APPROVED_NOMINATION", b.Name(), "the batch has no APPROVED nomination to confer")
		}
		honours, err := domain.MatchIssued(approved, func(n *domain.Nomination) string { return s.currentKey(n.Recipient.Key) }, issued)
		if err != nil {
			return nil, err
		}
		c := &store.Conferral{Batch: id, RequestID: requestID, Kind: store.ConferralExisting, DecisionID: decisionID,
			Document: doc, Title: dec.GetTitle(), State: store.ConferralPending, Honours: honours, CreateTime: tx.Now(), UpdateTime: tx.Now()}
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
	return s.finished(ctx, id)
}

// entryKey is the recipient key of an entry of a decision of honours, in
// the current generation: the one honours shows, else the one derived from
// what it shows, as honours derives it (recipientkey); "" when neither
// can be had (a citizen id shown masked).
func (s *Server) entryKey(r *typev1.Recipient) string {
	if k := r.GetRecipientKey(); k != "" {
		return s.currentKey(k)
	}
	if strings.Contains(r.GetCitizenId(), "*") {
		return ""
	}
	var errs resname.Fields
	in := recipientIn(&errs, "", r)
	if errs.Err() != nil {
		return ""
	}
	k, _ := s.keys.Key(identity(in))
	return k
}

// currentKey is key in the current generation of the keyring; "" when
// the keyring cannot bring it forward.
func (s *Server) currentKey(key string) string {
	if key == "" {
		return ""
	}
	k, ok := s.keys.Current(key)
	if !ok {
		return ""
	}
	return k
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
	byName := map[string]*domain.Nomination{}
	all, err := s.store.NominationsOfBatch(ctx, c.Batch, domain.Approved, domain.Conferred)
	if err != nil {
		return err
	}
	for _, n := range all {
		byName[n.Name()] = n
	}
	for _, name := range c.Nominations {
		if _, ok := byName[name]; !ok {
			return domainerr.Rule("CONFERRAL_NOMINATION_CHANGED", name, "the nomination is no longer APPROVED since its conferral began")
		}
	}
	// An existing decision's honours were matched when the intent was
	// written; a decision to create is asked of honours.
	honours := c.Honours
	if c.Kind != store.ConferralExisting {
		if honours, err = s.conferInHonours(ctx, c, byName); err != nil {
			return err
		}
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

// conferInHonours asks honours for the decision of the CREATE conferral c
// (byName holds its nominations) and returns the honour of each.
func (s *Server) conferInHonours(ctx context.Context, c *store.Conferral, byName map[string]*domain.Nomination) (map[string]string, error) {
	b, err := s.store.GetBatch(ctx, c.Batch)
	if err != nil {
		return nil, err
	}
	d := Conferral{ID: c.DecisionID, RequestID: c.RequestID, Decision: &honoursv1.Decision{
		Document: documentOut(c.Document), Title: c.Title, Authority: resname.Unit.Format(b.Authority),
	}}
	var movements []string
	for _, name := range c.Nominations {
		n := byName[name]
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
	return s.decisions.Confer(ctx, d)
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
