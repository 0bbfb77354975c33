package grpcserver_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"buf.build/gen/go/bufbuild/protovalidate/protocolbuffers/go/buf/validate"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"
	_ "google.golang.org/protobuf/types/known/fieldmaskpb" // registers google/protobuf/field_mask.proto

	"github.com/tdkt-vn/tdkt/platform/grpcserver"
)

const thingService = "tdkt.servertest.v1.ThingService"

// thingFile builds, without protoc, the equivalent of
//
//	message Thing { string name = 1; string etag = 2 [(buf.validate.field).string.max_len = 64]; }
//	message UpdateThingRequest { Thing thing = 1; google.protobuf.FieldMask update_mask = 2; }
//	message ArchiveThingRequest { string name = 1; string etag = 2; }
//	message CreateThingRequest { Thing thing = 1; string request_id = 2; }
func thingFile(t *testing.T) protoreflect.FileDescriptor {
	t.Helper()
	maxLen := &descriptorpb.FieldOptions{}
	proto.SetExtension(maxLen, validate.E_Field, validate.FieldRules_builder{
		String: validate.StringRules_builder{MaxLen: proto.Uint64(64)}.Build(),
	}.Build())
	field := func(name string, n int32, typ descriptorpb.FieldDescriptorProto_Type, msg string, o *descriptorpb.FieldOptions) *descriptorpb.FieldDescriptorProto {
		f := &descriptorpb.FieldDescriptorProto{
			Name: proto.String(name), Number: proto.Int32(n), Type: typ.Enum(),
			Label: descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum(), Options: o,
		}
		if msg != "" {
			f.TypeName = proto.String(msg)
		}
		return f
	}
	const (
		str = descriptorpb.FieldDescriptorProto_TYPE_STRING
		msg = descriptorpb.FieldDescriptorProto_TYPE_MESSAGE
	)
	fdp := &descriptorpb.FileDescriptorProto{
		Name:       proto.String("tdkt/servertest/v1/thing.proto"),
		Package:    proto.String("tdkt.servertest.v1"),
		Syntax:     proto.String("proto3"),
		Dependency: []string{"buf/validate/validate.proto", "google/protobuf/field_mask.proto"},
		MessageType: []*descriptorpb.DescriptorProto{
			{Name: proto.String("Thing"), Field: []*descriptorpb.FieldDescriptorProto{
				field("name", 1, str, "", nil), field("etag", 2, str, "", maxLen),
			}},
			{Name: proto.String("UpdateThingRequest"), Field: []*descriptorpb.FieldDescriptorProto{
				field("thing", 1, msg, ".tdkt.servertest.v1.Thing", nil),
				field("update_mask", 2, msg, ".google.protobuf.FieldMask", nil),
			}},
			{Name: proto.String("ArchiveThingRequest"), Field: []*descriptorpb.FieldDescriptorProto{
				field("name", 1, str, "", nil), field("etag", 2, str, "", nil),
			}},
			{Name: proto.String("CreateThingRequest"), Field: []*descriptorpb.FieldDescriptorProto{
				field("thing", 1, msg, ".tdkt.servertest.v1.Thing", nil), field("request_id", 2, str, "", nil),
			}},
		},
	}
	fd, err := protodesc.NewFile(fdp, protoregistry.GlobalFiles)
	require.NoError(t, err)
	return fd
}

// thingServiceDesc describes a service whose unary methods (named after
// their request types, "UpdateThing") and server-streaming Watch
// (ArchiveThingRequest) answer with the request as the handler received
// it, and whose client-streaming Import (CreateThingRequest) answers with
// its last request.
func thingServiceDesc(fd protoreflect.FileDescriptor) *grpc.ServiceDesc {
	sd := &grpc.ServiceDesc{ServiceName: thingService, HandlerType: (*any)(nil)}
	for _, name := range []string{"UpdateThing", "ArchiveThing", "CreateThing"} {
		md := fd.Messages().ByName(protoreflect.Name(name + "Request"))
		sd.Methods = append(sd.Methods, grpc.MethodDesc{
			MethodName: name,
			Handler: func(srv any, ctx context.Context, dec func(any) error, interceptor grpc.UnaryServerInterceptor) (any, error) {
				in := dynamicpb.NewMessage(md)
				if err := dec(in); err != nil {
					return nil, err
				}
				echo := func(_ context.Context, req any) (any, error) { return req, nil }
				return interceptor(ctx, in, &grpc.UnaryServerInfo{Server: srv, FullMethod: "/" + thingService + "/" + name}, echo)
			},
		})
	}
	archive := fd.Messages().ByName("ArchiveThingRequest")
	create := fd.Messages().ByName("CreateThingRequest")
	sd.Streams = []grpc.StreamDesc{
		{
			StreamName: "Watch", ServerStreams: true,
			Handler: func(_ any, stream grpc.ServerStream) error {
				in := dynamicpb.NewMessage(archive)
				if err := stream.RecvMsg(in); err != nil {
					return err
				}
				return stream.SendMsg(in)
			},
		},
		{
			StreamName: "Import", ClientStreams: true,
			Handler: func(_ any, stream grpc.ServerStream) error {
				last := dynamicpb.NewMessage(create)
				for {
					in := dynamicpb.NewMessage(create)
					err := stream.RecvMsg(in)
					if errors.Is(err, io.EOF) {
						return stream.SendMsg(last)
					}
					if err != nil {
						return err
					}
					last = in
				}
			},
		},
	}
	return sd
}

