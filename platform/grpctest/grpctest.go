// Package grpctest serves a service's handlers in a test: over real gRPC on
// a loopback listener, behind the interceptors of platform/grpcserver, as
// the service's command serves them. It also sends them what a generated
// client cannot (InvokeRaw) and reads the fields their errors name
// (Violations).
package grpctest

import (
	"context"
	"net"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"

	"github.com/tdkt-vn/tdkt/platform/grpcserver"
)

// Serve starts a grpcserver.Server built from opts, with the handlers
// register puts on it, on a loopback listener, and returns a connection to
// it (insecure, with the dial options given). The server stops, and the
// connection closes, when t ends.
func Serve(t testing.TB, opts grpcserver.Options, register func(*grpc.Server), dial ...grpc.DialOption) *grpc.ClientConn {
	t.Helper()
	srv, err := grpcserver.New(opts)
	require.NoError(t, err)
	register(srv.GRPC)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, lis) }()
	t.Cleanup(func() { stop(); <-done })
	return Dial(t, lis.Addr().String(), dial...)
}
