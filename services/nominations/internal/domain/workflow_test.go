package domain

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tdkt-vn/tdkt/platform/civil"
	"github.com/tdkt-vn/tdkt/platform/domainerr"
	"github.com/tdkt-vn/tdkt/services/nominations/internal/domain/eligibility"
	"github.com/tdkt-vn/tdkt/services/nominations/internal/domain/workdays"
)

var allStates = []State{Draft, Submitted, Appraised, Published, Approved, Conferred, Returned, Rejected, Withdrawn}

// inState is a nomination in state s that meets every other condition of
// every action on 2025-01-15: a passing vote, a PASS report, a comment
// window that ended the day before.
func inState(t *testing.T, s State) *Nomination {
	n := draft(t, eligibility.CSTDTinh)
	v := passing(t)
	require.NoError(t, v.Tally(n.Award, n.Recipient, proposerUnit))
	n.State, n.Vote, n.Eligibility = s, &v, &Evaluation{Report: passReport()}
	n.CommentWindowEndsOn = date(t, "2025-01-14")
	return n
}

// take takes action a on n.
func take(t *testing.T, n *Nomination, a Action, act Act) error {
	switch a {
	case ActionEdit:
		return n.Update(act, n.NominationFields)
	case ActionRecordVote:
		return n.RecordVote(act, passing(t), proposerUnit)
	case ActionConfer:
		return n.Confer(act, "honours/h1", civil.Date{})
	case ActionSubmit:
		return n.Submit(act, civil.Date{})
	}
	return map[Action]func(*Nomination, Act) error{
		ActionAppraise: (*Nomination).Appraise,
		ActionReturn:   (*Nomination).Return, ActionReject: (*Nomination).Reject,
		ActionPublish: (*Nomination).Publish, ActionApprove: (*Nomination).Approve,
		ActionWithdraw: (*Nomination).Withdraw,
	}[a](n, act)
}

func TestWorkflowTable(t *testing.T) {
	for _, m := range Workflow() {
		for _, s := range allStates {
			t.Run(fmt.Sprintf("%s/%s", m.Action, s), func(t *testing.T) {
				n := inState(t, s)
				a := act(t, "2025-01-15")
				if m.Reason {
					a.Reason = "Hồ sơ thiếu báo cáo thành tích"
				}
				history, version := len(n.History), n.Version
				err := take(t, n, m.Action, a)
				if !contains(m.From, s) {
					var te *TransitionError
					require.ErrorAs(t, err, &te)
					assert.Equal(t, s, te.State)
					assert.Equal(t, m.Action, te.Action)
					r := ruleError(t, err)
					assert.Equal(t, m.Refusal, r.Reason)
					assert.Equal(t, "batches/bk-2025/nominations/hoa", r.Subject)
					assert.Contains(t, r.Description, s.String())
					assert.Equal(t, s, n.State)
					assert.Len(t, n.History, history)
					assert.Equal(t, version, n.Version)
					return
				}
				require.NoError(t, err)
				assert.Equal(t, m.To, n.State)
				require.Len(t, n.History, history+1)
				assert.Equal(t, Transition{From: s, To: m.To, Actor: a.Actor, Time: a.Time, Reason: a.Reason}, n.History[history])
				assert.Equal(t, version+1, n.Version)
				assert.Equal(t, a.Time, n.UpdateTime)
			})
		}
	}
}

func contains(ss []State, s State) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func TestWorkflowTableShape(t *testing.T) {
	seen := map[Action]bool{}
	for _, m := range Workflow() {
		assert.False(t, seen[m.Action], "%s twice", m.Action)
		seen[m.Action] = true
		assert.NotEmpty(t, m.Refusal)
		for _, s := range m.From {
			assert.False(t, s.Final(), "%s leaves the final state %s", m.Action, s)
		}
		if m.Due != "" {
			_, err := workdays.LimitOf(m.Due)
			assert.NoError(t, err)
		}
	}
	assert.Len(t, seen, 10)
}

