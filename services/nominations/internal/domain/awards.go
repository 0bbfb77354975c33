package domain

import (
	"slices"
	"strings"

	"github.com/tdkt-vn/tdkt/platform/civil"
	"github.com/tdkt-vn/tdkt/services/nominations/internal/domain/eligibility"
	"github.com/tdkt-vn/tdkt/services/nominations/internal/domain/workdays"
)

// AwardRule is a row of a table keyed by award type. Awards is a code of
// the catalogue (domain.md §4, "CSTD_TINH"), a prefix ending in "*" ("HC*":
// every order) or "*" alone: every other award. The first row that matches
// an award applies, so a table lists codes, then prefixes, then "*".
type AwardRule[T any] struct {
	Awards string
	Value  T
	// Check is empty for a rule confirmed from the text of the law;
	// otherwise a note starting with "[check]" that says what is not.
	Check string
}

// matches reports whether the row applies to award.
func (r AwardRule[T]) matches(award eligibility.Award) bool {
	if prefix, ok := strings.CutSuffix(r.Awards, "*"); ok {
		return strings.HasPrefix(string(award), prefix)
	}
	return string(award) == r.Awards
}

// ruleFor returns the first row of rules that applies to award; a table
// ends in "*", so one does.
func ruleFor[T any](rules []AwardRule[T], award eligibility.Award) AwardRule[T] {
	i := slices.IndexFunc(rules, func(r AwardRule[T]) bool { return r.matches(award) })
	return rules[i]
}

// thresholds are the shares of all the council's members whose ballots for
// a nomination pass it (domain.md §6).
var thresholds = []AwardRule[int]{
	{"CSTD_TINH", 90, "[check] against decree 152/2025/NĐ-CP"},
	{"CSTD_TQ", 90, "[check] against decree 152/2025/NĐ-CP"},
	{"CSTD_CS", 80, "[check] against decree 152/2025/NĐ-CP"},
	{"CO_TINH", 80, "[check] against decree 152/2025/NĐ-CP"},
	{"CO_CP", 80, "[check] against decree 152/2025/NĐ-CP"},
	{"AH_*", 90, "[check] hero titles (Anh hùng); against decree 152/2025/NĐ-CP"},
	// No threshold is given for the other awards: the lowest share the
	// law sets for a council's vote, so that an unconfirmed rule never
	// passes a nomination more easily than a confirmed one.
	{"*", 80, "[check] no threshold known for this award; the lowest of domain.md §6 is applied"},
}

// commentWindows say which awards are published for public comment for
// the workdays.PublicComment time limit before the council decides: orders
// (Huân chương, codes HC…) and state honorary titles. The catalogue holds
// one of the latter, Anh hùng Lao động; "AH_*" takes in every hero title.
// The other state honorary titles (Nhà giáo, Thầy thuốc, Nghệ sĩ, Nghệ
// nhân nhân dân / ưu tú) need a row here when they join the catalogue. For
// every other award no minimum is set: its notice is public from the day
// of publication, and it may be approved that day.
var commentWindows = []AwardRule[workdays.Step]{
	{"HC*", workdays.PublicComment, ""},
	{"AH_*", workdays.PublicComment, ""},
	{"*", "", "[check] no minimum public comment period known for this award"},
}

// Thresholds returns the table of vote thresholds, in percent of all the
// council's members.
func Thresholds() []AwardRule[int] { return slices.Clone(thresholds) }

// CommentWindows returns the table of public comment windows: the time
// limit that sets each award's window, "" for a window of the day of
// publication alone.
func CommentWindows() []AwardRule[workdays.Step] { return slices.Clone(commentWindows) }

// ThresholdPercent returns the share of all the council's members whose
// ballots for a nomination for award pass it.
func ThresholdPercent(award eligibility.Award) int { return ruleFor(thresholds, award).Value }

// CommentWindowEnds returns the last day of public comment for a
// nomination for award published on publishedOn: the day a council may act
// after.
func CommentWindowEnds(cal *workdays.Calendar, award eligibility.Award, publishedOn civil.Date) (civil.Date, error) {
	step := ruleFor(commentWindows, award).Value
	if step == "" {
		return publishedOn, nil
	}
	return due(cal, step, publishedOn)
}
