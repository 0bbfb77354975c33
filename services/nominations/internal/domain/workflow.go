package domain

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tdkt-vn/tdkt/platform/civil"
	"github.com/tdkt-vn/tdkt/platform/domainerr"
	"github.com/tdkt-vn/tdkt/platform/resid"
	"github.com/tdkt-vn/tdkt/platform/vnfold"
	"github.com/tdkt-vn/tdkt/services/nominations/internal/domain/eligibility"
	"github.com/tdkt-vn/tdkt/services/nominations/internal/domain/workdays"
)

// State is where a nomination stands in the workflow. Values match
// tdkt.nominations.v1.NominationState.
type State int32

// Nomination states.
const (
	StateUnspecified State = iota
	Draft
	Submitted
	Appraised
	Published
	Approved
	Conferred
	Returned
	Rejected
	Withdrawn
)

var stateNames = [...]string{"NOMINATION_STATE_UNSPECIFIED", "DRAFT", "SUBMITTED", "APPRAISED", "PUBLISHED",
	"APPROVED", "CONFERRED", "RETURNED", "REJECTED", "WITHDRAWN"}

func (s State) String() string {
	if s < 0 || int(s) >= len(stateNames) {
		return stateNames[0]
	}
	return stateNames[s]
}

// Final reports whether no action leaves s: CONFERRED, REJECTED,
// WITHDRAWN.
func (s State) Final() bool { return s == Conferred || s == Rejected || s == Withdrawn }

// Open reports whether a nomination in s counts against a new one for the
// same recipient, award and period: any state but REJECTED and WITHDRAWN.
func (s State) Open() bool { return s != Rejected && s != Withdrawn }

// Side is who may take an action on a nomination, relative to its batch.
// A caller may hold several sides (a set of bits).
type Side uint8

// Sides.
const (
	// Proposer: the clerks and officers of the batch's proposer.
	Proposer Side = 1 << iota
	// Authority: the officers of the batch's authority.
	Authority
	// Council: the members of the authority's emulation council.
	Council
	// System: tdkt itself, when the honours service issued the decision.
	System
)

func (s Side) String() string {
	var names []string
	for i, n := range []string{"PROPOSER", "AUTHORITY", "COUNCIL", "SYSTEM"} {
		if s&(1<<i) != 0 {
			names = append(names, n)
		}
	}
	return strings.Join(names, "|")
}

// Action is a step of the workflow. Its value is the English verb that
// messages use.
type Action string

// Actions.
const (
	ActionSubmit     Action = "submit"
	ActionEdit       Action = "edit"
	ActionAppraise   Action = "appraise"
	ActionReturn     Action = "return"
	ActionReject     Action = "reject"
	ActionRecordVote Action = "record the vote on"
	ActionPublish    Action = "publish"
	ActionApprove    Action = "approve"
	ActionWithdraw   Action = "withdraw"
	ActionConfer     Action = "confer"
)

// Move is a row of the workflow: an action, the states it may be taken
// from, the state it leads to, who takes it, whether it needs a reason,
// and the time limit (domain.md §6) that the new state starts. An action
// that leaves the state as it is keeps the time limit that runs.
type Move struct {
	Action Action
	From   []State
	To     State
	By     Side
	Reason bool
	Due    workdays.Step // "" when no time limit runs in the new state
	// Refusal is the reason code of the error when the nomination is in
	// another state.
	Refusal string
}

