package grpcserver_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/metadata"

	"github.com/tdkt-vn/tdkt/platform/grpcserver"
)

func TestCaller(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	require.Equal(t, "anonymous", grpcserver.Caller(ctx))
	in := metadata.NewIncomingContext(ctx, metadata.Pairs(grpcserver.CallerKey, "units/so-noi-vu"))
	require.Equal(t, "units/so-noi-vu", grpcserver.Caller(in))
	long := metadata.NewIncomingContext(ctx, metadata.Pairs(grpcserver.CallerKey, strings.Repeat("x", 201)))
	require.Equal(t, "anonymous", grpcserver.Caller(long))
}
