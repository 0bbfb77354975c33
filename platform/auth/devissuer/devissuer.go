// Package devissuer is an OpenID Connect issuer for development and tests:
// devstack runs one in process, and tests sign in through it. It generates
// its signing key when it starts (and on Rotate), publishes it as a JWKS,
// and issues short-lived bearer tokens in the claims platform/auth reads
// (sub, grants):
//
//	GET  /.well-known/openid-configuration   discovery: issuer, jwks_uri, token_endpoint, algorithms
//	GET  /jwks                                the public keys, with kid and alg
//	GET  /authorize, POST /authorize          the authorization-code flow (authorize.go)
//	POST /token                               grant_type=authorization_code (with PKCE);
//	                                          grant_type=client_credentials: a registered client
//	                                          (HTTP Basic, or client_id and client_secret in the form)
//	                                          signs in as the grants it was registered with, as a
//	                                          provincial system does at a real issuer;
//	                                          grant_type=urn:tdkt:dev with sub, unit and role (repeated):
//	                                          a token for anyone, no questions asked. Only this issuer
//	                                          has that grant: it is what makes it a development tool.
//
// Tokens are signed with go-jose. For the tests of the verifier, Forge
// makes the tokens a hostile client would try: expired, not yet valid, for
// another audience or issuer, signed by an unknown key, alg "none", HMAC
// keyed with the public key, an altered payload.
package devissuer

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/subtle"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/tdkt-vn/tdkt/platform/auth"
)

// Defaults and names.
const (
	// DefaultTTL is how long a token is valid unless said otherwise.
	DefaultTTL = time.Hour
	// MaxTTL is the longest a token the token endpoint issues may live.
	MaxTTL = 24 * time.Hour
	// DevGrantType is the grant type of the token endpoint that issues a
	// token for any subject, unit and roles.
	DevGrantType = "urn:tdkt:dev"
	// CentralUnit is the unit a central administrator's token names when
	// the dev grant is given no unit: the central Emulation and
	// Commendation Board.
	CentralUnit = "ban-tdkt-tw"
)

// Options configure an Issuer. The zero value is ready to use.
type Options struct {
	// Audience is the aud of the tokens issued; "" means auth.DefaultAudience.
	Audience string
	// Algorithm signs the tokens: jose.ES256 (the default) or jose.RS256.
	Algorithm jose.SignatureAlgorithm
	// TTL is how long tokens live when the caller names no lifetime;
	// 0 means DefaultTTL.
	TTL time.Duration
	// KeepRotatedKeys keeps publishing the keys Rotate replaced, so that
	// tokens signed before a rotation verify until they expire, as a real
	// issuer does. False drops them: those tokens no longer verify.
	KeepRotatedKeys bool
	// Clients may sign in with the client-credentials grant; more are
	// added with AddClient.
	Clients []Client
	// RelyingParties may sign people in with the authorization-code flow;
	// more are added with AddRelyingParty.
	RelyingParties []RelyingParty
	// People are offered with one click on the sign-in page.
	People []Person
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Client is a machine client registered at the issuer: a provincial
// system, signing in with the client-credentials grant as the grants an
// administrator gave it.
type Client struct {
	// ID is the client_id, and the sub and client_id of its tokens.
	ID string
	// Secret is the client_secret.
	Secret string
	// Grants are the roles its tokens carry, by unit.
	Grants []auth.Grant
}

// Issuer is a running dev issuer. It is safe for concurrent use.
type Issuer struct {
	url  string
	opts Options
	now  func() time.Time

	mu      sync.RWMutex
	keys    []*signingKey // the current one first, then those still published
	clients map[string]Client
	parties map[string]RelyingParty
	codes   map[string]authCode
}

// signingKey is one of the issuer's keys.
type signingKey struct {
	jwk    jose.JSONWebKey // private, with kid and alg
	signer jose.Signer
}

// New returns an issuer at url ("http://127.0.0.1:9100"): the iss of its
// tokens and the base of its endpoints. Serve its handler (the Issuer
// itself) at that URL's root.
func New(issuerURL string, o Options) (*Issuer, error) {
	u, err := url.Parse(issuerURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("devissuer: the issuer URL %q is not an http(s) URL", issuerURL)
	}
	if o.Audience == "" {
		o.Audience = auth.DefaultAudience
	}
	switch o.Algorithm {
	case "":
		o.Algorithm = jose.ES256
	case jose.ES256, jose.RS256:
	default:
		return nil, fmt.Errorf("devissuer: algorithm %s: use ES256 or RS256", o.Algorithm)
	}
	if o.TTL <= 0 {
		o.TTL = DefaultTTL
	}
	i := &Issuer{url: strings.TrimSuffix(issuerURL, "/"), opts: o, now: o.Now, clients: map[string]Client{},
		parties: map[string]RelyingParty{}, codes: map[string]authCode{}}
	if i.now == nil {
		i.now = time.Now
	}
	k, err := newKey(o.Algorithm)
	if err != nil {
		return nil, err
	}
	i.keys = []*signingKey{k}
	for _, c := range o.Clients {
		if err := i.AddClient(c); err != nil {
			return nil, err
		}
	}
	for _, rp := range o.RelyingParties {
		if err := i.AddRelyingParty(rp); err != nil {
			return nil, err
		}
	}
	for _, p := range o.People {
		if err := checkGrants(p.Grants); err != nil || p.Subject == "" {
			return nil, fmt.Errorf("devissuer: person %q: a subject and valid grants are required (%v)", p.Name, err)
		}
	}
	return i, nil
}

// Start listens on addr ("127.0.0.1:0" picks a free port) and serves an
// issuer at http://<the address bound> until ctx is done.
func Start(ctx context.Context, addr string, o Options) (*Issuer, error) {
	lis, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("devissuer: listen on %s: %w", addr, err)
	}
	i, err := New("http://"+lis.Addr().String(), o)
	if err != nil {
		lis.Close()
		return nil, err
	}
	srv := &http.Server{Handler: i, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(lis) }()
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	return i, nil
}