// workflow is the nominations workflow (api.md). A RETURNED nomination
// edited by its proposer becomes a DRAFT, submitted again with its batch.
//
// SUBMITTED runs the time limit to appraise (20 working days): the 5 days
// to return an ineligible dossier bind only the dossiers an officer finds
// ineligible, within the same 20. Nothing in domain.md limits APPRAISED;
// PUBLISHED runs the public comment window (see CommentWindowEnds), after
// which the nomination may be approved; CONFERRED runs the time limit to
// forward the decision, counted from its signing.
var workflow = []Move{
	{ActionSubmit, []State{Draft}, Submitted, Proposer, false, workdays.Appraise, "NOMINATION_NOT_DRAFT"},
	{ActionEdit, []State{Draft, Returned}, Draft, Proposer, false, "", "NOMINATION_NOT_EDITABLE"},
	{ActionAppraise, []State{Submitted}, Appraised, Authority, false, "", "NOMINATION_NOT_SUBMITTED"},
	{ActionReturn, []State{Submitted, Appraised}, Returned, Authority, true, "", "INVALID_TRANSITION"},
	{ActionReject, []State{Submitted, Appraised, Published}, Rejected, Authority, true, "", "INVALID_TRANSITION"},
	{ActionRecordVote, []State{Appraised}, Appraised, Council, false, "", "NOMINATION_NOT_APPRAISED"},
	{ActionPublish, []State{Appraised}, Published, Authority, false, workdays.PublicComment, "NOMINATION_NOT_APPRAISED"},
	{ActionApprove, []State{Published}, Approved, Authority, false, "", "NOMINATION_NOT_PUBLISHED"},
	{ActionWithdraw, []State{Draft, Returned, Submitted, Appraised, Published}, Withdrawn, Proposer, true, "", "INVALID_TRANSITION"},
	{ActionConfer, []State{Approved}, Conferred, System, false, workdays.Forward, "NOMINATION_NOT_APPROVED"},
}

// Workflow returns the workflow's table, one row per action.
func Workflow() []Move { return slices.Clone(workflow) }

// MoveOf returns the row of action a.
func MoveOf(a Action) (Move, bool) {
	i := slices.IndexFunc(workflow, func(m Move) bool { return m.Action == a })
	if i < 0 {
		return Move{}, false
	}
	return workflow[i], true
}

// TransitionError refuses an action in a state that does not allow it
// (FailedPrecondition): it unwraps to the domainerr.RuleError the server maps,
// whose subject is the nomination's name.
type TransitionError struct {
	Action Action
	State  State
	Rule   *domainerr.RuleError
}

func (e *TransitionError) Error() string { return e.Rule.Error() }

func (e *TransitionError) Unwrap() error { return e.Rule }

// Act is one action's circumstances: who takes it, for which sides of the
// batch, when, against which etag, why, and the calendar its time limits
// are counted in.
type Act struct {
	Actor    string // the caller's subject, recorded in history
	Sides    Side   // the sides of the batch the caller holds
	Etag     string // when given, must be current
	Reason   string // recorded in history; Approve's is the override reason
	Time     time.Time
	Calendar *workdays.Calendar
}

// step is what an action adds to the table: a check before anything
// changes, the day its time limit counts from (today when zero) and its
// own changes, applied with the transition.
type step struct {
	check  func(today civil.Date) error
	start  civil.Date
	change func()
}

// apply takes action a on n as the workflow's table says, or changes
// nothing and returns why not.
func (n *Nomination) apply(a Action, act Act, s step) error {
	m, ok := MoveOf(a)
	if !ok {
		return fmt.Errorf("domain: no action %q in the workflow", a)
	}
	if act.Sides&m.By == 0 {
		return &domainerr.DeniedError{Reason: fmt.Sprintf("only the %s side may %s a nomination", m.By, a)}
	}
	if err := resid.CheckEtag(act.Etag, n.Version); err != nil {
		return err
	}
	if !slices.Contains(m.From, n.State) {
		return &TransitionError{Action: a, State: n.State, Rule: rule(m.Refusal, n.Name(),
			"cannot %s a nomination that is %s (only %s)", a, n.State, states(m.From))}
	}
	act.Reason = vnfold.Normalize(act.Reason)
	if m.Reason && act.Reason == "" {
		return domainerr.Field("reason", "is required to %s a nomination", a)
	}
	today := civil.Today(act.Time)
	if s.check != nil {
		if err := s.check(today); err != nil {
			return err
		}
	}
	dueOn, dueStep := n.DueOn, n.DueStep
	if m.To != n.State {
		dueOn, dueStep = civil.Date{}, m.Due
		if m.Due != "" {
			if s.start.IsZero() {
				s.start = today
			}
			var err error
			if dueOn, err = n.dueOn(act.Calendar, m.Due, s.start); err != nil {
				return err
			}
		}
	}
	if s.change != nil {
		s.change()
	}
	n.History = append(n.History, Transition{From: n.State, To: m.To, Actor: act.Actor, Time: act.Time, Reason: act.Reason})
	n.State, n.DueOn, n.DueStep = m.To, dueOn, dueStep
	n.UpdateTime, n.Version = act.Time, n.Version+1
	return nil
}

