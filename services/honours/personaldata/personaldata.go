// Package personaldata seals personal data for storage (decree 13/2023,
// domain.md §9): citizen ids are kept encrypted with AES-256-GCM under a
// key from the service's configuration, bound to the record they belong to,
// so that a copy of the database without the key does not reveal them and
// a sealed value moved to another record does not open.
package personaldata

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
)

// KeySize is the size of a key, in bytes (AES-256).
const KeySize = 32

// version is the first byte of a sealed value; a new key or algorithm gets
// a new version.
const version byte = 1

// ErrOpen reports a sealed value that does not open: another key, another
// record, or damage.
var ErrOpen = errors.New("sealed personal data does not open")

// Sealer seals and opens values with one key. It is safe for concurrent use.
type Sealer struct {
	aead cipher.AEAD
}

// ParseKey reads a key written as standard base64 of KeySize random bytes
// (e.g. `head -c 32 /dev/urandom | base64`).
func ParseKey(s string) ([]byte, error) {
	key, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, errors.New("personal data key: not standard base64")
	}
	if len(key) != KeySize {
		return nil, fmt.Errorf("personal data key: %d bytes, want %d", len(key), KeySize)
	}
	return key, nil
}

// NewSealer returns a Sealer with key (KeySize bytes).
func NewSealer(key []byte) (*Sealer, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("personal data key: %d bytes, want %d", len(key), KeySize)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Sealer{aead: aead}, nil
}

// Seal encrypts plaintext bound to record (e.g. "decisions/d1/entries/3"):
// version || nonce || ciphertext+tag.
func (s *Sealer) Seal(plaintext, record string) []byte {
	out := make([]byte, 1+s.aead.NonceSize(), 1+s.aead.NonceSize()+len(plaintext)+s.aead.Overhead())
	out[0] = version
	_, _ = rand.Read(out[1:]) // crypto/rand.Read never fails on supported platforms
	return s.aead.Seal(out, out[1:], []byte(plaintext), []byte(record))
}

// Open decrypts a value Seal made for record; anything else is ErrOpen.
func (s *Sealer) Open(sealed []byte, record string) (string, error) {
	n := s.aead.NonceSize()
	if len(sealed) < 1+n+s.aead.Overhead() || sealed[0] != version {
		return "", ErrOpen
	}
	plain, err := s.aead.Open(nil, sealed[1:1+n], sealed[1+n:], []byte(record))
	if err != nil {
		return "", ErrOpen
	}
	return string(plain), nil
}
