package grpcclient_test

import (
	"io"
	"net"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/api/annotations"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	_ "google.golang.org/grpc/interop/grpc_testing" // registers grpc.testing.TestService
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/tdkt-vn/tdkt/platform/grpcclient"
)

const thingService = "tdkt.clienttest.v1.ThingService"

// thingFile is registered while the package initialises: registering
// later, while a parallel test builds a protovalidate validator (which
// ranges over the registry and looks files up inside the range), can
// deadlock on the registry's lock.
var thingFile = registerThings()

// registerThings registers in the global registry the equivalent of
//
//	service ThingService {
//	  rpc GetThing(Thing) returns (Thing) { option (google.api.http) = {get: "/v1/{name=things/*}"}; }
//	  rpc PeekThing(Thing) returns (Thing) { option idempotency_level = NO_SIDE_EFFECTS; }
//	  rpc ListThings(Thing) returns (Thing);
//	  rpc CreateThing(CreateThingRequest) returns (Thing) { option (google.api.http) = {post: "/v1/things" body: "*"}; }
//	  rpc RenameThing(Thing) returns (Thing) { option (google.api.http) = {post: "/v1/{name=things/*}:rename" body: "*"}; }
//	}
//	message Thing { string name = 1; }
//	message CreateThingRequest { string name = 1; string request_id = 2; }
//
// as generated code would: the client classifies methods by looking them
// up there.
func registerThings() protoreflect.FileDescriptor {
	httpRule := func(r *annotations.HttpRule) *descriptorpb.MethodOptions {
		o := &descriptorpb.MethodOptions{}
		proto.SetExtension(o, annotations.E_Http, r)
		return o
	}
	str := func(name string, n int32) *descriptorpb.FieldDescriptorProto {
		return &descriptorpb.FieldDescriptorProto{
			Name: proto.String(name), Number: proto.Int32(n),
			Type:  descriptorpb.FieldDescriptorProto_TYPE_STRING.Enum(),
			Label: descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum(),
		}
	}
	method := func(name, in string, o *descriptorpb.MethodOptions) *descriptorpb.MethodDescriptorProto {
		return &descriptorpb.MethodDescriptorProto{
			Name: proto.String(name), InputType: proto.String(".tdkt.clienttest.v1." + in),
			OutputType: proto.String(".tdkt.clienttest.v1.Thing"), Options: o,
		}
	}
	fdp := &descriptorpb.FileDescriptorProto{
		Name:       proto.String("tdkt/clienttest/v1/things.proto"),
		Package:    proto.String("tdkt.clienttest.v1"),
		Syntax:     proto.String("proto3"),
		Dependency: []string{"google/api/annotations.proto"},
		MessageType: []*descriptorpb.DescriptorProto{
			{Name: proto.String("Thing"), Field: []*descriptorpb.FieldDescriptorProto{str("name", 1)}},
			{Name: proto.String("CreateThingRequest"), Field: []*descriptorpb.FieldDescriptorProto{str("name", 1), str("request_id", 2)}},
		},
		Service: []*descriptorpb.ServiceDescriptorProto{{
			Name: proto.String("ThingService"),
			Method: []*descriptorpb.MethodDescriptorProto{
				method("GetThing", "Thing", httpRule(&annotations.HttpRule{Pattern: &annotations.HttpRule_Get{Get: "/v1/{name=things/*}"}})),
				method("PeekThing", "Thing", &descriptorpb.MethodOptions{IdempotencyLevel: descriptorpb.MethodOptions_NO_SIDE_EFFECTS.Enum()}),
				method("ListThings", "Thing", nil),
				method("CreateThing", "CreateThingRequest", httpRule(&annotations.HttpRule{Pattern: &annotations.HttpRule_Post{Post: "/v1/things"}, Body: "*"})),
				method("RenameThing", "Thing", httpRule(&annotations.HttpRule{Pattern: &annotations.HttpRule_Post{Post: "/v1/{name=things/*}:rename"}, Body: "*"})),
			},
		}},
	}
	fd, err := protodesc.NewFile(fdp, protoregistry.GlobalFiles)
	if err != nil {
		panic(err)
	}
	if err := protoregistry.GlobalFiles.RegisterFile(fd); err != nil {
		panic(err)
	}
	return fd
}