func TestOnlyItsSideTakesAnAction(t *testing.T) {
	for _, m := range Workflow() {
		n := inState(t, m.From[0])
		a := act(t, "2025-01-15")
		a.Sides &^= m.By
		a.Reason = "Lý do"
		var denied *domainerr.DeniedError
		require.ErrorAs(t, take(t, n, m.Action, a), &denied, m.Action)
		assert.Contains(t, denied.Reason, m.By.String())
		assert.Equal(t, m.From[0], n.State)
	}
}

func TestReasonRequired(t *testing.T) {
	for _, m := range Workflow() {
		if !m.Reason {
			continue
		}
		n := inState(t, m.From[0])
		a := act(t, "2025-01-15")
		a.Reason = "  "
		assert.Equal(t, []string{"reason"}, fieldsOf(t, take(t, n, m.Action, a)), m.Action)
	}
}

func TestStaleEtag(t *testing.T) {
	n := inState(t, Submitted)
	a := act(t, "2025-01-15")
	a.Etag = `"7"`
	require.ErrorIs(t, n.Appraise(a), domainerr.ErrStaleEtag)
	a.Etag = n.Etag()
	require.NoError(t, n.Appraise(a))
}

func TestReturnedIsEditedIntoADraftAndSubmittedAgain(t *testing.T) {
	n := draft(t, eligibility.CSTDCS)
	require.NoError(t, n.Submit(act(t, "2025-01-20"), civil.Date{}))
	ret := act(t, "2025-01-21")
	ret.Reason = "Thiếu biên bản họp xét"
	require.NoError(t, n.Return(ret))
	assert.True(t, n.DueOn.IsZero())

	f := n.NominationFields
	f.Achievements = "Bổ sung biên bản"
	require.NoError(t, n.Update(act(t, "2025-02-04"), f))
	assert.Equal(t, Draft, n.State)
	assert.Equal(t, "Bổ sung biên bản", n.Achievements)
	require.NoError(t, n.Submit(act(t, "2025-02-05"), civil.Date{}))

	var path []State
	for _, h := range n.History {
		path = append(path, h.To)
	}
	assert.Equal(t, []State{Draft, Submitted, Returned, Draft, Submitted}, path)
	assert.Equal(t, "Thiếu biên bản họp xét", n.History[2].Reason)
}

func TestDueDates(t *testing.T) {
	cases := []struct {
		name    string
		award   eligibility.Award
		from    State
		day     string // the action's day
		do      func(*Nomination, Act) error
		step    workdays.Step
		due     string
		windows bool
	}{
		// 2025-01-20 + 20 working days: 21–24 Jan, Tết 25 Jan–2 Feb, 3–7, 10–14, 17–21, 24 Feb.
		{"submit before Tết 2025", eligibility.CSTDCS, Draft, "2025-01-20", submitToday, workdays.Appraise, "2025-02-24", false},
		// 2025-12-15 + 20: 16–19, 22–26, 29–31 Dec; 1 Jan holiday, 2 Jan swapped off; 5–9, Sat 10 worked, 12, 13 Jan.
		{"submit across the year", eligibility.CSTDCS, Draft, "2025-12-15", submitToday, workdays.Appraise, "2026-01-13", false},
		// 2025-04-24 + 10: 25, Sat 26 worked, 28, 29 Apr; 30 Apr–2 May off; 5–9, 12 May.
		{"order published over 30/4", eligibility.HCLD3, Appraised, "2025-04-24", (*Nomination).Publish, workdays.PublicComment, "2025-05-12", true},
		// 2026-02-10 + 10: 11–13 Feb; Tết 14–22 Feb; 23–27 Feb, 2, 3 Mar.
		{"order published before Tết 2026", eligibility.HCDL1, Appraised, "2026-02-10", (*Nomination).Publish, workdays.PublicComment, "2026-03-03", true},
		{"hero title published", eligibility.AHLD, Appraised, "2026-02-10", (*Nomination).Publish, workdays.PublicComment, "2026-03-03", true},
		{"title published: the day itself", eligibility.CSTDTinh, Appraised, "2025-04-24", (*Nomination).Publish, workdays.PublicComment, "2025-04-24", true},
		{"appraised: no limit", eligibility.CSTDCS, Submitted, "2025-01-21", (*Nomination).Appraise, "", "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := inState(t, c.from)
			n.Award, n.CommentWindowEndsOn = c.award, civil.Date{}
			require.NoError(t, c.do(n, act(t, c.day)))
			assert.Equal(t, c.step, n.DueStep)
			want := civil.Date{}
			if c.due != "" {
				want = date(t, c.due)
			}
			assert.Equal(t, want, n.DueOn)
			if c.windows {
				assert.Equal(t, want, n.CommentWindowEndsOn)
			}
		})
	}
}

