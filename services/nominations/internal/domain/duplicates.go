package domain

import "github.com/tdkt-vn/tdkt/services/nominations/internal/domain/eligibility"

// Claim is what the duplicates rule reads of a nomination.
type Claim struct {
	Name     string // batches/{b}/nominations/{n}
	Key      string // the recipient key
	Award    eligibility.Award
	Period   Period
	Basis    eligibility.Basis
	Movement string // movement id, for a nomination on a movement's basis
	State    State
}

// Claim returns what the duplicates rule reads of n.
func (n *Nomination) Claim() Claim {
	return Claim{Name: n.Name(), Key: n.Recipient.Key, Award: n.Award, Period: n.Period,
		Basis: n.Basis, Movement: n.Movement, State: n.State}
}

// FindDuplicate returns the name of the first of others that c repeats:
// an open (not REJECTED or WITHDRAWN) or conferred nomination of the same
// recipient key for the same award whose period shares a year with c's
// (one achievement, one award: domain.md G2; a year rewarded twice is a
// year rewarded twice, whether the periods are equal or overlap), for the
// same achievement: both for merit, or both for the same thematic
// movement. A nomination for an unexpected achievement repeats none, since
// each such achievement is its own; G2 of the eligibility report flags a
// named achievement rewarded twice. c itself, by name, is skipped.
func FindDuplicate(c Claim, others []Claim) (string, bool) {
	if c.Key == "" || c.Basis == eligibility.Unexpected {
		return "", false
	}
	for _, o := range others {
		if o.Name != c.Name && o.State.Open() && o.Key == c.Key && o.Award == c.Award &&
			o.Period.Overlaps(c.Period) && o.Basis == c.Basis &&
			(c.Basis != eligibility.Movement || o.Movement == c.Movement) {
			return o.Name, true
		}
	}
	return "", false
}
