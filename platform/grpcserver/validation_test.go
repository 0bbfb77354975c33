package grpcserver_test

import (
	"context"
	"errors"
	"io"
	"sync/atomic"
	"testing"

	"buf.build/gen/go/bufbuild/protovalidate/protocolbuffers/go/buf/validate"
	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/tdkt-vn/tdkt/platform/grpcserver"
)

const checkService = "tdkt.servertest.v1.CheckService"

// checkRequestDescriptor builds, without protoc, the equivalent of
//
//	message CheckRequest { string display_name = 1 [(buf.validate.field).string.min_len = 1]; }
func checkRequestDescriptor(t *testing.T) protoreflect.MessageDescriptor {
	t.Helper()
	opts := &descriptorpb.FieldOptions{}
	proto.SetExtension(opts, validate.E_Field, validate.FieldRules_builder{
		String: validate.StringRules_builder{MinLen: proto.Uint64(1)}.Build(),
	}.Build())
	fdp := &descriptorpb.FileDescriptorProto{
		Name:       proto.String("tdkt/servertest/v1/check.proto"),
		Package:    proto.String("tdkt.servertest.v1"),
		Syntax:     proto.String("proto3"),
		Dependency: []string{"buf/validate/validate.proto"},
		MessageType: []*descriptorpb.DescriptorProto{{
			Name: proto.String("CheckRequest"),
			Field: []*descriptorpb.FieldDescriptorProto{{
				Name:     proto.String("display_name"),
				JsonName: proto.String("displayName"),
				Number:   proto.Int32(1),
				Type:     descriptorpb.FieldDescriptorProto_TYPE_STRING.Enum(),
				Label:    descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum(),
				Options:  opts,
			}},
		}},
	}
	fd, err := protodesc.NewFile(fdp, protoregistry.GlobalFiles)
	require.NoError(t, err)
	return fd.Messages().ByName("CheckRequest")
}

func checkRequest(md protoreflect.MessageDescriptor, displayName string) *dynamicpb.Message {
	m := dynamicpb.NewMessage(md)
	m.Set(md.Fields().ByName("display_name"), protoreflect.ValueOfString(displayName))
	return m
}

// checkServiceDesc describes, by hand, a service with a unary Check and a
// client-streaming Upload, both taking and returning CheckRequest.
// uploaded counts the messages Upload's handler received.
func checkServiceDesc(md protoreflect.MessageDescriptor, uploaded *atomic.Int32) *grpc.ServiceDesc {
	return &grpc.ServiceDesc{
		ServiceName: checkService,
		HandlerType: (*any)(nil),
		Methods: []grpc.MethodDesc{{
			MethodName: "Check",
			Handler: func(srv any, ctx context.Context, dec func(any) error, interceptor grpc.UnaryServerInterceptor) (any, error) {
				in := dynamicpb.NewMessage(md)
				if err := dec(in); err != nil {
					return nil, err
				}
				echo := func(_ context.Context, req any) (any, error) { return req, nil }
				if interceptor == nil {
					return echo(ctx, in)
				}
				return interceptor(ctx, in, &grpc.UnaryServerInfo{Server: srv, FullMethod: "/" + checkService + "/Check"}, echo)
			},
		}},
		Streams: []grpc.StreamDesc{{
			StreamName:    "Upload",
			ClientStreams: true,
			Handler: func(_ any, stream grpc.ServerStream) error {
				for {
					in := dynamicpb.NewMessage(md)
					err := stream.RecvMsg(in)
					if errors.Is(err, io.EOF) {
						return stream.SendMsg(checkRequest(md, "done"))
					}
					if err != nil {
						return err
					}
					uploaded.Add(1)
				}
			},
		}},
	}
}

// requireFieldViolation checks that err is InvalidArgument naming field.
func requireFieldViolation(t *testing.T, err error, field string) {
	t.Helper()
	st := status.Convert(err)
	require.Equal(t, codes.InvalidArgument, st.Code(), "error: %v", err)
	var fields []string
	for _, d := range st.Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			for _, v := range br.GetFieldViolations() {
				fields = append(fields, v.GetField())
				require.NotEmpty(t, v.GetDescription())
			}
		}
	}
	require.Equal(t, []string{field}, fields)
}

func TestValidation(t *testing.T) {
	t.Parallel()
	md := checkRequestDescriptor(t)
	var uploaded atomic.Int32
	h := start(t, grpcserver.Options{}, func(s *grpc.Server) {
		s.RegisterService(checkServiceDesc(md, &uploaded), struct{}{})
	})

	t.Run("unary valid", func(t *testing.T) {
		resp := dynamicpb.NewMessage(md)
		require.NoError(t, h.conn.Invoke(t.Context(), "/"+checkService+"/Check", checkRequest(md, "Khối thi đua"), resp))
		require.Equal(t, "Khối thi đua", resp.Get(md.Fields().ByName("display_name")).String())
	})

	t.Run("unary invalid", func(t *testing.T) {
		err := h.conn.Invoke(t.Context(), "/"+checkService+"/Check", checkRequest(md, ""), dynamicpb.NewMessage(md))
		requireFieldViolation(t, err, "displayName")
	})

	t.Run("client stream validates every message", func(t *testing.T) {
		stream, err := h.conn.NewStream(t.Context(), &grpc.StreamDesc{ClientStreams: true}, "/"+checkService+"/Upload")
		require.NoError(t, err)
		// SendMsg errors are reported by RecvMsg, which gives the status.
		_ = stream.SendMsg(checkRequest(md, "first"))
		_ = stream.SendMsg(checkRequest(md, ""))
		_ = stream.CloseSend()
		err = stream.RecvMsg(dynamicpb.NewMessage(md))
		requireFieldViolation(t, err, "displayName")
		require.Equal(t, int32(1), uploaded.Load(), "the valid message reached the handler, the invalid one did not")
	})

	require.Empty(t, h.logs.records(t, "gRPC call failed"), "invalid input is not a server error")
}