func states(ss []State) string {
	names := make([]string, len(ss))
	for i, s := range ss {
		names[i] = s.String()
	}
	return strings.Join(names, " or ")
}

// dueOn returns the last day of time limit step started on from: the
// public comment window depends on n's award.
func (n *Nomination) dueOn(cal *workdays.Calendar, step workdays.Step, from civil.Date) (civil.Date, error) {
	if step == workdays.PublicComment {
		return CommentWindowEnds(cal, n.Award, from)
	}
	return due(cal, step, from)
}

// due returns the last day of time limit step started on from. A year the
// calendar does not hold is FailedPrecondition naming calendars/{year}.
func due(cal *workdays.Calendar, step workdays.Step, from civil.Date) (civil.Date, error) {
	if cal == nil {
		return civil.Date{}, errors.New("domain: no calendar to count working days in")
	}
	d, err := workdays.Due(cal, step, from)
	if missing := (*workdays.MissingYearError)(nil); errors.As(err, &missing) {
		return civil.Date{}, rule("CALENDAR_MISSING", fmt.Sprintf("calendars/%d", missing.Year),
			"the calendar of %d holds no public holidays yet: working days cannot be counted in it", missing.Year)
	}
	return d, err
}

// Overdue reports whether the time limit running on n has passed today. A
// public comment window is a minimum, never overdue; a final state is
// never overdue either (the decision's forwarding is not recorded here).
func (n *Nomination) Overdue(today civil.Date) bool {
	if n.DueOn.IsZero() || !today.After(n.DueOn) || n.State.Final() {
		return false
	}
	l, err := workdays.LimitOf(n.DueStep)
	return err == nil && l.Bound == workdays.Within
}

// Submit sends a DRAFT nomination to the authority with its batch.
func (n *Nomination) Submit(act Act, receivedOn civil.Date) error {
	return n.apply(ActionSubmit, act, step{start: receivedOn})
}

// Update replaces the fields of a DRAFT or RETURNED nomination with f
// (validated); a RETURNED one becomes a DRAFT. Every edit is recorded in
// history. A vote and an eligibility report of the former fields no longer
// hold and are dropped.
func (n *Nomination) Update(act Act, f NominationFields) error {
	return n.apply(ActionEdit, act, step{change: func() {
		n.NominationFields, n.Vote, n.Eligibility = f, nil, nil
	}})
}

// Appraise records the appraisal of a SUBMITTED nomination.
func (n *Nomination) Appraise(act Act) error { return n.apply(ActionAppraise, act, step{}) }

// Return returns a SUBMITTED or APPRAISED nomination to its proposer for
// supplementation, with a reason.
func (n *Nomination) Return(act Act) error { return n.apply(ActionReturn, act, step{}) }

// Reject rejects a nomination under appraisal or published, with a
// reason.
func (n *Nomination) Reject(act Act) error { return n.apply(ActionReject, act, step{}) }

// Withdraw withdraws a nomination not yet approved, with a reason.
func (n *Nomination) Withdraw(act Act) error { return n.apply(ActionWithdraw, act, step{}) }

