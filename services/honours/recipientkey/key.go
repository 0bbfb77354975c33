// Package recipientkey makes recipient keys: the stable keys that find the
// same recipient across decisions and nominations (api.md Shared types),
// blind indexes under a keyring of secrets, so that a key holds nothing of
// the personal data it is derived from. honours keys its register with
// it, and nominations its nominations, under the same secrets
// (docs/personal-data.md).
package recipientkey

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"

	"github.com/tdkt-vn/tdkt/platform/vnfold"
)

// Kind is what a recipient is. Values match tdkt.type.v1.RecipientKind.
type Kind int32

// Recipient kinds.
const (
	Individual Kind = 1
	Collective Kind = 2
	Household  Kind = 3
)

// Identity is what identifies a recipient: an individual's citizen id, or
// name, birth year and unit; a collective's unit; a household's head and
// commune. Units are names (units/{u}) or bare ids.
type Identity struct {
	Kind      Kind
	FullName  string
	CitizenID string
	BirthYear int
	Unit      string
	HeadName  string
	Commune   string
}

// Key returns the stable key that finds the same recipient, and whether
// it is weak (derived from a name, which is not unique):
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
// one. An identity that says too little gets "" and false.
func (k *Keyring) Key(r Identity) (key string, weak bool) {
	switch r.Kind {
	case Individual:
		if id := strings.TrimSpace(r.CitizenID); id != "" {
			return k.blind(KeyCitizen, digest("cccd:"+id)), false
		}
		name := vnfold.Fold(r.FullName)
		if name == "" {
			return "", false
		}
		return k.blind(KeyIndividual, digest("ind", name, strconv.Itoa(r.BirthYear), unitID(r.Unit))), true
	case Collective:
		if id := unitID(r.Unit); id != "" {
			return KeyCollective + id, false
		}
	case Household:
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
