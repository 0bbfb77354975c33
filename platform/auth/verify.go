package auth

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
)

// DefaultAudience is the audience tdkt's tokens are issued for.
const DefaultAudience = "tdkt"

// DefaultAlgorithms are the signature algorithms accepted when the issuer's
// discovery document names none: asymmetric ones only, so that a token
// signed with HMAC under the issuer's public key, or with alg "none", does
// not verify.
var DefaultAlgorithms = []string{oidc.RS256, oidc.ES256, oidc.EdDSA}

// VerifierConfig says which tokens a Verifier accepts.
type VerifierConfig struct {
	// Issuer is the OpenID Connect issuer URL; tokens must carry it as iss.
	Issuer string
	// Audience must be one of a token's aud; "" means DefaultAudience.
	Audience string
	// JWKSURL is where the issuer's keys are; "" means the jwks_uri of the
	// issuer's discovery document, fetched on first use (and again after a
	// failure), so that a service may start before its issuer.
	JWKSURL string
	// Algorithms restricts the accepted signature algorithms; empty means
	// those the discovery document names, or DefaultAlgorithms.
	Algorithms []string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// ErrToken is what every refused token matches (errors.Is).
var ErrToken = errors.New("bearer token refused")

// TokenError says why a token was refused, in words safe to return to the
// caller: nothing of the token itself.
type TokenError struct{ Reason string }

func (e *TokenError) Error() string        { return "bearer token refused: " + e.Reason }
func (e *TokenError) Is(target error) bool { return target == ErrToken }

// Verifier checks bearer JWTs against an issuer: signature by one of the
// issuer's current keys (keySet: new keys are fetched when a token names
// a key not seen before, so a rotation needs no restart), issuer, audience, expiry
// and not-before. Verified tokens are remembered until they expire, so a
// client that sends the same token on every call pays for one signature
// check. It is safe for concurrent use.
type Verifier struct {
	cfg VerifierConfig
	now func() time.Time

	mu       sync.Mutex
	verifier *oidc.IDTokenVerifier
	retryAt  time.Time // no discovery before this, after a failure

	seen tokenCache
}

// NewVerifier returns a Verifier for cfg. It fetches nothing yet.
func NewVerifier(cfg VerifierConfig) (*Verifier, error) {
	if cfg.Issuer == "" {
		return nil, errors.New("auth: the OpenID Connect issuer URL is required")
	}
	if cfg.Audience == "" {
		cfg.Audience = DefaultAudience
	}
	v := &Verifier{cfg: cfg, now: cfg.Now, seen: tokenCache{max: 10000, m: map[string]cachedToken{}}}
	if v.now == nil {
		v.now = time.Now
	}
	return v, nil
}

// Verify returns the caller that raw, a compact JWT, stands for; a
// *TokenError when it is not valid.
func (v *Verifier) Verify(ctx context.Context, raw string) (*Caller, error) {
	if raw == "" || len(raw) > 16<<10 {
		return nil, &TokenError{Reason: "malformed"}
	}
	now := v.now()
	if c, ok := v.seen.get(raw, now); ok {
		return c, nil
	}
	ov, err := v.oidcVerifier(ctx)
	if err != nil {
		return nil, err
	}
	tok, err := ov.Verify(ctx, raw)
	if err != nil {
		var expired *oidc.TokenExpiredError
		if errors.As(err, &expired) {
			return nil, &TokenError{Reason: "expired"}
		}
		return nil, &TokenError{Reason: "not valid for this service"}
	}
	var cl claims
	if err := tok.Claims(&cl); err != nil {
		return nil, &TokenError{Reason: "claims are malformed"}
	}
	c, err := cl.caller()
	if err != nil {
		return nil, err
	}
	v.seen.put(raw, c, tok.Expiry, now)
	return c, nil
}

// oidcVerifier returns the go-oidc verifier, running discovery first when
// needed.
func (v *Verifier) oidcVerifier(ctx context.Context) (*oidc.IDTokenVerifier, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.verifier != nil {
		return v.verifier, nil
	}
	if v.now().Before(v.retryAt) {
		return nil, errIssuerUnreachable
	}
	cfg := &oidc.Config{ClientID: v.cfg.Audience, SupportedSigningAlgs: v.cfg.Algorithms, Now: v.cfg.Now}
	if v.cfg.JWKSURL != "" {
		if len(cfg.SupportedSigningAlgs) == 0 {
			cfg.SupportedSigningAlgs = DefaultAlgorithms
		}
		v.verifier = oidc.NewVerifier(v.cfg.Issuer, newKeySet(v.cfg.JWKSURL, cfg.SupportedSigningAlgs), cfg)
		return v.verifier, nil
	}
	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	p, err := oidc.NewProvider(oidc.ClientContext(dctx, nil), v.cfg.Issuer)
	if err != nil {
		v.retryAt = v.now().Add(5 * time.Second)
		return nil, errIssuerUnreachable
	}
	var doc struct {
		JWKSURL string   `json:"jwks_uri"`
		Algs    []string `json:"id_token_signing_alg_values_supported"`
	}
	if err := p.Claims(&doc); err != nil || doc.JWKSURL == "" {
		v.retryAt = v.now().Add(5 * time.Second)
		return nil, errIssuerUnreachable
	}
	if len(cfg.SupportedSigningAlgs) == 0 {
		cfg.SupportedSigningAlgs = asymmetric(doc.Algs)
	}
	v.verifier = oidc.NewVerifier(v.cfg.Issuer, newKeySet(doc.JWKSURL, cfg.SupportedSigningAlgs), cfg)
	return v.verifier, nil
}

// errIssuerUnreachable is a fault of the deployment, not of the token: the
// server answers Unavailable.
var errIssuerUnreachable = &IssuerError{}

// IssuerError reports that the issuer's discovery document could not be
// read.
type IssuerError struct{}

func (*IssuerError) Error() string { return "auth: the OpenID Connect issuer is unreachable" }

// asymmetric keeps the asymmetric algorithms of algs; none left means
// DefaultAlgorithms.
func asymmetric(algs []string) []string {
	var out []string
	for _, a := range algs {
		if a != "none" && !strings.HasPrefix(a, "HS") {
			out = append(out, a)
		}
	}
	if len(out) == 0 {
		return DefaultAlgorithms
	}
	return out
}

// claims are the claims of a tdkt token beyond those go-oidc checks. A
// token names one unit and its roles (unit, roles), or several (grants);
// units are ids or names ("thai-nguyen", "units/thai-nguyen"). Roles tdkt
// does not know are ignored: a real issuer carries others.
type claims struct {
	Subject  string       `json:"sub"`
	ClientID string       `json:"client_id"`
	Unit     string       `json:"unit"`
	Roles    []string     `json:"roles"`
	Grants   []claimGrant `json:"grants"`
}

type claimGrant struct {
	Unit  string   `json:"unit"`
	Roles []string `json:"roles"`
}

var unitID = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

func (cl claims) caller() (*Caller, error) {
	subject := cl.Subject
	if subject == "" {
		subject = cl.ClientID
	}
	if subject == "" || len(subject) > 200 {
		return nil, &TokenError{Reason: "no subject"}
	}
	grants := cl.Grants
	if cl.Unit != "" {
		grants = append([]claimGrant{{Unit: cl.Unit, Roles: cl.Roles}}, grants...)
	}
	if len(grants) > 100 {
		return nil, &TokenError{Reason: "too many grants"}
	}
	c := &Caller{Subject: subject, Method: MethodBearer}
	for _, g := range grants {
		id := strings.TrimPrefix(g.Unit, "units/")
		if !unitID.MatchString(id) {
			return nil, &TokenError{Reason: fmt.Sprintf("unit %q is not a unit id", truncate(g.Unit, 70))}
		}
		var roles []Role
		for _, r := range g.Roles {
			if role := Role(r); role.Valid() {
				roles = append(roles, role)
			}
		}
		if len(roles) > 0 {
			c.Grants = append(c.Grants, Grant{Unit: id, Roles: roles})
		}
	}
	return c, nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// MarshalClaims is the claims part of a token for c, as the dev issuer
// signs it: sub, and grants.
func MarshalClaims(c *Caller) map[string]any {
	grants := make([]claimGrant, 0, len(c.Grants))
	for _, g := range c.Grants {
		roles := make([]string, len(g.Roles))
		for i, r := range g.Roles {
			roles[i] = string(r)
		}
		grants = append(grants, claimGrant{Unit: g.Unit, Roles: roles})
	}
	return map[string]any{"sub": c.Subject, "grants": grants}
}

// tokenCache remembers verified tokens (at most 16 KiB each), by the
// token itself, until they expire; at most max of them.
type tokenCache struct {
	mu  sync.RWMutex
	max int
	m   map[string]cachedToken
}

type cachedToken struct {
	caller *Caller
	exp    time.Time
}

func (t *tokenCache) get(key string, now time.Time) (*Caller, bool) {
	t.mu.RLock()
	e, ok := t.m[key]
	t.mu.RUnlock()
	if !ok || !now.Before(e.exp) {
		return nil, false
	}
	return e.caller, true
}

func (t *tokenCache) put(key string, c *Caller, exp, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.m) >= t.max {
		for k, e := range t.m {
			if !now.Before(e.exp) {
				delete(t.m, k)
			}
		}
		if len(t.m) >= t.max {
			clear(t.m)
		}
	}
	t.m[key] = cachedToken{caller: c, exp: exp}
}
