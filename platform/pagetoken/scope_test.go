package pagetoken_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/tdkt-vn/tdkt/platform/pagetoken"
	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
)

// listRequests returns every message of the services' proto files that has
// a page_token field: the requests of their list methods.
func listRequests(t *testing.T) []protoreflect.MessageDescriptor {
	t.Helper()
	var out []protoreflect.MessageDescriptor
	for _, f := range []protoreflect.FileDescriptor{blocsv1.File_tdkt_blocs_v1_blocs_proto, honoursv1.File_tdkt_honours_v1_honours_proto} {
		msgs := f.Messages()
		for i := range msgs.Len() {
			if md := msgs.Get(i); md.Fields().ByName("page_token") != nil {
				out = append(out, md)
			}
		}
	}
	names := make([]protoreflect.FullName, len(out))
	for i, md := range out {
		names[i] = md.FullName()
	}
	require.Subset(t, names, []protoreflect.FullName{"tdkt.blocs.v1.ListUnitsRequest", "tdkt.honours.v1.ListHonoursRequest"})
	return out
}

// nonDefault returns a value of fd's type other than its default.
func nonDefault(t *testing.T, m protoreflect.Message, fd protoreflect.FieldDescriptor) protoreflect.Value {
	t.Helper()
	switch {
	case fd.IsList():
		l := m.NewField(fd).List()
		l.Append(scalar(t, fd))
		return protoreflect.ValueOfList(l)
	case fd.IsMap():
		mp := m.NewField(fd).Map()
		mp.Set(scalar(t, fd.MapKey()).MapKey(), scalar(t, fd.MapValue()))
		return protoreflect.ValueOfMap(mp)
	case fd.Message() != nil:
		return m.NewField(fd) // an empty message, set, differs from none
	}
	return scalar(t, fd)
}

func scalar(t *testing.T, fd protoreflect.FieldDescriptor) protoreflect.Value {
	t.Helper()
	switch fd.Kind() {
	case protoreflect.BoolKind:
		return protoreflect.ValueOfBool(true)
	case protoreflect.EnumKind:
		vs := fd.Enum().Values()
		return protoreflect.ValueOfEnum(vs.Get(vs.Len() - 1).Number())
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		return protoreflect.ValueOfInt32(2023)
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		return protoreflect.ValueOfInt64(2023)
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		return protoreflect.ValueOfUint32(2023)
	case protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		return protoreflect.ValueOfUint64(2023)
	case protoreflect.FloatKind:
		return protoreflect.ValueOfFloat32(1.5)
	case protoreflect.DoubleKind:
		return protoreflect.ValueOfFloat64(1.5)
	case protoreflect.StringKind:
		return protoreflect.ValueOfString("x")
	case protoreflect.BytesKind:
		return protoreflect.ValueOfBytes([]byte("x"))
	case protoreflect.MessageKind, protoreflect.GroupKind:
		return protoreflect.ValueOfMessage(dynamicpb.NewMessage(fd.Message()))
	}
	t.Fatalf("%s: no value for kind %s", fd.FullName(), fd.Kind())
	return protoreflect.Value{}
}

// newRequest returns an empty request of md, of its generated type.
func newRequest(t *testing.T, md protoreflect.MessageDescriptor) protoreflect.Message {
	t.Helper()
	mt, err := protoregistry.GlobalTypes.FindMessageByName(md.FullName())
	require.NoError(t, err, "%s is a generated type", md.FullName())
	return mt.New()
}

func TestScopeOfCountsEveryFieldButPaging(t *testing.T) {
	for _, md := range listRequests(t) {
		t.Run(string(md.Name()), func(t *testing.T) {
			empty := newRequest(t, md)
			base := pagetoken.ScopeOf(empty.Interface())
			seen := map[string]protoreflect.Name{base: "(none)"}
			fields := md.Fields()
			var counted int
			for i := range fields.Len() {
				fd := fields.Get(i)
				if fd.Name() == "page_token" || fd.Name() == "page_size" {
					continue
				}
				m := newRequest(t, md)
				m.Set(fd, nonDefault(t, m, fd))
				scope := pagetoken.ScopeOf(m.Interface())
				other, dup := seen[scope]
				require.False(t, dup, "setting %s gives the scope of %s", fd.Name(), other)
				seen[scope] = fd.Name()
				counted++
			}
			require.Positive(t, counted, "%s has fields besides paging", md.FullName())
		})
	}
}

func TestScopeOfIgnoresPaging(t *testing.T) {
	for _, md := range listRequests(t) {
		t.Run(string(md.Name()), func(t *testing.T) {
			fields := md.Fields()
			size, token := fields.ByName("page_size"), fields.ByName("page_token")
			require.NotNil(t, size, "%s has page_size", md.FullName())
			require.Equal(t, protoreflect.Int32Kind, size.Kind())

			// Every other field set, so that paging is the only difference.
			req := func(pageSize int32, pageToken string) proto.Message {
				m := newRequest(t, md)
				for i := range fields.Len() {
					if fd := fields.Get(i); fd != size && fd != token {
						m.Set(fd, nonDefault(t, m, fd))
					}
				}
				m.Set(size, protoreflect.ValueOfInt32(pageSize))
				m.Set(token, protoreflect.ValueOfString(pageToken))
				return m.Interface()
			}
			want := pagetoken.ScopeOf(req(0, ""))
			require.Equal(t, want, pagetoken.ScopeOf(req(1, "")))
			require.Equal(t, want, pagetoken.ScopeOf(req(1000, "some-token")))
			require.NotEqual(t, want, pagetoken.ScopeOf(newRequest(t, md).Interface()), "the other fields count")

			// ScopeOf leaves its argument alone.
			r := req(7, "tok")
			before := proto.Clone(r)
			pagetoken.ScopeOf(r)
			require.True(t, proto.Equal(before, r))
		})
	}
}