// thingClient calls the thing service over h's connection.
type thingClient struct {
	h  *harness
	fd protoreflect.FileDescriptor
}

func startThings(t *testing.T) thingClient {
	t.Helper()
	fd := thingFile(t)
	h := start(t, grpcserver.Options{}, func(s *grpc.Server) { s.RegisterService(thingServiceDesc(fd), nil) })
	return thingClient{h: h, fd: fd}
}

// update sends UpdateThingRequest{thing: {name, etag: bodyEtag}} with the
// If-Match values and returns the etag the handler saw.
func (c thingClient) update(t *testing.T, bodyEtag string, ifMatch ...string) (string, error) {
	t.Helper()
	md := c.fd.Messages().ByName("UpdateThingRequest")
	thing := c.fd.Messages().ByName("Thing")
	req := dynamicpb.NewMessage(md)
	th := req.Mutable(md.Fields().ByName("thing")).Message()
	th.Set(thing.Fields().ByName("name"), protoreflect.ValueOfString("things/a"))
	if bodyEtag != "" {
		th.Set(thing.Fields().ByName("etag"), protoreflect.ValueOfString(bodyEtag))
	}
	resp := dynamicpb.NewMessage(md)
	if err := c.h.conn.Invoke(withIfMatch(t.Context(), ifMatch), "/"+thingService+"/UpdateThing", req, resp); err != nil {
		return "", err
	}
	got := resp.Get(md.Fields().ByName("thing")).Message()
	return got.Get(thing.Fields().ByName("etag")).String(), nil
}

// archive sends ArchiveThingRequest{name, etag: bodyEtag} and returns the
// etag the handler saw.
func (c thingClient) archive(t *testing.T, bodyEtag string, ifMatch ...string) (string, error) {
	t.Helper()
	md := c.fd.Messages().ByName("ArchiveThingRequest")
	req := dynamicpb.NewMessage(md)
	req.Set(md.Fields().ByName("name"), protoreflect.ValueOfString("things/a"))
	if bodyEtag != "" {
		req.Set(md.Fields().ByName("etag"), protoreflect.ValueOfString(bodyEtag))
	}
	resp := dynamicpb.NewMessage(md)
	if err := c.h.conn.Invoke(withIfMatch(t.Context(), ifMatch), "/"+thingService+"/ArchiveThing", req, resp); err != nil {
		return "", err
	}
	return resp.Get(md.Fields().ByName("etag")).String(), nil
}

func withIfMatch(ctx context.Context, values []string) context.Context {
	for _, v := range values {
		ctx = metadata.AppendToOutgoingContext(ctx, "if-match", v)
	}
	return ctx
}

