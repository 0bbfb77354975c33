package grpcserver

import (
	"context"
	"log/slog"
	"strings"

	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/tdkt-vn/tdkt/platform/rpcerr"
)

// This file handles the two HTTP headers the REST edge forwards as
// metadata: If-Match (as "if-match") and X-Request-Id (as "x-request-id").

// ifMatchHeader names the header in field violations.
const ifMatchHeader = "If-Match"

// ifMatchUnary makes an If-Match header the etag of the request (AIP-154,
// RFC 9110 §13.1.1), so that a REST client may send the etag it read from
// ETag in a header instead of the body:
//
//   - The request's etag is its top-level string field etag (custom
//     methods such as :dissolve or :issue), or, in an Update request (one
//     with an update_mask field), the etag field of the resource it carries
//     (UpdateUnitRequest.unit.etag).
//   - An If-Match fills that field when the body leaves it empty. When both
//     are given and differ, the request is InvalidArgument naming the field
//     ("unit.etag"): the client contradicts itself.
//   - "If-Match: *" (any current version) is the same as no etag.
//   - A weak tag (W/"3") is passed on as it is. If-Match uses the strong
//     comparison, under which a weak tag matches nothing, and the services
//     issue strong tags only: the service answers it like any stale etag,
//     ABORTED (HTTP 409).
//   - If-Match on a method whose request takes no etag, with more than one
//     entity tag, or with one that is not an entity tag (unquoted) is
//     InvalidArgument naming If-Match, rather than a condition silently
//     ignored.
//
// It runs before validation, so the etag rules of the request apply to a
// value that came from the header too.
func ifMatchUnary(ctx context.Context, req any, _ *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	if values := metadata.ValueFromIncomingContext(ctx, "if-match"); values != nil {
		if err := applyIfMatch(values, req); err != nil {
			return nil, err
		}
	}
	return handler(ctx, req)
}

// ifMatchStream applies If-Match to the request of a server-streaming
// call. A client stream carries many requests, which one header cannot
// condition: If-Match there is InvalidArgument.
func ifMatchStream(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	values := metadata.ValueFromIncomingContext(ss.Context(), "if-match")
	switch {
	case values == nil:
		return handler(srv, ss)
	case info.IsClientStream:
		return rpcerr.BadField(ifMatchHeader, "a stream of requests takes no If-Match; give each request its etag")
	}
	return handler(srv, ifMatchingStream{ServerStream: ss, values: values})
}

type ifMatchingStream struct {
	grpc.ServerStream
	values []string
}

func (s ifMatchingStream) RecvMsg(m any) error {
	if err := s.ServerStream.RecvMsg(m); err != nil {
		return err
	}
	return applyIfMatch(s.values, m)
}

// applyIfMatch sets the etag of req from the If-Match metadata values.
func applyIfMatch(values []string, req any) error {
	m := messageOf(req)
	if m == nil {
		return rpcerr.BadField(ifMatchHeader, "this method takes no etag")
	}
	if _, bad := decodeError(m); bad {
		return nil // the validation interceptor answers it
	}
	path := etagPath(m.ProtoReflect().Descriptor())
	if path == nil {
		return rpcerr.BadField(ifMatchHeader, "this method takes no etag")
	}
	tag, err := parseIfMatch(values)
	if err != nil {
		return err
	}
	if tag == "" { // "*"
		return nil
	}
	msg := m.ProtoReflect()
	for _, fd := range path[:len(path)-1] {
		msg = msg.Mutable(fd).Message()
	}
	etag := path[len(path)-1]
	switch body := msg.Get(etag).String(); {
	case body == "":
		msg.Set(etag, protoreflect.ValueOfString(tag))
	case body != tag:
		return rpcerr.BadField(jsonPath(path), "differs from the If-Match header; send one etag or the same in both")
	}
	return nil
}

// etagPath returns the fields leading to the etag of a request: [etag] for
// a top-level string field etag, [resource, etag] for an Update request
// (one with an update_mask) whose single resource field has one; nil when
// the request takes no etag.
func etagPath(md protoreflect.MessageDescriptor) []protoreflect.FieldDescriptor {
	if fd := stringField(md, "etag"); fd != nil {
		return []protoreflect.FieldDescriptor{fd}
	}
	if md.Fields().ByName("update_mask") == nil {
		return nil
	}
	var path []protoreflect.FieldDescriptor
	fields := md.Fields()
	for i := range fields.Len() {
		fd := fields.Get(i)
		if fd.Message() == nil || fd.IsList() || fd.IsMap() {
			continue
		}
		if etag := stringField(fd.Message(), "etag"); etag != nil {
			if path != nil {
				return nil // two resources: which one the header means is unclear
			}
			path = []protoreflect.FieldDescriptor{fd, etag}
		}
	}
	return path
}

