package grpcserver

import (
	"context"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

// noRetryPushback is the retry pushback trailer (gRFC A6) that tells a
// client not to retry: any negative value does.
var noRetryPushback = metadata.Pairs("grpc-retry-pushback-ms", "-1")

// pushbackUnary asks the client not to retry a call that failed with
// Unavailable. The handler ran, so this server is up: what is unavailable
// is a service it depends on, and its own client has already retried that
// within its retry budget. Retrying here too would multiply the attempts at
// every hop (gateway → honours → blocs: 4 × 4). A grpc-go client also
// counts the pushback as a failure against its retry budget. It must sit
// outside the interceptor that maps domain errors to statuses, to see the
// final code.
func pushbackUnary(ctx context.Context, req any, _ *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	resp, err := handler(ctx, req)
	if status.Code(err) == codes.Unavailable {
		// Fails only when the call is already over, and then no one reads
		// the trailer anyway.
		_ = grpc.SetTrailer(ctx, noRetryPushback)
	}
	return resp, err
}

// pushbackStream is pushbackUnary for streams. Clients retry a stream only
// before it has received anything, which the trailer covers as well.
func pushbackStream(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	err := handler(srv, ss)
	if status.Code(err) == codes.Unavailable {
		ss.SetTrailer(noRetryPushback)
	}
	return err
}
