package devissuer

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/tdkt-vn/tdkt/platform/auth"
)

// The authorization-code flow (OpenID Connect, with PKCE) signs a person
// in to a relying party, the gateway's dashboard:
//
//	GET  /authorize  a page to pick a demo person, or to name any subject,
//	                 unit and role: the development stand-in for a real
//	                 issuer's login page
//	POST /authorize  issues a one-time code and redirects to the relying
//	                 party's redirect_uri with it and the state
//	POST /token      grant_type=authorization_code: the relying party
//	                 (authenticated) exchanges the code, with the PKCE
//	                 code_verifier, for an access token and an ID token
//	                 carrying the nonce

// codeTTL is how long an authorization code may wait to be exchanged.
const codeTTL = time.Minute

// RelyingParty is a web application registered at the issuer for the
// authorization-code flow.
type RelyingParty struct {
	// ID is the client_id; the aud of its ID tokens.
	ID string
	// Secret is the client_secret it authenticates with at the token
	// endpoint.
	Secret string
	// RedirectURIs are the only addresses codes are sent to.
	RedirectURIs []string
}

// Person is someone the sign-in page offers with one click: a demo
// account.
type Person struct {
	// Subject is the sub of their tokens.
	Subject string
	// Name is shown on the page and is the name claim of the ID token.
	Name string
	// Title says what they do ("Văn thư Sở Nội vụ tỉnh Thái Nguyên").
	Title string
	// Grants are the roles their tokens carry.
	Grants []auth.Grant
}

// authCode is an issued, not yet exchanged, authorization code.
type authCode struct {
	client, redirect, nonce, challenge string
	caller                             *auth.Caller
	name                               string
	expires                            time.Time
}

// AddRelyingParty registers a web application for the authorization-code
// flow, or replaces the one with its ID.
func (i *Issuer) AddRelyingParty(rp RelyingParty) error {
	if rp.ID == "" || rp.Secret == "" || len(rp.RedirectURIs) == 0 {
		return errors.New("devissuer: a relying party needs an id, a secret and a redirect URI")
	}
	for _, u := range rp.RedirectURIs {
		if p, err := url.Parse(u); err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" || p.Fragment != "" {
			return fmt.Errorf("devissuer: relying party %s: redirect URI %q is not an absolute http(s) URL", rp.ID, u)
		}
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	i.parties[rp.ID] = rp
	return nil
}

// authRequest is the query of an authorization request, checked.
type authRequest struct {
	party                                   RelyingParty
	redirect, state, nonce, challenge, form string
}

// parseAuthRequest checks an authorization request. An error before the
// redirect URI is known to be registered is shown on the page, never
// redirected (RFC 6749, 4.1.2.1).
func (i *Issuer) parseAuthRequest(q url.Values) (authRequest, error) {
	i.mu.RLock()
	rp, ok := i.parties[q.Get("client_id")]
	i.mu.RUnlock()
	if !ok {
		return authRequest{}, fmt.Errorf("unknown client_id %q", truncate(q.Get("client_id"), 60))
	}
	redirect := q.Get("redirect_uri")
	if !slices.Contains(rp.RedirectURIs, redirect) {
		return authRequest{}, fmt.Errorf("redirect_uri %q is not registered for %s", truncate(redirect, 200), rp.ID)
	}
	switch {
	case q.Get("response_type") != "code":
		return authRequest{}, errors.New("response_type must be code")
	case q.Get("code_challenge_method") != "S256" || len(q.Get("code_challenge")) != 43:
		return authRequest{}, errors.New("PKCE is required: code_challenge (43 characters) with code_challenge_method S256")
	case len(q.Get("state")) > 512 || len(q.Get("nonce")) > 512:
		return authRequest{}, errors.New("state and nonce are at most 512 characters")
	}
	keep := url.Values{}
	for _, k := range []string{"client_id", "redirect_uri", "response_type", "state", "nonce", "code_challenge", "code_challenge_method", "scope"} {
		if v := q.Get(k); v != "" {
			keep.Set(k, v)
		}
	}
	return authRequest{party: rp, redirect: redirect, state: q.Get("state"), nonce: q.Get("nonce"),
		challenge: q.Get("code_challenge"), form: keep.Encode()}, nil
}

