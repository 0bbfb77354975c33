package domain

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/tdkt-vn/tdkt/platform/civil"
)

// RewardVND is the money rule of domain.md §7: coefficient × base salary,
// rounded up to the next 10,000 VND (an exact multiple stays as it is).
// It is exact integer arithmetic on the coefficient's hundredths. It returns
// 0 when there is no coefficient or the inputs are out of range
// (c ≤ 0 or > MaxCoefficient, base ≤ 0 or > MaxBaseSalaryVND).
func RewardVND(c Coefficient, baseSalaryVND int64) int64 {
	if c <= 0 || c > MaxCoefficient || baseSalaryVND <= 0 || baseSalaryVND > MaxBaseSalaryVND {
		return 0
	}
	// Product in hundredths of a VND; one step of 10,000 VND is 1,000,000 of them.
	const step = 100 * 10_000
	p := int64(c) * baseSalaryVND
	return (p + step - 1) / step * 10_000
}

// Period is what an award is for: calendar years, inclusive.
type Period struct {
	StartYear int
	EndYear   int
}

// Validate checks the years; prefix is the period's JSON path ("period").
func (p Period) Validate(prefix string) error {
	var errs FieldErrors
	if p.StartYear < civil.MinYear || p.StartYear > civil.MaxYear {
		errs.Add(prefix+".startYear", "must be between %d and %d", civil.MinYear, civil.MaxYear)
	}
	if p.EndYear < civil.MinYear || p.EndYear > civil.MaxYear {
		errs.Add(prefix+".endYear", "must be between %d and %d", civil.MinYear, civil.MaxYear)
	}
	if len(errs) == 0 && p.EndYear < p.StartYear {
		errs.Add(prefix+".endYear", "must not be before startYear %d", p.StartYear)
	}
	return errs.Err()
}

// String is "2024" for one year, "2022-2024" for several.
func (p Period) String() string {
	if p.StartYear == p.EndYear {
		return strconv.Itoa(p.StartYear)
	}
	return fmt.Sprintf("%d-%d", p.StartYear, p.EndYear)
}

// Entry is one line of a decision, as the money rule needs it.
type Entry struct {
	RecipientKey  string // from RecipientKey
	RecipientKind RecipientKind
	AwardCode     string
	Period        Period
}

// Held is an emulation title a recipient already holds from an earlier,
// issued decision, with what it paid. Pass the recipient's ACTIVE honours
// (revoked ones were recovered, domain.md §8); honours of other periods and
// other categories are ignored.
type Held struct {
	RecipientKey string
	AwardCode    string
	Period       Period
	AmountVND    int64
}

// Reward is the money an entry carries.
type Reward struct {
	// AmountVND is what this decision pays.
	AmountVND int64
	// FullVND is coefficient × base salary, rounded, before the same-period
	// rule; 0 when there is no coefficient.
	FullVND       int64
	Coefficient   Coefficient // NoCoefficient when none is confirmed
	BaseSalaryVND int64
	// Note explains, in English, why AmountVND is not simply FullVND or
	// what is not confirmed; empty when the plain rule applies.
	Note string
	// Check is true when an input is marked [check] (see Note).
	Check bool
}

// baseReward is the reward of an award of type t on a recipient of kind,
// with its notes, before the rule of the highest title.
func baseReward(t AwardType, kind RecipientKind, salary BaseSalary, decisionDate civil.Date) Reward {
	r := Reward{BaseSalaryVND: salary.AmountVND, Coefficient: t.Coefficients.For(kind)}
	if co, ok := t.Coefficient(kind); ok {
		r.FullVND = RewardVND(co, salary.AmountVND)
		r.AmountVND = r.FullVND
		if t.Check {
			r.note(true, "%s is marked [check] in the catalogue: %s", t.Code, t.CheckNote)
		}
	} else {
		r.Coefficient = NoCoefficient
		r.note(true, "not paid: no coefficient of %s for a %s recipient is confirmed [check]", t.Code, strings.ToLower(kind.String()))
	}
	if !t.ValidOn(decisionDate) {
		r.note(true, "the catalogue row of %s is valid from %s%s; applied to a decision of %s [check]", t.Code, t.ValidFrom, validToText(t.ValidTo), decisionDate)
	}
	if salary.Check {
		r.note(true, "base salary %s VND from %s is marked [check]: %s", vnd(salary.AmountVND), salary.EffectiveFrom, salary.CheckNote)
	}
	return r
}

