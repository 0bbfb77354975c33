package grpcserver_test

import (
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/mem"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	"github.com/tdkt-vn/tdkt/platform/grpcserver"
)

// rawCodec sends []byte as the message as it is and receives into *[]byte,
// so a test can put any bytes on the wire.
type rawCodec struct{}

func (rawCodec) Marshal(v any) (mem.BufferSlice, error) {
	b, ok := v.([]byte)
	if !ok {
		return nil, fmt.Errorf("rawCodec: cannot send %T", v)
	}
	return mem.BufferSlice{mem.SliceBuffer(b)}, nil
}

func (rawCodec) Unmarshal(data mem.BufferSlice, v any) error {
	p, ok := v.(*[]byte)
	if !ok {
		return fmt.Errorf("rawCodec: cannot receive into %T", v)
	}
	*p = data.Materialize()
	return nil
}

func (rawCodec) Name() string { return "proto" }

// requireViolation checks that err is InvalidArgument with exactly one
// field violation, on field, described as description.
func requireViolation(t *testing.T, err error, field, description string) {
	t.Helper()
	st := status.Convert(err)
	require.Equal(t, codes.InvalidArgument, st.Code(), "error: %v", err)
	var got []*errdetails.BadRequest_FieldViolation
	for _, d := range st.Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			got = append(got, br.GetFieldViolations()...)
		}
	}
	require.Len(t, got, 1)
	require.Equal(t, field, got[0].GetField())
	require.Equal(t, description, got[0].GetDescription())
}

func TestUndecodableRequestIsInvalidArgument(t *testing.T) {
	t.Parallel()
	md := checkRequestDescriptor(t)
	valid, err := proto.Marshal(checkRequest(md, "Khối thi đua"))
	require.NoError(t, err)
	const notProto = "not a valid protobuf encoding of tdkt.servertest.v1.CheckRequest"

	tests := []struct {
		name        string
		data        []byte
		field       string
		description string
	}{
		{
			name:        "invalid UTF-8 in a string field",
			data:        protowire.AppendBytes(protowire.AppendTag(nil, 1, protowire.BytesType), []byte("Kh\xf4i")),
			field:       "displayName",
			description: "string field contains invalid UTF-8",
		},
		{name: "truncated", data: valid[:len(valid)-2], field: "body", description: notProto},
		{name: "garbage", data: []byte("\xff\xff\xff\xff garbage"), field: "body", description: notProto},
		{
			name:        "the codec's reserved field number",
			data:        protowire.AppendString(protowire.AppendTag(nil, protowire.MaxValidNumber, protowire.BytesType), "\x0a\x03abc"),
			field:       "body",
			description: notProto,
		},
	}

	var uploaded atomic.Int32
	h := start(t, grpcserver.Options{}, func(s *grpc.Server) {
		s.RegisterService(checkServiceDesc(md, &uploaded), struct{}{})
	})
	raw := grpc.ForceCodecV2(rawCodec{})

	for _, tt := range tests {
		t.Run("unary "+tt.name, func(t *testing.T) {
			var resp []byte
			err := h.conn.Invoke(t.Context(), "/"+checkService+"/Check", tt.data, &resp, raw)
			requireViolation(t, err, tt.field, tt.description)
		})

		t.Run("client stream "+tt.name, func(t *testing.T) {
			before := uploaded.Load()
			stream, err := h.conn.NewStream(t.Context(), &grpc.StreamDesc{ClientStreams: true}, "/"+checkService+"/Upload", raw)
			require.NoError(t, err)
			// SendMsg errors are reported by RecvMsg, which gives the status.
			_ = stream.SendMsg(valid)
			_ = stream.SendMsg(tt.data)
			_ = stream.CloseSend()
			var resp []byte
			requireViolation(t, stream.RecvMsg(&resp), tt.field, tt.description)
			require.Equal(t, before+1, uploaded.Load(), "the valid message reached the handler, the bad one did not")
		})
	}

	t.Run("valid raw bytes still work", func(t *testing.T) {
		var resp []byte
		require.NoError(t, h.conn.Invoke(t.Context(), "/"+checkService+"/Check", valid, &resp, raw))
		require.Equal(t, valid, resp)
	})

	require.Empty(t, h.logs.records(t, "gRPC call failed"), "bad input is not a server error")
}
