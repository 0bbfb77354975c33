// Package domain holds the honours service's rules: the award catalogue and
// the base salary table (both embedded CSV data that officers can correct),
// the money rule, recipient keys, who may confer what, and the states of
// decisions and honours. It does no I/O and imports no generated proto
// code; the store and the server convert to and from their own types, and
// the server maps the errors returned here to gRPC statuses.
package domain

import (
	"github.com/tdkt-vn/tdkt/platform/domainerr"
)

// The errors every service's domain shares.
type (
	// FieldError is a client's mistake in one field (JSON path, e.g.
	// "entries[2].recipient.fullName").
	FieldError = domainerr.FieldError
	// FieldErrors is one or more FieldError.
	FieldErrors = domainerr.FieldErrors
	// RuleError is a broken business rule: an award conferred by an
	// authority that may not confer it, a decision revoked twice.
	RuleError = domainerr.RuleError
	// NotFoundError says a named resource does not exist, e.g. awardTypes/X.
	NotFoundError = domainerr.NotFoundError
)

func rule(reason, subject, format string, args ...any) *RuleError {
	return domainerr.Rule(reason, subject, format, args...)
}

// ErrNoBaseSalary reports a date before the first row of the base salary
// table: no reward can be computed for it.
var ErrNoBaseSalary = &RuleError{
	Reason:      "NO_BASE_SALARY",
	Subject:     "decision.document.signedOn",
	Description: "no base salary is recorded for the signing date, so no reward can be computed",
}