func TestScopeOfRequestType(t *testing.T) {
	// The same wire bytes (field 1, "groups/g") in two request types.
	terms := &blocsv1.ListTermsRequest{Parent: "groups/g"}
	memberships := &blocsv1.ListMembershipsRequest{Parent: "groups/g"}
	tb, err := proto.Marshal(terms)
	require.NoError(t, err)
	mb, err := proto.Marshal(memberships)
	require.NoError(t, err)
	require.Equal(t, tb, mb)
	require.NotEqual(t, pagetoken.ScopeOf(terms), pagetoken.ScopeOf(memberships))

	// Deterministic, and a dynamic message is the same request as the
	// generated one.
	require.Equal(t, pagetoken.ScopeOf(terms), pagetoken.ScopeOf(&blocsv1.ListTermsRequest{Parent: "groups/g", PageSize: 3}))
	dyn := dynamicpb.NewMessage(terms.ProtoReflect().Descriptor())
	require.NoError(t, proto.Unmarshal(tb, dyn))
	require.Equal(t, pagetoken.ScopeOf(terms), pagetoken.ScopeOf(dyn))
	require.Len(t, pagetoken.ScopeOf(terms), 22)
}

func TestScopeOfIgnoresUnknownFields(t *testing.T) {
	unknown := protowire.AppendTag(nil, 99, protowire.BytesType)
	unknown = protowire.AppendString(unknown, "units/a")

	req := &honoursv1.ListHonoursRequest{Query: "an"}
	withUnknown := proto.Clone(req).(*honoursv1.ListHonoursRequest)
	withUnknown.ProtoReflect().SetUnknown(unknown)
	require.Equal(t, pagetoken.ScopeOf(req), pagetoken.ScopeOf(withUnknown))
	require.Equal(t, []byte(unknown), []byte(withUnknown.ProtoReflect().GetUnknown()), "the request keeps its unknown fields")

	// At any depth: an unknown field in a nested message does not count.
	nested := &honoursv1.CreateDecisionRequest{Decision: &honoursv1.Decision{Title: "t"}}
	nestedUnknown := proto.Clone(nested).(*honoursv1.CreateDecisionRequest)
	nestedUnknown.GetDecision().ProtoReflect().SetUnknown(unknown)
	require.Equal(t, pagetoken.ScopeOf(nested), pagetoken.ScopeOf(nestedUnknown))
	require.NotEqual(t, pagetoken.ScopeOf(nested), pagetoken.ScopeOf(&honoursv1.CreateDecisionRequest{Decision: &honoursv1.Decision{Title: "u"}}))

	// An older server that does not know a filter yet sees it as an unknown
	// field: it serves the request unfiltered, so its token must not pass
	// for the filtered request once the field is known.
	queryBytes := protowire.AppendTag(nil, 4, protowire.BytesType)
	queryBytes = protowire.AppendString(queryBytes, "an")
	older := &honoursv1.ListHonoursRequest{}
	older.ProtoReflect().SetUnknown(queryBytes)
	require.Equal(t, pagetoken.ScopeOf(&honoursv1.ListHonoursRequest{}), pagetoken.ScopeOf(older))
	require.NotEqual(t, pagetoken.ScopeOf(older), pagetoken.ScopeOf(req))
}

func TestScopeOfUnencodable(t *testing.T) {
	// Invalid UTF-8 in a proto3 string cannot be encoded: no token is valid
	// for such a request, not even one minted for the same request.
	bad := &blocsv1.ListUnitsRequest{Query: "\xff"}
	require.NotEqual(t, pagetoken.ScopeOf(bad), pagetoken.ScopeOf(bad))
}

func TestScopeOfTokens(t *testing.T) {
	s := newSigner(t, key1)
	first := &blocsv1.ListUnitsRequest{Query: "thai", Level: blocsv1.UnitLevel_UNIT_LEVEL_PROVINCE, PageSize: 1}
	tok, err := s.Encode(pagetoken.ScopeOf(first), cursor{LastName: "units/thai-binh"})
	require.NoError(t, err)

	next := proto.Clone(first).(*blocsv1.ListUnitsRequest)
	next.PageToken, next.PageSize = tok, 50
	var c cursor
	require.NoError(t, s.Decode(tok, pagetoken.ScopeOf(next), &c), "the same request with another page size")
	require.Equal(t, "units/thai-binh", c.LastName)

	other := proto.Clone(next).(*blocsv1.ListUnitsRequest)
	other.State = blocsv1.UnitState_UNIT_STATE_DISSOLVED
	require.ErrorIs(t, s.Decode(tok, pagetoken.ScopeOf(other), &c), pagetoken.ErrInvalidToken)
}