// stringField returns md's singular string field name, or nil.
func stringField(md protoreflect.MessageDescriptor, name protoreflect.Name) protoreflect.FieldDescriptor {
	fd := md.Fields().ByName(name)
	if fd == nil || fd.Kind() != protoreflect.StringKind || fd.IsList() {
		return nil
	}
	return fd
}

// jsonPath names the field at path as REST clients know it: "unit.etag".
func jsonPath(path []protoreflect.FieldDescriptor) string {
	names := make([]string, len(path))
	for i, fd := range path {
		names[i] = fd.JSONName()
	}
	return strings.Join(names, ".")
}

// parseIfMatch reads If-Match = "*" / 1#entity-tag (RFC 9110 §13.1.1),
// possibly split over several values. It returns the single entity tag as
// written (quoted, W/ kept), or "" for "*". A list of several tags is
// refused: a request changes one resource, which has one current etag.
func parseIfMatch(values []string) (string, error) {
	var tags []string
	for _, v := range values {
		for rest := v; ; {
			rest = strings.TrimLeft(rest, " \t,")
			if rest == "" {
				break
			}
			if rest[0] == '*' {
				tags = append(tags, "*")
				rest = rest[1:]
				continue
			}
			tag, after, ok := entityTag(rest)
			if !ok {
				return "", rpcerr.BadField(ifMatchHeader, `must be "*" or an entity tag in double quotes, as the ETag header gives it`)
			}
			tags = append(tags, tag)
			rest = after
			if r := strings.TrimLeft(rest, " \t"); r != "" && r[0] != ',' {
				return "", rpcerr.BadField(ifMatchHeader, "entity tags must be separated by commas")
			}
		}
	}
	switch {
	case len(tags) == 0:
		return "", rpcerr.BadField(ifMatchHeader, `must be "*" or an entity tag`)
	case len(tags) > 1:
		return "", rpcerr.BadField(ifMatchHeader, "must hold one entity tag: the current etag of the resource")
	case tags[0] == "*":
		return "", nil
	}
	return tags[0], nil
}

// entityTag reads an entity-tag (RFC 9110 §8.8.3: [W/] DQUOTE *etagc
// DQUOTE) at the start of s, and returns it and what follows it.
func entityTag(s string) (tag, rest string, ok bool) {
	start := 0
	if strings.HasPrefix(s, "W/") {
		start = 2
	}
	if len(s) <= start || s[start] != '"' {
		return "", "", false
	}
	for i := start + 1; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"':
			return s[:i+1], s[i+1:], true
		case c < 0x21 || c == 0x7f: // etagc: %x21 / %x23-7E / obs-text
			return "", "", false
		}
	}
	return "", "", false
}

// maxRequestIDLen bounds the request id taken from x-request-id.
const maxRequestIDLen = 128

type requestIDKey struct{}

// requestIDUnary reads the caller's request id, the x-request-id metadata
// the REST edge forwards from the X-Request-Id header, into the call's
// context (where the server's logger finds it, see requestIDLogger) and
// the server span (rpc.request.metadata.x-request-id). An id longer than
// 128 bytes or with anything but visible ASCII is ignored: it is the
// client's text and goes into logs.
func requestIDUnary(ctx context.Context, req any, _ *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	return handler(withRequestID(ctx), req)
}

func requestIDStream(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	ctx := withRequestID(ss.Context())
	if ctx == ss.Context() {
		return handler(srv, ss)
	}
	return handler(srv, contextStream{ServerStream: ss, ctx: ctx})
}

type contextStream struct {
	grpc.ServerStream
	ctx context.Context
}

func (s contextStream) Context() context.Context { return s.ctx }

func withRequestID(ctx context.Context) context.Context {
	values := metadata.ValueFromIncomingContext(ctx, "x-request-id")
	if len(values) == 0 || !validRequestID(values[0]) {
		return ctx
	}
	id := values[0]
	trace.SpanFromContext(ctx).SetAttributes(semconv.RPCRequestMetadata("x-request-id", id))
	return context.WithValue(ctx, requestIDKey{}, id)
}

func validRequestID(id string) bool {
	if id == "" || len(id) > maxRequestIDLen {
		return false
	}
	for i := range len(id) {
		if id[i] < 0x21 || id[i] > 0x7e {
			return false
		}
	}
	return true
}

// requestIDLogger returns l with the caller's request id (see
// requestIDUnary) added as request_id to every record logged with the
// call's context.
func requestIDLogger(l *slog.Logger) *slog.Logger {
	return slog.New(requestIDHandler{l.Handler()})
}

type requestIDHandler struct{ slog.Handler }

func (h requestIDHandler) Handle(ctx context.Context, r slog.Record) error {
	if id, ok := ctx.Value(requestIDKey{}).(string); ok {
		r = r.Clone()
		r.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, r)
}

func (h requestIDHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return requestIDHandler{h.Handler.WithAttrs(attrs)}
}

func (h requestIDHandler) WithGroup(name string) slog.Handler {
	return requestIDHandler{h.Handler.WithGroup(name)}
}
