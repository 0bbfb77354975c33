package grpcserver

import (
	"context"

	"google.golang.org/grpc/metadata"
)

// CallerKey is the metadata key that names the caller until authentication
// is in place; services record it in their audit logs.
const CallerKey = "x-tdkt-caller"

// Caller returns who is calling, for the audit log: the CallerKey metadata
// of the incoming call (at most 200 bytes), or "anonymous".
func Caller(ctx context.Context) string {
	if md, ok := metadata.FromIncomingContext(ctx); ok {
		if v := md.Get(CallerKey); len(v) > 0 && v[0] != "" && len(v[0]) <= 200 {
			return v[0]
		}
	}
	return "anonymous"
}
