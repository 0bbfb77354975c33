package domain

import (
	"fmt"
	"strconv"
	"time"

	"github.com/tdkt-vn/tdkt/platform/resid"
	"github.com/tdkt-vn/tdkt/platform/resname"
	"github.com/tdkt-vn/tdkt/services/blocs/lineage"
)

// MissingUnits returns the ids of the units issuing a decision of
// authority needs that units lacks: the authority, the units and communes
// its entries name (unitIDs), and the provinces of the units known.
func MissingUnits(units map[string]lineage.Unit, authority string, unitIDs []string) []string {
	var missing []string
	seen := make(map[string]bool)
	need := func(id string) {
		if _, ok := units[id]; !ok && id != "" && !seen[id] {
			seen[id] = true
			missing = append(missing, id)
		}
	}
	need(authority)
	for _, id := range unitIDs {
		need(id)
	}
	for _, u := range units {
		need(u.Province)
	}
	return missing
}

// EntryUnits returns the units and communes entries name.
func EntryUnits(entries []DecisionEntry) []string {
	ids := make([]string, 0, 2*len(entries))
	for _, e := range entries {
		ids = append(ids, e.Recipient.Unit, e.Recipient.Commune)
	}
	return ids
}

// RewardLines returns what the money rule needs of each entry, in order.
func RewardLines(entries []DecisionEntry) []Entry {
	lines := make([]Entry, len(entries))
	for i, e := range entries {
		lines[i] = Entry{RecipientKey: e.Recipient.Key, RecipientKind: e.Recipient.Kind, AwardCode: e.AwardCode, Period: e.Period}
	}
	return lines
}

// RecipientKeys returns the recipient key of each line, in order: the keys
// whose held awards issuing needs.
func RecipientKeys(lines []Entry) []string {
	keys := make([]string, len(lines))
	for i, l := range lines {
		keys[i] = l.RecipientKey
	}
	return keys
}

// Issuance is a draft decision being issued (domain.md §7): its authority
// checked and every entry's reward computed, ready to turn its entries into
// honours of the register a page at a time, so that a decision of any size
// is issued without holding all of it at once.
type Issuance struct {
	d         *Decision
	next      DecisionState
	authority lineage.Unit
	units     map[string]lineage.Unit
	rewards   []Reward
	done      int // entries turned into honours so far
	total     int64
	now       time.Time
}

// StartIssue begins issuing draft d at time now: the authority exists,
// still existed when it signed, and its level may confer every award of
// the decision; lines (RewardLines of all its entries, in ordinal order)
// get their rewards, the same-period rule counting held, the awards the
// recipients already hold in the register. units holds every unit
// MissingUnits asks for. d is unchanged until Finish.
func (c *Catalogue) StartIssue(salaries *SalaryTable, d *Decision, lines []Entry, units map[string]lineage.Unit, held []Held, now time.Time) (*Issuance, error) {
	next, err := d.State.Issue(d.Name())
	if err != nil {
		return nil, err
	}
	if len(lines) == 0 {
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
	for _, l := range lines {
		if checked[l.AwardCode] {
			continue
		}
		checked[l.AwardCode] = true
		t, err := c.Get(l.AwardCode)
		if err != nil {
			continue // ComputeRewards names the entry
		}
		if err := CanConfer(authority.Level, t); err != nil {
			return nil, err
		}
	}
	rewards, err := c.ComputeRewards(salaries, d.Document.SignedOn, lines, held)
	if err != nil {
		return nil, err
	}
	return &Issuance{d: d, next: next, authority: authority, units: units, rewards: rewards, now: now}, nil
}

// Honours turns the next entries of the decision, in ordinal order, into
// honours of the register, each counted under the province its unit
// belongs to now.
func (is *Issuance) Honours(entries []DecisionEntry) ([]*Honour, error) {
	if is.done+len(entries) > len(is.rewards) {
		return nil, fmt.Errorf("issue %s: %d entries given beyond the %d started with", is.d.Name(), is.done+len(entries)-len(is.rewards), len(is.rewards))
	}
	d := is.d
	honours := make([]*Honour, len(entries))
	for i, e := range entries {
		at := is.done + i
		reward := is.rewards[at]
		unit, field := e.Recipient.Unit, entryField(at, ".recipient.unit")
		if e.Recipient.Kind == RecipientHousehold {
			unit, field = e.Recipient.Commune, entryField(at, ".recipient.commune")
		}
		province, original, err := provinceOf(is.units, unit, field, is.authority)
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
			RecipientName:     recipientName(r, is.units),
			Period:            e.Period,
			Achievements:      e.Achievements,
			ConferredOn:       d.Document.SignedOn,
			RewardVND:         reward.AmountVND,
			RewardNote:        reward.Note,
			CertificateNumber: d.Document.Number + "/" + strconv.Itoa(e.Ordinal),
			Nomination:        e.Nomination,
			Movement:          d.Movement,
			Province:          province,
			ProvinceOriginal:  original,
			RecipientUnit:     unit,
			State:             HonourActive,
			CreateTime:        is.now,
			UpdateTime:        is.now,
			Version:           1,
		}
		is.total += reward.AmountVND
	}
	is.done += len(entries)
	return honours, nil
}

// Finish marks the decision ISSUED with its reward total, once every entry
// has become an honour.
func (is *Issuance) Finish() error {
	if is.done != len(is.rewards) {
		return fmt.Errorf("issue %s: %d of %d entries became honours", is.d.Name(), is.done, len(is.rewards))
	}
	d := is.d
	d.State, d.RewardTotal = is.next, is.total
	d.IssueTime, d.UpdateTime = is.now, is.now
	d.Version++
	return nil
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