func TestConferDueFromTheDecision(t *testing.T) {
	// Signed Tue 2026-08-25 + 10: 26–28 Aug; 31 Aug swapped off, 1–2 Sep
	// Quốc khánh; 3, 4, 7–11 Sep.
	n := inState(t, Approved)
	require.NoError(t, n.Confer(act(t, "2026-08-27"), "honours/h1", date(t, "2026-08-25")))
	assert.Equal(t, Conferred, n.State)
	assert.Equal(t, "honours/h1", n.Honour)
	assert.Equal(t, date(t, "2026-09-11"), n.DueOn)
	assert.Equal(t, workdays.Forward, n.DueStep)
	assert.False(t, n.Overdue(date(t, "2026-12-01")), "a conferred nomination is never overdue")
}

func TestRecordVoteKeepsTheRunningLimit(t *testing.T) {
	n := inState(t, Appraised)
	n.DueOn, n.DueStep = date(t, "2025-02-24"), workdays.Appraise
	require.NoError(t, n.RecordVote(act(t, "2025-01-15"), passing(t), proposerUnit))
	assert.Equal(t, date(t, "2025-02-24"), n.DueOn)
	assert.Equal(t, Transition{From: Appraised, To: Appraised, Actor: "officer@tinh", Time: at(t, "2025-01-15")}, n.History[len(n.History)-1])
}

func TestMissingCalendarYear(t *testing.T) {
	n := draft(t, eligibility.CSTDCS)
	err := n.Submit(act(t, "2027-12-20"), civil.Date{})
	r := ruleError(t, err)
	assert.Equal(t, "CALENDAR_MISSING", r.Reason)
	assert.Equal(t, "calendars/2028", r.Subject)
	assert.Equal(t, Draft, n.State)
	assert.Len(t, n.History, 1)
}

func TestOverdue(t *testing.T) {
	n := draft(t, eligibility.CSTDCS)
	assert.False(t, n.Overdue(date(t, "2030-01-01")), "no limit runs on a draft")
	require.NoError(t, n.Submit(act(t, "2025-01-20"), civil.Date{}))
	assert.False(t, n.Overdue(date(t, "2025-02-24")), "the due day itself is in time")
	assert.True(t, n.Overdue(date(t, "2025-02-25")))

	p := inState(t, Appraised)
	p.Award = eligibility.HCLD3
	require.NoError(t, p.Publish(act(t, "2025-04-24")))
	assert.False(t, p.Overdue(date(t, "2025-06-01")), "a comment window is a minimum")
}

func TestPublishNeedsAPassingVote(t *testing.T) {
	n := inState(t, Appraised)
	n.Vote = nil
	assert.Equal(t, "VOTE_NOT_RECORDED", ruleError(t, n.Publish(act(t, "2025-01-15"))).Reason)

	v := Vote{Members: council(10), Yes: 8, No: 2, HeldOn: date(t, "2025-01-10")}
	require.NoError(t, n.RecordVote(act(t, "2025-01-15"), v, proposerUnit))
	r := ruleError(t, n.Publish(act(t, "2025-01-15")))
	assert.Equal(t, "VOTE_NOT_PASSED", r.Reason)
	assert.Contains(t, r.Description, "8 of 10")
	assert.Equal(t, Appraised, n.State)

	require.NoError(t, n.RecordVote(act(t, "2025-01-16"), passing(t), proposerUnit), "a vote replaces the earlier one")
	require.NoError(t, n.Publish(act(t, "2025-01-16")))
}

