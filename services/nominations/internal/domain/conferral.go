package domain

import (
	"fmt"

	"github.com/tdkt-vn/tdkt/services/nominations/internal/domain/eligibility"
)

// IssuedEntry is what matching reads of an entry of an issued decision:
// its recipient's key (current generation; "" when it could not be
// read), award, period, and the honour it became.
type IssuedEntry struct {
	Key    string
	Award  eligibility.Award
	Period Period
	Honour string // honours/{h}
}

// MatchIssued pairs each of the nominations ns, whose recipient keys are
// given by key (current generation), with the honour of an entry of an
// issued decision of the same recipient key, award and period. An entry's
// honour goes to one nomination at most, taken in entry order. Each
// nomination without a match is a FailedPrecondition naming it; the first
// one is returned with the rest counted, and no match.
func MatchIssued(ns []*Nomination, key func(*Nomination) string, entries []IssuedEntry) (map[string]string, error) {
	type match struct {
		key    string
		award  eligibility.Award
		period Period
	}
	free := map[match][]string{}
	for _, e := range entries {
		if e.Key == "" || e.Honour == "" {
			continue
		}
		m := match{e.Key, e.Award, e.Period}
		free[m] = append(free[m], e.Honour)
	}
	out := make(map[string]string, len(ns))
	var unmatched []*Nomination
	for _, n := range ns {
		m := match{key(n), n.Award, n.Period}
		hs := free[m]
		if m.key == "" || len(hs) == 0 {
			unmatched = append(unmatched, n)
			continue
		}
		out[n.Name()], free[m] = hs[0], hs[1:]
	}
	if len(unmatched) > 0 {
		n := unmatched[0]
		more := ""
		if len(unmatched) > 1 {
			more = fmt.Sprintf(" (and %d other APPROVED nominations)", len(unmatched)-1)
		}
		return nil, rule("NOMINATION_NOT_IN_DECISION", n.Name(),
			"%s: no entry of the decision confers %s on its recipient for %s%s", n.Name(), n.Award, n.Period, more)
	}
	return out, nil
}
