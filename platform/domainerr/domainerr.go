// Package domainerr is the vocabulary of errors that the services' domain
// and store packages return: a client's mistake in named fields, a broken
// business rule, a missing or already existing resource, a stale etag. The
// packages stay free of gRPC; rpcerr.FromDomain turns these into statuses.
package domainerr

import (
	"errors"
	"fmt"
	"strings"
)

// FieldError is a client's mistake in one field of a request. Field is the
// JSON path of the field, e.g. "unit.displayName".
type FieldError struct {
	Field       string
	Description string
}

func (e FieldError) Error() string { return e.Field + ": " + e.Description }

// FieldErrors is one or more FieldError; the request is invalid.
type FieldErrors []FieldError

func (es FieldErrors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return "invalid argument: " + strings.Join(parts, "; ")
}

// Err returns es as an error, or nil when it is empty.
func (es FieldErrors) Err() error {
	if len(es) == 0 {
		return nil
	}
	return es
}

// Add appends a violation.
func (es *FieldErrors) Add(field, format string, args ...any) {
	*es = append(*es, FieldError{Field: field, Description: fmt.Sprintf(format, args...)})
}

// Field returns an error with one violation.
func Field(field, format string, args ...any) error {
	return FieldErrors{{Field: field, Description: fmt.Sprintf(format, args...)}}
}

// RuleError is a business rule the request would break. Reason is a stable
// UPPER_SNAKE code, Subject the resource or field it concerns.
type RuleError struct {
	Reason      string
	Subject     string
	Description string
}

func (e *RuleError) Error() string {
	return fmt.Sprintf("%s: %s: %s", e.Reason, e.Subject, e.Description)
}

// Rule returns a RuleError.
func Rule(reason, subject, format string, args ...any) *RuleError {
	return &RuleError{Reason: reason, Subject: subject, Description: fmt.Sprintf(format, args...)}
}

// NotFoundError says a named resource does not exist.
type NotFoundError struct{ Name string }

func (e *NotFoundError) Error() string { return e.Name + " not found" }

// ExistsError says a resource with that name already exists.
type ExistsError struct{ Name string }

func (e *ExistsError) Error() string { return e.Name + " already exists" }

// ErrStaleEtag reports a change against an outdated etag, or a row changed
// by someone else since it was read.
var ErrStaleEtag = errors.New("etag does not match the current state")

// ErrRequestReused reports a request id already used by a request with
// another method or other content.
var ErrRequestReused = errors.New("request id already used by a different request")

// UnavailableError says a service this one depends on could not answer
// (down, overloaded or too slow): the call may succeed later. Service is
// its short name ("blocs"); Cause, for the log, is never shown to clients.
type UnavailableError struct {
	Service string
	Cause   error
}

func (e *UnavailableError) Error() string {
	if e.Cause == nil {
		return "the " + e.Service + " service is unavailable"
	}
	return "the " + e.Service + " service is unavailable: " + e.Cause.Error()
}

func (e *UnavailableError) Unwrap() error { return e.Cause }

// DeniedError refuses a caller who may not act (AIP-211): PermissionDenied,
// or Unauthenticated when the caller presented no credentials. Reason is
// safe to show.
type DeniedError struct {
	Anonymous bool
	Reason    string
}

func (e *DeniedError) Error() string { return e.Reason }

// UnauthenticatedError refuses credentials that do not verify.
type UnauthenticatedError struct{ Reason string }

func (e *UnauthenticatedError) Error() string { return e.Reason }
