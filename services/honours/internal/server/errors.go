package server

import (
	"context"
	"errors"
	"fmt"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/tdkt-vn/tdkt/platform/pagetoken"
	"github.com/tdkt-vn/tdkt/platform/rpcerr"
	"github.com/tdkt-vn/tdkt/platform/sqlstore"
	"github.com/tdkt-vn/tdkt/services/honours/internal/domain"
	"github.com/tdkt-vn/tdkt/services/honours/internal/lineage"
	"github.com/tdkt-vn/tdkt/services/honours/internal/store"
)

// status maps an error to the gRPC status the client sees. An error it does
// not know is returned as it is: the server's interceptor logs its cause,
// once, with the trace id, and answers Internal with a fixed message.
func (s *Server) status(_ context.Context, err error) error {
	var (
		fields   domain.FieldErrors
		field    domain.FieldError
		rule     *domain.RuleError
		notFound *domain.NotFoundError
		exists   *store.ExistsError
	)
	switch {
	case err == nil:
		return nil
	case errors.As(err, &fields):
		vs := make([]rpcerr.FieldViolation, len(fields))
		for i, f := range fields {
			vs[i] = rpcerr.FieldViolation{Field: f.Field, Description: f.Description}
		}
		return rpcerr.InvalidArgument(vs...)
	case errors.As(err, &field):
		return rpcerr.BadField(field.Field, field.Description)
	case errors.As(err, &rule):
		return rpcerr.FailedPrecondition(rule.Reason, rule.Subject, rule.Description)
	case errors.As(err, &notFound):
		return rpcerr.NotFound(notFound.Name)
	case errors.As(err, &exists):
		return rpcerr.AlreadyExists("ALREADY_EXISTS", exists.Name, exists.Name+" already exists")
	case errors.Is(err, store.ErrStaleEtag):
		return rpcerr.Aborted("ETAG_MISMATCH", "the resource changed since it was read; get it again and retry with its new etag")
	case errors.Is(err, sqlstore.ErrRequestReused):
		return rpcerr.AlreadyExists("REQUEST_ID_REUSED", "", "request_id was already used for a different request")
	case errors.Is(err, pagetoken.ErrNegativeSize):
		return rpcerr.BadField("pageSize", "must not be negative")
	case errors.Is(err, pagetoken.ErrInvalidToken):
		return rpcerr.BadField("pageToken", "is not a token this list issued for these filters")
	case errors.Is(err, lineage.ErrUnavailable):
		return rpcerr.Unavailable("DEPENDENCY_UNAVAILABLE", "the blocs service, which holds the units, is unavailable; retry later")
	case errors.Is(err, domain.ErrNoBaseSalary):
		return rpcerr.FailedPrecondition("NO_BASE_SALARY", "decision.document.signedOn",
			"no base salary is recorded for the signing date, so no reward can be computed")
	case errors.Is(err, context.Canceled):
		return status.Error(codes.Canceled, "request canceled")
	case errors.Is(err, context.DeadlineExceeded):
		return status.Error(codes.DeadlineExceeded, "deadline exceeded")
	}
	return err
}

// badField is InvalidArgument naming one field.
func badField(field, format string, args ...any) error {
	return domain.FieldErrors{{Field: field, Description: fmt.Sprintf(format, args...)}}
}

// ruleError is FailedPrecondition: reason, the field or resource it
// concerns, and why.
func ruleError(reason, subject, format string, args ...any) error {
	return &domain.RuleError{Reason: reason, Subject: subject, Description: fmt.Sprintf(format, args...)}
}

// fieldErrors collects the violations of one request.
type fieldErrors []domain.FieldError

func (es *fieldErrors) add(field, format string, args ...any) {
	*es = append(*es, domain.FieldError{Field: field, Description: fmt.Sprintf(format, args...)})
}

// merge adds the violations of err, a domain.FieldErrors or nil, and
// returns any other error.
func (es *fieldErrors) merge(err error) error {
	var fe domain.FieldErrors
	switch {
	case err == nil:
		return nil
	case errors.As(err, &fe):
		*es = append(*es, fe...)
		return nil
	}
	return err
}

// err returns the violations as an error, nil when there is none.
func (es fieldErrors) err() error {
	if len(es) == 0 {
		return nil
	}
	return domain.FieldErrors(es)
}
