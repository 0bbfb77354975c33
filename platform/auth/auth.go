// Package auth knows who is calling: the roles of tdkt, the caller a
// verified bearer token or client certificate stands for, and how that
// caller travels in a context and on to the next service.
//
// A caller holds roles in units (Grant): an officer of a province's board
// holds BOARD_OFFICER in units/thai-nguyen; one person may hold roles in
// several units. What a role allows is platform/policy's business.
package auth

import (
	"context"
	"slices"
	"strings"
)

// Role is what a caller may do in a unit (api.md, security).
type Role string

// Roles.
const (
	// CentralAdmin administers the whole system (the central board).
	CentralAdmin Role = "CENTRAL_ADMIN"
	// BoardOfficer works for a ministry's or province's emulation board:
	// units, groups and decisions of its unit.
	BoardOfficer Role = "BOARD_OFFICER"
	// UnitClerk proposes for its unit.
	UnitClerk Role = "UNIT_CLERK"
	// CouncilMember sits on an emulation council: reads drafts, scores.
	CouncilMember Role = "COUNCIL_MEMBER"
	// Viewer reads what its unit may read, drafts included.
	Viewer Role = "VIEWER"
	// PIIReader may read full citizen ids of its unit's records; each read
	// is audited.
	PIIReader Role = "PII_READER"
)

// Roles lists every role, in a fixed order.
var Roles = []Role{CentralAdmin, BoardOfficer, UnitClerk, CouncilMember, Viewer, PIIReader}

// Valid reports whether r is one of Roles.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// Grant is a set of roles held in one unit.
type Grant struct {
	// Unit is the unit's id ("thai-nguyen"), not its name.
	Unit  string
	Roles []Role
}

// How a caller authenticated.
const (
	MethodAnonymous = "anonymous"
	MethodBearer    = "bearer" // a JWT from the OpenID Connect issuer
	MethodMTLS      = "mtls"   // a client certificate an administrator mapped
)

// Caller is who is making a call. The zero value is not used; Anonymous is
// the caller without credentials.
type Caller struct {
	// Subject identifies the person or client: the token's sub (with its
	// client id for machine clients), or the certificate's identity.
	Subject string
	// Method is how the caller authenticated: MethodBearer, MethodMTLS or
	// MethodAnonymous.
	Method string
	// Grants are the roles the caller holds, by unit.
	Grants []Grant
}

// Anonymous is the caller of a call without credentials.
var Anonymous = &Caller{Subject: "anonymous", Method: MethodAnonymous}

// IsAnonymous reports whether c presented no credentials.
func (c *Caller) IsAnonymous() bool { return c == nil || c.Method == MethodAnonymous }

// Has reports whether c holds one of roles in some unit.
func (c *Caller) Has(roles ...Role) bool { return len(c.UnitsWith(roles...)) > 0 }

// UnitsWith returns the ids of the units in which c holds one of roles.
func (c *Caller) UnitsWith(roles ...Role) []string {
	if c == nil {
		return nil
	}
	var units []string
	for _, g := range c.Grants {
		for _, r := range g.Roles {
			if slices.Contains(roles, r) {
				units = append(units, g.Unit)
				break
			}
		}
	}
	return units
}

// Units returns the ids of every unit in which c holds a role.
func (c *Caller) Units() []string {
	if c == nil {
		return nil
	}
	units := make([]string, 0, len(c.Grants))
	for _, g := range c.Grants {
		units = append(units, g.Unit)
	}
	return units
}

// RoleList renders the grants for the audit log: "thai-nguyen:BOARD_OFFICER
// thai-nguyen:PII_READER", sorted.
func (c *Caller) RoleList() string {
	if c == nil {
		return ""
	}
	var parts []string
	for _, g := range c.Grants {
		for _, r := range g.Roles {
			parts = append(parts, g.Unit+":"+string(r))
		}
	}
	slices.Sort(parts)
	return strings.Join(parts, " ")
}

type callerKey struct{}

// NewContext returns ctx carrying c.
func NewContext(ctx context.Context, c *Caller) context.Context {
	return context.WithValue(ctx, callerKey{}, c)
}

// FromContext returns the caller of ctx; Anonymous when it has none.
func FromContext(ctx context.Context) *Caller {
	if c, ok := ctx.Value(callerKey{}).(*Caller); ok && c != nil {
		return c
	}
	return Anonymous
}

// Authenticated reports whether a guard authenticated the call of ctx
// (anonymous callers included): false on a server that runs without one
// (grpcserver.Options.Unguarded, for tests), where nothing is checked.
func Authenticated(ctx context.Context) bool {
	_, ok := ctx.Value(callerKey{}).(*Caller)
	return ok
}
