package grpcclient

import (
	"context"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"google.golang.org/genproto/googleapis/api/annotations"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
)

// retrySafety lets grpc retry a call only when sending it twice is
// harmless:
//
//   - a read: a method whose proto declares idempotency_level
//     NO_SIDE_EFFECTS or IDEMPOTENT, whose google.api.http rule is a GET, or
//     which is named as an AIP read (Get…, List…, BatchGet…);
//   - a write whose request carries a non-empty request_id, which the
//     services dedupe on.
//
// Any other call (a write without a request id, and every streaming write,
// whose requests are not known when the stream opens) is not retried once
// its request has been sent: grpc-go has no per-call "max attempts", so
// such calls get MaxRetryRPCBufferSize(0), which commits the call as soon
// as its first message is on the wire. An attempt that never reached the
// server (no connection could be picked) may still be repeated, which
// cannot run the write twice.
//
// Methods are classified from their descriptors, found in the global
// registry that the generated code linked into the binary fills. It is
// safe for concurrent use.
type retrySafety struct {
	safe sync.Map // full method name ("/pkg.Service/Method") → bool: a read
}

// noRetry stops grpc from retrying a call once its request is sent.
var noRetry = grpc.MaxRetryRPCBufferSize(0)

func (r *retrySafety) unary(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	if !r.read(method) && !hasRequestID(req) {
		opts = append(opts, noRetry)
	}
	return invoker(ctx, method, req, reply, cc, opts...)
}

func (r *retrySafety) stream(ctx context.Context, desc *grpc.StreamDesc, cc *grpc.ClientConn, method string, streamer grpc.Streamer, opts ...grpc.CallOption) (grpc.ClientStream, error) {
	if !r.read(method) {
		opts = append(opts, noRetry)
	}
	return streamer(ctx, desc, cc, method, opts...)
}

// read reports whether method has no side effects (or is idempotent), from
// its descriptor or, when none is registered, from its name.
func (r *retrySafety) read(method string) bool {
	if v, ok := r.safe.Load(method); ok {
		return v.(bool)
	}
	safe := readMethod(method)
	r.safe.Store(method, safe)
	return safe
}

func readMethod(fullMethod string) bool {
	service, name, ok := strings.Cut(strings.TrimPrefix(fullMethod, "/"), "/")
	if !ok {
		return false
	}
	d, err := protoregistry.GlobalFiles.FindDescriptorByName(protoreflect.FullName(service + "." + name))
	if err != nil {
		return readName(name)
	}
	md, ok := d.(protoreflect.MethodDescriptor)
	if !ok {
		return false
	}
	if opts, ok := md.Options().(*descriptorpb.MethodOptions); ok && opts != nil {
		switch opts.GetIdempotencyLevel() {
		case descriptorpb.MethodOptions_NO_SIDE_EFFECTS, descriptorpb.MethodOptions_IDEMPOTENT:
			return true
		}
		if rule, ok := proto.GetExtension(opts, annotations.E_Http).(*annotations.HttpRule); ok && rule.GetGet() != "" {
			return true
		}
	}
	return readName(string(md.Name()))
}

// readName reports whether a method is named as an AIP read method: Get
// (AIP-131), List (AIP-132) or BatchGet (AIP-231) followed by the resource
// ("GetUnit", not "Getaway").
func readName(name string) bool {
	for _, prefix := range []string{"BatchGet", "Get", "List"} {
		rest, ok := strings.CutPrefix(name, prefix)
		if !ok {
			continue
		}
		if r, _ := utf8.DecodeRuneInString(rest); rest == "" || unicode.IsUpper(r) {
			return true
		}
	}
	return false
}

// hasRequestID reports whether req is a message with a non-empty string
// field request_id (AIP-155).
func hasRequestID(req any) bool {
	m, ok := req.(proto.Message)
	if !ok {
		return false
	}
	r := m.ProtoReflect()
	fd := r.Descriptor().Fields().ByName("request_id")
	if fd == nil || fd.Kind() != protoreflect.StringKind || fd.IsList() {
		return false
	}
	return r.Get(fd).String() != ""
}
