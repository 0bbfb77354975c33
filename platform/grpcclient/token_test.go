package grpcclient_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	testgrpc "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/metadata"

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
