// Package domain holds the honours service's rules: the award catalogue and
// the base salary table (both embedded CSV data that officers can correct),
// the money rule, recipient keys, who may confer what, and the states of
// decisions and honours. It does no I/O and imports no generated proto
// code; the store and the server convert to and from their own types, and
// the server maps the errors returned here to gRPC statuses.
package domain

import (
	"errors"
	"fmt"
	"strings"
)

// FieldError is a client's mistake in one field of a request. Field is the
// JSON path of the field, e.g. "entries[2].recipient.fullName".
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

// add appends a violation.
func (es *FieldErrors) add(field, format string, args ...any) {
	*es = append(*es, FieldError{Field: field, Description: fmt.Sprintf(format, args...)})
}

// RuleError is a business rule the request would break: an award conferred
// by an authority that may not confer it, a decision revoked twice. Reason
// is a stable UPPER_SNAKE code, Subject the resource or field it concerns.
type RuleError struct {
	Reason      string
	Subject     string
	Description string
}

func (e *RuleError) Error() string {
	return fmt.Sprintf("%s: %s: %s", e.Reason, e.Subject, e.Description)
}

func rule(reason, subject, format string, args ...any) *RuleError {
	return &RuleError{Reason: reason, Subject: subject, Description: fmt.Sprintf(format, args...)}
}

// NotFoundError says a named resource does not exist, e.g. awardTypes/X.
type NotFoundError struct{ Name string }

func (e *NotFoundError) Error() string { return e.Name + " not found" }

// ErrNoBaseSalary reports a date before the first row of the base salary
// table: no reward can be computed for it.
var ErrNoBaseSalary = errors.New("no base salary in force on that date")
