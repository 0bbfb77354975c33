// Package stacktest starts the whole system for a test: the dev issuer,
// every service and the gateway on free loopback ports, with databases in
// the test's temporary directory, stopped when the test ends. Its clients
// call as a central administrator (Admin); Token signs in as anyone else.
package stacktest

import (
	"context"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"

	"github.com/tdkt-vn/tdkt/platform/auth"
	"github.com/tdkt-vn/tdkt/platform/auth/devissuer"
	"github.com/tdkt-vn/tdkt/platform/grpcclient"
	"github.com/tdkt-vn/tdkt/platform/telemetry"
	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	movementsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/movements/v1"
	nominationsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/nominations/v1"
	"github.com/tdkt-vn/tdkt/tools/devstack/stack"
)

// Admin is the caller the clients of a Stack call as: a central
// administrator, who may call everything.
var Admin = &auth.Caller{Subject: "stacktest-admin", Method: auth.MethodBearer,
	Grants: []auth.Grant{{Unit: devissuer.CentralUnit, Roles: []auth.Role{auth.CentralAdmin}}}}

// Stack is a running system with clients ready to use.
type Stack struct {
	*stack.Stack
	// AdminToken is a bearer token of Admin, which the gRPC clients
	// send; REST calls send it as "Authorization: Bearer " + AdminToken.
	AdminToken string
	// BaseURL is the gateway's root, "http://127.0.0.1:port".
	BaseURL string
	// BlocsConn is a gRPC connection to the blocs service.
	BlocsConn *grpc.ClientConn
	// Blocs is a client of the blocs service.
	Blocs blocsv1.BlocsServiceClient
	// HonoursConn is a gRPC connection to the honours service.
	HonoursConn *grpc.ClientConn
	// Honours is a client of the honours service.
	Honours honoursv1.HonoursServiceClient
	// Movements is a client of the movements service.
	Movements movementsv1.MovementsServiceClient
	// Nominations is a client of the nominations service.
	Nominations nominationsv1.NominationsServiceClient
}

// Option changes the options Start uses.
type Option func(*stack.Options)

// WithDataDir keeps the databases in dir rather than a fresh temporary
// directory, to start a second stack on the data of a first.
func WithDataDir(dir string) Option { return func(o *stack.Options) { o.DataDir = dir } }

// Start starts a stack, dev issuer included, on 127.0.0.1:0 listeners with
// its data in t.TempDir(), logging at warning level and above into the test's output.
// It stops the stack when the test ends and fails the test if stopping
// does.
func Start(t testing.TB, opts ...Option) *Stack {
	t.Helper()
	o := stack.Options{
		DataDir:             t.TempDir(),
		HTTPAddr:            "127.0.0.1:0",
		BlocsGRPCAddr:       "127.0.0.1:0",
		HonoursGRPCAddr:     "127.0.0.1:0",
		MovementsGRPCAddr:   "127.0.0.1:0",
		NominationsGRPCAddr: "127.0.0.1:0",
		IssuerAddr:          "127.0.0.1:0",
		LogOutput:           t.Output(),
		LogLevel:            slog.LevelWarn,
	}
	for _, opt := range opts {
		opt(&o)
	}
	s, err := stack.Start(t.Context(), o)
	require.NoError(t, err, "start the stack")
	t.Cleanup(func() { require.NoError(t, s.Stop(), "stop the stack") })

	tel, err := telemetry.Setup(t.Context(), telemetry.Config{
		ServiceName: "stacktest-client",
		LogFormat:   "text",
		LogLevel:    slog.LevelWarn,
		LogOutput:   t.Output(),
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = tel.Shutdown(context.Background()) })
	var admin string
	if s.Issuer != nil { // nil when the options gave every component an issuer
		admin = s.Issuer.Token(Admin, 0)
	}
	dial := func(name string) *grpc.ClientConn {
		conn, err := grpcclient.Dial(s.GRPCAddr(name), grpcclient.Options{Telemetry: tel, Token: admin})
		require.NoError(t, err, "dial %s", name)
		t.Cleanup(func() { _ = conn.Close() })
		return conn
	}
	blocsConn, honoursConn, movementsConn, nominationsConn := dial("blocs"), dial("honours"), dial("movements"), dial("nominations")
	return &Stack{
		Stack:       s,
		AdminToken:  admin,
		BaseURL:     "http://" + s.HTTPAddr,
		BlocsConn:   blocsConn,
		Blocs:       blocsv1.NewBlocsServiceClient(blocsConn),
		HonoursConn: honoursConn,
		Honours:     honoursv1.NewHonoursServiceClient(honoursConn),
		Movements:   movementsv1.NewMovementsServiceClient(movementsConn),
		Nominations: nominationsv1.NewNominationsServiceClient(nominationsConn),
	}
}

// Token returns a bearer token of c from the stack's dev issuer.
func (s *Stack) Token(c *auth.Caller) string { return s.Issuer.Token(c, 0) }
