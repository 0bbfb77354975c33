// Package idempotency makes state-changing RPCs safe to retry (api.md,
// "Retries"): Fingerprint derives a request's request_id and a hash of the
// rest of it, and Mutate executes a mutation through a store's idempotent,
// audited transaction (sqlstore.Store.Do), so that a retry with the same
// request_id gets the first response and changes nothing, and the same id
// with another request is domainerr.ErrRequestReused. Mutate records each
// change in the admin activity stream of the service's audit log, in the
// transaction of the change; RecordAccess records a read of personal data
// in its data access stream. Both take the caller from the context, as the
// guard authenticated it.
package idempotency

import (
	"context"
	"crypto/sha256"
	"strings"

	"google.golang.org/genproto/googleapis/api/annotations"
	"google.golang.org/grpc"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/tdkt-vn/tdkt/platform/sqlstore"
)

// Fingerprint returns the value of req's request_id field ("" when it has
// none), canonical (CanonicalRequestID), and a SHA-256 of req without it, over the deterministic encoding
// and the message's full name: two requests share a fingerprint only when
// they ask for the same thing.
func Fingerprint(req proto.Message) (requestID string, sum []byte, err error) {
	// A shallow copy without the request id: its fields share the request's
	// values, which are only read (a deep copy of an import of thousands of
	// entries costs more than hashing it).
	src := req.ProtoReflect()
	m := src.Type().New()
	id := src.Descriptor().Fields().ByName("request_id")
	if id != nil && id.Kind() != protoreflect.StringKind {
		id = nil
	}
	src.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		if fd == id {
			requestID = CanonicalRequestID(v.String())
		} else {
			m.Set(fd, v)
		}
		return true
	})
	m.SetUnknown(src.GetUnknown())
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(m.Interface())
	if err != nil {
		return "", nil, err
	}
	h := sha256.Sum256(append([]byte(string(m.Descriptor().FullName())+"\x00"), b...))
	return requestID, h[:], nil
}

// CanonicalRequestID is the form of a request id that keys a saved
// request. Request ids are UUIDs (api.md), whose hex digits are case
// insensitive (RFC 9562), so the same id in upper or mixed case is the
// same request: it is lower-cased.
func CanonicalRequestID(id string) string { return strings.ToLower(id) }

// Do is a store's transaction runner: sqlstore.DB.Do with the store's own
// transaction type, which sets Op.At to the transaction's time when it is
// zero.
type Do[Tx any] func(ctx context.Context, op sqlstore.Op, fn func(tx Tx) (resource string, response []byte, err error)) ([]byte, error)

// Mutate is how every state-changing RPC writes: it runs fn as one
// transaction of do, keyed by req's request_id, audited in the admin
// activity stream with the gRPC method of ctx, its caller
// (auth.FromContext: subject, grants, how authenticated), the unit owning
// the resource (policy.OwnerUnit) and its trace id, and decodes the
// response into resp. fn returns the response message; its name field
// (ResourceName) is the resource of the audit entry. On a retry fn does
// not run and resp is the first response. Errors are fn's, do's and
// domainerr.ErrRequestReused, returned as they are: the server's
// interceptor maps them to statuses.
func Mutate[Tx any](ctx context.Context, do Do[Tx], req, resp proto.Message, fn func(tx Tx) (proto.Message, error)) error {
	requestID, fp, err := Fingerprint(req)
	if err != nil {
		return err
	}
	c := caller(ctx)
	op := sqlstore.Op{
		Method: method(ctx, req), RequestID: requestID, Fingerprint: fp,
		Caller: c.Caller, CallerRoles: c.CallerRoles, AuthMethod: c.AuthMethod, OwnerUnit: c.OwnerUnit, TraceID: c.TraceID,
	}
	out, err := do(ctx, op, func(tx Tx) (string, []byte, error) {
		m, err := fn(tx)
		if err != nil {
			return "", nil, err
		}
		b, err := proto.MarshalOptions{Deterministic: true}.Marshal(m)
		return ResourceName(m), b, err
	})
	if err != nil {
		return err
	}
	return proto.Unmarshal(out, resp)
}

// method is the short name of the RPC being served ("CreateUnit"), which
// keys saved requests and names the audit entry; outside a gRPC call, the
// request message's name.
func method(ctx context.Context, req proto.Message) string {
	if full, ok := grpc.Method(ctx); ok {
		return full[strings.LastIndexByte(full, '/')+1:]
	}
	return string(req.ProtoReflect().Descriptor().Name())
}

// ResourceName returns the resource a response message names: its name
// field (a resource), else its first field that refers to a resource
// (google.api.resource_reference: an import's result names the decision it
// created), or "".
func ResourceName(m proto.Message) string {
	r := m.ProtoReflect()
	fields := r.Descriptor().Fields()
	if fd := fields.ByName("name"); singularString(fd) {
		return r.Get(fd).String()
	}
	for i := range fields.Len() {
		fd := fields.Get(i)
		if singularString(fd) && proto.HasExtension(fd.Options(), annotations.E_ResourceReference) {
			return r.Get(fd).String()
		}
	}
	return ""
}

func singularString(fd protoreflect.FieldDescriptor) bool {
	return fd != nil && fd.Kind() == protoreflect.StringKind && fd.Cardinality() != protoreflect.Repeated
}
