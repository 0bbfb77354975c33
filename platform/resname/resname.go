// Package resname parses and formats resource names (AIP-122), such as
// "units/bac-kan" and "groups/khoi-3/terms/2023", and reads the name and
// date fields of a request, collecting one violation per bad field with one
// wording for every service.
package resname

import (
	"strconv"
	"strings"

	"github.com/tdkt-vn/tdkt/platform/resid"
)

// Pattern is a resource name pattern: literal collection ids and
// {variables} alternating, as "groups/{group}/terms/{term}".
type Pattern string

// Unit is the pattern of the units every service refers to; the blocs
// service owns them.
const Unit Pattern = "units/{unit}"

// Parse returns the ids of name, one per variable of p. It reports false
// when name does not have p's shape or an id breaks the id rule of api.md
// (resid.Valid).
func (p Pattern) Parse(name string) ([]string, bool) {
	pat := strings.Split(string(p), "/")
	parts := strings.Split(name, "/")
	if len(parts) != len(pat) {
		return nil, false
	}
	ids := make([]string, 0, len(pat)/2)
	for i, seg := range pat {
		if strings.HasPrefix(seg, "{") {
			if !resid.Valid(parts[i]) {
				return nil, false
			}
			ids = append(ids, parts[i])
		} else if parts[i] != seg {
			return nil, false
		}
	}
	return ids, true
}

// ID returns the id of name for a pattern of one variable.
func (p Pattern) ID(name string) (string, bool) {
	ids, ok := p.Parse(name)
	if !ok || len(ids) != 1 {
		return "", false
	}
	return ids[0], true
}

// Format returns the name with the ids in place of p's variables; a
// pattern of one variable formats "" as "" (no reference).
func (p Pattern) Format(ids ...string) string {
	if len(ids) == 1 && ids[0] == "" {
		return ""
	}
	var b strings.Builder
	i := 0
	for n, seg := range strings.Split(string(p), "/") {
		if n > 0 {
			b.WriteByte('/')
		}
		if strings.HasPrefix(seg, "{") && i < len(ids) {
			b.WriteString(ids[i])
			i++
		} else {
			b.WriteString(seg)
		}
	}
	return b.String()
}

// FormatAll formats each id of a pattern of one variable.
func (p Pattern) FormatAll(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = p.Format(id)
	}
	return out
}

// Years ids, such as terms/2023, lie in [MinYear, MaxYear].
const (
	MinYear = 1945
	MaxYear = 2200
)

// Year reads a four-digit year id in [MinYear, MaxYear].
func Year(id string) (int, bool) {
	if len(id) != 4 {
		return 0, false
	}
	y, err := strconv.Atoi(id)
	if err != nil || y < MinYear || y > MaxYear {
		return 0, false
	}
	return y, true
}
