// Package policy decides who may call what: for each RPC of every tdkt
// service (rules.go) the roles that may call it and the request field that
// names the resource it acts on. A method with no rule is denied.
//
// Decisions follow AIP-211. A caller without a role the method needs is
// refused before its request is looked at (Unauthenticated when it
// presented no credentials, PermissionDenied otherwise). A caller with the
// role acts only on resources that one of its units covers (Lineage: a
// province's officers cover the province's units, and what units dissolved
// into it left): a resource it may see but not change is PermissionDenied,
// one it may not even see (a draft) NotFound. Public resources (units,
// groups, award types, the register of issued honours) are seen by all.
//
// A Policy is what a service's gRPC server consults (grpcserver.Guard). It
// sits behind that interface so that a policy engine could replace it.
package policy

import (
	"context"
	"slices"
	"strings"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/tdkt-vn/tdkt/platform/auth"
	"github.com/tdkt-vn/tdkt/platform/domainerr"
)

// Rule is who may call one RPC.
type Rule struct {
	// Roles may call the method, over resources their units cover. Empty:
	// anyone may call, anonymous callers included; a resource that is not
	// public (a draft) is then seen only by Readers whose units cover it.
	Roles []auth.Role
	// Resources are the paths of the request fields that name what the
	// call acts on ("name", "parent", "decision.authority"): resource names
	// or unit names. The first is the resource itself; the others are
	// where a change puts it (a unit's new parent, a dissolved unit's
	// successor), which the caller must cover too. None when the call acts
	// on no one resource (lists are filtered by Scope instead).
	Resources []string
}

// Readers are the roles that see a unit's resources that are not public.
var Readers = []auth.Role{auth.CentralAdmin, auth.BoardOfficer, auth.UnitClerk, auth.CouncilMember, auth.Viewer, auth.PIIReader}

// Owner is whom a resource belongs to.
type Owner struct {
	// Unit is the id of the unit that owns the resource; "" when no unit
	// does (only central administrators cover it).
	Unit string
	// Also are the ids of other units whose callers see and act on the
	// resource as its owner's do (a batch of nominations: its authority,
	// beside its proposer). Which of them may take which step is the
	// service's rule.
	Also []string
	// Public resources are seen by every caller.
	Public bool
}

// Owners finds the owner of a service's resources by name. It returns a
// *domainerr.NotFoundError (or any error the handler would return) when
// the resource does not exist: the policy then lets the call through, and
// the handler answers.
type Owners interface {
	Owner(ctx context.Context, name string) (Owner, error)
}

// Lineage says which units a unit covers: itself, the units below it
// (a province covers its communes and agencies), and through the chain of
// mergers whatever was dissolved into any of those.
type Lineage interface {
	// Covers reports whether unit grant covers unit id.
	Covers(ctx context.Context, grant, id string) (bool, error)
	// Covered returns the ids of every unit grant covers.
	Covered(ctx context.Context, grant string) ([]string, error)
}

// Authenticator finds the caller of an incoming call.
type Authenticator interface {
	Authenticate(ctx context.Context) (*auth.Caller, error)
}

// Policy decides the calls of one service with the rules of every service.
type Policy struct {
	rules   map[string]Rule
	authn   Authenticator
	owners  Owners
	lineage Lineage
}

// New returns the policy of a service: callers found by authn, resources'
// owners by owners, and what units cover by lineage. The rules are Rules.
func New(authn Authenticator, owners Owners, lineage Lineage) *Policy {
	return &Policy{rules: Rules, authn: authn, owners: owners, lineage: lineage}
}

// Rule returns the rule of the full method name, and whether there is one.
func (p *Policy) Rule(method string) (Rule, bool) {
	r, ok := p.rules[method]
	return r, ok
}

// Authenticate puts the caller of the call in ctx (auth.FromContext).
func (p *Policy) Authenticate(ctx context.Context) (context.Context, error) {
	c, err := p.authn.Authenticate(ctx)
	if err != nil {
		return ctx, err
	}
	return auth.NewContext(ctx, c), nil
}

// Allow refuses a caller who may not call method at all, before the
// request is read.
func (p *Policy) Allow(ctx context.Context, method string) error {
	r, ok := p.rules[method]
	if !ok {
		return denied(auth.FromContext(ctx), "no rule allows "+method)
	}
	if len(r.Roles) == 0 {
		return nil
	}
	c := auth.FromContext(ctx)
	if !c.Has(r.Roles...) {
		return denied(c, "the caller holds none of the roles "+roleNames(r.Roles)+" that "+shortName(method)+" needs")
	}
	return nil
}

// Check decides req, a request to method that Allow let through: whether
// the caller may see and act on every resource it names. The context it
// returns carries the unit that owns the first of them (OwnerUnit), for
// the audit log.
func (p *Policy) Check(ctx context.Context, method string, req proto.Message) (context.Context, error) {
	r, ok := p.rules[method]
	if !ok {
		return ctx, denied(auth.FromContext(ctx), "no rule allows "+method)
	}
	named := false
	for _, path := range r.Resources {
		name := field(req, path)
		if name == "" {
			continue
		}
		first := !named
		named = true
		owner, err := p.owner(ctx, name)
		if err != nil {
			// A resource that does not exist is NotFound, as the handler
			// would say to anyone; saying it here leaves no moment for it
			// to be created in another's scope before the handler reads it.
			return ctx, err
		}
		if first {
			ctx = context.WithValue(ctx, ownerKey{}, owner.Unit)
		}
		if err := p.decide(ctx, r, name, owner); err != nil {
			return ctx, err
		}
	}
	if !named && len(r.Resources) > 0 && len(r.Roles) > 0 {
		// A change naming no unit: central administrators only.
		return ctx, p.decide(ctx, r, method, Owner{Public: true})
	}
	return ctx, nil
}

