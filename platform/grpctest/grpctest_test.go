package grpctest_test

import (
	"context"
	"io"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/tdkt-vn/tdkt/platform/grpcserver"
	"github.com/tdkt-vn/tdkt/platform/grpctest"
	"github.com/tdkt-vn/tdkt/platform/telemetry"
)

// echo is a service whose one method answers its request.
var echo = grpc.ServiceDesc{
	ServiceName: "tdkt.grpctest.Echo",
	HandlerType: (*any)(nil),
	Methods: []grpc.MethodDesc{{
		MethodName: "Echo",
		Handler: func(_ any, ctx context.Context, dec func(any) error, interceptor grpc.UnaryServerInterceptor) (any, error) {
			in := new(wrapperspb.StringValue)
			if err := dec(in); err != nil {
				return nil, err
			}
			info := &grpc.UnaryServerInfo{FullMethod: "/tdkt.grpctest.Echo/Echo"}
			return interceptor(ctx, in, info, func(_ context.Context, req any) (any, error) { return req, nil })
		},
	}},
}

func TestInvokeRawViolationsAndCountCalls(t *testing.T) {
	t.Parallel()
	tel, err := telemetry.Setup(t.Context(), telemetry.Config{ServiceName: "tdkt-grpctest", LogOutput: io.Discard})
	require.NoError(t, err)
	var calls atomic.Int64
	conn := grpctest.Serve(t, grpcserver.Options{Unguarded: true, Telemetry: tel}, func(s *grpc.Server) { s.RegisterService(&echo, struct{}{}) },
		grpctest.CountCalls(&calls))
	valid, err := proto.Marshal(wrapperspb.String("Khối thi đua"))
	require.NoError(t, err)
	require.NoError(t, grpctest.InvokeRaw(t.Context(), conn, "/tdkt.grpctest.Echo/Echo", valid))

	invalid := protowire.AppendBytes(protowire.AppendTag(nil, 1, protowire.BytesType), []byte("Kh\xf4i"))
	err = grpctest.InvokeRaw(t.Context(), conn, "/tdkt.grpctest.Echo/Echo", invalid)
	require.Equal(t, []string{"value"}, grpctest.Violations(t, err))
	require.EqualValues(t, 2, calls.Load())
}
