package rpcerr_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"buf.build/gen/go/bufbuild/protovalidate/protocolbuffers/go/buf/validate"
	"buf.build/go/protovalidate"
	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/tdkt-vn/tdkt/platform/rpcerr"
)

// decoded is a status error taken apart for assertions.
type decoded struct {
	code         codes.Code
	message      string
	info         *errdetails.ErrorInfo
	badRequest   *errdetails.BadRequest
	resource     *errdetails.ResourceInfo
	precondition *errdetails.PreconditionFailure
	retry        *errdetails.RetryInfo
	others       int
}

func decode(t *testing.T, err error) decoded {
	t.Helper()
	st, ok := status.FromError(err)
	require.True(t, ok, "not a status error: %v", err)
	d := decoded{code: st.Code(), message: st.Message()}
	for _, detail := range st.Details() {
		switch v := detail.(type) {
		case *errdetails.ErrorInfo:
			require.Nil(t, d.info, "two ErrorInfo")
			d.info = v
		case *errdetails.BadRequest:
			d.badRequest = v
		case *errdetails.ResourceInfo:
			d.resource = v
		case *errdetails.PreconditionFailure:
			d.precondition = v
		case *errdetails.RetryInfo:
			d.retry = v
		default:
			d.others++
		}
	}
	require.NotNil(t, d.info, "every error carries an ErrorInfo")
	require.Equal(t, rpcerr.Domain, d.info.GetDomain())
	require.Zero(t, d.others, "unexpected details")
	return d
}

func fieldViolations(br *errdetails.BadRequest) []rpcerr.FieldViolation {
	var out []rpcerr.FieldViolation
	for _, v := range br.GetFieldViolations() {
		out = append(out, rpcerr.FieldViolation{Field: v.GetField(), Description: v.GetDescription()})
	}
	return out
}

func TestInvalidArgument(t *testing.T) {
	tests := []struct {
		name       string
		violations []rpcerr.FieldViolation
		message    string
	}{
		{
			name:       "one",
			violations: []rpcerr.FieldViolation{{Field: "unit.displayName", Description: "must not be empty"}},
			message:    "invalid argument: unit.displayName: must not be empty",
		},
		{
			name: "two",
			violations: []rpcerr.FieldViolation{
				{Field: "unit.displayName", Description: "must not be empty"},
				{Field: "unitId", Description: "must match [a-z0-9-]{1,63}"},
			},
			message: "invalid argument: unit.displayName: must not be empty; unitId: must match [a-z0-9-]{1,63}",
		},
		{
			name:    "none",
			message: "invalid argument",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := decode(t, rpcerr.InvalidArgument(tt.violations...))
			require.Equal(t, codes.InvalidArgument, d.code)
			require.Equal(t, tt.message, d.message)
			require.Equal(t, "INVALID_ARGUMENT", d.info.GetReason())
			require.Equal(t, tt.violations, fieldViolations(d.badRequest))
		})
	}
}

func TestBadField(t *testing.T) {
	d := decode(t, rpcerr.BadField("pageToken", "invalid page token"))
	require.Equal(t, codes.InvalidArgument, d.code)
	require.Equal(t, "invalid argument: pageToken: invalid page token", d.message)
	require.Equal(t, []rpcerr.FieldViolation{{Field: "pageToken", Description: "invalid page token"}}, fieldViolations(d.badRequest))
}

func TestNotFound(t *testing.T) {
	tests := []struct {
		name, typ string
	}{
		{"units/x", "units"},
		{"groups/g/terms/2023", "terms"},
		{"groups/g/covenants", "covenants"},
		{"x", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := decode(t, rpcerr.NotFound(tt.name))
			require.Equal(t, codes.NotFound, d.code)
			require.Equal(t, tt.name+" not found", d.message)
			require.Equal(t, "NOT_FOUND", d.info.GetReason())
			require.Equal(t, tt.name, d.info.GetMetadata()["resource"])
			require.Equal(t, tt.name, d.resource.GetResourceName())
			require.Equal(t, tt.typ, d.resource.GetResourceType())
		})
	}
}

