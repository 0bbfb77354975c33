package domain

import (
	"time"

	"github.com/tdkt-vn/tdkt/platform/civil"
)

// Membership says a unit belongs to a group from JoinedOn until LeftOn
// (inclusive), or still when LeftOn is zero.
type Membership struct {
	Group      string // group id
	ID         string
	Unit       string // unit id
	JoinedOn   civil.Date
	LeftOn     civil.Date
	CreateTime time.Time

	UnitDisplayName string // filled by reads
}

// Name is groups/{g}/memberships/{m}.
func (m *Membership) Name() string { return GroupName(m.Group) + "/memberships/" + m.ID }

// end is the last day of the membership, or far in the future while it
// lasts.
func (m *Membership) end() civil.Date {
	if m.LeftOn.IsZero() {
		return civil.Date{Year: civil.MaxYear + 1, Month: 1, Day: 1}
	}
	return m.LeftOn
}

// Overlaps reports whether m covers any day from from to to, inclusive.
func (m *Membership) Overlaps(from, to civil.Date) bool {
	return !m.JoinedOn.After(to) && !m.end().Before(from)
}

// InYear reports whether m covers any day of year.
func (m *Membership) InYear(year int) bool {
	return m.Overlaps(civil.Date{Year: year, Month: 1, Day: 1}, civil.Date{Year: year, Month: 12, Day: 31})
}

// NewMembership checks that unit may join g on joinedOn, given the group's
// existing memberships of that unit, and builds the membership.
func NewMembership(g *Group, id string, unit *Unit, joinedOn civil.Date, existing []*Membership, now time.Time) (*Membership, error) {
	if err := g.CheckActive(); err != nil {
		return nil, err
	}
	if joinedOn.IsZero() {
		return nil, FieldErrors{{Field: "membership.joinedOn", Description: "is required"}}
	}
	if unit.State == UnitDissolved && !joinedOn.Before(unit.DissolvedOn) {
		return nil, rule("UNIT_DISSOLVED", unit.Name(), "the unit was dissolved on %s", unit.DissolvedOn)
	}
	m := &Membership{Group: g.ID, ID: id, Unit: unit.ID, JoinedOn: joinedOn, CreateTime: now}
	if unit.State == UnitDissolved {
		m.LeftOn = unit.DissolvedOn.AddDays(-1)
	}
	for _, e := range existing {
		if e.Unit == unit.ID && e.Overlaps(m.JoinedOn, m.end()) {
			return nil, rule("ALREADY_MEMBER", unit.Name(), "the unit is already a member (%s) from %s", e.Name(), e.JoinedOn)
		}
	}
	return m, nil
}

// End ends m on leftOn.
func (m *Membership) End(leftOn civil.Date) error {
	if !m.LeftOn.IsZero() {
		return rule("MEMBERSHIP_ENDED", m.Name(), "the membership already ended on %s", m.LeftOn)
	}
	if leftOn.Before(m.JoinedOn) {
		return FieldErrors{{Field: "leftOn", Description: "must not be before joinedOn (" + m.JoinedOn.String() + ")"}}
	}
	m.LeftOn = leftOn
	return nil
}

// MembersInYear returns the ids of units with a membership covering year.
func MembersInYear(ms []*Membership, year int) map[string]bool {
	members := make(map[string]bool)
	for _, m := range ms {
		if m.InYear(year) {
			members[m.Unit] = true
		}
	}
	return members
}
