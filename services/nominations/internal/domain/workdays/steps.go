package workdays

import (
	"fmt"
	"slices"

	"github.com/tdkt-vn/tdkt/platform/civil"
)

// Step is a step of the nominations workflow that has a time limit.
type Step string

// The steps with a time limit (design/domain.md §6).
const (
	// ReturnIneligible: an ineligible dossier goes back to its sender.
	ReturnIneligible Step = "return_ineligible"
	// Appraise: the appraising body appraises a complete dossier.
	Appraise Step = "appraise"
	// AppraiseWithConsultation: the same when other bodies are consulted.
	AppraiseWithConsultation Step = "appraise_with_consultation"
	// PublicComment: candidates for orders and state honorary titles are
	// open to public comment before the council meets.
	PublicComment Step = "public_comment"
	// Forward: a decision is forwarded.
	Forward Step = "forward"
)

// Bound says how a limit binds.
type Bound string

const (
	// Within: the act is due no later than the due date.
	Within Bound = "within"
	// AtLeast: the period runs up to and including the due date; the next
	// act may come only after it.
	AtLeast Bound = "at_least"
)

// Limit is the time limit of one step, in working days counted after the
// day of its start event, that day not counted.
type Limit struct {
	Step  Step
	Days  int // working days
	Bound Bound
	Start string // the event the count starts from
	Scope string // the nominations it applies to; "" for all
}

var limits = []Limit{
	{ReturnIneligible, 5, Within, "an ineligible dossier is received", ""},
	{Appraise, 20, Within, "the dossier is complete", ""},
	{AppraiseWithConsultation, 20 + 10, Within, "the dossier is complete, when other bodies are consulted", ""},
	{PublicComment, 10, AtLeast, "the candidates are published for public comment; the council meets after the period",
		"orders (Huân chương) and state honorary titles"},
	{Forward, 10, Within, "the decision is made", ""},
}

// Limits returns the time limits of the workflow, one per step.
func Limits() []Limit { return slices.Clone(limits) }

// LimitOf returns the time limit of step.
func LimitOf(step Step) (Limit, error) {
	i := slices.IndexFunc(limits, func(l Limit) bool { return l.Step == step })
	if i < 0 {
		return Limit{}, fmt.Errorf("workdays: no time limit for step %q", step)
	}
	return limits[i], nil
}

// Due returns the due date of step when its start event happened on from:
// the last day to act for a Within limit, the last day of the period for an
// AtLeast one.
func Due(cal *Calendar, step Step, from civil.Date) (civil.Date, error) {
	l, err := LimitOf(step)
	if err != nil {
		return civil.Date{}, err
	}
	return cal.AddWorkingDays(from, l.Days)
}