// URL is the issuer's URL, the iss of its tokens.
func (i *Issuer) URL() string { return i.url }

// Audience is the aud of the issuer's tokens.
func (i *Issuer) Audience() string { return i.opts.Audience }

// KeyID is the kid of the key tokens are signed with now.
func (i *Issuer) KeyID() string {
	i.mu.RLock()
	defer i.mu.RUnlock()
	return i.keys[0].jwk.KeyID
}

// AddClient registers a client for the client-credentials grant, or
// replaces the one with its ID.
func (i *Issuer) AddClient(c Client) error {
	if c.ID == "" || c.Secret == "" {
		return errors.New("devissuer: a client needs an id and a secret")
	}
	if err := checkGrants(c.Grants); err != nil {
		return fmt.Errorf("devissuer: client %s: %w", c.ID, err)
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	i.clients[c.ID] = c
	return nil
}

// Rotate replaces the signing key by a new one, with a new kid; the old
// one stays published or not as Options.KeepRotatedKeys says. It returns
// the new kid.
func (i *Issuer) Rotate() (string, error) {
	k, err := newKey(i.opts.Algorithm)
	if err != nil {
		return "", err
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.opts.KeepRotatedKeys {
		i.keys = append([]*signingKey{k}, i.keys...)
	} else {
		i.keys = []*signingKey{k}
	}
	return k.jwk.KeyID, nil
}

// Token returns a bearer token for c, valid for ttl (0: the issuer's
// TTL). It panics only if signing with the issuer's own key fails, which
// is a bug.
func (i *Issuer) Token(c *auth.Caller, ttl time.Duration) string {
	if ttl <= 0 {
		ttl = i.opts.TTL
	}
	now := i.now()
	tok, err := i.sign(i.current(), i.claims(c, now, now.Add(ttl)))
	if err != nil {
		panic(fmt.Sprintf("devissuer: sign a token: %v", err))
	}
	return tok
}

func (i *Issuer) current() *signingKey {
	i.mu.RLock()
	defer i.mu.RUnlock()
	return i.keys[0]
}

// claims are the claims of a token for c: those auth.MarshalClaims gives
// (sub, grants) and the registered ones.
func (i *Issuer) claims(c *auth.Caller, iat, exp time.Time) map[string]any {
	cl := auth.MarshalClaims(c)
	cl["iss"] = i.url
	cl["aud"] = i.opts.Audience
	cl["iat"] = iat.Unix()
	cl["nbf"] = iat.Unix()
	cl["exp"] = exp.Unix()
	cl["jti"] = randomID()
	return cl
}

func (i *Issuer) sign(k *signingKey, claims map[string]any) (string, error) {
	return jwt.Signed(k.signer).Claims(claims).Serialize()
}

// newKey generates a key for alg and its signer; its kid is its JWK
// thumbprint.
func newKey(alg jose.SignatureAlgorithm) (*signingKey, error) {
	var priv crypto.Signer
	var err error
	switch alg {
	case jose.RS256:
		priv, err = rsa.GenerateKey(rand.Reader, 2048)
	default:
		priv, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	}
	if err != nil {
		return nil, fmt.Errorf("devissuer: generate a key: %w", err)
	}
	pub := jose.JSONWebKey{Key: priv.Public()}
	thumb, err := pub.Thumbprint(crypto.SHA256)
	if err != nil {
		return nil, fmt.Errorf("devissuer: key thumbprint: %w", err)
	}
	jwk := jose.JSONWebKey{Key: priv, KeyID: base64.RawURLEncoding.EncodeToString(thumb[:12]), Algorithm: string(alg), Use: "sig"}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: jwk}, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return nil, fmt.Errorf("devissuer: signer: %w", err)
	}
	return &signingKey{jwk: jwk, signer: signer}, nil
}

