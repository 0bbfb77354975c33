package recipientkey

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// The kinds of recipient keys: the prefix of a key.
const (
	KeyCitizen    = "cid:"  // an individual with a citizen id
	KeyIndividual = "ind:"  // another individual: name, birth year, unit
	KeyHousehold  = "hh:"   // a household: head name, commune
	KeyCollective = "unit:" // a collective: its unit id, in clear
)

// DerivedFromCitizenID reports whether key is derived from a citizen id:
// it is shown only to callers who may read that id.
func DerivedFromCitizenID(key string) bool { return strings.HasPrefix(key, KeyCitizen) }

// DerivedFromPersonalData reports whether key is derived from personal
// data (a citizen id, a name with a birth year, a household's head): every
// key but a collective's.
func DerivedFromPersonalData(key string) bool {
	return key != "" && !strings.HasPrefix(key, KeyCollective)
}

// MinKeySecretBytes is the least a recipient key secret holds.
const MinKeySecretBytes = 32

// Keyring makes the blind indexes of recipient keys (RecipientKey) with a
// list of secrets, oldest first: the chain. A key's digest is the unkeyed
// digest of what identifies the recipient, then an HMAC-SHA256 under each
// secret of the chain in turn, each over the one before:
//
//	kind + generation + "." + HMAC(sN, kind, … HMAC(s1, kind, digest) …)
//
// The generation (8 hex digits) names the chain that made the key: a hash
// of its secrets, which says nothing of them. Rotation appends a secret:
// a key of an earlier generation is brought to the current one with the
// secrets that follow its own (Current), without the citizen id, name or
// sealed data it came from; a key made before keys were keyed (kind + 32
// hex digits, generation 0) is brought forward with all of them. So keys
// stay comparable across rotations, and what a rotation buys is that a
// leaked secret of the chain is of no use without the newer ones. Old
// secrets are never dropped from the chain (docs/personal-data.md).
//
// A Keyring is safe for concurrent use.
type Keyring struct {
	secrets [][]byte
	// generations[i] is the generation of keys made with secrets[:i+1].
	generations []string
}

// NewKeyring returns the keyring of secrets, oldest first; the last one
// makes new keys. Each holds at least MinKeySecretBytes bytes.
func NewKeyring(secrets ...[]byte) (*Keyring, error) {
	if len(secrets) == 0 {
		return nil, errors.New("recipient key secrets: none given")
	}
	k := &Keyring{}
	h := sha256.New()
	h.Write([]byte("tdkt recipient key generation"))
	for i, s := range secrets {
		if len(s) < MinKeySecretBytes {
			return nil, fmt.Errorf("recipient key secret %d of %d: %d bytes, want at least %d", i+1, len(secrets), len(s), MinKeySecretBytes)
		}
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write(s)
		k.secrets = append(k.secrets, append([]byte(nil), s...))
		k.generations = append(k.generations, hex.EncodeToString(h.Sum(nil)[:4]))
	}
	return k, nil
}

// ParseKeyring reads the secrets of a keyring as a configuration gives
// them: standard base64, separated by commas, oldest first (e.g. `head -c
// 32 /dev/urandom | base64` for the first; "OLD,NEW" after a rotation).
func ParseKeyring(s string) (*Keyring, error) {
	var secrets [][]byte
	for i, part := range strings.Split(s, ",") {
		b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(part))
		if err != nil {
			return nil, fmt.Errorf("recipient key secret %d: not standard base64", i+1)
		}
		secrets = append(secrets, b)
	}
	return NewKeyring(secrets...)
}

// Generation is the generation of the keys the keyring makes now.
func (k *Keyring) Generation() string { return k.generations[len(k.generations)-1] }

// Knows reports whether keys of generation gen are brought forward by
// this keyring: gen is the generation of its chain or of a chain it
// extends, or "" (keys of before keys were keyed).
func (k *Keyring) Knows(gen string) bool { return gen == "" || slices.Contains(k.generations, gen) }

// KeyGeneration returns the generation of a blind key ("" for a key of
// before keys were keyed, a collective's or anything else).
func KeyGeneration(key string) string {
	_, gen, _, _ := splitKey(key)
	return gen
}

// IsCurrent reports whether key is of the current generation, or needs
// none (a collective's).
func (k *Keyring) IsCurrent(key string) bool {
	kind, gen, _, ok := splitKey(key)
	return ok && (kind == KeyCollective || gen == k.Generation())
}

// Current returns key as the current generation makes it (see Keyring):
// the same key for a collective's or a current one, the key brought
// forward for an older one. It is false for what is not a key of a
// generation of this keyring (malformed, or made with secrets it lacks).
func (k *Keyring) Current(key string) (string, bool) {
	kind, gen, mac, ok := splitKey(key)
	if !ok {
		return key, false
	}
	if kind == KeyCollective {
		return key, true
	}
	from := 0 // the secrets the key has been through
	if gen != "" {
		i := slices.Index(k.generations, gen)
		if i < 0 {
			return key, false
		}
		from = i + 1
	}
	if from == len(k.secrets) {
		return key, true
	}
	for _, s := range k.secrets[from:] {
		mac = wrap(s, kind, mac)
	}
	return kind + k.Generation() + "." + mac, true
}

// blind is the key of kind for digest d, under every secret of the chain.
func (k *Keyring) blind(kind, d string) string {
	for _, s := range k.secrets {
		d = wrap(s, kind, d)
	}
	return kind + k.Generation() + "." + d
}

// wrap is one link of the chain: HMAC-SHA256 under secret of the kind and
// the digest before, 128 bits in hex.
func wrap(secret []byte, kind, d string) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("tdkt recipient key\x00"))
	m.Write([]byte(kind))
	m.Write([]byte{0})
	m.Write([]byte(d))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// splitKey splits a blind key into its kind, generation ("" for a key of
// before keys were keyed) and digest; a collective's key into its kind and
// unit id. It is false for anything else.
func splitKey(key string) (kind, gen, digest string, ok bool) {
	for _, kind := range []string{KeyCitizen, KeyIndividual, KeyHousehold} {
		rest, found := strings.CutPrefix(key, kind)
		if !found {
			continue
		}
		gen, d, keyed := strings.Cut(rest, ".")
		if !keyed {
			gen, d = "", rest
		} else if len(gen) != 8 || !isHex(gen) {
			return "", "", "", false
		}
		if len(d) != 32 || !isHex(d) {
			return "", "", "", false
		}
		return kind, gen, d, true
	}
	if id, found := strings.CutPrefix(key, KeyCollective); found && id != "" {
		return KeyCollective, "", id, true
	}
	return "", "", "", false
}

func isHex(s string) bool {
	for _, c := range []byte(s) {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
