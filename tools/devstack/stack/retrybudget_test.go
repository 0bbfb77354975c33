package stack_test

import (
	"net"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/tdkt-vn/tdkt/tools/devstack/stack"
	"github.com/tdkt-vn/tdkt/tools/devstack/stack/stacktest"
)

// downService is a gRPC server on a loopback listener that answers every
// call UNAVAILABLE, as a blocs that is overloaded or shutting down does,
// and records the methods called.
type downService struct {
	addr    string
	mu      sync.Mutex
	methods []string
}

func startDownService(t *testing.T) *downService {
	t.Helper()
	d := &downService{}
	srv := grpc.NewServer(grpc.UnknownServiceHandler(func(_ any, stream grpc.ServerStream) error {
		method, _ := grpc.MethodFromServerStream(stream)
		_ = stream.RecvMsg(&emptypb.Empty{})
		d.mu.Lock()
		d.methods = append(d.methods, method)
		d.mu.Unlock()
		return status.Error(codes.Unavailable, "blocs is down")
	}))
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(lis) }()
	t.Cleanup(func() {
		srv.Stop()
		require.NoError(t, <-served)
	})
	d.addr = lis.Addr().String()
	return d
}

func (d *downService) calls() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.methods...)
}

// TestBlocsDownBoundsAttempts runs the real gateway and honours with
// honours' blocs address pointing at a blocs that answers every call
// UNAVAILABLE, and makes one REST call that needs blocs (the register of a
// province, which honours expands through the province's lineage).
//
// The bound: honours answers lineage from the units it follows, and a
// follower that could not list them answers Unavailable at once, so the
// call itself reaches blocs at most 4 times (a BatchGetUnits for a unit not
// followed, which honours' client tries at most 4 times: its retry
// policy's maxAttempts within its retry budget). honours answers
// Unavailable with a retry pushback that forbids retries, so the gateway,
// whose policy would otherwise retry the read up to 4 times, calls honours
// once, where retries at both hops would reach blocs up to 16 times. The
// follower's own attempts to watch blocs are paced by its backoff, not by
// requests.
func TestBlocsDownBoundsAttempts(t *testing.T) {
	down := startDownService(t)
	spans := tracetest.NewSpanRecorder()
	s := stacktest.Start(t, func(o *stack.Options) {
		o.Honours.BlocsAddr = down.addr
		o.SpanProcessor = spans
	})

	r := call(t, http.MethodGet, s.BaseURL+"/v1/honours?province=units/ha-giang", nil)
	require.Equal(t, http.StatusServiceUnavailable, r.status, "%s", r.body)
	require.Equal(t, int(codes.Unavailable), errorOf(t, r).Code)

	var calls, watches []string
	for _, m := range down.calls() {
		if m == "/tdkt.blocs.v1.BlocsService/WatchUnits" {
			watches = append(watches, m)
			continue
		}
		calls = append(calls, m)
	}
	require.NotEmpty(t, watches, "honours tries to follow the units of blocs")
	require.LessOrEqual(t, len(watches), 12, "the follower's attempts are paced by its backoff")
	require.LessOrEqual(t, len(calls), 4, "blocs reached %d times: %v", len(calls), calls)
	for _, m := range calls {
		require.Equal(t, "/tdkt.blocs.v1.BlocsService/BatchGetUnits", m)
	}
	// Each attempt of a gRPC client is a span, ended before the call
	// returns: the gateway's are all in by the time it has answered.
	require.Equal(t, 1, countClientSpans(spans.Ended(), "tdkt.honours.v1.HonoursService/ListHonours"),
		"the gateway calls honours once")
}

// countClientSpans counts the gRPC client spans (one per attempt) named
// name.
func countClientSpans(spans []sdktrace.ReadOnlySpan, name string) int {
	n := 0
	for _, sp := range spans {
		if sp.SpanKind() == trace.SpanKindClient && sp.Name() == name {
			n++
		}
	}
	return n
}
