package grpctest

import (
	"context"
	"net"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"

	"github.com/tdkt-vn/tdkt/platform/grpcserver"
)

// Listen starts a grpcserver.Server built from opts, with the handlers
// register puts on it, on addr ("127.0.0.1:0" for any port), and returns
// the address it listens on and a function that stops it (and waits until
// it has). For a service a test stops and starts again on the same
// address; Serve is simpler otherwise.
func Listen(t testing.TB, addr string, opts grpcserver.Options, register func(*grpc.Server)) (string, func()) {
	t.Helper()
	srv, err := grpcserver.New(opts)
	require.NoError(t, err)
	register(srv.GRPC)
	lis, err := net.Listen("tcp", addr)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, lis) }()
	return lis.Addr().String(), func() { cancel(); <-done }
}
