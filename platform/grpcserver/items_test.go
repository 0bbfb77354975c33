package grpcserver_test

import (
	"context"
	"errors"
	"io"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	testgrpc "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/status"

	"github.com/tdkt-vn/tdkt/platform/grpcserver"
)

type inputStream = grpc.ClientStreamingServer[testgrpc.StreamingInputCallRequest, testgrpc.StreamingInputCallResponse]

// startItems serves StreamingInputCall with ReceiveItems and opts; done
// sees every item. The handler answers the number of items done, and adds
// it to a bound's error with WithPartialResponse. ended receives what the
// handler returned.
func startItems(t *testing.T, done func(index int32, item *testgrpc.StreamingInputCallRequest), opts ...grpcserver.ItemsOption) (testgrpc.TestServiceClient, <-chan error) {
	t.Helper()
	ended := make(chan error, 1)
	h := start(t, grpcserver.Options{}, func(g *grpc.Server) {
		testgrpc.RegisterTestServiceServer(g, &testService{streamInput: func(stream inputStream) error {
			var n int32
			err := grpcserver.ReceiveItems(stream,
				func(context.Context, *testgrpc.StreamingInputCallRequest) (struct{}, error) { return struct{}{}, nil },
				func(index int32, item *testgrpc.StreamingInputCallRequest, _ struct{}, _ *status.Status) {
					n++
					done(index, item)
				}, opts...)
			resp := &testgrpc.StreamingInputCallResponse{AggregatedPayloadSize: n}
			ended <- err
			if err != nil {
				return grpcserver.WithPartialResponse(err, resp)
			}
			return stream.SendAndClose(resp)
		}})
	})
	return h.test(), ended
}

// boundOf is the ErrorInfo and the partial response of a bound's error.
func boundOf(t *testing.T, err error) (*errdetails.ErrorInfo, *testgrpc.StreamingInputCallResponse) {
	t.Helper()
	var info *errdetails.ErrorInfo
	var resp *testgrpc.StreamingInputCallResponse
	for _, d := range status.Convert(err).Details() {
		switch d := d.(type) {
		case *errdetails.ErrorInfo:
			info = d
		case *testgrpc.StreamingInputCallResponse:
			resp = d
		}
	}
	require.NotNil(t, info, "ErrorInfo in %v", err)
	require.NotNil(t, resp, "partial response in %v", err)
	return info, resp
}

// TestReceiveItemsMaxItems streams far more items than the bound and keeps
// every item the server is given, as a handler keeping one result per item
// would: the server reads one message past the bound and stops, so its
// heap stays bounded by the bound, not by what the client sends.
func TestReceiveItemsMaxItems(t *testing.T) {
	const (
		maxItems = 1_000
		sent     = 100_000
		size     = 4 << 10 // 400 MB in all
	)
	var kept []*testgrpc.StreamingInputCallRequest
	var before, peak runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	c, ended := startItems(t, func(index int32, item *testgrpc.StreamingInputCallRequest) {
		kept = append(kept, item)
		if index%100 == 99 {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			if m.HeapAlloc > peak.HeapAlloc {
				peak = m
			}
		}
	}, grpcserver.MaxItems(maxItems))

	stream, err := c.StreamingInputCall(t.Context())
	require.NoError(t, err)
	body := make([]byte, size)
	n := 0
	for ; n < sent; n++ {
		if err := stream.Send(&testgrpc.StreamingInputCallRequest{Payload: &testgrpc.Payload{Body: body}}); err != nil {
			require.ErrorIs(t, err, io.EOF, "the server ended the stream")
			break
		}
	}
	_, err = stream.CloseAndRecv()
	require.Less(t, n, sent, "the server stopped the stream before the client was done")
	require.Equal(t, codes.ResourceExhausted, status.Code(err), "%v", err)
	require.Contains(t, status.Convert(err).Message(), "at most 1000 items")
	info, resp := boundOf(t, err)
	require.Equal(t, grpcserver.ReasonTooManyItems, info.GetReason())
	require.Equal(t, "1000", info.GetMetadata()["items_done"])
	require.EqualValues(t, maxItems, resp.GetAggregatedPayloadSize(), "the items done are answered")
	require.Equal(t, grpcserver.ReasonTooManyItems, grpcserver.StreamBound(<-ended))
	require.Len(t, kept, maxItems, "no item past the bound reached the handler")

	growth := int64(peak.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("server heap: %d MB before, %d MB at the peak (%d items of %d KB sent, %d kept)",
		before.HeapAlloc>>20, peak.HeapAlloc>>20, n, size>>10, len(kept))
	require.Less(t, growth, int64(64<<20), "the heap grew by %d MB", growth>>20)
}

// TestReceiveItemsIdle leaves a stream open without sending: it ends at
// the idle timeout, with the items sent before answered.
func TestReceiveItemsIdle(t *testing.T) {
	const idle = 200 * time.Millisecond
	c, ended := startItems(t, func(int32, *testgrpc.StreamingInputCallRequest) {}, grpcserver.ItemIdleTimeout(idle))
	stream, err := c.StreamingInputCall(t.Context())
	require.NoError(t, err)
	for range 2 {
		require.NoError(t, stream.Send(&testgrpc.StreamingInputCallRequest{}))
	}
	began := time.Now()
	got := make(chan error, 1)
	go func() { got <- stream.RecvMsg(new(testgrpc.StreamingInputCallResponse)) }() // the client neither sends nor closes
	var recvErr error
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		select {
		case recvErr = <-got:
		default:
		}
		assert.Error(c, recvErr)
	}, 10*time.Second, 20*time.Millisecond)
	took := time.Since(began)
	require.Equal(t, codes.DeadlineExceeded, status.Code(recvErr), "%v", recvErr)
	info, resp := boundOf(t, recvErr)
	require.Equal(t, grpcserver.ReasonStreamIdle, info.GetReason())
	require.Equal(t, "2", info.GetMetadata()["items_done"])
	require.EqualValues(t, 2, resp.GetAggregatedPayloadSize())
	require.GreaterOrEqual(t, took, idle-50*time.Millisecond, "not before the idle timeout")
	require.Equal(t, grpcserver.ReasonStreamIdle, grpcserver.StreamBound(<-ended))
}