// authorize serves the sign-in page (GET) and issues a code (POST).
func (i *Issuer) authorize(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' http: https:; frame-ancestors 'none'")
	w.Header().Set("X-Frame-Options", "DENY")
	w.Header().Set("Cache-Control", "no-store")
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "the request is not a form", http.StatusBadRequest)
		return
	}
	q := r.URL.Query()
	if r.Method == http.MethodPost {
		q, _ = url.ParseQuery(r.PostForm.Get("request"))
	}
	req, err := i.parseAuthRequest(q)
	if err != nil {
		http.Error(w, "sign-in request refused: "+err.Error(), http.StatusBadRequest)
		return
	}
	if r.Method == http.MethodGet {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_ = signInPage.Execute(w, map[string]any{"People": i.opts.People, "Request": req.form, "Roles": auth.Roles})
		return
	}
	caller, name, err := i.chosen(r.PostForm)
	if err != nil {
		http.Error(w, "sign-in refused: "+err.Error(), http.StatusBadRequest)
		return
	}
	code := randomID() + randomID()
	i.mu.Lock()
	now := i.now()
	for k, c := range i.codes { // forget the codes nobody exchanged
		if now.After(c.expires) {
			delete(i.codes, k)
		}
	}
	i.codes[code] = authCode{client: req.party.ID, redirect: req.redirect, nonce: req.nonce, challenge: req.challenge,
		caller: caller, name: name, expires: now.Add(codeTTL)}
	i.mu.Unlock()
	to, _ := url.Parse(req.redirect)
	rq := to.Query()
	rq.Set("code", code)
	if req.state != "" {
		rq.Set("state", req.state)
	}
	to.RawQuery = rq.Encode()
	http.Redirect(w, r, to.String(), http.StatusSeeOther)
}

// chosen is the caller the sign-in form picked: one of the people
// (person=index) or, as the dev grant takes it, sub, unit and role.
func (i *Issuer) chosen(form url.Values) (*auth.Caller, string, error) {
	if p := form.Get("person"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || n >= len(i.opts.People) {
			return nil, "", fmt.Errorf("no person %q", truncate(p, 20))
		}
		person := i.opts.People[n]
		return &auth.Caller{Subject: person.Subject, Method: auth.MethodBearer, Grants: person.Grants}, person.Name, nil
	}
	c, err := devCaller(form)
	if err != nil {
		return nil, "", err
	}
	return c, c.Subject, nil
}

// exchangeCode is the authorization_code grant of the token endpoint: the
// caller the code was issued for, and the claims of its ID token.
func (i *Issuer) exchangeCode(r *http.Request) (*auth.Caller, map[string]any, error) {
	id, secret, basic := r.BasicAuth()
	if basic {
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
	} else {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	i.mu.Lock()
	rp, known := i.parties[id]
	code, issued := i.codes[r.PostForm.Get("code")]
	delete(i.codes, r.PostForm.Get("code")) // one use, whatever happens next
	i.mu.Unlock()
	if !known || subtle.ConstantTimeCompare([]byte(secret), []byte(rp.Secret)) != 1 {
		return nil, nil, errInvalidClient
	}
	sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
	switch {
	case !issued || i.now().After(code.expires) || code.client != id:
		return nil, nil, errors.New("the code is unknown, used or expired")
	case r.PostForm.Get("redirect_uri") != code.redirect:
		return nil, nil, errors.New("redirect_uri differs from the authorization request's")
	case base64.RawURLEncoding.EncodeToString(sum[:]) != code.challenge:
		return nil, nil, errors.New("code_verifier does not match the code_challenge")
	}
	idClaims := map[string]any{"sub": code.caller.Subject, "aud": id, "name": code.name}
	if code.nonce != "" {
		idClaims["nonce"] = code.nonce
	}
	return code.caller, idClaims, nil
}

var errInvalidClient = errors.New("unknown client or wrong secret")

var signInPage = template.Must(template.New("signin").Parse(`<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Đăng nhập (máy chủ định danh thử nghiệm)</title>
<style>body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
button{font:inherit;padding:.5rem .75rem;margin:.25rem 0;cursor:pointer;text-align:left;width:100%;background:#f3f6fa;border:1px solid #7a8699;border-radius:4px}
button:focus{outline:3px solid #0b57d0;outline-offset:2px} label{display:block;margin-top:.5rem} input,select{font:inherit}</style></head>
<body><main>
<h1>Đăng nhập</h1>
<p>Máy chủ định danh thử nghiệm của tdkt: chọn một người dùng mẫu.</p>
<form method="post" action="/authorize">
<input type="hidden" name="request" value="{{.Request}}">
<ul style="list-style:none;padding:0">
{{range $i, $p := .People}}<li><button type="submit" name="person" value="{{$i}}"><strong>{{$p.Name}}</strong> — {{$p.Title}}</button></li>
{{end}}</ul></form>
<h2>Người dùng khác</h2>
<form method="post" action="/authorize">
<input type="hidden" name="request" value="{{.Request}}">
<label for="sub">Định danh (sub)</label><input id="sub" name="sub" value="dev" required>
<label for="unit">Đơn vị (mã, ví dụ thai-nguyen)</label><input id="unit" name="unit">
<label for="role">Vai trò</label><select id="role" name="role">{{range .Roles}}<option>{{.}}</option>{{end}}</select>
<p><button type="submit">Đăng nhập</button></p>
</form></main></body></html>
`))
