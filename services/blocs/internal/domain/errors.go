// Package domain holds the blocs service's types and rules: units and their
// lineage, groups, memberships over time, terms, covenants, scores and
// rankings. It does no I/O; the store loads what a rule needs and the
// server maps the errors returned here to gRPC statuses.
package domain

import "github.com/tdkt-vn/tdkt/platform/domainerr"

// The errors of this package are those every service's domain shares.
type (
	// FieldError is a client's mistake in one field (JSON path, e.g.
	// "unit.displayName").
	FieldError = domainerr.FieldError
	// FieldErrors is one or more FieldError.
	FieldErrors = domainerr.FieldErrors
	// RuleError is a broken business rule: a dissolved unit updated, a head
	// who is not a member.
	RuleError = domainerr.RuleError
	// NotFoundError says a named resource does not exist.
	NotFoundError = domainerr.NotFoundError
	// ExistsError says a resource with that name already exists.
	ExistsError = domainerr.ExistsError
)

// ErrStaleEtag reports an update against an outdated etag.
var ErrStaleEtag = domainerr.ErrStaleEtag

func rule(reason, subject, format string, args ...any) *RuleError {
	return domainerr.Rule(reason, subject, format, args...)
}
