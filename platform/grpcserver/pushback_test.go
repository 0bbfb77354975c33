package grpcserver_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	testgrpc "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/tdkt-vn/tdkt/platform/domainerr"
	"github.com/tdkt-vn/tdkt/platform/grpcserver"
)

const pushbackKey = "grpc-retry-pushback-ms"

func TestPushbackOnUnavailable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		err          error
		wantCode     codes.Code
		wantPushback []string
	}{
		{name: "unavailable status", err: status.Error(codes.Unavailable, "blocs is down"), wantCode: codes.Unavailable, wantPushback: []string{"-1"}},
		// Mapped to Unavailable by the error interceptor, inside pushback's.
		{name: "unavailable domain error", err: &domainerr.UnavailableError{Service: "blocs"}, wantCode: codes.Unavailable, wantPushback: []string{"-1"}},
		{name: "other error", err: status.Error(codes.FailedPrecondition, "no"), wantCode: codes.FailedPrecondition},
		{name: "success", wantCode: codes.OK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := start(t, grpcserver.Options{}, func(s *grpc.Server) {
				testgrpc.RegisterTestServiceServer(s, &testService{
					empty: func(context.Context) error { return tt.err },
					streamInput: func(grpc.ClientStreamingServer[testgrpc.StreamingInputCallRequest, testgrpc.StreamingInputCallResponse]) error {
						return tt.err
					},
				})
			})

			var trailer metadata.MD
			_, err := h.test().EmptyCall(t.Context(), &testgrpc.Empty{}, grpc.Trailer(&trailer))
			require.Equal(t, tt.wantCode, status.Code(err), "error: %v", err)
			require.Equal(t, tt.wantPushback, trailer.Get(pushbackKey))

			if tt.err == nil {
				return
			}
			stream, err := h.test().StreamingInputCall(t.Context())
			require.NoError(t, err)
			_, err = stream.CloseAndRecv()
			require.Equal(t, tt.wantCode, status.Code(err), "stream error: %v", err)
			require.Equal(t, tt.wantPushback, stream.Trailer().Get(pushbackKey))
		})
	}
}

// TestPushbackStopsClientRetries dials the server with a client that
// retries every method on UNAVAILABLE and RESOURCE_EXHAUSTED: the
// pushback keeps it from retrying the first, and only the first.
func TestPushbackStopsClientRetries(t *testing.T) {
	t.Parallel()
	var empty, unary atomic.Int32
	h := start(t, grpcserver.Options{}, func(s *grpc.Server) {
		testgrpc.RegisterTestServiceServer(s, &failingService{
			testService: testService{empty: func(context.Context) error {
				empty.Add(1)
				return &domainerr.UnavailableError{Service: "blocs"}
			}},
			unary: func() error {
				unary.Add(1)
				return status.Error(codes.ResourceExhausted, "slow down")
			},
		})
	})
	conn, err := grpc.NewClient(h.conn.Target(),
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultServiceConfig(`{"methodConfig": [{
		  "name": [{}],
		  "retryPolicy": {
		    "maxAttempts": 4, "initialBackoff": "0.01s", "maxBackoff": "0.01s", "backoffMultiplier": 1,
		    "retryableStatusCodes": ["UNAVAILABLE", "RESOURCE_EXHAUSTED"]
		  }
		}]}`),
	)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, conn.Close()) })
	client := testgrpc.NewTestServiceClient(conn)

	_, err = client.EmptyCall(t.Context(), &testgrpc.Empty{})
	require.Equal(t, codes.Unavailable, status.Code(err), "error: %v", err)
	require.EqualValues(t, 1, empty.Load(), "an Unavailable from the handler is not retried")

	_, err = client.UnaryCall(t.Context(), &testgrpc.SimpleRequest{})
	require.Equal(t, codes.ResourceExhausted, status.Code(err), "error: %v", err)
	require.EqualValues(t, 4, unary.Load(), "the client does retry without pushback")
}

// failingService is a testService whose UnaryCall fails as unary says.
type failingService struct {
	testService
	unary func() error
}

func (s *failingService) UnaryCall(context.Context, *testgrpc.SimpleRequest) (*testgrpc.SimpleResponse, error) {
	return nil, s.unary()
}
