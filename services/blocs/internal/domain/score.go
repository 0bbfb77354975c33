package domain

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
)

// Score is a member's points for a covenant's year.
type Score struct {
	Group       string // group id
	Year        int
	Unit        string // unit id
	Points      map[string]float64
	WomenShare  float64
	Total       float64
	SubmittedBy string
	SubmitTime  time.Time
}

// Name is groups/{g}/covenants/{year}/scores/{unit}.
func (s *Score) Name() string {
	return fmt.Sprintf("%s/covenants/%d/scores/%s", GroupName(s.Group), s.Year, s.Unit)
}

// WomenMajorityShare is the share of women that puts a collective first
// among equals (domain.md §2).
const WomenMajorityShare = 0.7

// NewScore checks a score against the covenant and the year's members:
// only members score, every key is a criterion, and no criterion gets more
// than its maximum.
func NewScore(g *Group, c *Covenant, unit string, points map[string]float64, womenShare float64, submittedBy string, members map[string]bool, now time.Time) (*Score, error) {
	if err := g.CheckActive(); err != nil {
		return nil, err
	}
	if unit == "" {
		return nil, FieldErrors{{Field: "score.unit", Description: "is required"}}
	}
	if !members[unit] {
		return nil, rule("NOT_A_MEMBER", UnitName(unit), "the unit is not a member of %s in %d", g.Name(), c.Year)
	}
	var errs FieldErrors
	ids := make([]string, 0, len(points))
	for id := range points {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	total := 0.0
	for _, id := range ids {
		p := points[id]
		field := fmt.Sprintf("score.points[%q]", id)
		cr, ok := c.Criterion(id)
		switch {
		case !ok:
			errs.Add(field, "no criterion %q in %s", id, c.Name())
		case math.IsNaN(p) || p < 0:
			errs.Add(field, "must be at least 0")
		case p > cr.MaxPoints:
			errs.Add(field, "%g is above the criterion's maximum of %g", p, cr.MaxPoints)
		default:
			total += p
		}
	}
	if math.IsNaN(womenShare) || womenShare < 0 || womenShare > 1 {
		errs.Add("score.womenShare", "must be between 0 and 1")
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return &Score{
		Group: g.ID, Year: c.Year, Unit: unit, Points: points, WomenShare: womenShare,
		Total: math.Round(total*1000) / 1000, SubmittedBy: strings.TrimSpace(submittedBy), SubmitTime: now,
	}, nil
}