func randomID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// ServeHTTP serves the discovery document, the JWKS and the token
// endpoint.
func (i *Issuer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/.well-known/openid-configuration":
		if !allow(w, r, http.MethodGet, http.MethodHead) {
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{
			"issuer":                                i.url,
			"jwks_uri":                              i.url + "/jwks",
			"token_endpoint":                        i.url + "/token",
			"authorization_endpoint":                i.url + "/authorize",
			"id_token_signing_alg_values_supported": []string{string(i.opts.Algorithm)},
			"grant_types_supported":                 []string{"authorization_code", "client_credentials", DevGrantType},
			"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post"},
			"response_types_supported":              []string{"code"},
			"code_challenge_methods_supported":      []string{"S256"},
			"scopes_supported":                      []string{"openid"},
			"subject_types_supported":               []string{"public"},
		})
	case "/jwks":
		if !allow(w, r, http.MethodGet, http.MethodHead) {
			return
		}
		writeJSON(w, http.StatusOK, i.jwks())
	case "/token":
		if !allow(w, r, http.MethodPost) {
			return
		}
		i.token(w, r)
	case "/authorize":
		if !allow(w, r, http.MethodGet, http.MethodPost) {
			return
		}
		i.authorize(w, r)
	default:
		http.NotFound(w, r)
	}
}

// jwks is the public half of every published key.
func (i *Issuer) jwks() jose.JSONWebKeySet {
	i.mu.RLock()
	defer i.mu.RUnlock()
	var set jose.JSONWebKeySet
	for _, k := range i.keys {
		set.Keys = append(set.Keys, k.jwk.Public())
	}
	return set
}

