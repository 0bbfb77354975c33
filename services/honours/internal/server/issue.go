package server

import (
	"context"
	"maps"
	"strconv"

	"google.golang.org/protobuf/proto"

	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	"github.com/tdkt-vn/tdkt/services/honours/internal/domain"
	"github.com/tdkt-vn/tdkt/services/honours/internal/lineage"
	"github.com/tdkt-vn/tdkt/services/honours/internal/store"
)

// IssueDecision issues a draft decision: in one transaction, it checks the
// authority, computes every reward, adds one honour per entry to the
// register and marks the decision ISSUED, with the request id and the audit
// entry. Killed half-way, it leaves nothing; retried with the same
// request_id after it committed, it answers as the first time; and the
// register's unique key on (decision, entry) makes a second set of honours
// for the same entries impossible whatever happens.
//
// The response is the decision without its entries (GetDecision has them,
// with the honours and rewards).
func (s *Server) IssueDecision(ctx context.Context, req *honoursv1.IssueDecisionRequest) (*honoursv1.Decision, error) {
	id, err := decisionID("name", req.GetName())
	if err != nil {
		return nil, s.status(ctx, err)
	}
	// Ask blocs for the units before the transaction rather than while it
	// holds the decision (and, on SQLite, the database).
	var units map[string]lineage.Unit
	d, err := s.store.GetDecision(ctx, id)
	if err != nil {
		return nil, s.status(ctx, err)
	}
	if d.State == domain.DecisionDraft {
		ids, err := s.store.EntryUnits(ctx, id)
		if err != nil {
			return nil, s.status(ctx, err)
		}
		if units, err = s.unitsWithProvinces(ctx, ids); err != nil {
			return nil, s.status(ctx, err)
		}
		// The authority as it is now: it may have been dissolved since the
		// draft was made.
		authority, err := s.units.Fresh(ctx, []string{d.Authority})
		if err != nil {
			return nil, s.status(ctx, err)
		}
		maps.Copy(units, authority)
	}
	resp := new(honoursv1.Decision)
	err = s.mutate(ctx, "IssueDecision", req, resp, func(tx *store.Tx) (proto.Message, error) {
		d, err := tx.LockDecision(ctx, id)
		if err != nil {
			return nil, err
		}
		if err := checkEtag(req.GetEtag(), d.Version); err != nil {
			return nil, err
		}
		if err := s.issue(ctx, tx, d, units, nil); err != nil {
			return nil, err
		}
		return decisionOut(d, nil), nil
	})
	if err != nil {
		return nil, err
	}
	s.registerChanged(ctx)
	return resp, nil
}

// unitsWithProvinces returns the units with ids and the provinces they are
// in.
func (s *Server) unitsWithProvinces(ctx context.Context, ids []string) (map[string]lineage.Unit, error) {
	units, err := s.units.Units(ctx, ids)
	if err != nil {
		return nil, err
	}
	var provinces []string
	for _, u := range units {
		if _, ok := units[u.Province]; !ok && u.Province != "" {
			provinces = append(provinces, u.Province)
		}
	}
	more, err := s.units.Units(ctx, provinces)
	if err != nil {
		return nil, err
	}
	for id, u := range more {
		units[id] = u
	}
	return units, nil
}