// RecordVote records the council's vote on an APPRAISED nomination,
// replacing an earlier one: v is tallied against the recipient and the
// batch's proposer (a unit id) and held no later than today.
func (n *Nomination) RecordVote(act Act, v Vote, proposer string) error {
	return n.apply(ActionRecordVote, act, step{
		check: func(today civil.Date) error {
			if err := v.Tally(n.Award, n.Recipient, proposer); err != nil {
				return err
			}
			if v.HeldOn.After(today) {
				return domainerr.Field("vote.heldOn", "%s is after today, %s", v.HeldOn, today)
			}
			return nil
		},
		change: func() { n.Vote = &v },
	})
}

// Publish publishes an APPRAISED nomination whose vote passed for public
// comment: its window, the time limit that PUBLISHED runs, is set.
func (n *Nomination) Publish(act Act) error {
	err := n.apply(ActionPublish, act, step{check: func(civil.Date) error { return n.checkVote() }})
	if err == nil {
		n.CommentWindowEndsOn = n.DueOn
	}
	return err
}

func (n *Nomination) checkVote() error {
	switch {
	case n.Vote == nil:
		return rule("VOTE_NOT_RECORDED", n.Name(), "the council has not voted on the nomination")
	case !n.Vote.Quorum:
		return rule("VOTE_NOT_PASSED", n.Name(), "the council's meeting of %s had no quorum", n.Vote.HeldOn)
	case !n.Vote.Passed:
		return rule("VOTE_NOT_PASSED", n.Name(), "%d of %d members voted for it, below the %d%% of all members needed (%d)",
			n.Vote.Yes, len(n.Vote.Members), n.Vote.ThresholdPercent, n.Vote.Needed())
	}
	return nil
}

// Approve approves a PUBLISHED nomination once its comment window has
// ended, its vote passed and its eligibility report has no FAIL. An award
// with a minimum window (commentWindows) is approved from the day after
// its last day; one without is approved from its publication on. A FAIL
// is overridden by a reason (act.Reason), which is recorded; a reason
// without a FAIL to override is refused.
func (n *Nomination) Approve(act Act) error {
	return n.apply(ActionApprove, act, step{
		check: func(today civil.Date) error {
			if ruleFor(commentWindows, n.Award).Value != "" && !today.After(n.CommentWindowEndsOn) {
				return rule("COMMENT_WINDOW_OPEN", n.Name(), "the public comment window ends on %s: the nomination can be approved from %s",
					n.CommentWindowEndsOn, n.CommentWindowEndsOn.AddDays(1))
			}
			if err := n.checkVote(); err != nil {
				return err
			}
			return n.checkEligibility(vnfold.Normalize(act.Reason))
		},
		change: func() {
			if r := vnfold.Normalize(act.Reason); r != "" {
				n.Override = &Override{Reason: r, Actor: act.Actor, Time: act.Time}
			}
		},
	})
}

func (n *Nomination) checkEligibility(override string) error {
	if n.Eligibility == nil {
		return rule("ELIGIBILITY_NOT_EVALUATED", n.Name(), "the nomination's eligibility has not been evaluated")
	}
	r := n.Eligibility.Report
	switch {
	case r.Overall == eligibility.Fail && override == "":
		var failed []string
		for _, l := range r.Lines {
			if l.Outcome == eligibility.Fail {
				failed = append(failed, l.Reason)
			}
		}
		return rule("ELIGIBILITY_FAILED", n.Name(), "the eligibility report fails (%s): approving it needs an override reason",
			strings.Join(failed, ", "))
	case r.Overall != eligibility.Fail && override != "":
		return domainerr.Field("overrideReason", "the eligibility report is %s: there is no FAIL to override", r.Overall)
	}
	return nil
}

// Confer records that the honours service conferred an APPROVED
// nomination as honour (honours/{h}) by a decision signed on decidedOn
// (today when zero), from which the decision's forwarding is due.
func (n *Nomination) Confer(act Act, honour string, decidedOn civil.Date) error {
	return n.apply(ActionConfer, act, step{start: decidedOn, change: func() { n.Honour = honour }})
}
