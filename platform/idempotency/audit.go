package idempotency

import (
	"context"
	"strings"

	"go.opentelemetry.io/otel/trace"
	"google.golang.org/grpc"

	"github.com/tdkt-vn/tdkt/platform/auth"
	"github.com/tdkt-vn/tdkt/platform/policy"
	"github.com/tdkt-vn/tdkt/platform/sqlstore"
)

// caller is what the audit log says of the call of ctx besides its method,
// resource and request id: the authenticated caller (auth.FromContext),
// never anything the client asserted in a header, the unit owning the
// resource the call acts on (policy.OwnerUnit, set by the guard), and the
// call's trace.
func caller(ctx context.Context) sqlstore.AuditEntry {
	c := auth.FromContext(ctx)
	e := sqlstore.AuditEntry{
		Caller: c.Subject, CallerRoles: c.RoleList(), AuthMethod: c.Method, OwnerUnit: policy.OwnerUnit(ctx),
	}
	if sc := trace.SpanContextFromContext(ctx); sc.HasTraceID() {
		e.TraceID = sc.TraceID().String()
	}
	return e
}

// Op is the audited operation of a change the call of ctx makes besides
// its own (Mutate's) transaction, under method: the second step of a call
// that spans services (nominations' conferral). Outside a call (a step
// resumed after a restart) it names no caller: set Caller to the service's
// own.
func Op(ctx context.Context, method string) sqlstore.Op {
	c := caller(ctx)
	return sqlstore.Op{Method: method, Caller: c.Caller, CallerRoles: c.CallerRoles, AuthMethod: c.AuthMethod,
		OwnerUnit: c.OwnerUnit, TraceID: c.TraceID}
}

// Read is a read of personal data: the name of what was read (e.g.
// "decisions/946-qd-ubnd") and the id of the unit that owns it.
type Read struct {
	Resource  string
	OwnerUnit string
}

// RecordAccess records reads of personal data in the data access stream
// of the service's audit log (db is the service's database), one record per
// read, all in one short transaction of their own: the caller, its grants
// and how it authenticated, the gRPC method of ctx, what was read, the
// unit owning it (so that its province's board finds the record) and the
// trace id. Call it before the data leaves the handler, and do not return
// the data when it fails: a read that could not be recorded must not
// happen. Records are chained with the admin activity ones, so a deleted
// or altered read is detected by sqlstore.VerifyAudit.
func RecordAccess(ctx context.Context, db *sqlstore.DB, reads ...Read) error {
	if len(reads) == 0 {
		return nil
	}
	entries := make([]sqlstore.AuditEntry, len(reads))
	for i, r := range reads {
		entries[i] = caller(ctx)
		entries[i].Method = shortMethod(ctx)
		entries[i].Resource, entries[i].OwnerUnit = r.Resource, r.OwnerUnit
	}
	return db.AuditAccess(ctx, entries...)
}

// shortMethod is the short name of the RPC being served ("GetDecision"); ""
// outside a gRPC call.
func shortMethod(ctx context.Context) string {
	full, _ := grpc.Method(ctx)
	return full[strings.LastIndexByte(full, '/')+1:]
}
