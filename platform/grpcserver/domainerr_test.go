package grpcserver_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	testgrpc "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/status"

	"github.com/tdkt-vn/tdkt/platform/domainerr"
	"github.com/tdkt-vn/tdkt/platform/grpcserver"
	"github.com/tdkt-vn/tdkt/platform/pagetoken"
)

// TestDomainErrorsMappedByTheServer returns every kind of domain error from
// a handler, as handlers do, wrapped as a store would wrap it, and checks
// the status a client receives over a real connection.
func TestDomainErrorsMappedByTheServer(t *testing.T) {
	for _, tc := range []struct {
		name   string
		err    error
		code   codes.Code
		reason string
		detail func(t *testing.T, st *status.Status)
	}{
		{"field errors", domainerr.FieldErrors{{Field: "unit.displayName", Description: "must not be empty"}, {Field: "unit.kind", Description: "is required"}},
			codes.InvalidArgument, "INVALID_ARGUMENT", func(t *testing.T, st *status.Status) {
				br := detail[*errdetails.BadRequest](t, st)
				require.Len(t, br.GetFieldViolations(), 2)
				require.Equal(t, "unit.displayName", br.GetFieldViolations()[0].GetField())
				require.Equal(t, "unit.kind", br.GetFieldViolations()[1].GetField())
			}},
		{"one field error", domainerr.FieldError{Field: "name", Description: "must be units/{unit}"},
			codes.InvalidArgument, "INVALID_ARGUMENT", func(t *testing.T, st *status.Status) {
				require.Equal(t, "name", detail[*errdetails.BadRequest](t, st).GetFieldViolations()[0].GetField())
			}},
		{"rule", domainerr.Rule("UNIT_DISSOLVED", "units/bac-kan", "dissolved on %s", "2025-07-01"),
			codes.FailedPrecondition, "UNIT_DISSOLVED", func(t *testing.T, st *status.Status) {
				v := detail[*errdetails.PreconditionFailure](t, st).GetViolations()[0]
				require.Equal(t, "UNIT_DISSOLVED", v.GetType())
				require.Equal(t, "units/bac-kan", v.GetSubject())
			}},
		{"not found", &domainerr.NotFoundError{Name: "units/x"},
			codes.NotFound, "NOT_FOUND", func(t *testing.T, st *status.Status) {
				require.Equal(t, "units/x", detail[*errdetails.ResourceInfo](t, st).GetResourceName())
			}},
		{"exists", &domainerr.ExistsError{Name: "units/x"},
			codes.AlreadyExists, "ALREADY_EXISTS", func(t *testing.T, st *status.Status) {
				require.Equal(t, "units/x", detail[*errdetails.ResourceInfo](t, st).GetResourceName())
			}},
		{"stale etag", domainerr.ErrStaleEtag, codes.Aborted, "ETAG_MISMATCH", nil},
		{"request id reused", domainerr.ErrRequestReused, codes.AlreadyExists, "REQUEST_ID_REUSED", nil},
		{"dependency down", &domainerr.UnavailableError{Service: "blocs", Cause: errors.New("BatchGetUnits: Unavailable")},
			codes.Unavailable, "DEPENDENCY_UNAVAILABLE", func(t *testing.T, st *status.Status) {
				require.NotContains(t, st.Message(), "BatchGetUnits", "the cause stays in the log")
			}},
		{"bad page size", pagetoken.ErrNegativeSize, codes.InvalidArgument, "INVALID_ARGUMENT", func(t *testing.T, st *status.Status) {
			require.Equal(t, "pageSize", detail[*errdetails.BadRequest](t, st).GetFieldViolations()[0].GetField())
		}},
		{"bad page token", pagetoken.ErrInvalidToken, codes.InvalidArgument, "INVALID_ARGUMENT", func(t *testing.T, st *status.Status) {
			require.Equal(t, "pageToken", detail[*errdetails.BadRequest](t, st).GetFieldViolations()[0].GetField())
		}},
		{"a fault of ours", errors.New("sql: connection refused"), codes.Internal, "INTERNAL", func(t *testing.T, st *status.Status) {
			require.Equal(t, "internal error", st.Message())
		}},
		{"the status of another service's answer", status.Error(codes.InvalidArgument, "names[0]: must be units/{unit}"),
			codes.Internal, "INTERNAL", func(t *testing.T, st *status.Status) {
				require.Equal(t, "internal error", st.Message(), "never forwarded")
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wrapped := fmt.Errorf("store: %w", tc.err)
			h := start(t, grpcserver.Options{}, func(g *grpc.Server) {
				testgrpc.RegisterTestServiceServer(g, &testService{empty: func(context.Context) error { return wrapped }})
			})
			_, err := h.test().EmptyCall(t.Context(), &testgrpc.Empty{})
			st := status.Convert(err)
			require.Equal(t, tc.code, st.Code(), "%v", err)
			require.Equal(t, tc.reason, detail[*errdetails.ErrorInfo](t, st).GetReason())
			if tc.detail != nil {
				tc.detail(t, st)
			}
		})
	}
}

// detail returns the status's detail of type T, failing when it has none.
func detail[T any](t *testing.T, st *status.Status) T {
	t.Helper()
	for _, d := range st.Details() {
		if v, ok := d.(T); ok {
			return v
		}
	}
	var zero T
	require.Failf(t, "missing detail", "%T in %v", zero, st.Details())
	return zero
}

// TestReceiveItems serves a client stream item by item: a failing item gets
// its own mapped status and the stream goes on; a fault is Internal with
// nothing of its cause.
func TestReceiveItems(t *testing.T) {
	h := start(t, grpcserver.Options{}, func(g *grpc.Server) {
		testgrpc.RegisterTestServiceServer(g, &testService{streamInput: func(stream grpc.ClientStreamingServer[testgrpc.StreamingInputCallRequest, testgrpc.StreamingInputCallResponse]) error {
			var sum int32
			var got []codes.Code
			err := grpcserver.ReceiveItems(stream,
				func(_ context.Context, item *testgrpc.StreamingInputCallRequest) (int32, error) {
					switch string(item.GetPayload().GetBody()) {
					case "bad":
						return 0, domainerr.Field("payload.body", "is bad")
					case "fault":
						return 0, errors.New("disk on fire")
					}
					return int32(len(item.GetPayload().GetBody())), nil
				},
				func(index int32, _ *testgrpc.StreamingInputCallRequest, n int32, st *status.Status) {
					require.Equal(t, int32(len(got)), index)
					got = append(got, st.Code())
					sum += n
				})
			if err != nil {
				return err
			}
			require.Equal(t, []codes.Code{codes.OK, codes.InvalidArgument, codes.OK, codes.Internal}, got)
			return stream.SendAndClose(&testgrpc.StreamingInputCallResponse{AggregatedPayloadSize: sum})
		}})
	})
	stream, err := h.test().StreamingInputCall(t.Context())
	require.NoError(t, err)
	for _, body := range []string{"abc", "bad", "de", "fault"} {
		require.NoError(t, stream.Send(&testgrpc.StreamingInputCallRequest{Payload: &testgrpc.Payload{Body: []byte(body)}}))
	}
	resp, err := stream.CloseAndRecv()
	if errors.Is(err, io.EOF) {
		err = nil
	}
	require.NoError(t, err)
	require.EqualValues(t, 5, resp.GetAggregatedPayloadSize())
	require.Len(t, h.logs.records(t, "stream item failed"), 1, "the fault is logged once")
}