func TestAlreadyExists(t *testing.T) {
	d := decode(t, rpcerr.AlreadyExists("UNIT_EXISTS", "units/ha-noi", "units/ha-noi already exists"))
	require.Equal(t, codes.AlreadyExists, d.code)
	require.Equal(t, "units/ha-noi already exists", d.message)
	require.Equal(t, "UNIT_EXISTS", d.info.GetReason())
	require.Equal(t, "units/ha-noi", d.resource.GetResourceName())

	d = decode(t, rpcerr.AlreadyExists("REQUEST_REUSED", "units/ha-noi", ""))
	require.Equal(t, "units/ha-noi already exists", d.message)
	require.Equal(t, "REQUEST_REUSED", d.info.GetReason())
}

func TestFailedPrecondition(t *testing.T) {
	d := decode(t, rpcerr.FailedPrecondition("UNIT_DISSOLVED", "units/x", "units/x is dissolved"))
	require.Equal(t, codes.FailedPrecondition, d.code)
	require.Equal(t, "units/x is dissolved", d.message)
	require.Equal(t, "UNIT_DISSOLVED", d.info.GetReason())
	require.Len(t, d.precondition.GetViolations(), 1)
	v := d.precondition.GetViolations()[0]
	require.Equal(t, "UNIT_DISSOLVED", v.GetType())
	require.Equal(t, "units/x", v.GetSubject())
	require.Equal(t, "units/x is dissolved", v.GetDescription())
}

func TestAborted(t *testing.T) {
	d := decode(t, rpcerr.Aborted("ETAG_MISMATCH", "units/x has changed"))
	require.Equal(t, codes.Aborted, d.code)
	require.Equal(t, "units/x has changed", d.message)
	require.Equal(t, "ETAG_MISMATCH", d.info.GetReason())
}

func TestUnavailable(t *testing.T) {
	d := decode(t, rpcerr.Unavailable("DEPENDENCY_UNAVAILABLE", "the blocs service is unavailable"))
	require.Equal(t, codes.Unavailable, d.code)
	require.Equal(t, "the blocs service is unavailable", d.message)
	require.Equal(t, "DEPENDENCY_UNAVAILABLE", d.info.GetReason())
}

func TestRateLimited(t *testing.T) {
	d := decode(t, rpcerr.RateLimited(1500*time.Millisecond))
	require.Equal(t, codes.ResourceExhausted, d.code)
	require.Equal(t, "too many calls from this caller; retry after 1.5s", d.message)
	require.Equal(t, rpcerr.ReasonRateLimited, d.info.GetReason())
	require.NotNil(t, d.retry)
	require.Equal(t, 1500*time.Millisecond, d.retry.GetRetryDelay().AsDuration())
}

func TestInternal(t *testing.T) {
	d := decode(t, rpcerr.Internal())
	require.Equal(t, codes.Internal, d.code)
	require.Equal(t, "internal error", d.message)
	require.Equal(t, "INTERNAL", d.info.GetReason())
	require.Empty(t, d.info.GetMetadata())
	require.Nil(t, d.badRequest)
	require.Nil(t, d.resource)
	require.Nil(t, d.precondition)
}

func TestFromValidationIgnoresOtherErrors(t *testing.T) {
	for _, err := range []error{nil, errors.New("boom"), rpcerr.Internal()} {
		got, ok := rpcerr.FromValidation(err, nil)
		require.False(t, ok)
		require.NoError(t, got)
	}
}

