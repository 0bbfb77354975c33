package server

import (
	"context"

	"github.com/tdkt-vn/tdkt/platform/auditlog"
	typev1 "github.com/tdkt-vn/tdkt/proto/tdkt/type/v1"
)

// ListAuditEntries lists the service's audit log within the caller's scope
// (platform/auditlog).
func (s *Server) ListAuditEntries(ctx context.Context, req *typev1.ListAuditEntriesRequest) (*typev1.ListAuditEntriesResponse, error) {
	return auditlog.List(ctx, s.store.DB, s.tokens, s.policy, req)
}