// message returns a message of type name ("Thing") from the things file
// with its string fields set.
func message(t *testing.T, name string, fields map[string]string) proto.Message {
	t.Helper()
	md := thingFile.Messages().ByName(protoreflect.Name(name))
	require.NotNil(t, md, name)
	m := dynamicpb.NewMessage(md)
	for k, v := range fields {
		m.Set(md.Fields().ByName(protoreflect.Name(k)), protoreflect.ValueOfString(v))
	}
	return m
}

// attemptCounter is a bare grpc server (no tdkt interceptors, so no retry
// pushback) that answers any method: it counts the attempts of each and
// fails them with the code answer returns for the attempt's number (1 for
// the first), OK meaning success.
type attemptCounter struct {
	mu       sync.Mutex
	attempts map[string]int
	answer   atomic.Pointer[func(n int) codes.Code]
}

func (c *attemptCounter) count(method string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.attempts[method]
}

func (c *attemptCounter) setAnswer(f func(n int) codes.Code) { c.answer.Store(&f) }

func always(code codes.Code) func(int) codes.Code { return func(int) codes.Code { return code } }

// startCounter serves an attemptCounter on a loopback listener and dials it
// with grpcclient.
func startCounter(t *testing.T, answer func(n int) codes.Code) (*attemptCounter, *grpc.ClientConn) {
	t.Helper()
	c := &attemptCounter{attempts: make(map[string]int)}
	c.setAnswer(answer)
	srv := grpc.NewServer(grpc.UnknownServiceHandler(func(_ any, stream grpc.ServerStream) error {
		method, _ := grpc.MethodFromServerStream(stream)
		if err := stream.RecvMsg(&emptypb.Empty{}); err != nil && err != io.EOF {
			return err
		}
		c.mu.Lock()
		c.attempts[method]++
		n := c.attempts[method]
		c.mu.Unlock()
		if code := (*c.answer.Load())(n); code != codes.OK {
			return status.Error(code, "not now")
		}
		return stream.SendMsg(&emptypb.Empty{})
	}))
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(lis) }()
	t.Cleanup(func() {
		srv.Stop()
		require.NoError(t, <-served)
	})
	conn, err := grpcclient.Dial(lis.Addr().String(), grpcclient.Options{Telemetry: quietTelemetry()})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, conn.Close()) })
	return c, conn
}

func TestRetryPolicy(t *testing.T) {
	t.Parallel()
	const (
		getThing    = "/" + thingService + "/GetThing"
		peekThing   = "/" + thingService + "/PeekThing"
		listThings  = "/" + thingService + "/ListThings"
		createThing = "/" + thingService + "/CreateThing"
		renameThing = "/" + thingService + "/RenameThing"
		emptyCall   = "/grpc.testing.TestService/EmptyCall"
	)
	thing := func(t *testing.T) proto.Message { return message(t, "Thing", map[string]string{"name": "things/a"}) }
	tests := []struct {
		name         string
		method       string
		req          func(t *testing.T) proto.Message
		answer       func(n int) codes.Code
		wantCode     codes.Code
		wantAttempts int
	}{
		{name: "read: GET rule", method: getThing, req: thing, answer: always(codes.Unavailable), wantCode: codes.Unavailable, wantAttempts: 4},
		{name: "read: no side effects", method: peekThing, req: thing, answer: always(codes.Unavailable), wantCode: codes.Unavailable, wantAttempts: 4},
		{name: "read: List method", method: listThings, req: thing, answer: always(codes.Unavailable), wantCode: codes.Unavailable, wantAttempts: 4},
		{
			name: "read: recovers", method: getThing, req: thing, wantCode: codes.OK, wantAttempts: 3,
			answer: func(n int) codes.Code {
				if n <= 2 {
					return codes.Unavailable
				}
				return codes.OK
			},
		},
		{name: "read: other codes are not retried", method: getThing, req: thing, answer: always(codes.FailedPrecondition), wantCode: codes.FailedPrecondition, wantAttempts: 1},
		{
			name: "write with a request id", method: createThing, answer: always(codes.Unavailable), wantCode: codes.Unavailable, wantAttempts: 4,
			req: func(t *testing.T) proto.Message {
				return message(t, "CreateThingRequest", map[string]string{"name": "a", "request_id": "0b8c5a43-5b1e-4bb8-9d8f-2f3d0c1f6a10"})
			},
		},
		{
			name: "write with an empty request id", method: createThing, answer: always(codes.Unavailable), wantCode: codes.Unavailable, wantAttempts: 1,
			req: func(t *testing.T) proto.Message {
				return message(t, "CreateThingRequest", map[string]string{"name": "a"})
			},
		},
		{name: "write that takes no request id", method: renameThing, req: thing, answer: always(codes.Unavailable), wantCode: codes.Unavailable, wantAttempts: 1},
		{
			name: "method without HTTP rule or read name", method: emptyCall, answer: always(codes.Unavailable), wantCode: codes.Unavailable, wantAttempts: 1,
			req: func(*testing.T) proto.Message { return &emptypb.Empty{} },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, conn := startCounter(t, tt.answer)
			err := conn.Invoke(t.Context(), tt.method, tt.req(t), &emptypb.Empty{})
			require.Equal(t, tt.wantCode, status.Code(err), "error: %v", err)
			require.Equal(t, tt.wantAttempts, c.count(tt.method))
		})
	}
}

