// Package grpctest serves a service's handlers in a test: over real gRPC on
// a loopback listener, behind the interceptors of platform/grpcserver, as
// the service's command serves them.
package grpctest

import (
	"context"
	"net"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

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
	conn, err := grpc.NewClient(lis.Addr().String(), append([]grpc.DialOption{grpc.WithTransportCredentials(insecure.NewCredentials())}, dial...)...)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	return conn
}
