// Package servicetest runs a real tdkt service in the test process, on a
// loopback listener with a SQLite database of its own, for the tests of
// code that calls it (blocstest, honourstest). Its server is unguarded:
// every caller may call everything, with or without a token.
package servicetest

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/tdkt-vn/tdkt/platform/grpcserver"
	"github.com/tdkt-vn/tdkt/platform/grpctest"
	"github.com/tdkt-vn/tdkt/platform/service"
	"github.com/tdkt-vn/tdkt/platform/telemetry"
)

// Service is a service as its New returns it.
type Service interface {
	Register(*grpc.Server)
	Close() error
}

// Start builds the service name with open, from a configuration on the
// SQLite database at dbPath, serves it on addr ("127.0.0.1:0" for any
// port) and returns the address it listens on, a connection to it and a
// function that stops it and releases what it holds.
func Start(t testing.TB, name, addr, dbPath string, open func(context.Context, service.Config, *telemetry.Telemetry) (Service, error)) (string, *grpc.ClientConn, func()) {
	t.Helper()
	tel, err := telemetry.Setup(context.Background(), telemetry.Config{ServiceName: "tdkt-" + name + "-test", LogOutput: io.Discard})
	require.NoError(t, err)
	svc, err := open(context.Background(), service.Config{
		DatabaseURL:  "sqlite:" + dbPath,
		PageTokenKey: name + "-test-page-token-key",
		// The server is unguarded: every caller may call, and no token is
		// ever verified against this issuer.
		Auth: service.AuthConfig{Issuer: "http://127.0.0.1:1/unguarded"},
	}, tel)
	require.NoError(t, err)
	addr, stop := grpctest.Listen(t, addr, grpcserver.Options{Unguarded: true, Telemetry: tel, ShutdownTimeout: time.Second}, svc.Register)
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	return addr, conn, func() {
		stop()
		conn.Close()
		svc.Close()
		_ = tel.Shutdown(context.Background())
	}
}
