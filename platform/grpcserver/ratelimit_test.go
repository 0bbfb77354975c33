package grpcserver_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	testgrpc "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/tdkt-vn/tdkt/platform/auth"
	"github.com/tdkt-vn/tdkt/platform/grpcserver"
	"github.com/tdkt-vn/tdkt/platform/ratelimit"
	"github.com/tdkt-vn/tdkt/platform/rpcerr"
)

// subjectGuard authenticates the subject of the x-test-subject metadata
// (none: anonymous) and allows everything.
type subjectGuard struct{}

func (subjectGuard) Authenticate(ctx context.Context) (context.Context, error) {
	md, _ := metadata.FromIncomingContext(ctx)
	if v := md.Get("x-test-subject"); len(v) == 1 {
		return auth.NewContext(ctx, &auth.Caller{Subject: v[0], Method: auth.MethodBearer}), nil
	}
	return auth.NewContext(ctx, auth.Anonymous), nil
}
func (subjectGuard) Allow(context.Context, string) error { return nil }
func (subjectGuard) Check(ctx context.Context, _ string, _ proto.Message) (context.Context, error) {
	return ctx, nil
}

func as(ctx context.Context, subject string, kv ...string) context.Context {
	if subject != "" {
		kv = append(kv, "x-test-subject", subject)
	}
	return metadata.AppendToOutgoingContext(ctx, kv...)
}

// requireRateLimited checks the error a caller over its limit gets:
// RESOURCE_EXHAUSTED with ErrorInfo RATE_LIMITED and a RetryInfo.
func requireRateLimited(t *testing.T, err error) {
	t.Helper()
	st := status.Convert(err)
	require.Equal(t, codes.ResourceExhausted, st.Code(), "%v", err)
	var retry *errdetails.RetryInfo
	var info *errdetails.ErrorInfo
	for _, d := range st.Details() {
		switch d := d.(type) {
		case *errdetails.RetryInfo:
			retry = d
		case *errdetails.ErrorInfo:
			info = d
		}
	}
	require.NotNil(t, retry, "a RetryInfo says when to call again")
	require.Positive(t, retry.GetRetryDelay().AsDuration())
	require.LessOrEqual(t, retry.GetRetryDelay().AsDuration(), time.Second, "one call's worth at 1/s")
	require.NotNil(t, info)
	require.Equal(t, rpcerr.ReasonRateLimited, info.GetReason())
}

// TestRateLimitPerCaller: a caller over its burst gets RESOURCE_EXHAUSTED
// with a RetryInfo, on unary calls and streams alike; another caller, and
// health checks, are unaffected; anonymous callers are counted by address,
// and behind a trusted proxy by the address it forwards.
func TestRateLimitPerCaller(t *testing.T) {
	t.Parallel()
	calls := 0
	h := start(t, grpcserver.Options{
		Guard:     subjectGuard{},
		RateLimit: ratelimit.Limits{Rate: 1, Burst: 3, TrustedProxies: "127.0.0.1"},
	}, func(s *grpc.Server) {
		testgrpc.RegisterTestServiceServer(s, &testService{
			empty: func(context.Context) error { calls++; return nil },
			streamInput: func(stream grpc.ClientStreamingServer[testgrpc.StreamingInputCallRequest, testgrpc.StreamingInputCallResponse]) error {
				return stream.SendAndClose(&testgrpc.StreamingInputCallResponse{})
			},
		})
	})
	ctx := t.Context()

	for i := range 3 {
		_, err := h.test().EmptyCall(as(ctx, "alice"), &testgrpc.Empty{})
		require.NoError(t, err, "call %d of the burst", i+1)
	}
	_, err := h.test().EmptyCall(as(ctx, "alice"), &testgrpc.Empty{})
	requireRateLimited(t, err)
	require.Equal(t, 3, calls, "the refused call did not reach the handler")

	stream, err := h.test().StreamingInputCall(as(ctx, "alice"))
	require.NoError(t, err)
	_, err = stream.CloseAndRecv()
	requireRateLimited(t, err)

	_, err = h.test().EmptyCall(as(ctx, "bob"), &testgrpc.Empty{})
	require.NoError(t, err, "another caller has its own bucket")
	_, err = h.health().Check(as(ctx, "alice"), &healthpb.HealthCheckRequest{})
	require.NoError(t, err, "health is not limited")

	// Anonymous callers: by the address a trusted proxy forwards (here the
	// client's own loopback address is trusted), else their own.
	for i := range 3 {
		_, err = h.test().EmptyCall(as(ctx, "", "x-forwarded-for", "203.0.113.5"), &testgrpc.Empty{})
		require.NoError(t, err, "call %d", i+1)
	}
	_, err = h.test().EmptyCall(as(ctx, "", "x-forwarded-for", "203.0.113.5"), &testgrpc.Empty{})
	requireRateLimited(t, err)
	_, err = h.test().EmptyCall(as(ctx, "", "x-forwarded-for", "203.0.113.6"), &testgrpc.Empty{})
	require.NoError(t, err, "another client behind the same proxy")
	for range 3 {
		_, err = h.test().EmptyCall(ctx, &testgrpc.Empty{})
		require.NoError(t, err)
	}
	_, err = h.test().EmptyCall(ctx, &testgrpc.Empty{})
	requireRateLimited(t, err)
}

// TestNoRateLimitByDefault: the zero Options.RateLimit limits nothing.
func TestNoRateLimitByDefault(t *testing.T) {
	t.Parallel()
	h := start(t, grpcserver.Options{Guard: subjectGuard{}}, func(s *grpc.Server) {
		testgrpc.RegisterTestServiceServer(s, &testService{})
	})
	for range 200 {
		_, err := h.test().EmptyCall(as(t.Context(), "alice"), &testgrpc.Empty{})
		require.NoError(t, err)
	}
}
