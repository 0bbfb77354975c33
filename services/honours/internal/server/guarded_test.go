package server_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/metadata"

	"github.com/tdkt-vn/tdkt/platform/auth"
	"github.com/tdkt-vn/tdkt/platform/cache"
	"github.com/tdkt-vn/tdkt/platform/grpcserver"
	"github.com/tdkt-vn/tdkt/platform/pagetoken"
	"github.com/tdkt-vn/tdkt/platform/policy"
	"github.com/tdkt-vn/tdkt/platform/telemetry"
	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	"github.com/tdkt-vn/tdkt/services/blocs/blocstest"
	"github.com/tdkt-vn/tdkt/services/blocs/lineage"
	"github.com/tdkt-vn/tdkt/services/honours/internal/server"
	"github.com/tdkt-vn/tdkt/services/honours/internal/store"
	"github.com/tdkt-vn/tdkt/services/honours/personaldata"
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
		tel = testTelemetry(t)
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
	units, _ := b.Follow(t, tel.Logger)
	signer, err := pagetoken.NewSigner([]byte("0123456789abcdef-test-key"))
	require.NoError(t, err)
	pol := policy.New(grantsAuthn{}, server.NewAccess(st), lineage.Scopes(units.Scope))
	h, err := server.New(server.Options{
		Store: st, Units: units, Cache: c, Tokens: signer, Sealer: o.sealer, Keys: testKeys, Log: tel.Logger, Policy: pol,
	})
	require.NoError(t, err)
	return &guardedEnv{c: serve(t, grpcserver.Options{Guard: pol, Telemetry: tel}, h), st: st, dbURL: dbURL}
}
