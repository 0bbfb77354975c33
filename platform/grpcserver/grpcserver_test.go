package grpcserver_test

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	testgrpc "google.golang.org/grpc/interop/grpc_testing"
	reflectionpb "google.golang.org/grpc/reflection/grpc_reflection_v1"
	"google.golang.org/grpc/status"

	"github.com/tdkt-vn/tdkt/platform/grpcserver"
	"github.com/tdkt-vn/tdkt/platform/ratelimit"
	"github.com/tdkt-vn/tdkt/platform/rpcerr"
	"github.com/tdkt-vn/tdkt/platform/telemetry"
)

// logBuffer collects log lines written concurrently by server goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// records returns the JSON log records whose msg is msg.
func (b *logBuffer) records(t require.TestingT, msg string) []map[string]any {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []map[string]any
	for line := range strings.SplitSeq(strings.TrimSpace(b.buf.String()), "\n") {
		if line == "" {
			continue
		}
		var rec map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &rec))
		if rec["msg"] == msg {
			out = append(out, rec)
		}
	}
	return out
}

// newTelemetry builds a Telemetry by hand: spans go to a recorder, logs (at
// debug level) to a buffer.
func newTelemetry() (*telemetry.Telemetry, *tracetest.SpanRecorder, *logBuffer) {
	rec := tracetest.NewSpanRecorder()
	logs := &logBuffer{}
	return &telemetry.Telemetry{
		TracerProvider: sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec)),
		MeterProvider:  noop.NewMeterProvider(),
		Propagator:     propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}),
		Logger:         slog.New(telemetry.NewLogHandler(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))),
	}, rec, logs
}

// testService is a grpc_testing.TestService whose methods the test chooses.
type testService struct {
	testgrpc.UnimplementedTestServiceServer
	empty       func(context.Context) error
	streamInput func(grpc.ClientStreamingServer[testgrpc.StreamingInputCallRequest, testgrpc.StreamingInputCallResponse]) error
}

func (s *testService) EmptyCall(ctx context.Context, _ *testgrpc.Empty) (*testgrpc.Empty, error) {
	if s.empty != nil {
		if err := s.empty(ctx); err != nil {
			return nil, err
		}
	}
	return &testgrpc.Empty{}, nil
}

func (*testService) UnaryCall(_ context.Context, req *testgrpc.SimpleRequest) (*testgrpc.SimpleResponse, error) {
	return &testgrpc.SimpleResponse{Payload: req.GetPayload()}, nil
}

func (s *testService) StreamingInputCall(stream grpc.ClientStreamingServer[testgrpc.StreamingInputCallRequest, testgrpc.StreamingInputCallResponse]) error {
	return s.streamInput(stream)
}

type harness struct {
	srv   *grpcserver.Server
	conn  *grpc.ClientConn
	logs  *logBuffer
	spans *tracetest.SpanRecorder
	stop  context.CancelFunc // cancels Serve's context
	done  chan struct{}      // closed when Serve returns
	err   error              // Serve's result, once done
}

func (h *harness) test() testgrpc.TestServiceClient { return testgrpc.NewTestServiceClient(h.conn) }
func (h *harness) health() healthpb.HealthClient    { return healthpb.NewHealthClient(h.conn) }

// waitServed waits for Serve to return and gives its result.
func (h *harness) waitServed() error {
	<-h.done
	return h.err
}

// start builds a server with o (Telemetry filled in), lets register add
// services, serves on a loopback listener and dials it with a plain client.
func start(t *testing.T, o grpcserver.Options, register func(*grpc.Server)) *harness {
	t.Helper()
	tel, spans, logs := newTelemetry()
	o.Telemetry = tel
	if o.Guard == nil {
		o.Unguarded = true
	}
	srv, err := grpcserver.New(o)
	require.NoError(t, err)
	register(srv.GRPC)

	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, stop := context.WithCancel(t.Context())
	h := &harness{srv: srv, logs: logs, spans: spans, stop: stop, done: make(chan struct{})}
	go func() {
		h.err = srv.Serve(ctx, lis)
		close(h.done)
	}()
	t.Cleanup(func() {
		stop()
		require.NoError(t, h.waitServed())
	})

	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, conn.Close()) })
	h.conn = conn
	return h
}

