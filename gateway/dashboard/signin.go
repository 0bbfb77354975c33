package dashboard

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// loginTTL is how long a sign-in may take at the issuer.
const loginTTL = 10 * time.Minute

// relyingParty signs people in through the OpenID Connect issuer with the
// authorization-code flow and PKCE; the issuer is discovered on first use
// (it may start after the gateway) and kept once found.
type relyingParty struct {
	issuer, clientID, clientSecret, redirect string

	mu       sync.Mutex
	provider *oidc.Provider
}

// discover returns the issuer's provider, fetching its discovery document
// the first time.
func (rp *relyingParty) discover(ctx context.Context) (*oidc.Provider, error) {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	if rp.provider != nil {
		return rp.provider, nil
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	p, err := oidc.NewProvider(ctx, rp.issuer)
	if err != nil {
		return nil, fmt.Errorf("discover the OpenID Connect issuer %s: %w", rp.issuer, err)
	}
	rp.provider = p
	return p, nil
}

func (rp *relyingParty) config(p *oidc.Provider) *oauth2.Config {
	return &oauth2.Config{ClientID: rp.clientID, ClientSecret: rp.clientSecret, Endpoint: p.Endpoint(),
		RedirectURL: rp.redirect, Scopes: []string{oidc.ScopeOpenID}}
}

// localPath is back if it is a path of this site ("/register?q=an"),
// else "/": the page to return to after signing in is never another site.
func localPath(back string) string {
	if !strings.HasPrefix(back, "/") || strings.HasPrefix(back, "//") || strings.HasPrefix(back, "/\\") || strings.ContainsAny(back, "\r\n") {
		return "/"
	}
	return back
}

// login sends the browser to the issuer, remembering the request in the
// login cookie.
func (d *Dashboard) login(w http.ResponseWriter, r *http.Request) {
	if d.rp == nil {
		d.fail(w, r, http.StatusServiceUnavailable, errSignInOff)
		return
	}
	p, err := d.rp.discover(r.Context())
	if err != nil {
		d.log.ErrorContext(r.Context(), "sign-in unavailable", "err", err)
		d.fail(w, r, http.StatusServiceUnavailable, errIssuerDown)
		return
	}
	l := login{State: randomToken(), Nonce: randomToken(), Verifier: oauth2.GenerateVerifier(), Back: localPath(r.URL.Query().Get("back"))}
	if err := d.cookies.set(w, loginCookie, l, loginTTL); err != nil {
		d.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	to := d.rp.config(p).AuthCodeURL(l.State, oidc.Nonce(l.Nonce), oauth2.S256ChallengeOption(l.Verifier))
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// callback is where the issuer sends the browser back: the code is
// exchanged (with the PKCE verifier), the ID token verified (issuer,
// audience, signature, expiry, nonce), the access token verified as the
// services will verify it, and the session cookie written.
func (d *Dashboard) callback(w http.ResponseWriter, r *http.Request) {
	var l login
	if d.rp == nil || !d.cookies.get(r, loginCookie, &l) {
		d.fail(w, r, http.StatusBadRequest, errNoLogin)
		return
	}
	d.cookies.clear(w, loginCookie)
	q := r.URL.Query()
	if e := q.Get("error"); e != "" {
		d.fail(w, r, http.StatusUnauthorized, fmt.Errorf("the issuer refused the sign-in: %s", truncate(e, 80)))
		return
	}
	if q.Get("state") != l.State || l.State == "" {
		d.fail(w, r, http.StatusBadRequest, errNoLogin)
		return
	}
	p, err := d.rp.discover(r.Context())
	if err != nil {
		d.fail(w, r, http.StatusServiceUnavailable, errIssuerDown)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
	defer cancel()
	tok, err := d.rp.config(p).Exchange(ctx, q.Get("code"), oauth2.VerifierOption(l.Verifier))
	if err != nil {
		d.log.WarnContext(ctx, "sign-in: code exchange failed", "err", err)
		d.fail(w, r, http.StatusUnauthorized, errors.New("the issuer did not accept the sign-in code"))
		return
	}
	raw, _ := tok.Extra("id_token").(string)
	idt, err := p.Verifier(&oidc.Config{ClientID: d.rp.clientID}).Verify(ctx, raw)
	if err != nil || idt.Nonce != l.Nonce {
		d.log.WarnContext(ctx, "sign-in: ID token refused", "err", err)
		d.fail(w, r, http.StatusUnauthorized, errors.New("the issuer's ID token did not verify"))
		return
	}
	caller, err := d.verifier.Verify(ctx, tok.AccessToken)
	if err != nil || caller.Subject != idt.Subject {
		d.fail(w, r, http.StatusUnauthorized, errors.New("the access token did not verify"))
		return
	}
	var claims struct {
		Name string `json:"name"`
	}
	_ = idt.Claims(&claims)
	s := session{Token: tok.AccessToken, Expires: tok.Expiry, Name: cmpOr(claims.Name, caller.Subject), CSRF: randomToken()}
	if err := d.cookies.set(w, sessionCookie, s, time.Until(tok.Expiry)); err != nil {
		d.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	http.Redirect(w, r, localPath(l.Back), http.StatusSeeOther)
}

// logout ends the session.
func (d *Dashboard) logout(w http.ResponseWriter, r *http.Request) {
	d.cookies.clear(w, sessionCookie)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

var (
	errSignInOff  = errors.New("sign-in is not configured on this gateway (-dashboard-client-id)")
	errIssuerDown = errors.New("the sign-in service cannot be reached; try again in a moment")
	errNoLogin    = errors.New("this sign-in is unknown or expired; start again")
)

// signInURL is the address of the login page, returning to r's page.
func signInURL(r *http.Request) string {
	return "/login?back=" + url.QueryEscape(r.URL.RequestURI())
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
