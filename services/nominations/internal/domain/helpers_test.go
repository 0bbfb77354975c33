package domain

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tdkt-vn/tdkt/platform/civil"
	"github.com/tdkt-vn/tdkt/platform/domainerr"
	"github.com/tdkt-vn/tdkt/services/nominations/internal/domain/eligibility"
	"github.com/tdkt-vn/tdkt/services/nominations/internal/domain/workdays"
)

// The units of the test batch.
const (
	proposerUnit  = "so-gd-bac-kan"
	authorityUnit = "tinh-bac-kan"
)

func date(t testing.TB, s string) civil.Date {
	t.Helper()
	d, err := civil.Parse(s)
	require.NoError(t, err)
	return d
}

// at is 09:00 in Vietnam on day s.
func at(t testing.TB, s string) time.Time {
	d := date(t, s)
	return time.Date(d.Year, d.Month, d.Day, 9, 0, 0, 0, civil.Vietnam)
}

func calendar(t testing.TB) *workdays.Calendar {
	t.Helper()
	cal, err := workdays.Default()
	require.NoError(t, err)
	return cal
}

// teacher is an individual of the proposing unit.
func teacher() Recipient {
	return Recipient{Kind: RecipientIndividual, FullName: "Nguyễn Thị Hoa", Unit: proposerUnit, Key: "key-hoa"}
}

// fields is a valid nomination of the teacher for award in 2023.
func fields(award eligibility.Award) NominationFields {
	return NominationFields{
		Recipient: teacher(), Award: award, Period: Period{2023, 2023},
		Ratings: []eligibility.YearRating{{Year: 2023, Rating: eligibility.Excellent}},
	}
}

// draft is a new draft nomination for award, created on 2025-01-02.
func draft(t testing.TB, award eligibility.Award) *Nomination {
	return NewNomination("bk-2025", "hoa", fields(award), "clerk@so-gd", at(t, "2025-01-02"))
}

// act is an action taken on day by a caller holding every side.
func act(t testing.TB, day string) Act {
	return Act{Actor: "officer@tinh", Sides: Proposer | Authority | Council | System, Time: at(t, day), Calendar: calendar(t)}
}

// council is n members of the authority's council, all present, none of
// them the nominee or the head of the proposer.
func council(n int) []Member {
	ms := make([]Member, n)
	for i := range ms {
		ms[i] = Member{FullName: "Thành viên " + string(rune('A'+i%26)) + string(rune('a'+i/26)), Unit: "so-noi-vu", Present: true}
	}
	return ms
}

// passing is a vote of 10 present members, all for.
func passing(t testing.TB) Vote {
	return Vote{Members: council(10), Yes: 10, HeldOn: date(t, "2025-01-10")}
}

func passReport() eligibility.Report {
	return eligibility.Report{Overall: eligibility.Pass, Lines: []eligibility.Line{{Rule: eligibility.G1, Outcome: eligibility.Pass, Reason: "G1_CLEAR"}}}
}

func failReport() eligibility.Report {
	return eligibility.Report{Overall: eligibility.Fail, Lines: []eligibility.Line{
		{Rule: eligibility.R3, Outcome: eligibility.Fail, Reason: "R3_MISSING_CSTD_CS"},
		{Rule: eligibility.G1, Outcome: eligibility.Pass, Reason: "G1_CLEAR"},
	}}
}

// ruleError returns err's domainerr.RuleError.
func ruleError(t testing.TB, err error) *domainerr.RuleError {
	t.Helper()
	var r *domainerr.RuleError
	require.ErrorAs(t, err, &r)
	return r
}

// fieldsOf returns the fields err names.
func fieldsOf(t testing.TB, err error) []string {
	t.Helper()
	var fe domainerr.FieldErrors
	require.ErrorAs(t, err, &fe)
	out := make([]string, len(fe))
	for i, f := range fe {
		out[i] = f.Field
	}
	return out
}
