package server

import (
	"context"
	"fmt"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	"github.com/tdkt-vn/tdkt/platform/domainerr"
	"github.com/tdkt-vn/tdkt/platform/idempotency"
	"github.com/tdkt-vn/tdkt/platform/pagetoken"
	"github.com/tdkt-vn/tdkt/platform/resname"
	"github.com/tdkt-vn/tdkt/platform/vnfold"
	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	"github.com/tdkt-vn/tdkt/services/honours/internal/domain"
	"github.com/tdkt-vn/tdkt/services/honours/internal/store"
)

// CreateDecision creates a draft decision with the entries it is given,
// checked as AddDecisionEntries checks them and added in the same
// transaction. The response holds no entries: it would be as large as the
// request.
func (s *Server) CreateDecision(ctx context.Context, req *honoursv1.CreateDecisionRequest) (*honoursv1.Decision, error) {
	d, err := s.decisionIn(ctx, "decision", req.GetDecision(), req.GetDecisionId())
	if err != nil {
		return nil, err
	}
	const base = "decision.entries"
	entries, err := s.entriesIn(ctx, base, req.GetDecision().GetEntries())
	if err != nil {
		return nil, err
	}
	blindCitizenIDs(req.GetDecision().GetEntries(), entries)
	resp := new(honoursv1.Decision)
	err = idempotency.Mutate(ctx, s.store.Do, req, resp, func(tx *store.Tx) (proto.Message, error) {
		d := *d // fn may run again: start from what the request says
		d.CreateTime, d.UpdateTime = tx.Now(), tx.Now()
		if err := tx.InsertDecision(ctx, &d); err != nil {
			return nil, err
		}
		if len(entries) > 0 {
			if err := s.addEntries(ctx, tx, &d, base, entries); err != nil {
				return nil, err
			}
		}
		return decisionOut(&d, nil), nil
	})
	if err != nil {
		return nil, err
	}
	return resp, nil
}

