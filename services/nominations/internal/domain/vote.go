package domain

import (
	"strings"

	"github.com/tdkt-vn/tdkt/platform/civil"
	"github.com/tdkt-vn/tdkt/platform/domainerr"
	"github.com/tdkt-vn/tdkt/platform/vnfold"
	"github.com/tdkt-vn/tdkt/services/nominations/internal/domain/eligibility"
)

// Member is a member of the council that votes on a nomination.
type Member struct {
	FullName  string
	Unit      string // unit id where the member works; "" if none given
	HeadsUnit bool   // the member heads Unit
	Present   bool   // attended the meeting; the others vote in writing
}

// RecusalReason is why a member may not vote on a nomination.
type RecusalReason string

// Recusal reasons (domain.md §6, conflict of interest).
const (
	// Nominee: the member is the nominee: the same full name (NFC, any
	// case) and unit as an individual, the head of a household nominated
	// (its commune as unit), or the head of a collective nominated.
	Nominee RecusalReason = "NOMINEE"
	// HeadOfProposer: the member heads the batch's proposing unit.
	HeadOfProposer RecusalReason = "HEAD_OF_PROPOSER"
)

// Recusal is a member who may not vote on a nomination.
type Recusal struct {
	FullName string
	Reason   RecusalReason
}

// Vote is the council's secret ballot on a nomination: the members, each
// once, and the ballots of those not recused. Tally sets the rest.
type Vote struct {
	Members          []Member
	Yes, No, Abstain int
	HeldOn           civil.Date

	Recusals         []Recusal
	ThresholdPercent int  // share of all members needed, per award (Thresholds)
	Quorum           bool // at least two thirds of all members attended
	Passed           bool // quorum, and Yes reaches the threshold of all members
}

// Needed returns the ballots for that pass the vote: the threshold's share
// of all members, recused ones included, rounded up.
func (v *Vote) Needed() int { return (v.ThresholdPercent*len(v.Members) + 99) / 100 }

// Tally checks v and works out its recusals, threshold, quorum and result
// for a nomination of recipient for award in a batch of proposer (a unit
// id). Recused members are never counted: the ballots are those of the
// others, every one of them (an absent member votes in writing).
func (v *Vote) Tally(award eligibility.Award, recipient Recipient, proposer string) error {
	var (
		errs     domainerr.FieldErrors
		recusals []Recusal
		present  int
		seen     = map[string]int{}
	)
	if len(v.Members) == 0 {
		errs.Add("vote.members", "is required")
	}
	for i, m := range v.Members {
		field := indexed("vote.members", i)
		key := personKey(m.FullName, m.Unit)
		switch j, dup := seen[key]; {
		case vnfold.Normalize(m.FullName) == "":
			errs.Add(field+".fullName", "is required")
		case dup:
			errs.Add(field+".fullName", "repeats members[%d]", j)
		}
		seen[key] = i
		if m.HeadsUnit && m.Unit == "" {
			errs.Add(field+".unit", "is required for a member who heads a unit")
		}
		if m.Present {
			present++
		}
		if r, ok := recusal(m, key, recipient, proposer); ok {
			recusals = append(recusals, Recusal{FullName: vnfold.Normalize(m.FullName), Reason: r})
		}
	}
	for _, b := range []struct {
		field string
		n     int
	}{{"vote.yes", v.Yes}, {"vote.no", v.No}, {"vote.abstain", v.Abstain}} {
		switch {
		case b.n < 0:
			errs.Add(b.field, "must not be negative")
		case b.n > len(v.Members):
			errs.Add(b.field, "%d exceeds the %d members", b.n, len(v.Members))
		}
	}
	voters := len(v.Members) - len(recusals)
	if sum := v.Yes + v.No + v.Abstain; sum != voters {
		errs.Add("vote.yes", "yes, no and abstain add up to %d, but %d members are not recused (%d recused)", sum, voters, len(recusals))
	}
	switch {
	case v.HeldOn.IsZero():
		errs.Add("vote.heldOn", "is required")
	case !v.HeldOn.Valid():
		errs.Add("vote.heldOn", "%s is not a valid date", v.HeldOn)
	}
	if err := errs.Err(); err != nil {
		return err
	}
	v.Recusals, v.ThresholdPercent = recusals, ThresholdPercent(award)
	v.Quorum = 3*present >= 2*len(v.Members)
	v.Passed = v.Quorum && v.Yes >= v.Needed()
	return nil
}

// recusal returns why member m, whose personKey is key, may not vote on a
// nomination of recipient proposed by proposer, if so.
func recusal(m Member, key string, recipient Recipient, proposer string) (RecusalReason, bool) {
	nominee := false
	switch recipient.Kind {
	case RecipientIndividual:
		nominee = key == personKey(recipient.FullName, recipient.Unit)
	case RecipientHousehold:
		nominee = key == personKey(recipient.HeadName, recipient.Commune)
	case RecipientCollective:
		nominee = m.HeadsUnit && m.Unit == recipient.Unit
	}
	switch {
	case nominee:
		return Nominee, true
	case m.HeadsUnit && m.Unit != "" && m.Unit == proposer:
		return HeadOfProposer, true
	}
	return "", false
}

// personKey identifies a person by full name, in NFC and any case, and
// unit.
func personKey(name, unit string) string {
	return strings.ToLower(vnfold.Normalize(name)) + "\x00" + unit
}
