package domain

import (
	"strconv"
	"time"
)

// Term records who heads a group in a year: the head (trưởng khối, cụm
// trưởng) and the deputy (phó). The roles rotate yearly.
type Term struct {
	Group      string // group id
	Year       int
	Head       string // unit id
	Deputy     string // unit id
	CreateTime time.Time
}

// Name is groups/{g}/terms/{year}.
func (t *Term) Name() string { return GroupName(t.Group) + "/terms/" + strconv.Itoa(t.Year) }

// NewTerm checks the head and deputy against the group's memberships: both
// must be members during the year, and they must differ.
func NewTerm(g *Group, year int, head, deputy string, memberships []*Membership, now time.Time) (*Term, error) {
	if err := g.CheckActive(); err != nil {
		return nil, err
	}
	var errs FieldErrors
	if head == "" {
		errs.Add("term.head", "is required")
	}
	if deputy == "" {
		errs.Add("term.deputy", "is required")
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	if head == deputy {
		return nil, FieldErrors{{Field: "term.deputy", Description: "must differ from the head"}}
	}
	members := MembersInYear(memberships, year)
	if !members[head] {
		return nil, rule("NOT_A_MEMBER", UnitName(head), "the head is not a member of %s in %d", g.Name(), year)
	}
	if !members[deputy] {
		return nil, rule("NOT_A_MEMBER", UnitName(deputy), "the deputy is not a member of %s in %d", g.Name(), year)
	}
	return &Term{Group: g.ID, Year: year, Head: head, Deputy: deputy, CreateTime: now}, nil
}
