package grpcclient_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	testgrpc "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/status"

	"github.com/tdkt-vn/tdkt/platform/grpcclient"
	"github.com/tdkt-vn/tdkt/platform/grpcserver"
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

func (b *logBuffer) lines() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return strings.Split(strings.TrimSpace(b.buf.String()), "\n")
}

// newTelemetry builds a Telemetry by hand: spans go to a recorder, logs to a
// buffer.
func newTelemetry() (*telemetry.Telemetry, *tracetest.SpanRecorder, *logBuffer) {
	rec := tracetest.NewSpanRecorder()
	logs := &logBuffer{}
	return &telemetry.Telemetry{
		TracerProvider: sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec)),
		MeterProvider:  noop.NewMeterProvider(),
		Propagator:     propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}),
		Logger:         slog.New(telemetry.NewLogHandler(slog.NewJSONHandler(logs, nil))),
	}, rec, logs
}

// testService is a grpc_testing.TestService whose EmptyCall the test chooses;
// StreamingOutputCall reports the deadline it sees.
type testService struct {
	testgrpc.UnimplementedTestServiceServer
	empty func(context.Context) error
}

func (s *testService) EmptyCall(ctx context.Context, _ *testgrpc.Empty) (*testgrpc.Empty, error) {
	return &testgrpc.Empty{}, s.empty(ctx)
}

func (*testService) StreamingOutputCall(_ *testgrpc.StreamingOutputCallRequest, stream grpc.ServerStreamingServer[testgrpc.StreamingOutputCallResponse]) error {
	body := "none"
	if d, ok := stream.Context().Deadline(); ok {
		body = time.Until(d).String()
	}
	return stream.Send(&testgrpc.StreamingOutputCallResponse{Payload: &testgrpc.Payload{Body: []byte(body)}})
}

// serve runs a grpcserver with telemetry tel and service svc on a loopback
// listener until the test ends, and returns its address.
func serve(t *testing.T, tel *telemetry.Telemetry, svc *testService) string {
	t.Helper()
	srv, err := grpcserver.New(grpcserver.Options{Unguarded: true, Telemetry: tel})
	require.NoError(t, err)
	testgrpc.RegisterTestServiceServer(srv.GRPC, svc)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, stop := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, lis) }()
	t.Cleanup(func() {
		stop()
		require.NoError(t, <-done)
	})
	return lis.Addr().String()
}

// quietTelemetry returns a Telemetry whose spans and logs the test ignores.
func quietTelemetry() *telemetry.Telemetry {
	tel, _, _ := newTelemetry()
	return tel
}

func dial(t *testing.T, addr string, o grpcclient.Options) testgrpc.TestServiceClient {
	t.Helper()
	conn, err := grpcclient.Dial(addr, o)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, conn.Close()) })
	return testgrpc.NewTestServiceClient(conn)
}

func TestDefaultDeadline(t *testing.T) {
	t.Parallel()
	deadlines := make(chan time.Duration, 1) // remaining time seen by the server; -1 for none
	addr := serve(t, quietTelemetry(), &testService{empty: func(ctx context.Context) error {
		d, ok := ctx.Deadline()
		if !ok {
			deadlines <- -1
			return nil
		}
		deadlines <- time.Until(d)
		return nil
	}})
	client := dial(t, addr, grpcclient.Options{Telemetry: quietTelemetry(), Timeout: 5 * time.Second})

	t.Run("added when the context has none", func(t *testing.T) {
		_, err := client.EmptyCall(t.Context(), &testgrpc.Empty{})
		require.NoError(t, err)
		got := <-deadlines
		require.Positive(t, got)
		require.LessOrEqual(t, got, 5*time.Second)
	})

	t.Run("caller's deadline kept", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(t.Context(), time.Hour)
		defer cancel()
		_, err := client.EmptyCall(ctx, &testgrpc.Empty{})
		require.NoError(t, err)
		require.Greater(t, <-deadlines, 5*time.Second)
	})

	t.Run("not added to server streams", func(t *testing.T) {
		// A watch never ends by itself, and a download takes as long as
		// the file: a server stream lasts as long as its caller's context.
		stream, err := client.StreamingOutputCall(t.Context(), &testgrpc.StreamingOutputCallRequest{})
		require.NoError(t, err)
		resp, err := stream.Recv()
		require.NoError(t, err)
		require.Equal(t, "none", string(resp.GetPayload().GetBody()), "the server saw a deadline")
		_, err = stream.Recv()
		require.Error(t, err)
	})
}

func TestDefaultDeadlineExpires(t *testing.T) {
	t.Parallel()
	addr := serve(t, quietTelemetry(), &testService{empty: func(ctx context.Context) error {
		<-ctx.Done()
		return ctx.Err()
	}})
	client := dial(t, addr, grpcclient.Options{Telemetry: quietTelemetry(), Timeout: 50 * time.Millisecond})

	_, err := client.EmptyCall(t.Context(), &testgrpc.Empty{})
	require.Equal(t, codes.DeadlineExceeded, status.Code(err))
}

func TestClientAndServerShareTrace(t *testing.T) {
	t.Parallel()
	serverTel, serverSpans, serverLogs := newTelemetry()
	addr := serve(t, serverTel, &testService{empty: func(ctx context.Context) error {
		serverTel.Logger.InfoContext(ctx, "handled")
		return nil
	}})
	clientTel, clientSpans, _ := newTelemetry()
	client := dial(t, addr, grpcclient.Options{Telemetry: clientTel})

	_, err := client.EmptyCall(t.Context(), &testgrpc.Empty{})
	require.NoError(t, err)

	var clientSpan, serverSpan sdktrace.ReadOnlySpan
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		cs, ss := clientSpans.Ended(), serverSpans.Ended()
		require.Len(c, cs, 1)
		require.Len(c, ss, 1)
		clientSpan, serverSpan = cs[0], ss[0]
	}, 5*time.Second, 10*time.Millisecond)

	require.Equal(t, trace.SpanKindClient, clientSpan.SpanKind())
	require.Equal(t, trace.SpanKindServer, serverSpan.SpanKind())
	require.Equal(t, "grpc.testing.TestService/EmptyCall", serverSpan.Name())
	require.Equal(t, clientSpan.SpanContext().TraceID(), serverSpan.SpanContext().TraceID())
	require.Equal(t, clientSpan.SpanContext().SpanID(), serverSpan.Parent().SpanID())

	var rec map[string]any
	require.NoError(t, json.Unmarshal([]byte(serverLogs.lines()[0]), &rec))
	require.Equal(t, "handled", rec["msg"])
	require.Equal(t, serverSpan.SpanContext().TraceID().String(), rec["trace_id"])
	require.Equal(t, serverSpan.SpanContext().SpanID().String(), rec["span_id"])
}

func TestDialRejectsIncompleteOptions(t *testing.T) {
	t.Parallel()
	tel, _, _ := newTelemetry()
	noProp := *tel
	noProp.Propagator = nil
	tests := []struct {
		name string
		o    grpcclient.Options
	}{
		{name: "no telemetry", o: grpcclient.Options{}},
		{name: "no propagator", o: grpcclient.Options{Telemetry: &noProp}},
		{name: "negative timeout", o: grpcclient.Options{Telemetry: tel, Timeout: -time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := grpcclient.Dial("127.0.0.1:1", tt.o)
			require.Error(t, err)
		})
	}
}
