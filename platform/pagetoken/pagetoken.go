// Package pagetoken implements AIP-158 pagination: page sizes and opaque,
// tamper-proof page tokens.
//
// A token carries a cursor (typically the last sort key and resource name of
// the previous page) as JSON, bound to a scope and signed with HMAC-SHA256:
//
//	base64url( version || uvarint(len(scope)) || scope || JSON(cursor) || HMAC-SHA256(key, payload) )
//
// The scope is a fingerprint of the list request's other fields (parent,
// filters, order), built from the request message itself with ScopeOf, so
// that a token minted for one query cannot be replayed against another. Decode rejects every forged, altered,
// truncated or foreign token with ErrInvalidToken, which servers report as
// InvalidArgument without further detail.
//
// An empty page_token means "first page": callers check for "" before
// calling Decode, which treats "" as invalid.
package pagetoken

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
)

// Page sizes (AIP-158).
const (
	// DefaultSize is the page size used when the request leaves it at 0.
	DefaultSize = 50
	// MaxSize is the largest page served; larger requests are clamped.
	MaxSize = 1000
)

// MinKeySize is the shortest signing key NewSigner accepts, in bytes.
const MinKeySize = 16

// MaxTokenLen is the longest token, in bytes, that Decode looks at and that
// Encode produces.
const MaxTokenLen = 4096

// version is the first payload byte; bump it when the layout changes.
const version byte = 1

var (
	// ErrNegativeSize is returned by Size for a negative page_size.
	ErrNegativeSize = errors.New("page_size must not be negative")
	// ErrInvalidToken is returned by Decode for any token it did not issue
	// for this scope.
	ErrInvalidToken = errors.New("invalid page token")
)

// Size returns the page size to serve for a requested page_size: 0 means
// DefaultSize, values above MaxSize are clamped, negative values are an
// error wrapping ErrNegativeSize.
func Size(requested int32) (int, error) {
	switch {
	case requested < 0:
		return 0, fmt.Errorf("%w: got %d", ErrNegativeSize, requested)
	case requested == 0:
		return DefaultSize, nil
	case requested > MaxSize:
		return MaxSize, nil
	default:
		return int(requested), nil
	}
}

// Scope returns a short fingerprint of parts. Parts are length prefixed,
// so ("ab", "c") and ("a", "bc") give different fingerprints. For the scope
// of a list request use ScopeOf, which leaves no field out; Scope suits
// keys built from values a caller has already normalized.
func Scope(parts ...string) string {
	h := sha256.New()
	var n [binary.MaxVarintLen64]byte
	for _, p := range parts {
		h.Write(n[:binary.PutUvarint(n[:], uint64(len(p)))])
		h.Write([]byte(p))
	}
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:16])
}

// Signer encodes and decodes page tokens with one HMAC key. It is safe for
// concurrent use.
type Signer struct {
	key []byte
}

// NewSigner returns a Signer using key for HMAC-SHA256. The key must be at
// least MinKeySize bytes; use 32 random bytes from configuration, shared by
// every replica of a service.
func NewSigner(key []byte) (*Signer, error) {
	if len(key) < MinKeySize {
		return nil, fmt.Errorf("page token key too short: %d bytes, need at least %d", len(key), MinKeySize)
	}
	return &Signer{key: bytes.Clone(key)}, nil
}

func (s *Signer) mac() hash.Hash { return hmac.New(sha256.New, s.key) }

// Encode returns a token holding cursor (marshalled with encoding/json)
// bound to scope.
func (s *Signer) Encode(scope string, cursor any) (string, error) {
	body, err := json.Marshal(cursor)
	if err != nil {
		return "", fmt.Errorf("encode page token cursor: %w", err)
	}
	payload := make([]byte, 0, 1+binary.MaxVarintLen64+len(scope)+len(body)+sha256.Size)
	payload = append(payload, version)
	payload = binary.AppendUvarint(payload, uint64(len(scope)))
	payload = append(payload, scope...)
	payload = append(payload, body...)
	m := s.mac()
	m.Write(payload)
	token := base64.RawURLEncoding.EncodeToString(m.Sum(payload))
	if len(token) > MaxTokenLen {
		return "", fmt.Errorf("page token is %d bytes, longer than %d", len(token), MaxTokenLen)
	}
	return token, nil
}

// Decode checks token and unmarshals its cursor into cursor, a pointer as
// for json.Unmarshal. Unknown JSON fields are refused, so a cursor type
// change invalidates old tokens instead of misreading them. Every failure
// wraps ErrInvalidToken; "" is invalid too.
func (s *Signer) Decode(token, scope string, cursor any) error {
	if token == "" {
		return fmt.Errorf("%w: empty", ErrInvalidToken)
	}
	if len(token) > MaxTokenLen {
		return fmt.Errorf("%w: too long", ErrInvalidToken)
	}
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return fmt.Errorf("%w: not base64url", ErrInvalidToken)
	}
	if len(raw) < 1+1+sha256.Size {
		return fmt.Errorf("%w: too short", ErrInvalidToken)
	}
	payload, sum := raw[:len(raw)-sha256.Size], raw[len(raw)-sha256.Size:]
	m := s.mac()
	m.Write(payload)
	if !hmac.Equal(sum, m.Sum(nil)) {
		return fmt.Errorf("%w: bad signature", ErrInvalidToken)
	}

	// The payload is ours from here on; still check it defensively.
	if payload[0] != version {
		return fmt.Errorf("%w: unknown version %d", ErrInvalidToken, payload[0])
	}
	n, w := binary.Uvarint(payload[1:])
	rest := payload[1:]
	if w <= 0 || n > uint64(len(rest)-w) {
		return fmt.Errorf("%w: malformed scope", ErrInvalidToken)
	}
	rest = rest[w:]
	if string(rest[:n]) != scope {
		return fmt.Errorf("%w: issued for another request", ErrInvalidToken)
	}
	dec := json.NewDecoder(bytes.NewReader(rest[n:]))
	dec.DisallowUnknownFields()
	if err := dec.Decode(cursor); err != nil {
		if _, ok := errors.AsType[*json.InvalidUnmarshalError](err); ok {
			return fmt.Errorf("decode page token: %w", err) // a programmer error, not a bad token
		}
		return fmt.Errorf("%w: cursor: %v", ErrInvalidToken, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return fmt.Errorf("%w: trailing data", ErrInvalidToken)
	}
	return nil
}

// KeyOrRandom returns secret as a key, or, when secret is empty, a random
// key: tokens then stay valid only for the life of the process, which is
// right for one process and wrong for replicas (they must share a secret).
func KeyOrRandom(secret string) ([]byte, error) {
	if secret != "" {
		if len(secret) < MinKeySize {
			return nil, fmt.Errorf("page token key must be at least %d bytes", MinKeySize)
		}
		return []byte(secret), nil
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	return key, nil
}

// DecodeCursor reads the cursor of a page token issued for the same list
// request (scope): "" is the first page and gives a nil cursor; any other
// token Decode refuses is an error wrapping ErrInvalidToken.
func DecodeCursor[C any](s *Signer, token, scope string) (*C, error) {
	if token == "" {
		return nil, nil
	}
	var c C
	if err := s.Decode(token, scope, &c); err != nil {
		return nil, err
	}
	return &c, nil
}

// EncodeCursor returns the token of the page after cursor, or "" when
// cursor is nil (the last page).
func EncodeCursor[C any](s *Signer, cursor *C, scope string) (string, error) {
	if cursor == nil {
		return "", nil
	}
	return s.Encode(scope, cursor)
}