func allow(w http.ResponseWriter, r *http.Request, methods ...string) bool {
	for _, m := range methods {
		if r.Method == m {
			return true
		}
	}
	w.Header().Set("Allow", strings.Join(methods, ", "))
	http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	return false
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

// tokenError answers an OAuth 2.0 error (RFC 6749, 5.2).
func tokenError(w http.ResponseWriter, code int, kind, description string) {
	if code == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="tdkt dev issuer"`)
	}
	writeJSON(w, code, map[string]string{"error": kind, "error_description": description})
}

// token is the token endpoint.
func (i *Issuer) token(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		tokenError(w, http.StatusBadRequest, "invalid_request", "the body is not a form")
		return
	}
	var (
		c        *auth.Caller
		ttl      = i.opts.TTL
		idClaims map[string]any
	)
	switch gt := r.PostForm.Get("grant_type"); gt {
	case "authorization_code":
		var err error
		if c, idClaims, err = i.exchangeCode(r); errors.Is(err, errInvalidClient) {
			tokenError(w, http.StatusUnauthorized, "invalid_client", err.Error())
			return
		} else if err != nil {
			tokenError(w, http.StatusBadRequest, "invalid_grant", err.Error())
			return
		}
	case "client_credentials":
		client, ok := i.authenticateClient(r)
		if !ok {
			tokenError(w, http.StatusUnauthorized, "invalid_client", "unknown client or wrong secret")
			return
		}
		c = &auth.Caller{Subject: client.ID, Method: auth.MethodBearer, Grants: client.Grants}
	case DevGrantType:
		var err error
		if c, err = devCaller(r.PostForm); err != nil {
			tokenError(w, http.StatusBadRequest, "invalid_request", err.Error())
			return
		}
		if s := r.PostForm.Get("ttl"); s != "" {
			d, err := time.ParseDuration(s)
			if err != nil || d <= 0 || d > MaxTTL {
				tokenError(w, http.StatusBadRequest, "invalid_request", fmt.Sprintf("ttl %q is not a duration between 0 and %s", s, MaxTTL))
				return
			}
			ttl = d
		}
	case "":
		tokenError(w, http.StatusBadRequest, "invalid_request", "grant_type is missing")
		return
	default:
		tokenError(w, http.StatusBadRequest, "unsupported_grant_type",
			fmt.Sprintf("grant_type %q: this issuer knows authorization_code, client_credentials and %s", truncate(gt, 60), DevGrantType))
		return
	}
	now := i.now()
	claims := i.claims(c, now, now.Add(ttl))
	if r.PostForm.Get("grant_type") == "client_credentials" {
		claims["client_id"] = c.Subject
	}
	tok, err := i.sign(i.current(), claims)
	if err != nil {
		tokenError(w, http.StatusInternalServerError, "server_error", "could not sign the token")
		return
	}
	answer := map[string]any{
		"access_token": tok,
		"token_type":   "Bearer",
		"expires_in":   int(ttl / time.Second),
	}
	if idClaims != nil {
		idClaims["iss"], idClaims["iat"], idClaims["exp"] = i.url, now.Unix(), now.Add(ttl).Unix()
		if answer["id_token"], err = i.sign(i.current(), idClaims); err != nil {
			tokenError(w, http.StatusInternalServerError, "server_error", "could not sign the ID token")
			return
		}
	}
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, http.StatusOK, answer)
}

// authenticateClient checks the client of a client-credentials request:
// HTTP Basic (client_secret_basic, id and secret form-encoded) or the
// form's client_id and client_secret (client_secret_post).
func (i *Issuer) authenticateClient(r *http.Request) (Client, bool) {
	id, secret, basic := r.BasicAuth()
	if basic {
		var err1, err2 error
		id, err1 = url.QueryUnescape(id)
		secret, err2 = url.QueryUnescape(secret)
		if err1 != nil || err2 != nil {
			return Client{}, false
		}
	} else {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	i.mu.RLock()
	c, ok := i.clients[id]
	i.mu.RUnlock()
	if !ok || id == "" {
		return Client{}, false
	}
	return c, subtle.ConstantTimeCompare([]byte(secret), []byte(c.Secret)) == 1
}

// devCaller is the caller the dev grant's form names: sub (default
// "dev"), unit (units/{unit} or its id; required unless the only role is
// CENTRAL_ADMIN, whose unit is then CentralUnit) and role, repeated.
func devCaller(form url.Values) (*auth.Caller, error) {
	sub := form.Get("sub")
	if sub == "" {
		sub = "dev"
	}
	if len(sub) > 200 {
		return nil, errors.New("sub is longer than 200 characters")
	}
	var roles []auth.Role
	for _, r := range form["role"] {
		for _, name := range strings.Split(r, ",") {
			role := auth.Role(strings.TrimSpace(name))
			if !role.Valid() {
				return nil, fmt.Errorf("role %q is not one of %s", truncate(string(role), 40), roleNames())
			}
			roles = append(roles, role)
		}
	}
	if len(roles) == 0 {
		return nil, fmt.Errorf("no role: give role, one of %s", roleNames())
	}
	unit := strings.TrimPrefix(form.Get("unit"), "units/")
	if unit == "" {
		for _, r := range roles {
			if r != auth.CentralAdmin {
				return nil, fmt.Errorf("no unit: give unit (units/bac-kan) for role %s", r)
			}
		}
		unit = CentralUnit
	}
	g := []auth.Grant{{Unit: unit, Roles: roles}}
	if err := checkGrants(g); err != nil {
		return nil, err
	}
	return &auth.Caller{Subject: sub, Method: auth.MethodBearer, Grants: g}, nil
}

var unitID = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

func checkGrants(grants []auth.Grant) error {
	for _, g := range grants {
		if !unitID.MatchString(g.Unit) {
			return fmt.Errorf("unit %q is not a unit id (bac-kan) or name (units/bac-kan)", truncate(g.Unit, 70))
		}
		for _, r := range g.Roles {
			if !r.Valid() {
				return fmt.Errorf("role %q is not one of %s", truncate(string(r), 40), roleNames())
			}
		}
	}
	return nil
}

func roleNames() string {
	names := make([]string, len(auth.Roles))
	for i, r := range auth.Roles {
		names[i] = string(r)
	}
	return strings.Join(names, ", ")
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// Forgery is a token a hostile client would try; every one must be
// refused.
type Forgery int

// Forgeries.
const (
	// Expired ended an hour ago.
	Expired Forgery = iota
	// NotYetValid becomes valid in an hour (nbf), beyond any clock skew
	// a verifier allows.
	NotYetValid
	// WrongAudience is for another service.
	WrongAudience
	// WrongIssuer names another issuer, signed with this one's key.
	WrongIssuer
	// UnknownKey is signed by a key the issuer never published.
	UnknownKey
	// AlgNone is unsigned, with alg "none".
	AlgNone
	// HMACWithPublicKey is signed with HS256 keyed by the issuer's public
	// key (its PEM), the classic confusion of algorithms.
	HMACWithPublicKey
	// AlteredPayload is a token the issuer signed for the caller, whose
	// payload was then changed to make it a central administrator.
	AlteredPayload
)

// Forgeries lists every Forgery.
var Forgeries = []Forgery{Expired, NotYetValid, WrongAudience, WrongIssuer, UnknownKey, AlgNone, HMACWithPublicKey, AlteredPayload}

func (f Forgery) String() string {
	switch f {
	case Expired:
		return "expired"
	case NotYetValid:
		return "not yet valid"
	case WrongAudience:
		return "another audience"
	case WrongIssuer:
		return "another issuer"
	case UnknownKey:
		return "unknown key"
	case AlgNone:
		return "alg none"
	case HMACWithPublicKey:
		return "HS256 keyed with the public key"
	case AlteredPayload:
		return "altered payload"
	}
	return fmt.Sprintf("Forgery(%d)", int(f))
}

// Forge returns the forged token f for c. The forgeries that a library
// will not make (alg none, an altered payload) are put together by hand,
// as an attacker would.
func (i *Issuer) Forge(f Forgery, c *auth.Caller) (string, error) {
	now := i.now()
	k := i.current()
	claims := i.claims(c, now, now.Add(i.opts.TTL))
	switch f {
	case Expired:
		claims["iat"], claims["nbf"], claims["exp"] = now.Add(-2*time.Hour).Unix(), now.Add(-2*time.Hour).Unix(), now.Add(-time.Hour).Unix()
		return i.sign(k, claims)
	case NotYetValid:
		claims["iat"], claims["nbf"], claims["exp"] = now.Unix(), now.Add(time.Hour).Unix(), now.Add(2*time.Hour).Unix()
		return i.sign(k, claims)
	case WrongAudience:
		claims["aud"] = "not-" + i.opts.Audience
		return i.sign(k, claims)
	case WrongIssuer:
		claims["iss"] = "https://issuer.invalid"
		return i.sign(k, claims)
	case UnknownKey:
		other, err := newKey(i.opts.Algorithm)
		if err != nil {
			return "", err
		}
		return i.sign(other, claims)
	case AlgNone:
		header := map[string]string{"alg": "none", "typ": "JWT", "kid": k.jwk.KeyID}
		return segment(header) + "." + segment(claims) + ".", nil
	case HMACWithPublicKey:
		der, err := x509.MarshalPKIXPublicKey(k.jwk.Public().Key)
		if err != nil {
			return "", err
		}
		pemKey := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
		signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.HS256, Key: pemKey},
			(&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", k.jwk.KeyID))
		if err != nil {
			return "", err
		}
		return jwt.Signed(signer).Claims(claims).Serialize()
	case AlteredPayload:
		tok, err := i.sign(k, claims)
		if err != nil {
			return "", err
		}
		parts := strings.Split(tok, ".")
		claims["sub"] = "root"
		claims["grants"] = []map[string]any{{"unit": CentralUnit, "roles": []string{string(auth.CentralAdmin)}}}
		parts[1] = segment(claims)
		return strings.Join(parts, "."), nil
	}
	return "", fmt.Errorf("devissuer: unknown forgery %d", int(f))
}

// segment is v as a JWT segment: base64url of its JSON.
func segment(v any) string {
	b, _ := json.Marshal(v)
	return base64.RawURLEncoding.EncodeToString(b)
}
