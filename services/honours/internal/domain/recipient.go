package domain

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"

	"github.com/tdkt-vn/tdkt/platform/vnfold"
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

// RecipientKey returns the stable key that finds the same recipient across
// decisions (api.md Shared types), and whether it is weak (derived from a
// name, which is not unique):
//
//	individual with a citizen id   "cid:" + blind index of the id                          strong
//	collective                     "unit:" + unit id                                        strong
//	household                      "hh:"  + blind index of (folded head name, commune)      weak
//	other individual               "ind:" + blind index of (folded name, birth year, unit)  weak
//
// A blind index is a keyed HMAC under the keyring's secrets (Keyring): a
// key of an individual or a household holds nothing of the personal data
// it is derived from, and without the secrets no one can compute the key
// of a candidate citizen id, so the 10^12 ids (10^7 behind a masked one)
// cannot be tried against it. Names are folded with vnfold.Fold, so
// "Nguyễn Văn  An" and "NGUYEN VAN AN" give the same key.
//
// A weak key changes when the person changes unit or the name is
// misspelled, and two namesakes born the same year in the same unit share
// one. A recipient that says too little (see Validate) gets "" and false.
func (k *Keyring) RecipientKey(r Recipient) (key string, weak bool) {
	switch r.Kind {
	case RecipientIndividual:
		if id := strings.TrimSpace(r.CitizenID); id != "" {
			return k.blind(KeyCitizen, digest("cccd:"+id)), false
		}
		name := vnfold.Fold(r.FullName)
		if name == "" {
			return "", false
		}
		return k.blind(KeyIndividual, digest("ind", name, strconv.Itoa(r.BirthYear), unitID(r.Unit))), true
	case RecipientCollective:
		if id := unitID(r.Unit); id != "" {
			return KeyCollective + id, false
		}
	case RecipientHousehold:
		name, commune := vnfold.Fold(r.HeadName), unitID(r.Commune)
		if name != "" && commune != "" {
			return k.blind(KeyHousehold, digest("hh", name, commune)), true
		}
	}
	return "", false
}

// digest hashes parts joined by NUL (which no part contains) and keeps 128
// bits in hex. It is the unkeyed first step of a blind index (and what
// recipient keys were before they were keyed): never stored or shown.
func digest(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(sum[:16])
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

// MaskCitizenID shows the first three and last two characters of a citizen
// id and stars the rest: "001234567889" → "001*******89". An id too short to
// keep anything hidden is all stars; "" stays "".
func MaskCitizenID(id string) string {
	if len(id) < 8 {
		return strings.Repeat("*", len(id))
	}
	return id[:3] + strings.Repeat("*", len(id)-5) + id[len(id)-2:]
}
