// Package rpcerr builds gRPC status errors with google.rpc error details, as
// AIP-193 describes and api.md promises clients.
//
// Every error carries one google.rpc.ErrorInfo whose Domain is Domain and
// whose Reason is a stable UPPER_SNAKE code; InvalidArgument adds a
// BadRequest listing field violations by JSON path, NotFound and
// AlreadyExists add a ResourceInfo, FailedPrecondition adds a
// PreconditionFailure. Messages are English and meant for developers.
//
// Each service maps its domain errors to these constructors in one place;
// anything unmapped becomes Internal, whose fixed message leaks nothing.
package rpcerr

import (
	"errors"
	"strings"
	"time"

	"buf.build/gen/go/bufbuild/protovalidate/protocolbuffers/go/buf/validate"
	"buf.build/go/protovalidate"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/protoadapt"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/durationpb"
)

// Domain is the ErrorInfo.domain of every error built here.
const Domain = "tdkt.gov.vn"

// Reasons set by the constructors that do not take one.
const (
	ReasonInvalidArgument = "INVALID_ARGUMENT"
	ReasonNotFound        = "NOT_FOUND"
	ReasonInternal        = "INTERNAL"
)

// FieldViolation names a request field and what is wrong with it.
type FieldViolation struct {
	// Field is the JSON (lowerCamelCase) path of the field, such as
	// "unit.displayName" or "criteria[2].maxPoints".
	Field string
	// Description says what is wrong, in English.
	Description string
}

// newError returns a status error with code, msg and details. Building the
// details cannot fail for the well-known messages used here; should it ever,
// the error is returned without them rather than lost.
func newError(code codes.Code, msg string, details ...protoadapt.MessageV1) error {
	st := status.New(code, msg)
	if withDetails, err := st.WithDetails(details...); err == nil {
		st = withDetails
	}
	return st.Err()
}

func errorInfo(reason string, metadata map[string]string) *errdetails.ErrorInfo {
	return &errdetails.ErrorInfo{Reason: reason, Domain: Domain, Metadata: metadata}
}

// InvalidArgument returns a codes.InvalidArgument error with a BadRequest
// listing violations and ErrorInfo reason INVALID_ARGUMENT. Its message
// names the fields, e.g. "invalid argument: unit.displayName: must not be
// empty".
func InvalidArgument(violations ...FieldViolation) error {
	var msg strings.Builder
	msg.WriteString("invalid argument")
	br := &errdetails.BadRequest{}
	for i, v := range violations {
		if i == 0 {
			msg.WriteString(": ")
		} else {
			msg.WriteString("; ")
		}
		if v.Field != "" {
			msg.WriteString(v.Field)
			msg.WriteString(": ")
		}
		msg.WriteString(v.Description)
		br.FieldViolations = append(br.FieldViolations, &errdetails.BadRequest_FieldViolation{
			Field:       v.Field,
			Description: v.Description,
		})
	}
	details := []protoadapt.MessageV1{errorInfo(ReasonInvalidArgument, nil)}
	if len(br.FieldViolations) > 0 {
		details = append(details, br)
	}
	return newError(codes.InvalidArgument, msg.String(), details...)
}

// BadField returns InvalidArgument with one violation.
func BadField(field, description string) error {
	return InvalidArgument(FieldViolation{Field: field, Description: description})
}

// NotFound returns a codes.NotFound error for the resource name (such as
// "units/x") with message "units/x not found", a ResourceInfo and
// ErrorInfo reason NOT_FOUND.
func NotFound(resource string) error {
	return newError(codes.NotFound, resource+" not found",
		errorInfo(ReasonNotFound, map[string]string{"resource": resource}),
		&errdetails.ResourceInfo{ResourceType: resourceType(resource), ResourceName: resource},
	)
}

// AlreadyExists returns a codes.AlreadyExists error about resource with the
// given reason (such as "UNIT_EXISTS") and message; an empty message becomes
// "<resource> already exists".
func AlreadyExists(reason, resource, message string) error {
	if message == "" {
		message = resource + " already exists"
	}
	return newError(codes.AlreadyExists, message,
		errorInfo(reason, map[string]string{"resource": resource}),
		&errdetails.ResourceInfo{ResourceType: resourceType(resource), ResourceName: resource, Description: message},
	)
}

// FailedPrecondition returns a codes.FailedPrecondition error whose message
// is description, with a PreconditionFailure {type: reason, subject,
// description} and ErrorInfo reason. Use it for a request that is
// well-formed but not allowed in the current state (e.g. reason
// "UNIT_DISSOLVED", subject "units/x").
func FailedPrecondition(reason, subject, description string) error {
	var metadata map[string]string
	if subject != "" {
		metadata = map[string]string{"subject": subject}
	}
	return newError(codes.FailedPrecondition, description,
		errorInfo(reason, metadata),
		&errdetails.PreconditionFailure{Violations: []*errdetails.PreconditionFailure_Violation{{
			Type: reason, Subject: subject, Description: description,
		}}},
	)
}

