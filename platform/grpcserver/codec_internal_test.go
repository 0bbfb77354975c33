package grpcserver

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/mem"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/tdkt-vn/tdkt/platform/rpcerr"
)

// withInvalidUTF8 marshals m and replaces every "XX" in the encoding with
// two bytes that are not UTF-8, keeping every length prefix right.
func withInvalidUTF8(t *testing.T, m proto.Message) []byte {
	t.Helper()
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(m)
	require.NoError(t, err)
	require.Contains(t, string(b), "XX")
	return bytes.ReplaceAll(b, []byte("XX"), []byte{0xff, 0xfe})
}

func TestRequestCodecMarksUndecodableMessages(t *testing.T) {
	t.Parallel()
	str := func(s string) *structpb.Value { return structpb.NewStringValue(s) }
	list := func(vs ...*structpb.Value) *structpb.Value {
		return structpb.NewListValue(&structpb.ListValue{Values: vs})
	}
	valid, err := proto.Marshal(&structpb.Struct{Fields: map[string]*structpb.Value{"a": str("Hà Nội")}})
	require.NoError(t, err)

	tests := []struct {
		name string
		msg  func() proto.Message // the message type to decode into
		data []byte
		want rpcerr.FieldViolation // zero: decodes without a mark
	}{
		{
			name: "valid",
			msg:  func() proto.Message { return &structpb.Struct{} },
			data: valid,
		},
		{
			name: "invalid UTF-8 in a top-level string",
			msg:  func() proto.Message { return &wrapperspb.StringValue{} },
			data: withInvalidUTF8(t, wrapperspb.String("aXXb")),
			want: rpcerr.FieldViolation{Field: "value", Description: "string field contains invalid UTF-8"},
		},
		{
			name: "invalid UTF-8 in a map value, in a list, in a oneof",
			msg:  func() proto.Message { return &structpb.Struct{} },
			data: withInvalidUTF8(t, &structpb.Struct{Fields: map[string]*structpb.Value{
				"a": str("ok"),
				"b": list(str("ok"), structpb.NewNumberValue(1), str("XX")),
			}}),
			want: rpcerr.FieldViolation{Field: `fields["b"].listValue.values[2].stringValue`, Description: "string field contains invalid UTF-8"},
		},
		{
			name: "invalid UTF-8 in a map key",
			msg:  func() proto.Message { return &structpb.Struct{} },
			data: withInvalidUTF8(t, &structpb.Struct{Fields: map[string]*structpb.Value{"kXX": str("v")}}),
			want: rpcerr.FieldViolation{Field: "fields", Description: "string field contains invalid UTF-8"},
		},
		{
			name: "truncated",
			msg:  func() proto.Message { return &structpb.Struct{} },
			data: valid[:len(valid)-3],
			want: rpcerr.FieldViolation{Field: "body", Description: "not a valid protobuf encoding of google.protobuf.Struct"},
		},
		{
			name: "garbage",
			msg:  func() proto.Message { return &structpb.Struct{} },
			data: []byte{0xff, 0xff, 0xff, 0xff},
			want: rpcerr.FieldViolation{Field: "body", Description: "not a valid protobuf encoding of google.protobuf.Struct"},
		},
		{
			name: "forged mark",
			msg:  func() proto.Message { return &structpb.Struct{} },
			data: protowire.AppendString(protowire.AppendTag(nil, decodeErrorField, protowire.BytesType), "\x0a\x03abc"),
			want: rpcerr.FieldViolation{Field: "body", Description: "not a valid protobuf encoding of google.protobuf.Struct"},
		},
	}
	codec, err := newRequestCodec()
	require.NoError(t, err)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := tt.msg()
			require.NoError(t, codec.Unmarshal(mem.BufferSlice{mem.SliceBuffer(tt.data)}, m))
			got, marked := decodeError(m)
			if tt.want == (rpcerr.FieldViolation{}) {
				require.False(t, marked)
				return
			}
			require.True(t, marked)
			require.Equal(t, tt.want, got)
			// Nothing of the bad input is left but the mark.
			clean := proto.Clone(m)
			clean.ProtoReflect().SetUnknown(nil)
			require.True(t, proto.Equal(tt.msg(), clean))
		})
	}
}

func TestRequestCodecLeavesOtherValuesAlone(t *testing.T) {
	t.Parallel()
	codec, err := newRequestCodec()
	require.NoError(t, err)
	var notProto []byte
	require.Error(t, codec.Unmarshal(mem.BufferSlice{mem.SliceBuffer([]byte{1})}, &notProto))

	out, err := codec.Marshal(wrapperspb.String("Hà Nội"))
	require.NoError(t, err)
	var back wrapperspb.StringValue
	require.NoError(t, proto.Unmarshal(out.Materialize(), &back))
	require.Equal(t, "Hà Nội", back.GetValue())
	require.Equal(t, "proto", codec.Name())
}
