package dashboard

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Cookie names. The session cookie is HttpOnly, SameSite=Lax (the issuer's
// redirect back is a top-level navigation, which Lax lets through) and
// Secure when the dashboard is served over HTTPS.
const (
	sessionCookie = "tdkt_session"
	loginCookie   = "tdkt_login"
	langCookie    = "tdkt_lang"
)

// session is what the session cookie holds, sealed: the person's access
// token (the services decide with it, as with any API call), when it
// expires, their name, the province a central officer acts for, and the
// token every form must echo (CSRF).
type session struct {
	Token   string    `json:"t"`
	Expires time.Time `json:"e"`
	Name    string    `json:"n,omitempty"`
	ActFor  string    `json:"a,omitempty"`
	CSRF    string    `json:"c"`
}

// login is what the login cookie holds between the redirect to the issuer
// and the way back: the state, nonce and PKCE verifier of that request and
// the page to return to.
type login struct {
	State    string `json:"s"`
	Nonce    string `json:"n"`
	Verifier string `json:"v"`
	Back     string `json:"b"`
}

// sealer seals cookie values with AES-256-GCM: a cookie the browser
// returns is one the dashboard wrote, unread and unchanged.
type sealer struct {
	aead   cipher.AEAD
	secure bool
}

// newSealer makes a sealer from a hex key of 32 bytes; an empty key is
// replaced by a random one (sessions then end when the process does).
func newSealer(hexKey string, secure bool) (*sealer, error) {
	key := make([]byte, 32)
	if hexKey == "" {
		_, _ = rand.Read(key)
	} else {
		var err error
		if key, err = hex.DecodeString(hexKey); err != nil || len(key) != 32 {
			return nil, errors.New("dashboard: the session key must be 64 hexadecimal digits (32 bytes)")
		}
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &sealer{aead: aead, secure: secure}, nil
}

// set writes v, sealed, to the cookie name for maxAge.
func (s *sealer) set(w http.ResponseWriter, name string, v any, maxAge time.Duration) error {
	plain, err := json.Marshal(v)
	if err != nil {
		return err
	}
	nonce := make([]byte, s.aead.NonceSize())
	_, _ = rand.Read(nonce)
	sealed := s.aead.Seal(nonce, nonce, plain, []byte(name))
	value := base64.RawURLEncoding.EncodeToString(sealed)
	if len(value) > 3800 {
		return fmt.Errorf("dashboard: cookie %s would be %d bytes, more than browsers keep", name, len(value))
	}
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: int(maxAge / time.Second),
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
	return nil
}

// get reads the cookie name into v; false if it is missing or was not
// sealed by this key.
func (s *sealer) get(r *http.Request, name string, v any) bool {
	c, err := r.Cookie(name)
	if err != nil {
		return false
	}
	sealed, err := base64.RawURLEncoding.DecodeString(c.Value)
	if err != nil || len(sealed) < s.aead.NonceSize() {
		return false
	}
	n := s.aead.NonceSize()
	plain, err := s.aead.Open(nil, sealed[:n], sealed[n:], []byte(name))
	if err != nil {
		return false
	}
	return json.Unmarshal(plain, v) == nil
}

// clear removes the cookie name.
func (s *sealer) clear(w http.ResponseWriter, name string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
}

// randomToken is 32 random bytes, base64url: states, nonces, verifiers
// and CSRF tokens.
func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
