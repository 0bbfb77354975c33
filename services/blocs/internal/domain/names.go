package domain

import (
	"github.com/tdkt-vn/tdkt/platform/resid"
	"github.com/tdkt-vn/tdkt/platform/resname"
)

// NewID returns a random server-assigned id (16 lowercase characters).
func NewID() string { return resid.New() }

// The service's resource names.
const (
	GroupPattern      resname.Pattern = "groups/{group}"
	MembershipPattern resname.Pattern = "groups/{group}/memberships/{membership}"
	TermPattern       resname.Pattern = "groups/{group}/terms/{term}"
	CovenantPattern   resname.Pattern = "groups/{group}/covenants/{covenant}"
)

// UnitName returns units/{id}.
func UnitName(id string) string { return resname.Unit.Format(id) }

// GroupName returns groups/{id}.
func GroupName(id string) string { return GroupPattern.Format(id) }

// ParseYearName reads a name of a pattern groups/{group}/<collection>/{year}
// (TermPattern, CovenantPattern) into the group id and the year.
func ParseYearName(name string, p resname.Pattern) (group string, year int, ok bool) {
	ids, ok := p.Parse(name)
	if !ok {
		return "", 0, false
	}
	year, ok = resname.Year(ids[1])
	return ids[0], year, ok
}

// Etag renders a version as an etag.
func Etag(version int64) string { return resid.Etag(version) }

// CheckEtag returns ErrStaleEtag when etag is given and is not the etag of
// version. An empty etag always passes (AIP-154).
func CheckEtag(etag string, version int64) error { return resid.CheckEtag(etag, version) }
