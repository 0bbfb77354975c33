package idempotency_test

import (
	"crypto/sha256"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/tdkt-vn/tdkt/platform/idempotency"
	"github.com/tdkt-vn/tdkt/platform/sqlstore"
)

// request is a message type { string name = 1; string request_id = 2;
// repeated string tags = 3; Request parent = 4; }.
func requestType(t *testing.T) protoreflect.MessageDescriptor {
	t.Helper()
	str := descriptorpb.FieldDescriptorProto_TYPE_STRING.Enum()
	opt := descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum()
	fd, err := protodesc.NewFile(&descriptorpb.FileDescriptorProto{
		Name:    proto.String("test.proto"),
		Package: proto.String("test"),
		Syntax:  proto.String("proto3"),
		MessageType: []*descriptorpb.DescriptorProto{{
			Name: proto.String("Request"),
			Field: []*descriptorpb.FieldDescriptorProto{
				{Name: proto.String("name"), Number: proto.Int32(1), Type: str, Label: opt, JsonName: proto.String("name")},
				{Name: proto.String("request_id"), Number: proto.Int32(2), Type: str, Label: opt, JsonName: proto.String("requestId")},
				{Name: proto.String("tags"), Number: proto.Int32(3), Type: str, Label: descriptorpb.FieldDescriptorProto_LABEL_REPEATED.Enum(),
					JsonName: proto.String("tags")},
				{Name: proto.String("parent"), Number: proto.Int32(4), Type: descriptorpb.FieldDescriptorProto_TYPE_MESSAGE.Enum(),
					TypeName: proto.String(".test.Request"), Label: opt, JsonName: proto.String("parent")},
			},
		}},
	}, nil)
	require.NoError(t, err)
	return fd.Messages().Get(0)
}

func newRequest(md protoreflect.MessageDescriptor, name, requestID string) proto.Message {
	m := dynamicpb.NewMessage(md)
	m.Set(md.Fields().ByName("name"), protoreflect.ValueOfString(name))
	m.Set(md.Fields().ByName("request_id"), protoreflect.ValueOfString(requestID))
	return m
}

func TestFingerprint(t *testing.T) {
	md := requestType(t)
	id, a, err := idempotency.Fingerprint(newRequest(md, "x", "r1"))
	require.NoError(t, err)
	require.Equal(t, "r1", id)
	_, b, err := idempotency.Fingerprint(newRequest(md, "x", "r2"))
	require.NoError(t, err)
	require.Equal(t, a, b, "the request id is not part of the fingerprint")
	_, c, err := idempotency.Fingerprint(newRequest(md, "y", "r1"))
	require.NoError(t, err)
	require.NotEqual(t, a, c)

	id, _, err = idempotency.Fingerprint(wrapperspb.String("no request id"))
	require.NoError(t, err)
	require.Empty(t, id)

	// The fingerprint is the SHA-256 of the message's full name, a NUL and
	// the deterministic encoding of the request without its request id: the
	// definition request ids already saved were fingerprinted with.
	req := newRequest(md, "x", "r1")
	list := req.ProtoReflect().Mutable(md.Fields().ByName("tags")).List()
	list.Append(protoreflect.ValueOfString("một"))
	list.Append(protoreflect.ValueOfString("hai"))
	req.ProtoReflect().Set(md.Fields().ByName("parent"), protoreflect.ValueOfMessage(newRequest(md, "cha", "r0").ProtoReflect()))
	before := proto.Clone(req)
	_, got, err := idempotency.Fingerprint(req)
	require.NoError(t, err)
	require.True(t, proto.Equal(before, req), "the request is left as it was")
	bare := proto.Clone(req)
	bare.ProtoReflect().Clear(md.Fields().ByName("request_id"))
	raw, err := proto.MarshalOptions{Deterministic: true}.Marshal(bare)
	require.NoError(t, err)
	want := sha256.Sum256(append([]byte("test.Request\x00"), raw...))
	require.Equal(t, want[:], got)
}

func TestRun(t *testing.T) {
	ctx := t.Context()
	db, err := sqlstore.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "t.db"), nil, nil)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	md := requestType(t)
	runs := 0
	mutation := func(*sqlstore.Tx) (proto.Message, error) {
		runs++
		return wrapperspb.Int64(int64(runs)), nil
	}
	for range 2 {
		resp := new(wrapperspb.Int64Value)
		require.NoError(t, idempotency.Mutate(ctx, db.Do, newRequest(md, "x", "r1"), resp, mutation))
		require.EqualValues(t, 1, resp.GetValue(), "a retry gets the first response")
	}
	require.Equal(t, 1, runs)
	err = idempotency.Mutate(ctx, db.Do, newRequest(md, "other", "r1"), new(wrapperspb.Int64Value), mutation)
	require.ErrorIs(t, err, sqlstore.ErrRequestReused)

	resp := new(wrapperspb.Int64Value)
	require.NoError(t, idempotency.Mutate(ctx, db.Do, newRequest(md, "x", ""), resp, mutation))
	require.EqualValues(t, 2, resp.GetValue(), "no request id: the mutation runs")

	require.Equal(t, "units/a", idempotency.ResourceName(newRequest(md, "units/a", "")))
	require.Empty(t, idempotency.ResourceName(wrapperspb.String("x")))
}

// A request id is a UUID, whose hex digits are case insensitive: the same
// id in upper case is a retry of the same request, and reusing it for
// another request is refused as reusing the lower-case one is.
func TestRequestIDCase(t *testing.T) {
	ctx := t.Context()
	db, err := sqlstore.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "t.db"), nil, nil)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	md := requestType(t)
	const lower = "0b6f1e2c-4d6a-4f1b-9a53-2c1d7e9f0a11"
	upper := strings.ToUpper(lower)

	id, _, err := idempotency.Fingerprint(newRequest(md, "x", upper))
	require.NoError(t, err)
	require.Equal(t, lower, id)

	runs := 0
	mutation := func(*sqlstore.Tx) (proto.Message, error) {
		runs++
		return wrapperspb.Int64(int64(runs)), nil
	}
	for _, rid := range []string{lower, upper, "0B6F1E2C-4d6a-4f1b-9A53-2c1d7e9f0a11"} {
		resp := new(wrapperspb.Int64Value)
		require.NoError(t, idempotency.Mutate(ctx, db.Do, newRequest(md, "x", rid), resp, mutation), rid)
		require.EqualValues(t, 1, resp.GetValue(), "%s is a retry of the first request", rid)
	}
	require.Equal(t, 1, runs)
	err = idempotency.Mutate(ctx, db.Do, newRequest(md, "other", upper), new(wrapperspb.Int64Value), mutation)
	require.ErrorIs(t, err, sqlstore.ErrRequestReused)
}
