// Package domain holds the movements service's types and rules: movements
// and their lifecycle (DRAFT → ACTIVE → CLOSED), and the units taking part
// in them. It does no I/O; the store loads what a rule needs and the server
// maps the errors returned here to gRPC statuses.
package domain

import (
	"github.com/tdkt-vn/tdkt/platform/domainerr"
	"github.com/tdkt-vn/tdkt/platform/resid"
	"github.com/tdkt-vn/tdkt/platform/resname"
)

// The errors of this package are those every service's domain shares.
type (
	// FieldErrors is one or more client mistakes, each in a named field
	// (JSON path, e.g. "movement.period.endDate").
	FieldErrors = domainerr.FieldErrors
	// RuleError is a broken business rule: a closed movement launched.
	RuleError = domainerr.RuleError
	// NotFoundError says a named resource does not exist.
	NotFoundError = domainerr.NotFoundError
	// ExistsError says a resource with that name already exists.
	ExistsError = domainerr.ExistsError
)

// ErrStaleEtag reports a change against an outdated etag.
var ErrStaleEtag = domainerr.ErrStaleEtag

// The service's resource names.
const (
	MovementPattern    resname.Pattern = "movements/{movement}"
	ParticipantPattern resname.Pattern = "movements/{movement}/participants/{participant}"
)

// MovementName returns movements/{id}.
func MovementName(id string) string { return MovementPattern.Format(id) }

// ParticipantName returns movements/{movement}/participants/{id}.
func ParticipantName(movement, id string) string { return ParticipantPattern.Format(movement, id) }

// NewID returns a random server-assigned id.
func NewID() string { return resid.New() }

// EventPattern is the name of an event.
const EventPattern resname.Pattern = "events/{event}"

// EventName returns events/{id}.
func EventName(id string) string { return EventPattern.Format(id) }

// ExemplarPattern is the name of an exemplar.
const ExemplarPattern resname.Pattern = "movements/{movement}/exemplars/{exemplar}"

// ExemplarName is movements/{movement}/exemplars/{id}.
func ExemplarName(movement, id string) string { return ExemplarPattern.Format(movement, id) }
