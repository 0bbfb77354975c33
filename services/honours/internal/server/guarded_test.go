package server_test

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"

	"github.com/tdkt-vn/tdkt/platform/auth"
	"github.com/tdkt-vn/tdkt/platform/cache"
	"github.com/tdkt-vn/tdkt/platform/grpcserver"
	"github.com/tdkt-vn/tdkt/platform/pagetoken"
	"github.com/tdkt-vn/tdkt/platform/policy"
	"github.com/tdkt-vn/tdkt/platform/telemetry"
	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	"github.com/tdkt-vn/tdkt/services/blocs/blocsclient"
	"github.com/tdkt-vn/tdkt/services/blocs/blocstest"
	"github.com/tdkt-vn/tdkt/services/blocs/lineage"
	"github.com/tdkt-vn/tdkt/services/honours/internal/personaldata"
	"github.com/tdkt-vn/tdkt/services/honours/internal/server"
	"github.com/tdkt-vn/tdkt/services/honours/internal/store"
)

// grantsKey is the metadata that stands for a verified bearer token in the
// tests of a guarded service: the caller's grants, "bac-kan:VIEWER
// thai-nguyen:PII_READER". Without it the caller is anonymous.
const grantsKey = "x-test-grants"

// grantsAuthn authenticates the callers of a guarded test service by
// grantsKey (the real services verify tokens: platform/auth).
type grantsAuthn struct{}

func (grantsAuthn) Authenticate(ctx context.Context) (*auth.Caller, error) {
	md, _ := metadata.FromIncomingContext(ctx)
	v := md.Get(grantsKey)
	if len(v) == 0 || v[0] == "" {
		return auth.Anonymous, nil
	}
	c := &auth.Caller{Subject: "test " + v[0], Method: auth.MethodBearer}
	for _, g := range strings.Fields(v[0]) {
		unit, role, _ := strings.Cut(g, ":")
		c.Grants = append(c.Grants, auth.Grant{Unit: unit, Roles: []auth.Role{auth.Role(role)}})
	}
	return c, nil
}

// as returns ctx calling as a caller with grants ("bac-kan:VIEWER …");
// "" calls anonymously.
func as(ctx context.Context, grants string) context.Context {
	if grants == "" {
		return ctx
	}
	return metadata.AppendToOutgoingContext(ctx, grantsKey, grants)
}

// guardedOptions change what startGuarded builds.
type guardedOptions struct {
	tel    *telemetry.Telemetry // nil: warnings and errors to the test log
	cache  cache.Cache          // nil: an in-process cache
	sealer *personaldata.Sealer // nil: no personal data key
}

// guardedEnv is an honours service behind its access policy, over real
// gRPC on loopback, with the real blocs service (holding world) beside it.
type guardedEnv struct {
	c     honoursv1.HonoursServiceClient
	st    *store.Store
	dbURL string
}

// startGuarded serves the honours handlers over a store on dbURL, guarded
// by the access policy (platform/policy) as honours.New guards them, with
// callers authenticated by grantsKey.
func startGuarded(t *testing.T, dbURL string, o guardedOptions) *guardedEnv {
	t.Helper()
	ctx := t.Context()
	b := blocstest.Start(t)
	world(b)
	tel := o.tel
	if tel == nil {
		logs := &testLog{t: t}
		t.Cleanup(func() { logs.mu.Lock(); logs.done = true; logs.mu.Unlock() })
		var err error
		tel, err = telemetry.Setup(ctx, telemetry.Config{ServiceName: "tdkt-honours-test", LogOutput: logs, LogFormat: "text"})
		require.NoError(t, err)
	}
	st, err := store.Open(ctx, dbURL, tel.TracerProvider)
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	_, err = server.Rekey(ctx, st, testKeys, o.sealer)
	require.NoError(t, err)
	c := o.cache
	if c == nil {
		c = cache.NewMemory(1000)
	}
	blocsConn, err := grpc.NewClient(b.Addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	t.Cleanup(func() { blocsConn.Close() })
	signer, err := pagetoken.NewSigner([]byte("0123456789abcdef-test-key"))
	require.NoError(t, err)
	units := blocsclient.New(blocsConn, tel.Logger)
	follow, stopFollowing := context.WithCancel(context.Background())
	followed := make(chan struct{})
	go func() { defer close(followed); units.Run(follow) }()
	t.Cleanup(func() { stopFollowing(); <-followed })
	pol := policy.New(grantsAuthn{}, server.NewAccess(st), lineage.Scopes(units.Scope))
	h, err := server.New(server.Options{
		Store: st, Units: units, Cache: c, Tokens: signer, Sealer: o.sealer, Keys: testKeys, Log: tel.Logger, Policy: pol,
	})
	require.NoError(t, err)
	srv, err := grpcserver.New(grpcserver.Options{Guard: pol, Telemetry: tel})
	require.NoError(t, err)
	honoursv1.RegisterHonoursServiceServer(srv.GRPC, h)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	serveCtx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(serveCtx, lis) }()
	t.Cleanup(func() { stop(); <-done })
	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(64<<20)))
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		assert.GreaterOrEqual(c, units.Revision(), b.Revision)
	}, 5*time.Second, 5*time.Millisecond)
	return &guardedEnv{c: honoursv1.NewHonoursServiceClient(conn), st: st, dbURL: dbURL}
}