func (p *Policy) decide(ctx context.Context, r Rule, name string, owner Owner) error {
	c := auth.FromContext(ctx)
	if len(r.Roles) > 0 {
		ok, err := p.coversOwner(ctx, c, r.Roles, owner)
		if err != nil || ok {
			return err
		}
		if !owner.Public {
			if seen, err := p.coversOwner(ctx, c, Readers, owner); err != nil || !seen {
				return orNotFound(err, name)
			}
		}
		return denied(c, "the caller's units do not cover "+name)
	}
	if owner.Public {
		return nil
	}
	seen, err := p.coversOwner(ctx, c, Readers, owner)
	if err != nil || !seen {
		return orNotFound(err, name)
	}
	return nil
}

// coversOwner reports whether c holds one of roles in a unit that covers
// the owner's unit or one of its Also.
func (p *Policy) coversOwner(ctx context.Context, c *auth.Caller, roles []auth.Role, owner Owner) (bool, error) {
	for _, unit := range append([]string{owner.Unit}, owner.Also...) {
		if ok, err := p.covers(ctx, c, roles, unit); err != nil || ok {
			return ok, err
		}
	}
	return false, nil
}

type ownerKey struct{}

// OwnerUnit returns the id of the unit that owns the resource the call of
// ctx acts on, as Check found it; "" when there is none.
func OwnerUnit(ctx context.Context) string {
	s, _ := ctx.Value(ownerKey{}).(string)
	return s
}

func (p *Policy) owner(ctx context.Context, name string) (Owner, error) {
	if id, ok := strings.CutPrefix(name, "units/"); ok {
		return Owner{Unit: id, Public: true}, nil
	}
	return p.owners.Owner(ctx, name)
}

// covers reports whether c holds one of roles in a unit that covers unit;
// central administrators cover every unit, and a resource no unit owns.
func (p *Policy) covers(ctx context.Context, c *auth.Caller, roles []auth.Role, unit string) (bool, error) {
	if slices.Contains(roles, auth.CentralAdmin) && c.Has(auth.CentralAdmin) {
		return true, nil
	}
	if unit == "" {
		return false, nil
	}
	for _, g := range c.UnitsWith(roles...) {
		ok, err := p.lineage.Covers(ctx, g, unit)
		if err != nil || ok {
			return ok, err
		}
	}
	return false, nil
}

// Scope is what a list shows a caller beyond public resources.
type Scope struct {
	// All: every unit's resources (a central administrator).
	All bool
	// Units are the ids of the units whose resources the caller sees.
	Units []string
}

// Covers reports whether s includes unit's resources.
func (s Scope) Covers(unit string) bool { return s.All || slices.Contains(s.Units, unit) }

// Scope returns the units whose resources the caller of ctx sees through
// one of roles (Readers when none are given): for a list to filter by, in
// its query.
func (p *Policy) Scope(ctx context.Context, roles ...auth.Role) (Scope, error) {
	if len(roles) == 0 {
		roles = Readers
	}
	c := auth.FromContext(ctx)
	if slices.Contains(roles, auth.CentralAdmin) && c.Has(auth.CentralAdmin) {
		return Scope{All: true}, nil
	}
	var s Scope
	for _, g := range c.UnitsWith(roles...) {
		units, err := p.lineage.Covered(ctx, g)
		if err != nil {
			return Scope{}, err
		}
		s.Units = append(s.Units, units...)
	}
	slices.Sort(s.Units)
	s.Units = slices.Compact(s.Units)
	return s, nil
}

// Can reports whether the caller of ctx holds one of roles in a unit that
// covers unit: for what a handler shows within a resource (full citizen
// ids to a PII_READER of the decision's unit).
func (p *Policy) Can(ctx context.Context, unit string, roles ...auth.Role) (bool, error) {
	return p.covers(ctx, auth.FromContext(ctx), roles, unit)
}

func denied(c *auth.Caller, reason string) error {
	if c.IsAnonymous() {
		return &domainerr.DeniedError{Anonymous: true, Reason: "sign in: this call needs credentials (a bearer token)"}
	}
	return &domainerr.DeniedError{Reason: reason}
}

func orNotFound(err error, name string) error {
	if err != nil {
		return err
	}
	return &domainerr.NotFoundError{Name: name}
}

func roleNames(roles []auth.Role) string {
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = string(r)
	}
	return strings.Join(names, ", ")
}

func shortName(method string) string { return method[strings.LastIndexByte(method, '/')+1:] }

// field returns the string at path in m ("decision.authority"); "" when
// it is not set.
func field(m proto.Message, path string) string {
	msg := m.ProtoReflect()
	parts := strings.Split(path, ".")
	for i, part := range parts {
		fd := msg.Descriptor().Fields().ByName(protoreflect.Name(part))
		if fd == nil || fd.IsList() || fd.IsMap() {
			return ""
		}
		if i == len(parts)-1 {
			if fd.Kind() != protoreflect.StringKind {
				return ""
			}
			return msg.Get(fd).String()
		}
		if fd.Message() == nil || !msg.Has(fd) {
			return ""
		}
		msg = msg.Get(fd).Message()
	}
	return ""
}
