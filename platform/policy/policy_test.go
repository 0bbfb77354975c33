package policy_test

import (
	"context"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/tdkt-vn/tdkt/platform/auth"
	"github.com/tdkt-vn/tdkt/platform/domainerr"
	"github.com/tdkt-vn/tdkt/platform/policy"
	"github.com/tdkt-vn/tdkt/platform/rpcerr"
	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
)

// provinces: each unit covers itself and its "communes" (id prefixed).
type provinces struct{}

func (provinces) Covers(_ context.Context, grant, id string) (bool, error) {
	return id == grant || id == "xa-"+grant, nil
}

func (provinces) Covered(_ context.Context, grant string) ([]string, error) {
	return []string{grant, "xa-" + grant}, nil
}

// drafts: decisions/d-<unit> is a draft of <unit>; decisions/i-<unit> an
// issued one.
type drafts struct{}

func (drafts) Owner(_ context.Context, name string) (policy.Owner, error) {
	switch {
	case len(name) > 12 && name[:12] == "decisions/d-":
		return policy.Owner{Unit: name[12:]}, nil
	case len(name) > 12 && name[:12] == "decisions/i-":
		return policy.Owner{Unit: name[12:], Public: true}, nil
	case len(name) > 12 && name[:12] == "decisions/a-":
		// A draft of ha-noi that another unit acts on too.
		return policy.Owner{Unit: "ha-noi", Also: []string{name[12:]}}, nil
	}
	return policy.Owner{}, &domainerr.NotFoundError{Name: name}
}

type fixed struct{ c *auth.Caller }

func (f fixed) Authenticate(context.Context) (*auth.Caller, error) { return f.c, nil }

func caller(unit string, roles ...auth.Role) *auth.Caller {
	return &auth.Caller{Subject: "u", Method: auth.MethodBearer, Grants: []auth.Grant{{Unit: unit, Roles: roles}}}
}

const hs = "/tdkt.honours.v1.HonoursService/"

func code(err error) codes.Code {
	if err == nil {
		return codes.OK
	}
	st, ok := rpcerr.FromDomain(err)
	if !ok {
		return codes.Internal
	}
	return status.Code(st)
}

func decide(t *testing.T, c *auth.Caller, method string, req proto.Message) codes.Code {
	t.Helper()
	p := policy.New(fixed{c}, drafts{}, provinces{})
	ctx, err := p.Authenticate(t.Context())
	require.NoError(t, err)
	if err := p.Allow(ctx, method); err != nil {
		return code(err)
	}
	_, err = p.Check(ctx, method, req)
	return code(err)
}

func TestDecisions(t *testing.T) {
	t.Parallel()
	officerTN := caller("thai-nguyen", auth.BoardOfficer)
	viewerTN := caller("thai-nguyen", auth.Viewer)
	officerHN := caller("ha-noi", auth.BoardOfficer)
	admin := caller("ban-tdkt-tw", auth.CentralAdmin)
	get := func(name string) proto.Message { return &honoursv1.GetDecisionRequest{Name: name} }
	issue := func(name string) proto.Message { return &honoursv1.IssueDecisionRequest{Name: name} }
	create := func(authority string) proto.Message {
		return &honoursv1.CreateDecisionRequest{Decision: &honoursv1.Decision{Authority: authority}}
	}
	tests := []struct {
		name   string
		caller *auth.Caller
		method string
		req    proto.Message
		want   codes.Code
	}{
		{"own draft", officerTN, "GetDecision", get("decisions/d-thai-nguyen"), codes.OK},
		{"own commune's draft", officerTN, "GetDecision", get("decisions/d-xa-thai-nguyen"), codes.OK},
		{"viewer sees own draft", viewerTN, "GetDecision", get("decisions/d-thai-nguyen"), codes.OK},
		{"another's draft is not found", officerHN, "GetDecision", get("decisions/d-thai-nguyen"), codes.NotFound},
		{"anonymous: a draft is not found", auth.Anonymous, "GetDecision", get("decisions/d-thai-nguyen"), codes.NotFound},
		{"anonymous: issued is public", auth.Anonymous, "GetDecision", get("decisions/i-thai-nguyen"), codes.OK},
		{"unknown is not found", officerHN, "GetDecision", get("decisions/zzz"), codes.NotFound},
		{"unknown is not found, for a change too", officerTN, "IssueDecision", issue("decisions/zzz"), codes.NotFound},
		{"issue own", officerTN, "IssueDecision", issue("decisions/d-thai-nguyen"), codes.OK},
		{"issue another's draft: not found", officerHN, "IssueDecision", issue("decisions/d-thai-nguyen"), codes.NotFound},
		{"revoke another's issued: denied", officerHN, "RevokeDecision", &honoursv1.RevokeDecisionRequest{Name: "decisions/i-thai-nguyen"}, codes.PermissionDenied},
		{"viewer may not issue", viewerTN, "IssueDecision", issue("decisions/d-thai-nguyen"), codes.PermissionDenied},
		{"anonymous may not issue", auth.Anonymous, "IssueDecision", issue("decisions/d-thai-nguyen"), codes.Unauthenticated},
		{"create for own", officerTN, "CreateDecision", create("units/thai-nguyen"), codes.OK},
		{"create for another", officerTN, "CreateDecision", create("units/ha-noi"), codes.PermissionDenied},
		{"create naming no unit", officerTN, "CreateDecision", create(""), codes.PermissionDenied},
		{"admin creates anywhere", admin, "CreateDecision", create("units/ha-noi"), codes.OK},
		{"admin sees every draft", admin, "GetDecision", get("decisions/d-ha-noi"), codes.OK},
		{"import is the admin's", officerTN, "ImportDecisions", &honoursv1.ImportDecisionsRequest{}, codes.PermissionDenied},
		{"no rule, no call", admin, "NoSuchMethod", &structpb.Struct{}, codes.PermissionDenied},
		{"a unit beside the owner sees", viewerTN, "GetDecision", get("decisions/a-thai-nguyen"), codes.OK},
		{"and acts", officerTN, "IssueDecision", issue("decisions/a-thai-nguyen"), codes.OK},
		{"the owner too", officerHN, "IssueDecision", issue("decisions/a-thai-nguyen"), codes.OK},
		{"a third unit does not see", caller("bac-ninh", auth.Viewer), "GetDecision", get("decisions/a-thai-nguyen"), codes.NotFound},
		{"nor acts", caller("bac-ninh", auth.BoardOfficer), "IssueDecision", issue("decisions/a-thai-nguyen"), codes.NotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, decide(t, tt.caller, hs+tt.method, tt.req))
		})
	}
}