func (r *Reward) note(check bool, format string, args ...any) {
	if r.Note != "" {
		r.Note += "; "
	}
	r.Note += fmt.Sprintf(format, args...)
	r.Check = r.Check || check
}

// CheckEntry validates an entry against the catalogue; prefix is its JSON
// path ("entries[3]"). Errors are FieldErrors.
func (c *Catalogue) CheckEntry(e Entry, prefix string) error {
	var errs FieldErrors
	if e.RecipientKey == "" {
		errs.Add(prefix+".recipient", "identifies no recipient (no key could be derived)")
	}
	t, err := c.Get(e.AwardCode)
	if err != nil {
		errs.Add(prefix+".awardType", "%s is not in the catalogue", AwardTypeName(e.AwardCode))
	} else if e.RecipientKind == RecipientUnspecified {
		errs.Add(prefix+".recipient.kind", "is required")
	} else if !t.Accepts(e.RecipientKind) {
		errs.Add(prefix+".recipient.kind", "%s is not conferred on %s recipients", e.AwardCode, e.RecipientKind)
	}
	var pe FieldErrors
	if errors.As(e.Period.Validate(prefix+".period"), &pe) {
		errs = append(errs, pe...)
	}
	return errs.Err()
}

// ComputeRewards computes the reward of every entry of a decision signed on
// decisionDate, with the embedded catalogue and base salary table. See
// (*Catalogue).ComputeRewards.
func ComputeRewards(decisionDate civil.Date, entries []Entry, held []Held) ([]Reward, error) {
	cat, err := LoadCatalogue()
	if err != nil {
		return nil, err
	}
	salaries, err := LoadSalaryTable()
	if err != nil {
		return nil, err
	}
	return cat.ComputeRewards(salaries, decisionDate, entries, held)
}