// decisionIn reads the settable fields of a new decision (prefix is its
// JSON path) and checks that its authority and issuer exist in blocs. id
// is the client's id, "" for one assigned here.
func (s *Server) decisionIn(ctx context.Context, prefix string, p *honoursv1.Decision, id string) (*domain.Decision, error) {
	var errs resname.Fields
	if p == nil {
		errs.Add(prefix, "is required")
		return nil, errs.Err()
	}
	d := &domain.Decision{
		ID:        id,
		Document:  documentIn(&errs, prefix+".document", p.GetDocument()),
		Title:     vnfold.Normalize(p.GetTitle()),
		Authority: errs.ID(prefix+".authority", p.GetAuthority(), resname.Unit),
		Movement:  vnfold.Normalize(p.GetMovement()),
		State:     domain.DecisionDraft,
		Version:   1,
	}
	if p.GetAuthority() == "" {
		errs.Add(prefix+".authority", "is required")
	}
	requireRenderable(&errs, prefix, d)
	if err := errs.Err(); err != nil {
		return nil, err
	}
	units, err := s.units.Units(ctx, []string{d.Authority, d.Document.Issuer})
	if err != nil {
		return nil, err
	}
	if _, ok := units[d.Authority]; !ok {
		errs.Add(prefix+".authority", "%s does not exist", resname.Unit.Format(d.Authority))
	}
	if _, ok := units[d.Document.Issuer]; !ok && d.Document.Issuer != "" {
		errs.Add(prefix+".document.issuer", "%s does not exist", resname.Unit.Format(d.Document.Issuer))
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	if d.ID == "" {
		d.ID = newID()
	}
	return d, nil
}

// requireRenderable records as violations the fields a decision's PDF
// cannot do without (document.Decision's required inputs) beyond those
// documentIn requires (number, signing date): its title and its signer's
// name and title. A decision created without them could never be rendered.
func requireRenderable(errs *resname.Fields, prefix string, d *domain.Decision) {
	if d.Title == "" {
		errs.Add(prefix+".title", "is required")
	}
	if errs.Has(prefix + ".document") {
		return // no document at all: already reported
	}
	if d.Document.SignerName == "" {
		errs.Add(prefix+".document.signerName", "is required")
	}
	if d.Document.SignerTitle == "" {
		errs.Add(prefix+".document.signerTitle", "is required")
	}
}

// GetDecision returns a decision: with its entries in the FULL view (the
// default), which a decision too large for one message cannot have.
func (s *Server) GetDecision(ctx context.Context, req *honoursv1.GetDecisionRequest) (*honoursv1.Decision, error) {
	id, err := decisionID("name", req.GetName())
	if err != nil {
		return nil, err
	}
	d, err := s.store.GetDecision(ctx, id)
	if err != nil {
		return nil, err
	}
	if req.GetView() == honoursv1.DecisionView_DECISION_VIEW_BASIC {
		return decisionOut(d, nil), nil
	}
	if d.EntryCount > maxFullViewEntries {
		return nil, tooLargeForView(d, fmt.Sprintf("has %d entries, more than the %d", d.EntryCount, maxFullViewEntries))
	}
	entries, err := s.store.Entries(ctx, id)
	if err != nil {
		return nil, err
	}
	// The size is checked before the entries are rendered for the caller:
	// what they show (and whether citizen ids are read) does not change it.
	resp := decisionOut(d, nil)
	size := proto.Size(resp)
	for _, e := range entries {
		size += protowire.SizeTag(1) + protowire.SizeBytes(proto.Size(entryOut(e, recipientOut(e.Recipient, sightPII, ""))))
	}
	if size > maxFullViewBytes {
		return nil, tooLargeForView(d, fmt.Sprintf("is %d bytes with its entries, more than the %d bytes", size, maxFullViewBytes))
	}
	if resp.Entries, err = s.viewer(ctx).entries(d, entries); err != nil {
		return nil, err
	}
	return resp, nil
}

// tooLargeForView refuses the FULL view of d, which is too large (what
// says how).
func tooLargeForView(d *domain.Decision, what string) error {
	return domainerr.Rule("DECISION_TOO_LARGE_FOR_VIEW", d.Name(),
		"the decision %s that the FULL view returns in one message: ask for the BASIC view and list its entries with ListDecisionEntries", what)
}

// entryCursor is the position after the last entry of a page.
type entryCursor struct {
	Ordinal int `json:"o"`
}

// ListDecisionEntries lists a decision's entries in ordinal order, a page
// at a time: at most page_size entries, fewer when more would pass
// maxEntryPageBytes.
func (s *Server) ListDecisionEntries(ctx context.Context, req *honoursv1.ListDecisionEntriesRequest) (*honoursv1.ListDecisionEntriesResponse, error) {
	id, err := decisionID("parent", req.GetParent())
	if err != nil {
		return nil, err
	}
	page, err := pagetoken.PageOf[entryCursor](s.tokens, req)
	if err != nil {
		return nil, err
	}
	d, err := s.store.GetDecision(ctx, id)
	if err != nil {
		return nil, err
	}
	from := 0
	if page.After != nil {
		from = page.After.Ordinal
	}
	entries, err := s.store.EntriesAfter(ctx, id, from, page.Size+1)
	if err != nil {
		return nil, err
	}
	resp := &honoursv1.ListDecisionEntriesResponse{TotalSize: int32(d.EntryCount)}
	var next *entryCursor
	bytes := 0
	for i, e := range entries {
		// A page's bounds do not depend on what the caller sees of it.
		n := protowire.SizeTag(1) + protowire.SizeBytes(proto.Size(entryOut(e, recipientOut(e.Recipient, sightPII, ""))))
		if i == page.Size || (i > 0 && bytes+n > maxEntryPageBytes) {
			next = &entryCursor{Ordinal: entries[i-1].Ordinal}
			entries = entries[:i]
			break
		}
		bytes += n
	}
	if resp.Entries, err = s.viewer(ctx).entries(d, entries); err != nil {
		return nil, err
	}
	if resp.NextPageToken, err = page.NextToken(next); err != nil {
		return nil, err
	}
	return resp, nil
}

// ListDecisions lists decisions without their entries. The authority
// filter includes the units dissolved into the authority.
func (s *Server) ListDecisions(ctx context.Context, req *honoursv1.ListDecisionsRequest) (*honoursv1.ListDecisionsResponse, error) {
	var errs resname.Fields
	authority := errs.ID("authority", req.GetAuthority(), resname.Unit)
	if err := errs.Err(); err != nil {
		return nil, err
	}
	f := store.DecisionFilter{Year: int(req.GetYear()), Query: req.GetQuery(), State: domain.DecisionState(req.GetState())}
	var err error
	if f.Drafts, err = s.scope(ctx); err != nil {
		return nil, err
	}
	page, err := pagetoken.PageOf[store.DecisionCursor](s.tokens, req)
	if err != nil {
		return nil, err
	}
	if authority != "" {
		if f.Authorities, err = s.lineageOf(ctx, authority); err != nil {
			return nil, err
		}
	}
	l, err := pagetoken.List(ctx, page, s.store.ListDecisions, f, func(d *domain.Decision) *honoursv1.Decision { return decisionOut(d, nil) })
	if err != nil {
		return nil, err
	}
	return &honoursv1.ListDecisionsResponse{Decisions: l.Items, TotalSize: l.TotalSize, NextPageToken: l.NextPageToken}, nil
}

// AddDecisionEntries adds entries to a draft decision. The response is the
// decision with the entries this call added (their ordinals assigned);
// ListDecisionEntries returns all of them.
func (s *Server) AddDecisionEntries(ctx context.Context, req *honoursv1.AddDecisionEntriesRequest) (*honoursv1.Decision, error) {
	id, err := decisionID("name", req.GetName())
	if err != nil {
		return nil, err
	}
	entries, err := s.entriesIn(ctx, "entries", req.GetEntries())
	if err != nil {
		return nil, err
	}
	blindCitizenIDs(req.GetEntries(), entries)
	resp := new(honoursv1.Decision)
	err = idempotency.Mutate(ctx, s.store.Do, req, resp, func(tx *store.Tx) (proto.Message, error) {
		d, err := tx.LockDecision(ctx, id)
		if err != nil {
			return nil, err
		}
		if err := s.addEntries(ctx, tx, d, "entries", entries); err != nil {
			return nil, err
		}
		// Saved for retries: no full citizen id (mutationViewer).
		added, err := s.mutationViewer(ctx).entries(d, entries)
		if err != nil {
			return nil, err
		}
		return decisionOut(d, added), nil
	})
	if err != nil {
		return nil, err
	}
	return resp, nil
}

// addEntries appends entries to draft d in tx, numbering them after its
// last one; base is their JSON path in the request.
func (s *Server) addEntries(ctx context.Context, tx *store.Tx, d *domain.Decision, base string, entries []domain.DecisionEntry) error {
	if err := d.State.CheckDraft(d.Name()); err != nil {
		return err
	}
	if d.EntryCount+len(entries) > maxEntries {
		return domainerr.Rule("DECISION_TOO_LARGE", d.Name(), "the decision has %d entries; %d more would pass the limit of %d",
			d.EntryCount, len(entries), maxEntries)
	}
	if err := checkDuplicates(ctx, tx, d, base, entries); err != nil {
		return err
	}
	for i := range entries {
		entries[i].Ordinal = d.EntryCount + i + 1
	}
	s.sealCitizenIDs(d.ID, entries)
	if err := tx.InsertEntries(ctx, d.ID, entries); err != nil {
		return err
	}
	d.EntryCount += len(entries)
	d.UpdateTime = tx.Now()
	d.Version++
	return tx.UpdateDecision(ctx, d)
}

// checkDuplicates refuses an entry that confers an award on a recipient for
// a period for which the decision (or the request) already does (domain.md
// §5 G2). A draft cannot lose entries, so this is caught when they come in.
func checkDuplicates(ctx context.Context, tx *store.Tx, d *domain.Decision, base string, entries []domain.DecisionEntry) error {
	type award struct {
		key, code string
		period    domain.Period
	}
	keys := make([]string, 0, len(entries))
	for _, e := range entries {
		keys = append(keys, e.Recipient.Key)
	}
	var existing []store.EntryAward
	if d.EntryCount > 0 { // a new draft has nothing to look up
		var err error
		if existing, err = tx.EntryAwards(ctx, d.ID, keys); err != nil {
			return err
		}
	}
	seen := make(map[award]string, len(existing)+len(entries))
	for _, a := range existing {
		seen[award{a.RecipientKey, a.AwardCode, a.Period}] = fmt.Sprintf("entry %d of the decision", a.Ordinal)
	}
	for i, e := range entries {
		k := award{e.Recipient.Key, e.AwardCode, e.Period}
		if where, dup := seen[k]; dup {
			return domainerr.Rule("DUPLICATE_AWARD", fmt.Sprintf("%s[%d]", base, i),
				"%s already confers %s for %s on the same recipient", where, e.AwardCode, e.Period)
		}
		seen[k] = fmt.Sprintf("%s[%d]", base, i)
	}
	return nil
}

// entriesIn reads the entries of a request for a decision (base is their
// JSON path): recipients and their keys, award types known to the
// catalogue and fit for the recipient, periods, and units that exist in
// blocs. Citizen ids stay in clear in the entries returned, for
// addEntries to seal (or drop, without a sealer) once their ordinals are
// known; the caller blinds them in the request (blindCitizenIDs).
func (s *Server) entriesIn(ctx context.Context, base string, ps []*honoursv1.DecisionEntry) ([]domain.DecisionEntry, error) {
	var errs resname.Fields
	entries := make([]domain.DecisionEntry, len(ps))
	type unitRefAt struct{ field, id string }
	var refs []unitRefAt
	for i, p := range ps {
		prefix := fmt.Sprintf("%s[%d]", base, i)
		if p.GetRecipient() == nil {
			errs.Add(prefix+".recipient", "is required")
			continue
		}
		r := recipientIn(&errs, prefix+".recipient", p.GetRecipient(), s.keys)
		period := domain.Period{StartYear: int(p.GetPeriod().GetStartYear()), EndYear: int(p.GetPeriod().GetEndYear())}
		code, ok := awardCode(p.GetAwardType())
		if !ok {
			errs.Add(prefix+".awardType", "must be awardTypes/{code}")
		} else if err := errs.Merge(s.catalogue.CheckEntry(domain.Entry{
			RecipientKey: r.Key, RecipientKind: r.Kind, AwardCode: code, Period: period,
		}, prefix)); err != nil {
			return nil, err
		}
		entries[i] = domain.DecisionEntry{
			Recipient:    r,
			AwardCode:    code,
			Period:       period,
			Achievements: vnfold.Normalize(p.GetAchievements()),
			Nomination:   vnfold.Normalize(p.GetNomination()),
		}
		if r.Unit != "" {
			refs = append(refs, unitRefAt{prefix + ".recipient.unit", r.Unit})
		}
		if r.Commune != "" {
			refs = append(refs, unitRefAt{prefix + ".recipient.commune", r.Commune})
		}
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	ids := make([]string, len(refs))
	for i, ref := range refs {
		ids[i] = ref.id
	}
	units, err := s.units.Units(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, ref := range refs {
		if _, ok := units[ref.id]; !ok {
			errs.Add(ref.field, "%s does not exist", resname.Unit.Format(ref.id))
		}
	}
	return entries, errs.Err()
}
