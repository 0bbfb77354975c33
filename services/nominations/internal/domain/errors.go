package domain

import (
	"github.com/tdkt-vn/tdkt/platform/domainerr"
	"github.com/tdkt-vn/tdkt/platform/resid"
	"github.com/tdkt-vn/tdkt/platform/resname"
)

// The service's resource names.
const (
	BatchPattern      resname.Pattern = "batches/{batch}"
	NominationPattern resname.Pattern = "batches/{batch}/nominations/{nomination}"
)

// BatchName returns batches/{id}.
func BatchName(id string) string { return BatchPattern.Format(id) }

// NominationName returns batches/{batch}/nominations/{id}.
func NominationName(batch, id string) string { return NominationPattern.Format(batch, id) }

// NewID returns a random server-assigned id.
func NewID() string { return resid.New() }

func rule(reason, subject, format string, args ...any) *domainerr.RuleError {
	return domainerr.Rule(reason, subject, format, args...)
}