func TestIfMatch(t *testing.T) {
	t.Parallel()
	c := startThings(t)
	tests := []struct {
		name      string
		call      func(t *testing.T, bodyEtag string, ifMatch ...string) (string, error)
		body      string
		ifMatch   []string
		want      string // etag the handler sees
		wantField string // field named by an InvalidArgument instead
	}{
		{name: "no header: body kept", call: c.update, body: `"9"`, want: `"9"`},
		{name: "no header, no etag", call: c.update},
		{name: "header fills the resource etag", call: c.update, ifMatch: []string{`"3"`}, want: `"3"`},
		{name: "header and body agree", call: c.update, body: `"3"`, ifMatch: []string{`"3"`}, want: `"3"`},
		{name: "header and body differ", call: c.update, body: `"3"`, ifMatch: []string{`"4"`}, wantField: "thing.etag"},
		{name: "star is no etag", call: c.update, ifMatch: []string{"*"}, want: ""},
		{name: "star keeps the body's etag", call: c.update, body: `"9"`, ifMatch: []string{" * "}, want: `"9"`},
		{name: "weak tag passed on, to be refused as stale", call: c.update, ifMatch: []string{`W/"3"`}, want: `W/"3"`},
		{name: "surrounding spaces", call: c.update, ifMatch: []string{` "3" `}, want: `"3"`},
		{name: "two tags in one header", call: c.update, ifMatch: []string{`"3", "4"`}, wantField: "If-Match"},
		{name: "two headers", call: c.update, ifMatch: []string{`"3"`, `"4"`}, wantField: "If-Match"},
		{name: "star and a tag", call: c.update, ifMatch: []string{`*, "4"`}, wantField: "If-Match"},
		{name: "unquoted", call: c.update, ifMatch: []string{`3`}, wantField: "If-Match"},
		{name: "unterminated", call: c.update, ifMatch: []string{`"3`}, wantField: "If-Match"},
		{name: "junk after the tag", call: c.update, ifMatch: []string{`"3"x`}, wantField: "If-Match"},
		{name: "empty", call: c.update, ifMatch: []string{""}, wantField: "If-Match"},
		{name: "validated like the body", call: c.update, ifMatch: []string{`"` + strings.Repeat("a", 70) + `"`}, wantField: "thing.etag"},
		{name: "top-level etag filled", call: c.archive, ifMatch: []string{`"5"`}, want: `"5"`},
		{name: "top-level etag differs", call: c.archive, body: `"5"`, ifMatch: []string{`"6"`}, wantField: "etag"},
		{name: "top-level etag agrees", call: c.archive, body: `"5"`, ifMatch: []string{`"5"`}, want: `"5"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := tt.call(t, tt.body, tt.ifMatch...)
			if tt.wantField != "" {
				requireFieldViolation(t, err, tt.wantField)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestIfMatchOnMethodWithoutEtag(t *testing.T) {
	t.Parallel()
	c := startThings(t)
	md := c.fd.Messages().ByName("CreateThingRequest")
	ctx := withIfMatch(t.Context(), []string{`"3"`})

	// The resource has an etag, but a create is no update: nothing to match.
	err := c.h.conn.Invoke(ctx, "/"+thingService+"/CreateThing", dynamicpb.NewMessage(md), dynamicpb.NewMessage(md))
	requireFieldViolation(t, err, "If-Match")
	require.NoError(t, c.h.conn.Invoke(t.Context(), "/"+thingService+"/CreateThing", dynamicpb.NewMessage(md), dynamicpb.NewMessage(md)))

	// A client stream neither.
	stream, err := c.h.conn.NewStream(ctx, &grpc.StreamDesc{ClientStreams: true}, "/"+thingService+"/Import")
	require.NoError(t, err)
	require.NoError(t, stream.CloseSend())
	requireFieldViolation(t, stream.RecvMsg(dynamicpb.NewMessage(md)), "If-Match")
}

func TestIfMatchServerStream(t *testing.T) {
	t.Parallel()
	c := startThings(t)
	md := c.fd.Messages().ByName("ArchiveThingRequest")
	watch := func(ifMatch, body string) (string, error) {
		stream, err := c.h.conn.NewStream(withIfMatch(t.Context(), []string{ifMatch}), &grpc.StreamDesc{ServerStreams: true}, "/"+thingService+"/Watch")
		require.NoError(t, err)
		req := dynamicpb.NewMessage(md)
		req.Set(md.Fields().ByName("etag"), protoreflect.ValueOfString(body))
		require.NoError(t, stream.SendMsg(req))
		require.NoError(t, stream.CloseSend())
		resp := dynamicpb.NewMessage(md)
		if err := stream.RecvMsg(resp); err != nil {
			return "", err
		}
		return resp.Get(md.Fields().ByName("etag")).String(), nil
	}

	got, err := watch(`"7"`, "")
	require.NoError(t, err)
	require.Equal(t, `"7"`, got)
	_, err = watch(`"7"`, `"8"`)
	requireFieldViolation(t, err, "etag")
}

func TestRequestIDLoggedAndTraced(t *testing.T) {
	t.Parallel()
	c := startThings(t)
	md := c.fd.Messages().ByName("CreateThingRequest")
	create := func(requestID string) {
		ctx := metadata.AppendToOutgoingContext(t.Context(), "x-request-id", requestID)
		require.NoError(t, c.h.conn.Invoke(ctx, "/"+thingService+"/CreateThing", dynamicpb.NewMessage(md), dynamicpb.NewMessage(md)))
	}
	create("req-1")
	create("bad id with spaces")
	create(strings.Repeat("x", 129))

	calls := c.h.logs.records(t, "gRPC call")
	require.Len(t, calls, 3)
	require.Equal(t, "req-1", calls[0]["request_id"])
	require.NotContains(t, calls[1], "request_id")
	require.NotContains(t, calls[2], "request_id")

	require.EventuallyWithT(t, func(ct *assert.CollectT) {
		spans := c.h.spans.Ended()
		require.Len(ct, spans, 3)
		var ids []any
		for _, s := range spans {
			for _, a := range s.Attributes() {
				if a.Key == "rpc.request.metadata.x-request-id" {
					ids = append(ids, a.Value.AsStringSlice())
				}
			}
		}
		require.Equal(ct, []any{[]string{"req-1"}}, ids)
	}, 5*time.Second, 10*time.Millisecond)
}
