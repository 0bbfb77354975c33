package grpcserver

import (
	"errors"
	"strconv"
	"unicode/utf8"

	"google.golang.org/grpc/encoding"
	protocodec "google.golang.org/grpc/encoding/proto"
	"google.golang.org/grpc/mem"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/protoadapt"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/tdkt-vn/tdkt/platform/rpcerr"
)

// Why this codec exists: grpc-go answers a request it cannot decode with
// codes.Internal ("grpc: failed to unmarshal the received message"), before
// any interceptor runs. A request that is not valid protobuf — truncated,
// garbage, or a proto3 string holding invalid UTF-8 — is the client's
// mistake and must be InvalidArgument.
//
// The server is built with grpc.ForceServerCodecV2(requestCodec{...}), so
// the codec is scoped to that server and nothing is registered globally.
// When protobuf decoding fails, requestCodec does not return the error: it
// resets the message and stores what went wrong in the message's unknown
// fields under decodeErrorField, the largest valid field number. The
// validation interceptor, which sees every request message (unary requests
// and every RecvMsg of a stream), finds the marker with decodeError and
// answers InvalidArgument with a field violation before the handler runs.
//
// A client cannot forge the marker: a message that decodes with
// decodeErrorField among its unknown fields is itself treated as malformed,
// and its marker is replaced by the codec's own.

// decodeErrorField is the unknown field number that carries a decode error.
const decodeErrorField = protowire.MaxValidNumber

// Field numbers inside the decodeErrorField payload.
const (
	decodeErrorPath        protowire.Number = 1
	decodeErrorDescription protowire.Number = 2
)

// bodyField names the whole request when no single field is to blame.
const bodyField = "body"

// maxPathDepth bounds the search for the field holding invalid UTF-8.
const maxPathDepth = 100

// requestCodec is the proto codec with decode failures deferred to the
// validation interceptor. Marshalling is the proto codec's.
type requestCodec struct {
	encoding.CodecV2
}

func newRequestCodec() (requestCodec, error) {
	c := encoding.GetCodecV2(protocodec.Name)
	if c == nil {
		return requestCodec{}, errors.New("grpcserver: no proto codec registered")
	}
	return requestCodec{CodecV2: c}, nil
}

// Unmarshal decodes data into v. When v is a protobuf message and data is
// not a valid encoding of it, v is reset and marked with the decode error
// and Unmarshal succeeds; decodeError reports the mark.
func (c requestCodec) Unmarshal(data mem.BufferSlice, v any) error {
	err := c.CodecV2.Unmarshal(data, v)
	m := messageOf(v)
	if m == nil {
		return err
	}
	if err == nil {
		if _, forged := lastBytes(m.ProtoReflect().GetUnknown(), decodeErrorField); !forged {
			return nil
		}
	}

	// protobuf-go's error text is deliberately unstable and, for generated
	// messages, does not name the field: the description is ours.
	r := m.ProtoReflect()
	violation := rpcerr.FieldViolation{Field: bodyField, Description: "not a valid protobuf encoding of " + string(r.Descriptor().FullName())}
	buf := data.MaterializeToBuffer(mem.DefaultBufferPool())
	path, found := invalidUTF8Path(buf.ReadOnlyData(), r.Descriptor(), 0)
	buf.Free()
	if found {
		violation = rpcerr.FieldViolation{Field: path, Description: "string field contains invalid UTF-8"}
	}

	proto.Reset(m)
	var payload []byte
	payload = protowire.AppendTag(payload, decodeErrorPath, protowire.BytesType)
	payload = protowire.AppendString(payload, violation.Field)
	payload = protowire.AppendTag(payload, decodeErrorDescription, protowire.BytesType)
	payload = protowire.AppendString(payload, violation.Description)
	var unknown []byte
	unknown = protowire.AppendTag(unknown, decodeErrorField, protowire.BytesType)
	unknown = protowire.AppendBytes(unknown, payload)
	r.SetUnknown(unknown)
	return nil
}

func messageOf(v any) proto.Message {
	switch v := v.(type) {
	case protoadapt.MessageV2:
		return v
	case protoadapt.MessageV1:
		return protoadapt.MessageV2Of(v)
	}
	return nil
}

// decodeError returns the violation requestCodec recorded in m, if any.
func decodeError(m proto.Message) (rpcerr.FieldViolation, bool) {
	payload, ok := lastBytes(m.ProtoReflect().GetUnknown(), decodeErrorField)
	if !ok {
		return rpcerr.FieldViolation{}, false
	}
	path, _ := lastBytes(payload, decodeErrorPath)
	description, _ := lastBytes(payload, decodeErrorDescription)
	return rpcerr.FieldViolation{Field: string(path), Description: string(description)}, true
}