// TestReceiveItemsTotal keeps a stream busy, one item every 20ms, past its
// total timeout: it ends then, though it was never idle.
func TestReceiveItemsTotal(t *testing.T) {
	const total = 300 * time.Millisecond
	c, ended := startItems(t, func(int32, *testgrpc.StreamingInputCallRequest) {},
		grpcserver.ItemIdleTimeout(time.Minute), grpcserver.ItemStreamTimeout(total))
	stream, err := c.StreamingInputCall(t.Context())
	require.NoError(t, err)
	began := time.Now()
	sent := 0
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		err := stream.Send(&testgrpc.StreamingInputCallRequest{})
		if err == nil {
			sent++
		}
		assert.ErrorIs(c, err, io.EOF, "the server ended the stream")
	}, 10*time.Second, 20*time.Millisecond)
	took := time.Since(began)
	_, err = stream.CloseAndRecv()
	require.Equal(t, codes.DeadlineExceeded, status.Code(err), "%v", err)
	info, resp := boundOf(t, err)
	require.Equal(t, grpcserver.ReasonStreamTooLong, info.GetReason())
	require.Positive(t, resp.GetAggregatedPayloadSize())
	require.LessOrEqual(t, int(resp.GetAggregatedPayloadSize()), sent)
	require.GreaterOrEqual(t, took, total-50*time.Millisecond)
	require.Equal(t, grpcserver.ReasonStreamTooLong, grpcserver.StreamBound(<-ended))
}

// TestReceiveItemsWithinBounds: a stream that closes in time is not
// touched by the bounds, and other errors are not a bound.
func TestReceiveItemsWithinBounds(t *testing.T) {
	c, ended := startItems(t, func(int32, *testgrpc.StreamingInputCallRequest) {}, grpcserver.MaxItems(3))
	stream, err := c.StreamingInputCall(t.Context())
	require.NoError(t, err)
	for range 3 {
		require.NoError(t, stream.Send(&testgrpc.StreamingInputCallRequest{}))
	}
	resp, err := stream.CloseAndRecv()
	require.NoError(t, err)
	require.EqualValues(t, 3, resp.GetAggregatedPayloadSize())
	require.NoError(t, <-ended)
	require.Empty(t, grpcserver.StreamBound(errors.New("other")))
	require.Empty(t, grpcserver.StreamBound(status.Error(codes.DeadlineExceeded, "client deadline")))
}
