package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tdkt-vn/tdkt/platform/auth"
	"github.com/tdkt-vn/tdkt/platform/auth/devissuer"
)

// tdktctl token asks the dev issuer for a token of the caller its flags
// describe; the token verifies as that caller.
func TestToken(t *testing.T) {
	t.Setenv("TDKT_OIDC_ISSUER", "")
	iss, err := devissuer.Start(t.Context(), "127.0.0.1:0", devissuer.Options{})
	require.NoError(t, err)
	v, err := auth.NewVerifier(auth.VerifierConfig{Issuer: iss.URL()})
	require.NoError(t, err)
	token := func(args ...string) (int, string, string) {
		var stdout, stderr bytes.Buffer
		code := run(t.Context(), append([]string{"token"}, args...), &stdout, &stderr, false)
		return code, stdout.String(), stderr.String()
	}

	code, out, errOut := token("--issuer", iss.URL(), "--unit", "units/bac-kan", "--role", "BOARD_OFFICER", "--role", "PII_READER", "--sub", "lan")
	require.Equal(t, exitOK, code, errOut)
	require.True(t, strings.HasSuffix(out, "\n"))
	c, err := v.Verify(t.Context(), strings.TrimSpace(out))
	require.NoError(t, err)
	require.Equal(t, &auth.Caller{Subject: "lan", Method: auth.MethodBearer,
		Grants: []auth.Grant{{Unit: "bac-kan", Roles: []auth.Role{auth.BoardOfficer, auth.PIIReader}}}}, c)

	t.Setenv("TDKT_OIDC_ISSUER", iss.URL())
	code, out, errOut = token("--role", "CENTRAL_ADMIN")
	require.Equal(t, exitOK, code, errOut)
	c, err = v.Verify(t.Context(), strings.TrimSpace(out))
	require.NoError(t, err)
	require.Equal(t, []auth.Grant{{Unit: devissuer.CentralUnit, Roles: []auth.Role{auth.CentralAdmin}}}, c.Grants)
	require.Equal(t, "dev", c.Subject)

	for _, tt := range []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"--unit", "bac-kan"}, exitUsage, "give at least one --role"},
		{[]string{"--role", "BOARD_OFFICER", "extra"}, exitUsage, `unexpected argument "extra"`},
		{[]string{"--role", "ROOT", "--unit", "bac-kan"}, exitFailed, `the issuer refused: invalid_request: role "ROOT" is not one of CENTRAL_ADMIN`},
		{[]string{"--role", "VIEWER"}, exitFailed, "no unit"},
		{[]string{"--role", "VIEWER", "--unit", "hue", "--issuer", "http://127.0.0.1:1"}, exitFailed, "is devstack running?"},
	} {
		code, out, errOut := token(tt.args...)
		require.Equal(t, tt.code, code, "%v: %s", tt.args, errOut)
		require.Empty(t, out)
		require.Contains(t, errOut, tt.stderr)
	}
}