func TestFromValidationBuiltViolations(t *testing.T) {
	elem := func(name string) *validate.FieldPathElement {
		return validate.FieldPathElement_builder{FieldName: proto.String(name)}.Build()
	}
	indexed := elem("criteria")
	indexed.SetIndex(3)
	keyed := elem("score_points")
	keyed.SetStringKey("crit_1")
	verr := &protovalidate.ValidationError{Violations: []*protovalidate.Violation{
		{Proto: validate.Violation_builder{
			Field:   validate.FieldPath_builder{Elements: []*validate.FieldPathElement{elem("unit"), elem("display_name")}}.Build(),
			RuleId:  proto.String("string.min_len"),
			Message: proto.String("must not be empty"),
		}.Build()},
		{Proto: validate.Violation_builder{
			Field:  validate.FieldPath_builder{Elements: []*validate.FieldPathElement{indexed, elem("max_points")}}.Build(),
			RuleId: proto.String("double.gt"),
		}.Build()},
		{Proto: validate.Violation_builder{
			Field:   validate.FieldPath_builder{Elements: []*validate.FieldPathElement{keyed}}.Build(),
			Message: proto.String("value must be less than or equal to 10"),
		}.Build()},
	}}
	original := protovalidate.FieldPathString(verr.Violations[0].Proto.GetField())

	err, ok := rpcerr.FromValidation(fmt.Errorf("validate request: %w", verr), testRequestDescriptor(t))
	require.True(t, ok)
	d := decode(t, err)
	require.Equal(t, codes.InvalidArgument, d.code)
	require.Equal(t, "INVALID_ARGUMENT", d.info.GetReason())
	require.Equal(t, []rpcerr.FieldViolation{
		{Field: "unit.displayName", Description: "must not be empty"},
		{Field: "criteria[3].maxPoints", Description: "[double.gt]"},
		{Field: `scorePoints["crit_1"]`, Description: "value must be less than or equal to 10"},
	}, fieldViolations(d.badRequest))
	require.Equal(t, `invalid argument: unit.displayName: must not be empty; criteria[3].maxPoints: [double.gt]; scorePoints["crit_1"]: value must be less than or equal to 10`, d.message)
	require.Equal(t, original, protovalidate.FieldPathString(verr.Violations[0].Proto.GetField()), "input left untouched")
}

// TestFromValidationRealValidator validates a dynamic message with
// protovalidate itself, so the test follows the paths protovalidate emits.
func TestFromValidationRealValidator(t *testing.T) {
	md := testRequestDescriptor(t)
	req := dynamicpb.NewMessage(md)
	fields := md.Fields()

	unitField := fields.ByName("unit")
	unit := req.NewField(unitField).Message()
	unit.Set(unitField.Message().Fields().ByName("display_name"), protoreflect.ValueOfString(""))
	req.Set(unitField, protoreflect.ValueOfMessage(unit))

	critField := fields.ByName("criteria")
	list := req.Mutable(critField).List()
	for _, max := range []float64{5, 0} {
		c := list.NewElement().Message()
		c.Set(critField.Message().Fields().ByName("max_points"), protoreflect.ValueOfFloat64(max))
		list.Append(protoreflect.ValueOfMessage(c))
	}

	mapField := fields.ByName("score_points")
	m := req.Mutable(mapField).Map()
	m.Set(protoreflect.ValueOfString("crit_ok").MapKey(), protoreflect.ValueOfInt32(3))
	m.Set(protoreflect.ValueOfString("crit_high").MapKey(), protoreflect.ValueOfInt32(11))

	verr := protovalidate.Validate(req)
	require.Error(t, verr)

	err, ok := rpcerr.FromValidation(verr, md)
	require.True(t, ok)
	d := decode(t, err)
	require.Equal(t, codes.InvalidArgument, d.code)

	got := map[string]string{}
	for _, v := range fieldViolations(d.badRequest) {
		got[v.Field] = v.Description
	}
	require.Len(t, got, 3, "violations: %v", got)
	require.Contains(t, got, "unit.displayName")
	require.Contains(t, got, "criteria[1].maxPoints")
	require.Contains(t, got, `scorePoints["crit_high"]`)
	for field, desc := range got {
		require.NotEmpty(t, desc, field)
		require.Contains(t, d.message, field+": "+desc)
	}
}