// issue issues draft d in tx; units holds the units its entries name (any
// missing, e.g. of entries added since they were looked up, are asked for
// here). entries are d's entries when the caller has them all (it has just
// added them in tx); nil reads them.
func (s *Server) issue(ctx context.Context, tx *store.Tx, d *store.Decision, units map[string]lineage.Unit, entries []store.Entry) error {
	next, err := d.State.Issue(d.Name())
	if err != nil {
		return err
	}
	if d.EntryCount == 0 {
		return ruleError("DECISION_EMPTY", d.Name(), "the decision has no entries; add them before issuing it")
	}
	if entries == nil {
		if entries, err = tx.Entries(ctx, d.ID); err != nil {
			return err
		}
	}
	if units, err = s.completeUnits(ctx, units, d.Authority, entries); err != nil {
		return err
	}

	// The authority: it exists, it still existed when it signed, and its
	// level may confer every award of the decision.
	authority, ok := units[d.Authority]
	if !ok {
		return ruleError("AUTHORITY_NOT_FOUND", "decision.authority", "%s does not exist", unitRef(d.Authority))
	}
	if authority.Dissolved && !d.Document.SignedOn.Before(authority.DissolvedOn) {
		return ruleError("AUTHORITY_DISSOLVED", "decision.authority", "%s was dissolved on %s; the decision is signed on %s",
			unitRef(d.Authority), authority.DissolvedOn, d.Document.SignedOn)
	}
	checked := make(map[string]bool)
	for _, e := range entries {
		if checked[e.AwardCode] {
			continue
		}
		checked[e.AwardCode] = true
		t, err := s.catalogue.Get(e.AwardCode)
		if err != nil {
			continue // ComputeRewards names the entry
		}
		if err := domain.CanConfer(domain.Level(authority.Level), t); err != nil {
			return err
		}
	}

	// The money: the same-period rule holds across decisions, so the
	// recipients' honours already in the register take part.
	keys := make([]string, len(entries))
	de := make([]domain.Entry, len(entries))
	for i, e := range entries {
		keys[i] = e.Recipient.Key
		de[i] = domain.Entry{RecipientKey: e.Recipient.Key, RecipientKind: e.Recipient.Kind, AwardCode: e.AwardCode, Period: e.Period}
	}
	held, err := tx.HeldAwards(ctx, keys)
	if err != nil {
		return err
	}
	rewards, err := s.catalogue.ComputeRewards(s.salaries, d.Document.SignedOn, de, held)
	if err != nil {
		return err
	}

	now := tx.Now()
	honours := make([]*store.Honour, len(entries))
	var total int64
	for i, e := range entries {
		unit := e.Recipient.Unit
		field := entryField(i, ".recipient.unit")
		if e.Recipient.Kind == domain.RecipientHousehold {
			unit, field = e.Recipient.Commune, entryField(i, ".recipient.commune")
		}
		province, original, err := provinceOf(units, unit, field, authority)
		if err != nil {
			return err
		}
		r := e.Recipient
		r.CitizenIDSealed = nil
		honours[i] = &store.Honour{
			ID:                honourID(d.ID, e.Ordinal),
			DecisionID:        d.ID,
			Ordinal:           e.Ordinal,
			DecisionNumber:    d.Document.Number,
			Authority:         d.Authority,
			AwardCode:         e.AwardCode,
			Recipient:         r,
			RecipientName:     recipientName(r, units),
			Period:            e.Period,
			Achievements:      e.Achievements,
			ConferredOn:       d.Document.SignedOn,
			RewardVND:         rewards[i].AmountVND,
			RewardNote:        rewards[i].Note,
			CertificateNumber: d.Document.Number + "/" + strconv.Itoa(e.Ordinal),
			Nomination:        e.Nomination,
			Movement:          d.Movement,
			Province:          province,
			ProvinceOriginal:  original,
			RecipientUnit:     unit,
			State:             domain.HonourActive,
			CreateTime:        now,
			UpdateTime:        now,
			Version:           1,
		}
		total += rewards[i].AmountVND
	}
	if err := tx.InsertHonours(ctx, honours); err != nil {
		return err
	}
	d.State, d.RewardTotal = next, total
	d.IssueTime, d.UpdateTime = now, now
	d.Version++
	return tx.UpdateDecision(ctx, d)
}

// completeUnits adds to units those the authority and entries name that it
// lacks, with their provinces.
func (s *Server) completeUnits(ctx context.Context, units map[string]lineage.Unit, authority string, entries []store.Entry) (map[string]lineage.Unit, error) {
	if units == nil {
		units = make(map[string]lineage.Unit)
	}
	var missing []string
	need := func(id string) {
		if _, ok := units[id]; !ok && id != "" {
			missing = append(missing, id)
		}
	}
	need(authority)
	for _, e := range entries {
		need(e.Recipient.Unit)
		need(e.Recipient.Commune)
	}
	for _, u := range units {
		need(u.Province)
	}
	if len(missing) == 0 {
		return units, nil
	}
	more, err := s.unitsWithProvinces(ctx, missing)
	if err != nil {
		return nil, err
	}
	for id, u := range more {
		units[id] = u
	}
	return units, nil
}

// provinceOf is the province an honour counts under (api.md): the province
// of the recipient's unit (the unit itself for a collective, the commune
// for a household) when there is one, else the authority's; resolved
// through lineage to the province that exists now. original is the
// province before that resolution. field names the unit in errors.
func provinceOf(units map[string]lineage.Unit, unit, field string, authority lineage.Unit) (current, original string, err error) {
	if unit != "" {
		u, ok := units[unit]
		if !ok {
			return "", "", ruleError("UNIT_NOT_FOUND", field, "%s does not exist", unitRef(unit))
		}
		original = u.Province
	}
	if original == "" {
		original = authority.Province
	}
	if original == "" {
		return "", "", nil // a central award to a central body
	}
	if p, ok := units[original]; ok {
		return p.Current, original, nil
	}
	return original, original, nil
}

// recipientName is what the register sorts and searches a recipient by: an
// individual's full name, a collective's unit name, the head of a household.
func recipientName(r store.Recipient, units map[string]lineage.Unit) string {
	switch r.Kind {
	case domain.RecipientCollective:
		if u, ok := units[r.Unit]; ok && u.DisplayName != "" {
			return u.DisplayName
		}
		return r.Unit
	case domain.RecipientHousehold:
		return r.HeadName
	}
	return r.FullName
}