func TestVoteHeldLaterThanToday(t *testing.T) {
	n := inState(t, Appraised)
	v := passing(t)
	v.HeldOn = date(t, "2025-01-16")
	assert.Equal(t, []string{"vote.heldOn"}, fieldsOf(t, n.RecordVote(act(t, "2025-01-15"), v, proposerUnit)))
}

func TestApproveAfterTheCommentWindow(t *testing.T) {
	n := inState(t, Appraised)
	n.Award = eligibility.HCLD3
	require.NoError(t, n.Publish(act(t, "2025-04-24")))

	for _, day := range []string{"2025-04-25", "2025-05-12"} {
		r := ruleError(t, n.Approve(act(t, day)))
		assert.Equal(t, "COMMENT_WINDOW_OPEN", r.Reason)
		assert.Contains(t, r.Description, "ends on 2025-05-12")
		assert.Equal(t, Published, n.State)
	}
	require.NoError(t, n.Approve(act(t, "2025-05-13")))
	assert.Equal(t, Approved, n.State)
	assert.True(t, n.DueOn.IsZero())
}

func TestApproveATitleWithoutAWindow(t *testing.T) {
	n := inState(t, Appraised)
	require.NoError(t, n.Publish(act(t, "2025-04-24")))
	assert.Equal(t, date(t, "2025-04-24"), n.CommentWindowEndsOn, "public from the day of publication")
	require.NoError(t, n.Approve(act(t, "2025-04-24")), "no minimum window: the same day")
}

func TestApproveWithAFail(t *testing.T) {
	n := inState(t, Published)
	n.Eligibility = &Evaluation{Report: failReport()}
	r := ruleError(t, n.Approve(act(t, "2025-01-15")))
	assert.Equal(t, "ELIGIBILITY_FAILED", r.Reason)
	assert.Contains(t, r.Description, "R3_MISSING_CSTD_CS")
	assert.Nil(t, n.Override)

	a := act(t, "2025-01-15")
	a.Reason = "Hội đồng xác nhận danh hiệu năm 2022 bị ghi sót"
	require.NoError(t, n.Approve(a))
	assert.Equal(t, Approved, n.State)
	assert.Equal(t, &Override{Reason: a.Reason, Actor: a.Actor, Time: a.Time}, n.Override)
	assert.Equal(t, a.Reason, n.History[len(n.History)-1].Reason)
}

func TestApproveRefusesAnOverrideWithoutAFail(t *testing.T) {
	n := inState(t, Published)
	a := act(t, "2025-01-15")
	a.Reason = "Không cần"
	assert.Equal(t, []string{"overrideReason"}, fieldsOf(t, n.Approve(a)))

	n.Eligibility = nil
	assert.Equal(t, "ELIGIBILITY_NOT_EVALUATED", ruleError(t, n.Approve(act(t, "2025-01-15"))).Reason)
}

func TestUnknownIsNoFail(t *testing.T) {
	n := inState(t, Published)
	n.Eligibility = &Evaluation{Report: eligibility.Report{Overall: eligibility.Unknown}}
	require.NoError(t, n.Approve(act(t, "2025-01-15")))
}

// submitToday submits n, its dossier received the day it is entered.
func submitToday(n *Nomination, act Act) error { return n.Submit(act, civil.Date{}) }

// A dossier received on paper before it was entered: the appraisal's
// limit counts from the day it was received, and may have passed already.
func TestSubmitReceivedEarlier(t *testing.T) {
	n := draft(t, eligibility.CSTDCS)
	require.NoError(t, n.Submit(act(t, "2025-03-10"), date(t, "2025-01-20")))
	assert.Equal(t, date(t, "2025-02-24"), n.DueOn, "20 working days from 20 January 2025, across Tết")
	assert.True(t, n.Overdue(date(t, "2025-03-10")))
}