func TestHealthAndShutdown(t *testing.T) {
	t.Parallel()
	h := start(t, grpcserver.Options{}, func(s *grpc.Server) {
		testgrpc.RegisterTestServiceServer(s, &testService{})
	})

	for _, service := range []string{"", "grpc.testing.TestService", "grpc.health.v1.Health"} {
		resp, err := h.health().Check(t.Context(), &healthpb.HealthCheckRequest{Service: service})
		require.NoError(t, err, service)
		require.Equal(t, healthpb.HealthCheckResponse_SERVING, resp.GetStatus(), service)
	}

	watchCtx, stopWatch := context.WithCancel(t.Context())
	defer stopWatch()
	watch, err := h.health().Watch(watchCtx, &healthpb.HealthCheckRequest{Service: "grpc.testing.TestService"})
	require.NoError(t, err)
	first, err := watch.Recv()
	require.NoError(t, err)
	require.Equal(t, healthpb.HealthCheckResponse_SERVING, first.GetStatus())

	h.stop()
	next, err := watch.Recv()
	require.NoError(t, err)
	require.Equal(t, healthpb.HealthCheckResponse_NOT_SERVING, next.GetStatus(), "watchers learn of the shutdown")
	stopWatch() // a graceful stop waits for open streams

	require.NoError(t, h.waitServed())
	_, err = h.health().Check(t.Context(), &healthpb.HealthCheckRequest{})
	require.Equal(t, codes.Unavailable, status.Code(err), "server is gone: %v", err)

	resp, err := h.srv.Health.Check(t.Context(), &healthpb.HealthCheckRequest{})
	require.NoError(t, err)
	require.Equal(t, healthpb.HealthCheckResponse_NOT_SERVING, resp.GetStatus())
}

func TestReflectionListsServices(t *testing.T) {
	t.Parallel()
	h := start(t, grpcserver.Options{}, func(s *grpc.Server) {
		testgrpc.RegisterTestServiceServer(s, &testService{})
	})

	stream, err := reflectionpb.NewServerReflectionClient(h.conn).ServerReflectionInfo(t.Context())
	require.NoError(t, err)
	require.NoError(t, stream.Send(&reflectionpb.ServerReflectionRequest{
		MessageRequest: &reflectionpb.ServerReflectionRequest_ListServices{},
	}))
	resp, err := stream.Recv()
	require.NoError(t, err)
	require.NoError(t, stream.CloseSend())

	var names []string
	for _, s := range resp.GetListServicesResponse().GetService() {
		names = append(names, s.GetName())
	}
	require.Subset(t, names, []string{"grpc.testing.TestService", "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection"})
}

func TestPanicBecomesInternal(t *testing.T) {
	t.Parallel()
	h := start(t, grpcserver.Options{}, func(s *grpc.Server) {
		testgrpc.RegisterTestServiceServer(s, &testService{
			empty: func(context.Context) error { panic("boom: secret detail") },
			streamInput: func(grpc.ClientStreamingServer[testgrpc.StreamingInputCallRequest, testgrpc.StreamingInputCallResponse]) error {
				panic("stream boom")
			},
		})
	})

	_, err := h.test().EmptyCall(t.Context(), &testgrpc.Empty{})
	st := status.Convert(err)
	require.Equal(t, codes.Internal, st.Code())
	require.Equal(t, "internal error", st.Message(), "the panic value does not leak")

	stream, err := h.test().StreamingInputCall(t.Context())
	require.NoError(t, err)
	_, err = stream.CloseAndRecv()
	require.Equal(t, codes.Internal, status.Code(err))

	// The server survived and still answers.
	resp, err := h.test().UnaryCall(t.Context(), &testgrpc.SimpleRequest{Payload: &testgrpc.Payload{Body: []byte("ok")}})
	require.NoError(t, err)
	require.Equal(t, []byte("ok"), resp.GetPayload().GetBody())

	panics := h.logs.records(t, "panic in gRPC handler")
	require.Len(t, panics, 2)
	require.Equal(t, "/grpc.testing.TestService/EmptyCall", panics[0]["rpc.method"])
	require.Equal(t, "boom: secret detail", panics[0]["panic"])
	require.Contains(t, panics[0]["stack"], "grpcserver_test.TestPanicBecomesInternal")
	require.Equal(t, "ERROR", panics[0]["level"])
	require.NotEmpty(t, panics[0]["trace_id"])
	require.Empty(t, h.logs.records(t, "gRPC call failed"), "a panic is logged once")
}