// Aborted returns a codes.Aborted error with ErrorInfo reason, e.g.
// Aborted("ETAG_MISMATCH", "units/x was changed; read it again") for a
// stale etag (AIP-154).
func Aborted(reason, message string) error {
	return newError(codes.Aborted, message, errorInfo(reason, nil))
}

// Unavailable returns a codes.Unavailable error with ErrorInfo reason, e.g.
// Unavailable("DEPENDENCY_UNAVAILABLE", "the blocs service is unavailable;
// retry later"): the call may succeed if retried, and the message names no
// internal detail.
func Unavailable(reason, message string) error {
	return newError(codes.Unavailable, message, errorInfo(reason, nil))
}

// ReasonRateLimited is the ErrorInfo reason of RateLimited.
const ReasonRateLimited = "RATE_LIMITED"

// RateLimited returns a codes.ResourceExhausted error for a caller over
// its rate limit: ErrorInfo reason RATE_LIMITED and a RetryInfo saying
// when to call again (AIP-193). The gateway sends it as HTTP 429 with
// Retry-After.
func RateLimited(retryAfter time.Duration) error {
	return newError(codes.ResourceExhausted, "too many calls from this caller; retry after "+retryAfter.Round(time.Millisecond).String(),
		errorInfo(ReasonRateLimited, nil),
		&errdetails.RetryInfo{RetryDelay: durationpb.New(retryAfter)})
}

// Internal returns a codes.Internal error with the fixed message "internal
// error" and ErrorInfo reason INTERNAL, and nothing else: log the cause
// where it is handled instead.
func Internal() error {
	return newError(codes.Internal, "internal error", errorInfo(ReasonInternal, nil))
}

// FromValidation converts a *protovalidate.ValidationError in err's chain
// into InvalidArgument, one FieldViolation per rule violation, with fields
// named by their JSON path (the JSON names of md, the validated message's
// descriptor, and of the messages below it) and described by the rule's
// message. It returns (nil, false) when err holds no validation error.
func FromValidation(err error, md protoreflect.MessageDescriptor) (error, bool) {
	verr, ok := errors.AsType[*protovalidate.ValidationError](err)
	if !ok || verr == nil {
		return nil, false
	}
	violations := make([]FieldViolation, 0, len(verr.Violations))
	for _, v := range verr.Violations {
		if v == nil || v.Proto == nil {
			continue
		}
		violations = append(violations, FieldViolation{
			Field:       jsonFieldPath(v.Proto.GetField(), md),
			Description: description(v.Proto),
		})
	}
	return InvalidArgument(violations...), true
}

// jsonFieldPath renders path as protovalidate.FieldPathString does, with
// each field named by its JSON name, found by walking md along the path;
// a field the walk cannot find (an extension) keeps its name.
func jsonFieldPath(path *validate.FieldPath, md protoreflect.MessageDescriptor) string {
	if path == nil {
		return ""
	}
	path = proto.CloneOf(path)
	for _, e := range path.GetElements() {
		var fd protoreflect.FieldDescriptor
		if md != nil {
			fd = md.Fields().ByNumber(protoreflect.FieldNumber(e.GetFieldNumber()))
			if fd == nil || string(fd.Name()) != e.GetFieldName() {
				fd = md.Fields().ByName(protoreflect.Name(e.GetFieldName()))
			}
		}
		md = nil
		if fd == nil {
			continue
		}
		e.SetFieldName(fd.JSONName())
		switch {
		case fd.IsMap():
			md = fd.MapValue().Message()
		default:
			md = fd.Message()
		}
	}
	return protovalidate.FieldPathString(path)
}

// description is the violation's message, or its rule id in brackets when
// the rule has no message.
func description(v *validate.Violation) string {
	switch {
	case v.GetMessage() != "":
		return v.GetMessage()
	case v.GetRuleId() != "":
		return "[" + v.GetRuleId() + "]"
	default:
		return "invalid value"
	}
}

// resourceType returns the collection id of a resource name, "units" for
// "units/x" and "terms" for "groups/g/terms/2023", or "" when the name has
// no collection.
func resourceType(name string) string {
	parts := strings.Split(name, "/")
	if len(parts) < 2 {
		return ""
	}
	if len(parts)%2 == 1 {
		// A collection name such as "groups/g/terms": its last part.
		return parts[len(parts)-1]
	}
	return parts[len(parts)-2]
}
