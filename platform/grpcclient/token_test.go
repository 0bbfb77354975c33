package grpcclient_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	testgrpc "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/tdkt-vn/tdkt/platform/auth"
	"github.com/tdkt-vn/tdkt/platform/auth/devissuer"
	"github.com/tdkt-vn/tdkt/platform/grpcclient"
)

// Options.Token is the bearer token of every call that carries none of its
// own; an authorization in the call's metadata wins.
func TestToken(t *testing.T) {
	t.Parallel()
	seen := make(chan []string, 1)
	addr := serve(t, quietTelemetry(), &testService{empty: func(ctx context.Context) error {
		md, _ := metadata.FromIncomingContext(ctx)
		seen <- md.Get("authorization")
		return nil
	}})

	withToken := dial(t, addr, grpcclient.Options{Telemetry: quietTelemetry(), Token: "abc"})
	_, err := withToken.EmptyCall(t.Context(), &testgrpc.Empty{})
	require.NoError(t, err)
	require.Equal(t, []string{"Bearer abc"}, <-seen)

	ctx := metadata.AppendToOutgoingContext(t.Context(), "authorization", "Bearer own")
	_, err = withToken.EmptyCall(ctx, &testgrpc.Empty{})
	require.NoError(t, err)
	require.Equal(t, []string{"Bearer own"}, <-seen, "the call's own authorization wins")

	without := dial(t, addr, grpcclient.Options{Telemetry: quietTelemetry()})
	_, err = without.EmptyCall(t.Context(), &testgrpc.Empty{})
	require.NoError(t, err)
	require.Empty(t, <-seen)
}

// Options.Tokens gives a call without an authorization of its own the
// service's token, from the issuer's client credentials grant; a token
// the issuer refuses to give makes the call UNAVAILABLE, not sent.
func TestClientCredentials(t *testing.T) {
	t.Parallel()
	iss, err := devissuer.Start(t.Context(), "127.0.0.1:0", devissuer.Options{})
	require.NoError(t, err)
	require.NoError(t, iss.AddClient(devissuer.Client{ID: "tdkt-nominations", Secret: "bí mật của dịch vụ",
		Grants: []auth.Grant{{Unit: devissuer.CentralUnit, Roles: []auth.Role{auth.CentralAdmin}}}}))
	seen := make(chan []string, 1)
	addr := serve(t, quietTelemetry(), &testService{empty: func(ctx context.Context) error {
		md, _ := metadata.FromIncomingContext(ctx)
		seen <- md.Get("authorization")
		return nil
	}})

	own := dial(t, addr, grpcclient.Options{Telemetry: quietTelemetry(),
		Tokens: grpcclient.ClientCredentials(iss.URL(), "tdkt-nominations", "bí mật của dịch vụ")})
	_, err = own.EmptyCall(t.Context(), &testgrpc.Empty{})
	require.NoError(t, err)
	got := <-seen
	require.Len(t, got, 1)
	token, ok := strings.CutPrefix(got[0], "Bearer ")
	require.True(t, ok, got[0])
	v, err := auth.NewVerifier(auth.VerifierConfig{Issuer: iss.URL()})
	require.NoError(t, err)
	c, err := v.Verify(t.Context(), token)
	require.NoError(t, err, "a token of the issuer")
	require.Equal(t, "tdkt-nominations", c.Subject)
	require.True(t, c.Has(auth.CentralAdmin))

	ctx := metadata.AppendToOutgoingContext(t.Context(), "authorization", "Bearer caller")
	_, err = own.EmptyCall(ctx, &testgrpc.Empty{})
	require.NoError(t, err)
	require.Equal(t, []string{"Bearer caller"}, <-seen, "a call for a caller forwards the caller's token")

	wrong := dial(t, addr, grpcclient.Options{Telemetry: quietTelemetry(),
		Tokens: grpcclient.ClientCredentials(iss.URL(), "tdkt-nominations", "sai")})
	_, err = wrong.EmptyCall(t.Context(), &testgrpc.Empty{})
	require.Equal(t, codes.Unavailable, status.Code(err), "%v", err)
	require.Empty(t, seen, "not sent")
}