func TestErrorsLoggedOnce(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		err      error
		wantCode codes.Code
		wantMsg  string
		logged   string // cause in the "failed" log line; empty when only the access line is logged
		level    string // of the "failed" line; empty means ERROR
	}{
		{
			name: "success", err: nil,
			wantCode: codes.OK, wantMsg: "",
		},
		{
			name: "dependency unavailable", err: rpcerr.Unavailable("DEPENDENCY_UNAVAILABLE", "blocs is down"),
			wantCode: codes.Unavailable, wantMsg: "blocs is down", logged: "blocs is down", level: "WARN",
		},
		{
			name: "plain error", err: errors.New("db: disk full"),
			wantCode: codes.Internal, wantMsg: "internal error", logged: "db: disk full",
		},
		{
			name: "internal status", err: status.Error(codes.Internal, "secret"),
			wantCode: codes.Internal, wantMsg: "internal error", logged: "secret",
		},
		{
			name: "unknown status", err: status.Error(codes.Unknown, "unknown secret"),
			wantCode: codes.Internal, wantMsg: "internal error", logged: "unknown secret",
		},
		{
			name: "mapped error", err: rpcerr.NotFound("units/x"),
			wantCode: codes.NotFound, wantMsg: "units/x not found",
		},
		{
			name: "bare context error", err: context.DeadlineExceeded,
			wantCode: codes.DeadlineExceeded, wantMsg: context.DeadlineExceeded.Error(),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := start(t, grpcserver.Options{}, func(s *grpc.Server) {
				testgrpc.RegisterTestServiceServer(s, &testService{empty: func(context.Context) error { return tt.err }})
			})

			_, err := h.test().EmptyCall(t.Context(), &testgrpc.Empty{})
			st := status.Convert(err)
			require.Equal(t, tt.wantCode, st.Code())
			require.Equal(t, tt.wantMsg, st.Message())

			failed := h.logs.records(t, "gRPC call failed")
			access := h.logs.records(t, "gRPC call")
			if tt.logged == "" {
				require.Empty(t, failed)
				require.Len(t, access, 1, "debug access log")
				require.Equal(t, tt.wantCode.String(), access[0]["rpc.code"])
				return
			}
			require.Len(t, failed, 1)
			require.Empty(t, access)
			require.Equal(t, cmp.Or(tt.level, "ERROR"), failed[0]["level"])
			require.Contains(t, failed[0]["error"], tt.logged)
			require.Equal(t, "/grpc.testing.TestService/EmptyCall", failed[0]["rpc.method"])

			// The log line carries the id of the server span's trace.
			require.EventuallyWithT(t, func(c *assert.CollectT) {
				ended := h.spans.Ended()
				require.Len(c, ended, 1)
				require.Equal(c, ended[0].SpanContext().TraceID().String(), failed[0]["trace_id"])
			}, 5*time.Second, 10*time.Millisecond)
		})
	}
}

func TestGracefulShutdownFinishesInFlightCall(t *testing.T) {
	t.Parallel()
	entered := make(chan struct{})
	release := make(chan struct{})
	h := start(t, grpcserver.Options{ShutdownTimeout: time.Minute}, func(s *grpc.Server) {
		testgrpc.RegisterTestServiceServer(s, &testService{empty: func(context.Context) error {
			close(entered)
			<-release
			return nil
		}})
	})

	callErr := make(chan error, 1)
	go func() {
		_, err := h.test().EmptyCall(t.Context(), &testgrpc.Empty{})
		callErr <- err
	}()
	<-entered
	h.stop()

	// Shutdown has begun (health is NOT_SERVING) but waits for the call.
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		resp, err := h.srv.Health.Check(t.Context(), &healthpb.HealthCheckRequest{})
		require.NoError(c, err)
		require.Equal(c, healthpb.HealthCheckResponse_NOT_SERVING, resp.GetStatus())
	}, 5*time.Second, 10*time.Millisecond)
	select {
	case <-h.done:
		t.Fatalf("Serve returned %v with a call in flight", h.err)
	default:
	}

	close(release)
	require.NoError(t, <-callErr)
	require.NoError(t, h.waitServed())
}

