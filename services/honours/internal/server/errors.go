package server

import (
	"context"
	"errors"
	"fmt"

	"github.com/tdkt-vn/tdkt/platform/rpcerr"
	"github.com/tdkt-vn/tdkt/services/honours/internal/domain"
	"github.com/tdkt-vn/tdkt/services/honours/internal/lineage"
)

// status maps an error to the gRPC status the client sees. An error it does
// not know is returned as it is: the server's interceptor logs its cause,
// once, with the trace id, and answers Internal with a fixed message.
func (s *Server) status(_ context.Context, err error) error {
	if st, ok := rpcerr.FromDomain(err); ok {
		return st
	}
	switch {
	case errors.Is(err, lineage.ErrUnavailable):
		return rpcerr.Unavailable("DEPENDENCY_UNAVAILABLE", "the blocs service, which holds the units, is unavailable; retry later")
	case errors.Is(err, domain.ErrNoBaseSalary):
		return rpcerr.FailedPrecondition("NO_BASE_SALARY", "decision.document.signedOn",
			"no base salary is recorded for the signing date, so no reward can be computed")
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