// lastBytes scans the wire-format message b and returns the value of the
// last length-delimited field numbered num. ok reports whether field num
// occurs at all, whatever its wire type; it is false when b is malformed
// before one is found.
func lastBytes(b []byte, num protowire.Number) (v []byte, ok bool) {
	for len(b) > 0 {
		n, typ, l := protowire.ConsumeTag(b)
		if l < 0 {
			return v, ok
		}
		b = b[l:]
		if n == num && typ == protowire.BytesType {
			if v, l = protowire.ConsumeBytes(b); l < 0 {
				return nil, true
			}
		} else if l = protowire.ConsumeFieldValue(n, typ, b); l < 0 {
			return v, ok
		}
		ok = ok || n == num
		b = b[l:]
	}
	return v, ok
}

// invalidUTF8Path walks b, the wire encoding of an md message, and returns
// the JSON path (as rpcerr.FieldViolation.Field spells it: "unit.displayName",
// "criteria[2].name", `labels["k"]`) of the first string field that protobuf
// requires to be UTF-8 and whose value is not.
func invalidUTF8Path(b []byte, md protoreflect.MessageDescriptor, depth int) (string, bool) {
	if depth > maxPathDepth {
		return "", false
	}
	seen := map[protowire.Number]int{} // occurrences of each repeated field so far
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return "", false
		}
		b = b[n:]
		fd := md.Fields().ByNumber(num)
		if typ != protowire.BytesType || fd == nil {
			if n = protowire.ConsumeFieldValue(num, typ, b); n < 0 {
				return "", false
			}
			b = b[n:]
			continue
		}
		v, n := protowire.ConsumeBytes(b)
		if n < 0 {
			return "", false
		}
		b = b[n:]

		name := fd.JSONName()
		index := seen[num]
		seen[num]++
		switch {
		case fd.Kind() == protoreflect.StringKind:
			if enforceUTF8(fd) && !utf8.Valid(v) {
				if fd.IsList() {
					name += "[" + strconv.Itoa(index) + "]"
				}
				return name, true
			}
		case fd.IsMap():
			if path, ok := mapEntryPath(v, fd, depth+1); ok {
				return name + path, true
			}
		case fd.Kind() == protoreflect.MessageKind:
			if path, ok := invalidUTF8Path(v, fd.Message(), depth+1); ok {
				if fd.IsList() {
					name += "[" + strconv.Itoa(index) + "]"
				}
				return name + "." + path, true
			}
		}
	}
	return "", false
}

// mapEntryPath finds invalid UTF-8 in entry, the wire encoding of an entry
// of the map field fd, and returns the path below the map: "" for the key
// itself, `["k"]` or `["k"].name` for the value (the subscript is left out
// unless the key is a string).
func mapEntryPath(entry []byte, fd protoreflect.FieldDescriptor, depth int) (string, bool) {
	kd, vd := fd.MapKey(), fd.MapValue()
	key, _ := lastBytes(entry, kd.Number())
	value, hasValue := lastBytes(entry, vd.Number())

	subscript := ""
	if kd.Kind() == protoreflect.StringKind {
		if enforceUTF8(kd) && !utf8.Valid(key) {
			return "", true
		}
		subscript = "[" + strconv.Quote(string(key)) + "]"
	}
	switch {
	case !hasValue:
	case vd.Kind() == protoreflect.StringKind:
		if enforceUTF8(vd) && !utf8.Valid(value) {
			return subscript, true
		}
	case vd.Kind() == protoreflect.MessageKind:
		if path, ok := invalidUTF8Path(value, vd.Message(), depth+1); ok {
			return subscript + "." + path, true
		}
	}
	return "", false
}

// enforceUTF8 reports whether protobuf-go rejects invalid UTF-8 in the
// string field fd: proto3 fields, and editions fields with
// utf8_validation = VERIFY (the descriptor reports it through an
// unexported-interface method, as protobuf-go's internal/strs reads it).
func enforceUTF8(fd protoreflect.FieldDescriptor) bool {
	if fd.Syntax() == protoreflect.Editions {
		if e, ok := fd.(interface{ EnforceUTF8() bool }); ok {
			return e.EnforceUTF8()
		}
	}
	return fd.Syntax() == protoreflect.Proto3
}