// ComputeRewards computes the reward of every entry of a decision signed on
// decisionDate, one Reward per entry in order (domain.md §7):
//
//   - Each entry is worth its award's coefficient for the recipient kind ×
//     the base salary in force on decisionDate, rounded up to 10,000 VND.
//     An award with no confirmed coefficient for that kind (GD_VH) is worth
//     0, with a [check] note: no number is invented.
//   - Among the emulation titles of one recipient (same RecipientKey) for
//     the same period (same start and end year), only the highest is paid;
//     ties go to the earlier type in the catalogue. The others carry 0 and
//     a note naming the title paid. Titles for different periods (even
//     overlapping ones) are each paid; commendations, orders and state
//     honorary titles are always paid.
//   - held lists titles the recipients already hold from earlier decisions.
//     If one of them paid as much as this decision's best title of the same
//     period, nothing more is paid; if this decision's title is higher, it
//     pays the difference, so that the recipient ends with the highest
//     amount (tdkt's reading of "only the highest is paid" across
//     decisions, flagged [check]).
//   - A date before valid_from of the catalogue row (an imported historical
//     decision) still computes, with a [check] note.
//
// Errors: a malformed entry (FieldErrors naming entries[i]), the same
// recipient, award and period twice in the decision or already held
// (*RuleError DUPLICATE_AWARD, domain.md §5 G2), an unknown held award
// type, or no base salary on decisionDate (ErrNoBaseSalary).
func (c *Catalogue) ComputeRewards(salaries *SalaryTable, decisionDate civil.Date, entries []Entry, held []Held) ([]Reward, error) {
	salary, err := salaries.On(decisionDate)
	if err != nil {
		return nil, err
	}
	type groupKey struct {
		recipient string
		period    Period
	}
	type awardKey struct {
		recipient, code string
		period          Period
	}
	seen := map[awardKey]int{}
	// A title group is every title entry of one recipient and period, with
	// the best title already held for it.
	type group struct {
		entries  []int
		heldBest *Held
		heldPaid int64
	}
	groups := map[groupKey]*group{}
	var order []groupKey
	types := make([]AwardType, len(entries))
	rewards := make([]Reward, len(entries))

	// What an entry's reward is before the title rule depends only on its
	// award type and recipient kind: worked out once for each.
	type typeKind struct {
		code string
		kind RecipientKind
	}
	base := map[typeKind]Reward{}
	for i, e := range entries {
		prefix := "entries[" + strconv.Itoa(i) + "]"
		if err := c.CheckEntry(e, prefix); err != nil {
			return nil, err
		}
		ak := awardKey{e.RecipientKey, e.AwardCode, e.Period}
		if j, dup := seen[ak]; dup {
			return nil, rule("DUPLICATE_AWARD", prefix, "entries[%d] already confers %s for %s on the same recipient", j, e.AwardCode, e.Period)
		}
		seen[ak] = i
		t, _ := c.Get(e.AwardCode)
		types[i] = t

		tk := typeKind{t.Code, e.RecipientKind}
		r, ok := base[tk]
		if !ok {
			r = baseReward(t, e.RecipientKind, salary, decisionDate)
			base[tk] = r
		}
		rewards[i] = r

		if t.IsEmulationTitle() {
			gk := groupKey{e.RecipientKey, e.Period}
			g, ok := groups[gk]
			if !ok {
				g = &group{}
				groups[gk] = g
				order = append(order, gk)
			}
			g.entries = append(g.entries, i)
		}
	}

	for _, h := range held {
		t, err := c.Get(h.AwardCode)
		if err != nil {
			return nil, fmt.Errorf("held honour: %w", err)
		}
		if j, dup := seen[awardKey{h.RecipientKey, h.AwardCode, h.Period}]; dup {
			return nil, rule("DUPLICATE_AWARD", fmt.Sprintf("entries[%d]", j), "the recipient already holds %s for %s from an earlier decision", h.AwardCode, h.Period)
		}
		g := groups[groupKey{h.RecipientKey, h.Period}]
		if !t.IsEmulationTitle() || g == nil {
			continue
		}
		g.heldPaid += h.AmountVND
		if g.heldBest == nil || h.AmountVND > g.heldBest.AmountVND {
			g.heldBest = &h
		}
	}

	const why = "(domain.md §7: only the highest title is paid)"
	for _, gk := range order {
		g := groups[gk]
		best := g.entries[0]
		for _, i := range g.entries[1:] {
			if rewards[i].FullVND > rewards[best].FullVND ||
				(rewards[i].FullVND == rewards[best].FullVND && types[i].pos < types[best].pos) {
				best = i
			}
		}
		if g.heldBest != nil && rewards[best].FullVND <= g.heldPaid {
			// An earlier decision already paid as much: nothing more.
			for _, i := range g.entries {
				rewards[i].AmountVND = 0
				rewards[i].note(false, "not paid: the recipient holds %s for the same period from an earlier decision, which paid %s VND %s", g.heldBest.AwardCode, vnd(g.heldPaid), why)
			}
			continue
		}
		for _, i := range g.entries {
			if i != best {
				rewards[i].AmountVND = 0
				rewards[i].note(false, "not paid: the recipient holds %s for the same period %s", types[best].Code, why)
			}
		}
		if g.heldPaid > 0 {
			b := &rewards[best]
			b.AmountVND = b.FullVND - g.heldPaid
			b.note(true, "paid the difference: %s VND were already paid for %s of the same period by an earlier decision %s [check]", vnd(g.heldPaid), g.heldBest.AwardCode, why)
		}
	}
	return rewards, nil
}

func validToText(d civil.Date) string {
	if d.IsZero() {
		return ""
	}
	return " to " + d.String()
}

// vnd writes an amount with thousands separators: 1,490,000.
func vnd(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