func TestScope(t *testing.T) {
	t.Parallel()
	p := policy.New(nil, drafts{}, provinces{})
	in := func(c *auth.Caller) context.Context { return auth.NewContext(t.Context(), c) }

	s, err := p.Scope(in(caller("ban-tdkt-tw", auth.CentralAdmin)))
	require.NoError(t, err)
	require.True(t, s.All)

	two := &auth.Caller{Subject: "u", Grants: []auth.Grant{
		{Unit: "thai-nguyen", Roles: []auth.Role{auth.Viewer}},
		{Unit: "ha-noi", Roles: []auth.Role{auth.PIIReader}},
	}}
	s, err = p.Scope(in(two))
	require.NoError(t, err)
	require.False(t, s.All)
	require.Equal(t, []string{"ha-noi", "thai-nguyen", "xa-ha-noi", "xa-thai-nguyen"}, s.Units)

	s, err = p.Scope(in(two), auth.BoardOfficer)
	require.NoError(t, err)
	require.Empty(t, s.Units)

	s, err = p.Scope(in(auth.Anonymous))
	require.NoError(t, err)
	require.False(t, s.All)
	require.Empty(t, s.Units)
}

func TestEveryRuleNamesKnownRoles(t *testing.T) {
	t.Parallel()
	for method, r := range policy.Rules {
		for _, role := range r.Roles {
			require.True(t, role.Valid(), "%s: %s", method, role)
		}
		require.False(t, len(r.Roles) > 0 && !slices.Contains(r.Roles, auth.CentralAdmin),
			"%s: central administrators may do everything officers may", method)
	}
}

// A change must cover where it puts a unit, not only the unit itself.
func TestUnitMoves(t *testing.T) {
	t.Parallel()
	const bs = "/tdkt.blocs.v1.BlocsService/"
	officerTN := caller("thai-nguyen", auth.BoardOfficer)
	unit := func(name, parent, province string) *blocsv1.Unit {
		return &blocsv1.Unit{Name: name, Parent: parent, Province: province}
	}
	tests := []struct {
		name   string
		method string
		req    proto.Message
		want   codes.Code
	}{
		{"create under its province", "CreateUnit", &blocsv1.CreateUnitRequest{Unit: unit("", "units/thai-nguyen", "units/thai-nguyen")}, codes.OK},
		{"create naming only its province", "CreateUnit", &blocsv1.CreateUnitRequest{Unit: unit("", "", "units/thai-nguyen")}, codes.OK},
		{"create under its parent, in another province", "CreateUnit", &blocsv1.CreateUnitRequest{Unit: unit("", "units/thai-nguyen", "units/ha-noi")}, codes.PermissionDenied},
		{"create naming nothing", "CreateUnit", &blocsv1.CreateUnitRequest{Unit: unit("", "", "")}, codes.PermissionDenied},
		{"rename its commune", "UpdateUnit", &blocsv1.UpdateUnitRequest{Unit: unit("units/xa-thai-nguyen", "", "")}, codes.OK},
		{"move its commune away", "UpdateUnit", &blocsv1.UpdateUnitRequest{Unit: unit("units/xa-thai-nguyen", "units/ha-noi", "")}, codes.PermissionDenied},
		{"move another's commune in", "UpdateUnit", &blocsv1.UpdateUnitRequest{Unit: unit("units/xa-ha-noi", "units/thai-nguyen", "")}, codes.PermissionDenied},
		{"dissolve into its own", "DissolveUnit", &blocsv1.DissolveUnitRequest{Name: "units/xa-thai-nguyen", Successor: "units/thai-nguyen"}, codes.OK},
		{"dissolve into another's", "DissolveUnit", &blocsv1.DissolveUnitRequest{Name: "units/xa-thai-nguyen", Successor: "units/ha-noi"}, codes.PermissionDenied},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, decide(t, officerTN, bs+tt.method, tt.req))
		})
	}
}
