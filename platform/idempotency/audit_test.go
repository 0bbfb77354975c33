package idempotency_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/proto"

	"github.com/tdkt-vn/tdkt/platform/auth"
	"github.com/tdkt-vn/tdkt/platform/idempotency"
	"github.com/tdkt-vn/tdkt/platform/policy"
	"github.com/tdkt-vn/tdkt/platform/sqlstore"
	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
)

// serverStream is the transport stream of a gRPC call to method, for
// grpc.Method.
type serverStream struct{ method string }

func (s serverStream) Method() string                     { return s.method }
func (serverStream) SetHeader(metadata.MD) error          { return nil }
func (serverStream) SendHeader(metadata.MD) error         { return nil }
func (serverStream) SetTrailer(metadata.MD) error         { return nil }
func (serverStream) SetSendCompress(string) error         { return nil }
func (serverStream) ClientSupportedCompressors() []string { return nil }

// call is the context of a guarded call to method by c, traced with
// traceID, acting on req's resource.
func call(t *testing.T, c *auth.Caller, method string, req proto.Message, traceID trace.TraceID) context.Context {
	t.Helper()
	ctx := grpc.NewContextWithServerTransportStream(t.Context(), serverStream{method})
	ctx = trace.ContextWithSpanContext(ctx, trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: traceID, SpanID: trace.SpanID{1, 2, 3, 4, 5, 6, 7, 8}, TraceFlags: trace.FlagsSampled,
	}))
	ctx = auth.NewContext(ctx, c)
	ctx, err := policy.New(nil, nil, nil).Check(ctx, method, req)
	require.NoError(t, err)
	return ctx
}

// TestAuditFromContext: a mutation and a read of personal data are
// recorded with the authenticated caller, its grants and how it signed
// in, the method, the resource, the unit owning it and the trace.
func TestAuditFromContext(t *testing.T) {
	db, err := sqlstore.Open(t.Context(), "sqlite:"+filepath.Join(t.TempDir(), "t.db"), nil, nil)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	admin := &auth.Caller{Subject: "alice", Method: auth.MethodBearer, Grants: []auth.Grant{
		{Unit: "tw", Roles: []auth.Role{auth.CentralAdmin}},
		{Unit: "thai-nguyen", Roles: []auth.Role{auth.PIIReader, auth.BoardOfficer}},
	}}
	traceID := trace.TraceID{0x0a, 0xf7, 0x65, 0x19, 0x16, 0xcd, 0x43, 0xdd, 0x84, 0x48, 0xeb, 0x21, 0x1c, 0x80, 0x31, 0x9c}

	const dissolve = "/tdkt.blocs.v1.BlocsService/DissolveUnit"
	req := &blocsv1.DissolveUnitRequest{Name: "units/bac-kan", RequestId: "7d9f1c4e-0d1b-4c39-9d0e-1f2a3b4c5d6e"}
	ctx := call(t, admin, dissolve, req, traceID)
	resp := new(blocsv1.Unit)
	require.NoError(t, idempotency.Mutate(ctx, db.Do, req, resp, func(*sqlstore.Tx) (proto.Message, error) {
		return &blocsv1.Unit{Name: "units/bac-kan"}, nil
	}))

	// A read of personal data over mutual TLS.
	const get = "/tdkt.honours.v1.HonoursService/GetHonour"
	ctx = call(t, &auth.Caller{Subject: "CN=he-thong-thai-nguyen", Method: auth.MethodMTLS, Grants: admin.Grants}, get,
		&honoursv1.GetHonourRequest{Name: "units/thai-nguyen"}, trace.TraceID{})
	require.NoError(t, idempotency.RecordAccess(ctx, db, idempotency.Read{Resource: "honours/h1", OwnerUnit: "thai-nguyen"}))

	records, _, total, err := db.Reader().ListAudit(t.Context(), sqlstore.AuditFilter{AllUnits: true}, nil, 10)
	require.NoError(t, err)
	require.Equal(t, 2, total)
	read, change := records[0], records[1]
	require.WithinDuration(t, time.Now(), change.At, time.Minute)
	require.Equal(t, sqlstore.AuditEntry{
		Log: sqlstore.LogActivity, Caller: "alice", CallerRoles: "thai-nguyen:BOARD_OFFICER thai-nguyen:PII_READER tw:CENTRAL_ADMIN",
		AuthMethod: "bearer", Method: "DissolveUnit", Resource: "units/bac-kan", OwnerUnit: "bac-kan",
		RequestID: "7d9f1c4e-0d1b-4c39-9d0e-1f2a3b4c5d6e", Result: "OK", TraceID: "0af7651916cd43dd8448eb211c80319c", At: change.At,
	}, change.AuditEntry)
	require.Equal(t, sqlstore.AuditEntry{
		Log: sqlstore.LogDataAccess, Caller: "CN=he-thong-thai-nguyen", CallerRoles: change.CallerRoles,
		AuthMethod: "mtls", Method: "GetHonour", Resource: "honours/h1", OwnerUnit: "thai-nguyen", Result: "OK", At: read.At,
	}, read.AuditEntry)
	n, err := sqlstore.VerifyAudit(t.Context(), db)
	require.NoError(t, err)
	require.EqualValues(t, 2, n)
}

// An import's result has no name: its resource is the decision it refers
// to.
func TestResourceNameReference(t *testing.T) {
	require.Equal(t, "decisions/qd-1", idempotency.ResourceName(&honoursv1.ImportResult{DecisionId: "qd-1", Decision: "decisions/qd-1"}))
	require.Equal(t, "units/a", idempotency.ResourceName(&blocsv1.Unit{Name: "units/a", Parent: "units/b"}))
}
