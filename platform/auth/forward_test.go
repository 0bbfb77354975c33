package auth_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"

	"github.com/tdkt-vn/tdkt/platform/auth"
)

// A service calling another on behalf of its caller passes the caller's
// bearer token on; a call of its own, outside any incoming call, carries
// none; an authorization the service set itself is kept.
func TestForward(t *testing.T) {
	t.Parallel()
	sent := func(ctx context.Context) []string {
		var got []string
		err := auth.ForwardUnary(ctx, "/m", nil, nil, nil, func(ctx context.Context, _ string, _, _ any, _ *grpc.ClientConn, _ ...grpc.CallOption) error {
			md, _ := metadata.FromOutgoingContext(ctx)
			got = md.Get(auth.AuthorizationKey)
			return nil
		})
		require.NoError(t, err)
		return got
	}
	in := metadata.NewIncomingContext(t.Context(), metadata.Pairs(auth.AuthorizationKey, "Bearer user-token", "x-other", "v"))
	require.Equal(t, []string{"Bearer user-token"}, sent(in))
	require.Empty(t, sent(t.Context()))
	own := metadata.AppendToOutgoingContext(in, auth.AuthorizationKey, "Bearer own-token")
	require.Equal(t, []string{"Bearer own-token"}, sent(own))
	twice := metadata.NewIncomingContext(t.Context(), metadata.Pairs(auth.AuthorizationKey, "Bearer a", auth.AuthorizationKey, "Bearer b"))
	require.Empty(t, sent(twice), "an ambiguous authorization is not passed on")
}
