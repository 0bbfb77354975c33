package domain

import (
	"fmt"
	"slices"
	"strings"
)

// CanConfer checks that the head of a unit at level may confer t: some
// authority of t sits at that level (api.md: the decision's authority
// "level must be allowed to confer every award type in it"). It is exact
// where a level holds one authority and a necessary condition elsewhere: a
// CENTRAL unit passes for both the Prime Minister's and the President's
// awards, a PROVINCE unit for a provincial chairman's awards whether it is
// the province itself or one of its Departments. When the caller knows the
// capacity, CanConferAs checks it too.
//
// The error is a *RuleError with reason AUTHORITY_LEVEL_NOT_ALLOWED.
func CanConfer(level Level, t AwardType) error {
	if slices.Contains(t.ConferringLevels(), level) {
		return nil
	}
	return rule("AUTHORITY_LEVEL_NOT_ALLOWED", t.Name(),
		"a unit at level %s may not confer %s: it is conferred by %s (units at level %s)",
		level, t.Code, joinList(t.Authorities), joinList(t.ConferringLevels()))
}

// CanConferAs checks that the head of a unit at level, acting as a, may
// confer t. Reasons: AUTHORITY_LEVEL_MISMATCH when a does not sit at that
// level (a PRESIDENT at a PROVINCE unit), AUTHORITY_NOT_ALLOWED when t is
// not conferred by a.
func CanConferAs(a Authority, level Level, t AwardType) error {
	if !a.sitsAt(level) {
		return rule("AUTHORITY_LEVEL_MISMATCH", t.Name(),
			"the head of a unit at level %s cannot act as %s (units at level %s)", level, a, joinList(a.Levels()))
	}
	if !slices.Contains(t.Authorities, a) {
		return rule("AUTHORITY_NOT_ALLOWED", t.Name(),
			"%s may not confer %s: it is conferred by %s", a, t.Code, joinList(t.Authorities))
	}
	return nil
}

func joinList[T fmt.Stringer](xs []T) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = x.String()
	}
	return strings.Join(s, ", ")
}
