package auth_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tdkt-vn/tdkt/platform/auth"
)

func TestCallerInContext(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	require.False(t, auth.Authenticated(ctx), "no guard ran")
	require.True(t, auth.FromContext(ctx).IsAnonymous())

	anon := auth.NewContext(ctx, auth.Anonymous)
	require.True(t, auth.Authenticated(anon), "a guard found no credentials")
	require.True(t, auth.FromContext(anon).IsAnonymous())

	c := &auth.Caller{Subject: "lan", Method: auth.MethodBearer, Grants: []auth.Grant{
		{Unit: "thai-nguyen", Roles: []auth.Role{auth.PIIReader, auth.BoardOfficer}},
		{Unit: "ban-tdkt-tw", Roles: []auth.Role{auth.Viewer}},
	}}
	in := auth.NewContext(ctx, c)
	require.Same(t, c, auth.FromContext(in))
	require.True(t, c.Has(auth.Viewer))
	require.False(t, c.Has(auth.CentralAdmin))
	require.Equal(t, []string{"thai-nguyen"}, c.UnitsWith(auth.BoardOfficer, auth.CentralAdmin))
	require.Equal(t, "ban-tdkt-tw:VIEWER thai-nguyen:BOARD_OFFICER thai-nguyen:PII_READER", c.RoleList())
}