func TestRetryPolicyStreams(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		method       string
		wantAttempts int
	}{
		{name: "streaming read", method: "/" + thingService + "/ListThings", wantAttempts: 4},
		{name: "streaming write", method: "/grpc.testing.TestService/StreamingOutputCall", wantAttempts: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, conn := startCounter(t, always(codes.Unavailable))
			stream, err := conn.NewStream(t.Context(), &grpc.StreamDesc{ServerStreams: true}, tt.method)
			require.NoError(t, err)
			require.NoError(t, stream.SendMsg(message(t, "Thing", map[string]string{"name": "things/a"})))
			require.NoError(t, stream.CloseSend())
			err = stream.RecvMsg(&emptypb.Empty{})
			require.Equal(t, codes.Unavailable, status.Code(err), "error: %v", err)
			require.Equal(t, tt.wantAttempts, c.count(tt.method))
		})
	}
}

// TestRetryThrottling follows the retry budget of one connection (10
// tokens, a failed attempt costs 1, a success earns 0.1, no retry once 5 or
// fewer are left) through a burst of failures and the recovery after it.
func TestRetryThrottling(t *testing.T) {
	t.Parallel()
	const getThing = "/" + thingService + "/GetThing"
	const createThing = "/" + thingService + "/CreateThing"
	c, conn := startCounter(t, always(codes.Unavailable))
	get := func() error {
		return conn.Invoke(t.Context(), getThing, message(t, "Thing", map[string]string{"name": "things/a"}), &emptypb.Empty{})
	}

	// 10 → 6 tokens: the first failing call has all its attempts.
	require.Equal(t, codes.Unavailable, status.Code(get()))
	require.Equal(t, 4, c.count(getThing))
	// 6 → 5, 5 → 4: the budget is spent, calls fail at their first attempt.
	for i := range 2 {
		require.Equal(t, codes.Unavailable, status.Code(get()))
		require.Equal(t, 5+i, c.count(getThing))
	}
	// The budget is the connection's, not the method's: 4 → 3.
	create := message(t, "CreateThingRequest", map[string]string{"request_id": "3e0f2a58-58e1-4c7f-8f5e-7c5b7d2f9a01"})
	require.Equal(t, codes.Unavailable, status.Code(conn.Invoke(t.Context(), createThing, create, &emptypb.Empty{})))
	require.Equal(t, 1, c.count(createThing))

	// 40 successful calls earn back 4 tokens (3 → 7): a failing call may
	// be retried once more (7 → 6 → 5).
	c.setAnswer(always(codes.OK))
	for range 40 {
		require.NoError(t, get())
	}
	c.setAnswer(always(codes.Unavailable))
	before := c.count(getThing)
	require.Equal(t, codes.Unavailable, status.Code(get()))
	require.Equal(t, 2, c.count(getThing)-before)
}