// testRequestDescriptor builds, without protoc, the equivalent of
//
//	message Unit { string display_name = 1 [(buf.validate.field).string.min_len = 1]; }
//	message Criterion { double max_points = 1 [(buf.validate.field).double.gt = 0]; }
//	message Request {
//	  Unit unit = 1;
//	  repeated Criterion criteria = 2;
//	  map<string, int32> score_points = 3 [(buf.validate.field).map.values.int32.lte = 10];
//	}
func testRequestDescriptor(t *testing.T) protoreflect.MessageDescriptor {
	t.Helper()
	rules := func(r *validate.FieldRules) *descriptorpb.FieldOptions {
		opts := &descriptorpb.FieldOptions{}
		proto.SetExtension(opts, validate.E_Field, r)
		return opts
	}
	field := func(name string, num int32, typ descriptorpb.FieldDescriptorProto_Type, typeName string, label descriptorpb.FieldDescriptorProto_Label, opts *descriptorpb.FieldOptions) *descriptorpb.FieldDescriptorProto {
		f := &descriptorpb.FieldDescriptorProto{
			Name:    proto.String(name),
			Number:  proto.Int32(num),
			Type:    typ.Enum(),
			Label:   label.Enum(),
			Options: opts,
		}
		if typeName != "" {
			f.TypeName = proto.String(typeName)
		}
		return f
	}
	const (
		optional = descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL
		repeated = descriptorpb.FieldDescriptorProto_LABEL_REPEATED
	)
	fdp := &descriptorpb.FileDescriptorProto{
		Name:       proto.String("tdkt/rpcerrtest/v1/request.proto"),
		Package:    proto.String("tdkt.rpcerrtest.v1"),
		Syntax:     proto.String("proto3"),
		Dependency: []string{"buf/validate/validate.proto"},
		MessageType: []*descriptorpb.DescriptorProto{
			{
				Name: proto.String("Unit"),
				Field: []*descriptorpb.FieldDescriptorProto{
					field("display_name", 1, descriptorpb.FieldDescriptorProto_TYPE_STRING, "", optional,
						rules(validate.FieldRules_builder{String: validate.StringRules_builder{MinLen: proto.Uint64(1)}.Build()}.Build())),
				},
			},
			{
				Name: proto.String("Criterion"),
				Field: []*descriptorpb.FieldDescriptorProto{
					field("max_points", 1, descriptorpb.FieldDescriptorProto_TYPE_DOUBLE, "", optional,
						rules(validate.FieldRules_builder{Double: validate.DoubleRules_builder{Gt: proto.Float64(0)}.Build()}.Build())),
				},
			},
			{
				Name: proto.String("Request"),
				Field: []*descriptorpb.FieldDescriptorProto{
					field("unit", 1, descriptorpb.FieldDescriptorProto_TYPE_MESSAGE, ".tdkt.rpcerrtest.v1.Unit", optional, nil),
					field("criteria", 2, descriptorpb.FieldDescriptorProto_TYPE_MESSAGE, ".tdkt.rpcerrtest.v1.Criterion", repeated, nil),
					field("score_points", 3, descriptorpb.FieldDescriptorProto_TYPE_MESSAGE, ".tdkt.rpcerrtest.v1.Request.ScorePointsEntry", repeated,
						rules(validate.FieldRules_builder{Map: validate.MapRules_builder{
							Values: validate.FieldRules_builder{Int32: validate.Int32Rules_builder{Lte: proto.Int32(10)}.Build()}.Build(),
						}.Build()}.Build())),
				},
				NestedType: []*descriptorpb.DescriptorProto{{
					Name:    proto.String("ScorePointsEntry"),
					Options: &descriptorpb.MessageOptions{MapEntry: proto.Bool(true)},
					Field: []*descriptorpb.FieldDescriptorProto{
						field("key", 1, descriptorpb.FieldDescriptorProto_TYPE_STRING, "", optional, nil),
						field("value", 2, descriptorpb.FieldDescriptorProto_TYPE_INT32, "", optional, nil),
					},
				}},
			},
		},
	}
	fd, err := protodesc.NewFile(fdp, protoregistry.GlobalFiles)
	require.NoError(t, err)
	return fd.Messages().ByName("Request")
}
