package lineage

import "context"

// Scope answers which units a unit covers, for the access policy
// (platform/policy.Lineage): a unit covers itself, the units below it
// (Parent), and every unit dissolved into one it covers (Successor), so
// that after the 2025 merger Thái Nguyên covers what Bắc Kạn left. A
// dissolved unit covers nothing: its successor acts for it. Scope is
// immutable; build a new one when units change.
type Scope struct {
	units map[string]Unit
	// below lists, for each unit, the units whose Parent or Successor it is.
	below map[string][]string
}

// NewScope indexes units, by id.
func NewScope(units map[string]Unit) *Scope {
	s := &Scope{units: units, below: make(map[string][]string, len(units))}
	for id, u := range units {
		if up := u.up(); up != "" {
			s.below[up] = append(s.below[up], id)
		}
		if u.Successor != "" {
			s.below[u.Successor] = append(s.below[u.Successor], id)
		}
	}
	return s
}

// Covers reports whether grant covers id.
func (s *Scope) Covers(grant, id string) bool {
	if g, ok := s.units[grant]; !ok || g.Dissolved {
		return false
	}
	seen := map[string]bool{}
	for next := []string{id}; len(next) > 0; {
		x := next[len(next)-1]
		next = next[:len(next)-1]
		if x == "" || seen[x] {
			continue
		}
		if x == grant {
			return true
		}
		seen[x] = true
		if u, ok := s.units[x]; ok {
			next = append(next, u.up(), u.Successor)
		}
	}
	return false
}

// Covered returns the ids of every unit grant covers, grant first; none
// when grant is unknown or dissolved.
func (s *Scope) Covered(grant string) []string {
	if g, ok := s.units[grant]; !ok || g.Dissolved {
		return nil
	}
	seen := map[string]bool{grant: true}
	out := []string{grant}
	for i := 0; i < len(out); i++ {
		for _, id := range s.below[out[i]] {
			if !seen[id] {
				seen[id] = true
				out = append(out, id)
			}
		}
	}
	return out
}

// up is the unit u belongs to: its parent, else its province.
func (u Unit) up() string {
	if u.Parent != "" {
		return u.Parent
	}
	if u.Province != u.ID {
		return u.Province
	}
	return ""
}

// Scopes gives the Scope of the units as they are now, for the access
// policy (platform/policy.Lineage): blocs reads it from its store,
// blocsclient from its mirror.
type Scopes func(ctx context.Context) (*Scope, error)

// Covers reports whether unit grant covers unit id.
func (f Scopes) Covers(ctx context.Context, grant, id string) (bool, error) {
	s, err := f(ctx)
	if err != nil {
		return false, err
	}
	return s.Covers(grant, id), nil
}

// Covered returns the ids of every unit grant covers.
func (f Scopes) Covered(ctx context.Context, grant string) ([]string, error) {
	s, err := f(ctx)
	if err != nil {
		return nil, err
	}
	return s.Covered(grant), nil
}

// WithDissolved returns id and every unit dissolved into it, as ancestors
// (blocsclient.Client.Ancestors) gives them: the units a filter by id
// matches, a dissolved unit's records being its successor's. An empty id
// gives none, without asking.
func WithDissolved(ctx context.Context, ancestors func(context.Context, []string) (map[string][]string, error), id string) ([]string, error) {
	if id == "" {
		return nil, nil
	}
	a, err := ancestors(ctx, []string{id})
	if err != nil {
		return nil, err
	}
	return append([]string{id}, a[id]...), nil
}