func TestShutdownTimeoutStopsHard(t *testing.T) {
	t.Parallel()
	entered := make(chan struct{})
	h := start(t, grpcserver.Options{ShutdownTimeout: 50 * time.Millisecond}, func(s *grpc.Server) {
		testgrpc.RegisterTestServiceServer(s, &testService{empty: func(ctx context.Context) error {
			close(entered)
			<-ctx.Done() // never finishes on its own
			return ctx.Err()
		}})
	})

	callErr := make(chan error, 1)
	go func() {
		_, err := h.test().EmptyCall(t.Context(), &testgrpc.Empty{})
		callErr <- err
	}()
	<-entered
	h.stop()
	require.NoError(t, h.waitServed())
	require.Error(t, <-callErr)
}

func TestNewRejectsIncompleteOptions(t *testing.T) {
	t.Parallel()
	tel, _, _ := newTelemetry()
	noLogger := *tel
	noLogger.Logger = nil
	tests := []struct {
		name string
		o    grpcserver.Options
	}{
		{name: "no telemetry", o: grpcserver.Options{Unguarded: true}},
		{name: "no guard", o: grpcserver.Options{Telemetry: tel}},
		{name: "no logger", o: grpcserver.Options{Unguarded: true, Telemetry: &noLogger}},
		{name: "negative size", o: grpcserver.Options{Unguarded: true, Telemetry: tel, MaxRecvMsgSize: -1}},
		{name: "bad trusted proxy", o: grpcserver.Options{Unguarded: true, Telemetry: tel,
			RateLimit: ratelimit.Limits{Rate: 1, TrustedProxies: "the gateway"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := grpcserver.New(tt.o)
			require.Error(t, err)
		})
	}
}

func TestMaxRecvMsgSize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		limit  int // Options.MaxRecvMsgSize
		tooBig int // a payload size over the limit
		fits   int // a payload size within it
	}{
		{name: "configured limit", limit: 1024, tooBig: 2048, fits: 512},
		{name: "default limit, 10 MB request", tooBig: 10 << 20, fits: 3 << 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var received atomic.Int32
			h := start(t, grpcserver.Options{MaxRecvMsgSize: tt.limit}, func(s *grpc.Server) {
				testgrpc.RegisterTestServiceServer(s, &testService{
					streamInput: func(stream grpc.ClientStreamingServer[testgrpc.StreamingInputCallRequest, testgrpc.StreamingInputCallResponse]) error {
						for {
							if _, err := stream.Recv(); err != nil {
								if errors.Is(err, io.EOF) {
									return stream.SendAndClose(&testgrpc.StreamingInputCallResponse{})
								}
								return err
							}
							received.Add(1)
						}
					},
				})
			})
			payload := func(n int) *testgrpc.Payload { return &testgrpc.Payload{Body: make([]byte, n)} }

			_, err := h.test().UnaryCall(t.Context(), &testgrpc.SimpleRequest{Payload: payload(tt.tooBig)})
			require.Equal(t, codes.ResourceExhausted, status.Code(err), "unary: %v", err)
			_, err = h.test().UnaryCall(t.Context(), &testgrpc.SimpleRequest{Payload: payload(tt.fits)})
			require.NoError(t, err)

			stream, err := h.test().StreamingInputCall(t.Context())
			require.NoError(t, err)
			// SendMsg errors are reported by CloseAndRecv, which gives the status.
			_ = stream.Send(&testgrpc.StreamingInputCallRequest{Payload: payload(tt.fits)})
			_ = stream.Send(&testgrpc.StreamingInputCallRequest{Payload: payload(tt.tooBig)})
			_, err = stream.CloseAndRecv()
			require.Equal(t, codes.ResourceExhausted, status.Code(err), "client stream: %v", err)
			require.Equal(t, int32(1), received.Load())

			require.Empty(t, h.logs.records(t, "gRPC call failed"), "an oversized request is not a server error")
		})
	}
}
