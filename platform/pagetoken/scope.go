package pagetoken

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// Names of the AIP-158 paging fields, which ScopeOf leaves out.
const (
	pageTokenField protoreflect.Name = "page_token"
	pageSizeField  protoreflect.Name = "page_size"
)

// ScopeOf returns the scope of a list request for Encode and Decode: a
// fingerprint of the request's full message name and of its deterministic
// wire encoding with page_token and page_size cleared.
//
// Every other field counts — parent, filters, order, and any field added to
// the message later — so a token minted for one request is refused for a
// request that differs in anything but the page size, without a hand-kept
// list of fields that a new filter could be left out of. The full name
// keeps two request types with the same fields apart. A field counts by its
// value: proto3 fields without presence count only when they differ from
// the default, so leaving a filter out and sending its zero value are the
// same request. The request counts as sent: two spellings the server reads
// alike are different requests, which only makes a token stricter.
//
// Unknown fields, at any depth, do not count. The server does not read
// them, so they do not shape the result set, and counting their bytes would
// let them stand in for a known field: a server that does not know a
// filter yet serves the request unfiltered, and its token must not pass for
// the filtered request at a server that knows the field and reads the same
// bytes as that filter.
//
// The encoding is that of this binary's protobuf runtime; replicas that
// share a signing key should run the same message definitions, or tokens
// minted by one may be refused by another. A request that cannot be
// encoded (a string field holding invalid UTF-8, which gRPC never decodes
// into a request) gets a random scope, so that no token is valid for it.
func ScopeOf(req proto.Message) string {
	m := proto.Clone(req).ProtoReflect()
	fields := m.Descriptor().Fields()
	for _, name := range []protoreflect.Name{pageTokenField, pageSizeField} {
		if fd := fields.ByName(name); fd != nil {
			m.Clear(fd)
		}
	}
	discardUnknown(m)
	body, err := proto.MarshalOptions{Deterministic: true, AllowPartial: true}.Marshal(m.Interface())
	if err != nil {
		body = make([]byte, 32)
		_, _ = rand.Read(body) // never fails (crypto/rand)
	}
	name := m.Descriptor().FullName()
	h := sha256.New()
	var n [binary.MaxVarintLen64]byte
	h.Write(n[:binary.PutUvarint(n[:], uint64(len(name)))])
	h.Write([]byte(name))
	h.Write(body)
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:16])
}

// discardUnknown drops the unknown fields of m and of every message it
// holds.
func discardUnknown(m protoreflect.Message) {
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.IsList():
			if fd.Message() != nil {
				l := v.List()
				for i := range l.Len() {
					discardUnknown(l.Get(i).Message())
				}
			}
		case fd.IsMap():
			if fd.MapValue().Message() != nil {
				v.Map().Range(func(_ protoreflect.MapKey, mv protoreflect.Value) bool {
					discardUnknown(mv.Message())
					return true
				})
			}
		case fd.Message() != nil:
			discardUnknown(v.Message())
		}
		return true
	})
	if len(m.GetUnknown()) > 0 {
		m.SetUnknown(nil)
	}
}
