package rpcerr

import (
	"context"
	"errors"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/tdkt-vn/tdkt/platform/domainerr"
	"github.com/tdkt-vn/tdkt/platform/pagetoken"
)

// FromDomain maps the errors of package domainerr, a bad page size or
// token and a context's end to the status a client sees; a status error is
// returned as it is. It reports false for any other error: a fault of ours,
// which the server's interceptor logs once and answers Internal.
func FromDomain(err error) (error, bool) {
	var (
		fields   domainerr.FieldErrors
		field    domainerr.FieldError
		rule     *domainerr.RuleError
		notFound *domainerr.NotFoundError
		exists   *domainerr.ExistsError
		down     *domainerr.UnavailableError
		denied   *domainerr.DeniedError
		unauth   *domainerr.UnauthenticatedError
	)
	switch {
	case err == nil:
		return nil, true
	case isStatus(err):
		return err, true
	case errors.As(err, &fields):
		vs := make([]FieldViolation, len(fields))
		for i, f := range fields {
			vs[i] = FieldViolation{Field: f.Field, Description: f.Description}
		}
		return InvalidArgument(vs...), true
	case errors.As(err, &field):
		return BadField(field.Field, field.Description), true
	case errors.As(err, &rule):
		return FailedPrecondition(rule.Reason, rule.Subject, rule.Description), true
	case errors.As(err, &notFound):
		return NotFound(notFound.Name), true
	case errors.As(err, &exists):
		return AlreadyExists("ALREADY_EXISTS", exists.Name, exists.Name+" already exists"), true
	case errors.Is(err, domainerr.ErrStaleEtag):
		return Aborted("ETAG_MISMATCH", "the resource changed since it was read; get it again and retry with its new etag"), true
	case errors.Is(err, pagetoken.ErrNegativeSize):
		return BadField("pageSize", "must not be negative"), true
	case errors.Is(err, pagetoken.ErrInvalidToken):
		return BadField("pageToken", "is not a token this list issued for these filters"), true
	case errors.As(err, &down):
		return Unavailable("DEPENDENCY_UNAVAILABLE", "the "+down.Service+" service is unavailable; retry later"), true
	case errors.As(err, &denied):
		if denied.Anonymous {
			return status.Error(codes.Unauthenticated, denied.Reason), true
		}
		return status.Error(codes.PermissionDenied, denied.Reason), true
	case errors.As(err, &unauth):
		return status.Error(codes.Unauthenticated, unauth.Reason), true
	case errors.Is(err, domainerr.ErrRequestReused):
		return AlreadyExists("REQUEST_ID_REUSED", "", "request_id was already used for a different request"), true
	case errors.Is(err, context.Canceled):
		return status.Error(codes.Canceled, "request canceled"), true
	case errors.Is(err, context.DeadlineExceeded):
		return status.Error(codes.DeadlineExceeded, "deadline exceeded"), true
	}
	return nil, false
}

// isStatus reports whether err is a gRPC status error itself (not one
// wrapped in a plain error, which is a fault to log).
func isStatus(err error) bool {
	_, ok := err.(interface{ GRPCStatus() *status.Status })
	return ok
}
