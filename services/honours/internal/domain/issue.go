package domain

import (
	"strconv"
	"time"

	"github.com/tdkt-vn/tdkt/platform/resid"
	"github.com/tdkt-vn/tdkt/platform/resname"
	"github.com/tdkt-vn/tdkt/services/blocs/lineage"
)

// MissingUnits returns the ids of the units issuing d with entries needs
// that units lacks: the authority, every unit and commune the entries
// name, and the provinces of those units.
func MissingUnits(units map[string]lineage.Unit, authority string, entries []DecisionEntry) []string {
	var missing []string
	seen := make(map[string]bool)
	need := func(id string) {
		if _, ok := units[id]; !ok && id != "" && !seen[id] {
			seen[id] = true
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
	return missing
}

// RecipientKeys returns the recipient key of each entry, in order: the
// keys whose held awards Issue needs.
func RecipientKeys(entries []DecisionEntry) []string {
	keys := make([]string, len(entries))
	for i, e := range entries {
		keys[i] = e.Recipient.Key
	}
	return keys
}

// Issue issues draft d with its entries at time now (domain.md §7): the
// authority exists, still existed when it signed, and its level may confer
// every award of the decision; every entry's reward is computed (the
// same-period rule counts held, the awards the recipients already hold in
// the register); and every entry becomes an honour of the register,
// counted under the province its unit belongs to now. units holds every
// unit MissingUnits asks for. It returns the honours and marks d ISSUED
// with its reward total; on error d is unchanged.
func (c *Catalogue) Issue(salaries *SalaryTable, d *Decision, entries []DecisionEntry, units map[string]lineage.Unit, held []Held, now time.Time) ([]*Honour, error) {
	next, err := d.State.Issue(d.Name())
	if err != nil {
		return nil, err
	}
	if len(entries) == 0 {
		return nil, rule("DECISION_EMPTY", d.Name(), "the decision has no entries; add them before issuing it")
	}
	authority, ok := units[d.Authority]
	if !ok {
		return nil, rule("AUTHORITY_NOT_FOUND", "decision.authority", "%s does not exist", resname.Unit.Format(d.Authority))
	}
	if authority.Dissolved && !d.Document.SignedOn.Before(authority.DissolvedOn) {
		return nil, rule("AUTHORITY_DISSOLVED", "decision.authority", "%s was dissolved on %s; the decision is signed on %s",
			resname.Unit.Format(d.Authority), authority.DissolvedOn, d.Document.SignedOn)
	}
	checked := make(map[string]bool)
	for _, e := range entries {
		if checked[e.AwardCode] {
			continue
		}
		checked[e.AwardCode] = true
		t, err := c.Get(e.AwardCode)
		if err != nil {
			continue // ComputeRewards names the entry
		}
		if err := CanConfer(authority.Level, t); err != nil {
			return nil, err
		}
	}

	lines := make([]Entry, len(entries))
	for i, e := range entries {
		lines[i] = Entry{RecipientKey: e.Recipient.Key, RecipientKind: e.Recipient.Kind, AwardCode: e.AwardCode, Period: e.Period}
	}
	rewards, err := c.ComputeRewards(salaries, d.Document.SignedOn, lines, held)
	if err != nil {
		return nil, err
	}

	honours := make([]*Honour, len(entries))
	var total int64
	for i, e := range entries {
		unit, field := e.Recipient.Unit, entryField(i, ".recipient.unit")
		if e.Recipient.Kind == RecipientHousehold {
			unit, field = e.Recipient.Commune, entryField(i, ".recipient.commune")
		}
		province, original, err := provinceOf(units, unit, field, authority)
		if err != nil {
			return nil, err
		}
		r := e.Recipient
		r.CitizenID, r.CitizenIDSealed = "", nil
		honours[i] = &Honour{
			ID:                HonourID(d.ID, e.Ordinal),
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
			State:             HonourActive,
			CreateTime:        now,
			UpdateTime:        now,
			Version:           1,
		}
		total += rewards[i].AmountVND
	}
	d.State, d.RewardTotal = next, total
	d.IssueTime, d.UpdateTime = now, now
	d.Version++
	return honours, nil
}

// HonourID is the id of the honour entry ordinal of decision id becomes: a
// function of the two, so that an issue retried after a crash names the
// same honours.
func HonourID(decisionID string, ordinal int) string {
	return resid.Derived(decisionID, strconv.Itoa(ordinal))
}

// entryField is the JSON path of a field of entry i of a decision.
func entryField(i int, field string) string {
	return "entries[" + strconv.Itoa(i) + "]" + field
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
			return "", "", rule("UNIT_NOT_FOUND", field, "%s does not exist", resname.Unit.Format(unit))
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
func recipientName(r Recipient, units map[string]lineage.Unit) string {
	switch r.Kind {
	case RecipientCollective:
		if u, ok := units[r.Unit]; ok && u.DisplayName != "" {
			return u.DisplayName
		}
		return r.Unit
	case RecipientHousehold:
		return r.HeadName
	}
	return r.FullName
}
