package domain

import (
	"strconv"
	"strings"

	"github.com/tdkt-vn/tdkt/platform/resid"
)

// ValidID reports whether id is a valid client-chosen id: 1–63 lowercase
// letters, digits and '-', not starting or ending with '-'.
func ValidID(id string) bool { return resid.Valid(id) }

// NewID returns a random server-assigned id (16 lowercase characters).
func NewID() string { return resid.New() }

// Name prefixes.
const (
	UnitsPrefix  = "units/"
	GroupsPrefix = "groups/"
)

// UnitName returns units/{id}.
func UnitName(id string) string { return UnitsPrefix + id }

// GroupName returns groups/{id}.
func GroupName(id string) string { return GroupsPrefix + id }

// ParseName splits name by the pattern's literal segments, e.g.
// ParseName("groups/g1/terms/2023", "groups", "terms") returns ["g1",
// "2023"]. It reports false when name does not have that shape or an id is
// not valid.
func ParseName(name string, collections ...string) ([]string, bool) {
	parts := strings.Split(name, "/")
	if len(parts) != 2*len(collections) {
		return nil, false
	}
	ids := make([]string, len(collections))
	for i, c := range collections {
		if parts[2*i] != c || !ValidID(parts[2*i+1]) {
			return nil, false
		}
		ids[i] = parts[2*i+1]
	}
	return ids, true
}

// ParseUnitName returns the id of units/{id}.
func ParseUnitName(name string) (string, bool) {
	ids, ok := ParseName(name, "units")
	if !ok {
		return "", false
	}
	return ids[0], true
}

// ParseYear reads a four-digit year id in [1945, 2200].
func ParseYear(s string) (int, bool) {
	if len(s) != 4 {
		return 0, false
	}
	y, err := strconv.Atoi(s)
	if err != nil || y < 1945 || y > 2200 {
		return 0, false
	}
	return y, true
}

// Etag renders a version as an etag.
func Etag(version int64) string { return resid.Etag(version) }

// CheckEtag returns ErrStaleEtag when etag is given and is not the etag of
// version. An empty etag always passes (AIP-154).
func CheckEtag(etag string, version int64) error { return resid.CheckEtag(etag, version) }
