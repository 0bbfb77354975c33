package domain

import (
	"strings"

	"github.com/tdkt-vn/tdkt/platform/vnfold"
	"github.com/tdkt-vn/tdkt/services/honours/recipientkey"
)

// Validate checks that r says enough to identify the recipient; prefix is
// its JSON path ("entries[0].recipient"). Formats (unit names, birth year
// range) are protovalidate's job; this is the per-kind rule.
func (r Recipient) Validate(prefix string) error {
	var errs FieldErrors
	switch r.Kind {
	case RecipientIndividual:
		if vnfold.Normalize(r.FullName) == "" {
			errs.Add(prefix+".fullName", "is required for an individual")
		}
		if r.CitizenID != "" && !isCitizenID(r.CitizenID) {
			errs.Add(prefix+".citizenId", "must be 12 digits")
		}
	case RecipientCollective:
		if unitID(r.Unit) == "" {
			errs.Add(prefix+".unit", "is required for a collective")
		}
	case RecipientHousehold:
		if vnfold.Normalize(r.HeadName) == "" {
			errs.Add(prefix+".headName", "is required for a household")
		}
		if unitID(r.Commune) == "" {
			errs.Add(prefix+".commune", "is required for a household")
		}
	default:
		errs.Add(prefix+".kind", "is required")
	}
	return errs.Err()
}

// Identity is what identifies r, for its recipient key
// (recipientkey.Keyring.Key).
func (r Recipient) Identity() recipientkey.Identity {
	return recipientkey.Identity{Kind: recipientkey.Kind(r.Kind), FullName: r.FullName, CitizenID: r.CitizenID,
		BirthYear: r.BirthYear, Unit: r.Unit, HeadName: r.HeadName, Commune: r.Commune}
}

// unitID returns the id of a unit name ("units/bac-kan" → "bac-kan"); a
// bare id is returned as it is.
func unitID(name string) string {
	return strings.TrimPrefix(strings.TrimSpace(name), "units/")
}

func isCitizenID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
