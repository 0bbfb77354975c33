package devissuer_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/stretchr/testify/require"

	"github.com/tdkt-vn/tdkt/platform/auth"
	"github.com/tdkt-vn/tdkt/platform/auth/devissuer"
)

const callback = "https://tdkt.example/auth/callback"

// startWithParty starts an issuer with one relying party and one person.
func startWithParty(t *testing.T) *devissuer.Issuer {
	t.Helper()
	iss, err := devissuer.Start(t.Context(), "127.0.0.1:0", devissuer.Options{
		RelyingParties: []devissuer.RelyingParty{{ID: "dashboard", Secret: "s3cret", RedirectURIs: []string{callback}}},
		People: []devissuer.Person{{Subject: "can-bo-1", Name: "Nguyễn Văn An", Title: "Chuyên viên",
			Grants: []auth.Grant{{Unit: "thai-nguyen", Roles: []auth.Role{auth.BoardOfficer}}}}},
	})
	require.NoError(t, err)
	return iss
}

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// authorize signs person 0 in for the relying party and returns the code
// the issuer redirected with.
func authorize(t *testing.T, iss *devissuer.Issuer, q url.Values) string {
	t.Helper()
	resp, err := noRedirect.PostForm(iss.URL()+"/authorize", url.Values{"request": {q.Encode()}, "person": {"0"}})
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	to, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	require.Equal(t, callback, to.Scheme+"://"+to.Host+to.Path)
	require.Equal(t, q.Get("state"), to.Query().Get("state"))
	return to.Query().Get("code")
}

func challenge(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

func authRequest(verifier string) url.Values {
	return url.Values{"client_id": {"dashboard"}, "redirect_uri": {callback}, "response_type": {"code"},
		"state": {"st-1"}, "nonce": {"n-1"}, "code_challenge": {challenge(verifier)}, "code_challenge_method": {"S256"}}
}

// TestAuthorizationCodeFlow signs a person in as a relying party does:
// the page offers the demo people, the code is exchanged once, with the
// PKCE verifier, for an access token of the person's grants and an ID
// token for the relying party carrying the nonce.
func TestAuthorizationCodeFlow(t *testing.T) {
	iss := startWithParty(t)
	verifierStr := strings.Repeat("v", 43)
	q := authRequest(verifierStr)

	resp, err := http.Get(iss.URL() + "/authorize?" + q.Encode())
	require.NoError(t, err)
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, string(page), "Nguyễn Văn An")

	code := authorize(t, iss, q)
	exchange := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {callback}, "code_verifier": {verifierStr}}
	status, body := postTokenRaw(t, iss, exchange, "dashboard", "s3cret")
	require.Equal(t, http.StatusOK, status, "%v", body)
	caller, err := verifier(t, iss).Verify(t.Context(), body["access_token"].(string))
	require.NoError(t, err)
	require.Equal(t, "can-bo-1", caller.Subject)
	require.True(t, caller.Has(auth.BoardOfficer))

	idt, err := jose.ParseSigned(body["id_token"].(string), []jose.SignatureAlgorithm{jose.ES256})
	require.NoError(t, err)
	var claims map[string]any
	require.NoError(t, json.Unmarshal(idt.UnsafePayloadWithoutVerification(), &claims))
	require.Equal(t, "dashboard", claims["aud"])
	require.Equal(t, "n-1", claims["nonce"])
	require.Equal(t, "Nguyễn Văn An", claims["name"])
	require.Equal(t, iss.URL(), claims["iss"])

	// A code is used once.
	status, body = postTokenRaw(t, iss, exchange, "dashboard", "s3cret")
	require.Equal(t, http.StatusBadRequest, status)
	require.Equal(t, "invalid_grant", body["error"])
}

// TestAuthorizationRefusals: what a hostile or broken client tries is
// refused, and nothing is sent to an unregistered address.
func TestAuthorizationRefusals(t *testing.T) {
	iss := startWithParty(t)
	v := strings.Repeat("v", 43)
	for name, change := range map[string]func(url.Values){
		"unregistered redirect": func(q url.Values) { q.Set("redirect_uri", "https://evil.example/cb") },
		"unknown client":        func(q url.Values) { q.Set("client_id", "nobody") },
		"no PKCE":               func(q url.Values) { q.Del("code_challenge") },
		"plain PKCE":            func(q url.Values) { q.Set("code_challenge_method", "plain") },
		"implicit flow":         func(q url.Values) { q.Set("response_type", "token") },
	} {
		t.Run(name, func(t *testing.T) {
			q := authRequest(v)
			change(q)
			resp, err := noRedirect.Get(iss.URL() + "/authorize?" + q.Encode())
			require.NoError(t, err)
			resp.Body.Close()
			require.Equal(t, http.StatusBadRequest, resp.StatusCode)
			require.Empty(t, resp.Header.Get("Location"))
		})
	}
	for name, tc := range map[string]struct {
		form         url.Values
		user, secret string
		status       int
	}{
		"wrong verifier": {url.Values{"code_verifier": {strings.Repeat("w", 43)}}, "dashboard", "s3cret", http.StatusBadRequest},
		"other redirect": {url.Values{"redirect_uri": {"https://tdkt.example/other"}}, "dashboard", "s3cret", http.StatusBadRequest},
		"wrong secret":   {url.Values{}, "dashboard", "guess", http.StatusUnauthorized},
	} {
		t.Run(name, func(t *testing.T) {
			code := authorize(t, iss, authRequest(v))
			form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {callback}, "code_verifier": {v}}
			for k, val := range tc.form {
				form[k] = val
			}
			status, _ := postTokenRaw(t, iss, form, tc.user, tc.secret)
			require.Equal(t, tc.status, status)
			// The failed attempt used the code up.
			form = url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {callback}, "code_verifier": {v}}
			status, _ = postTokenRaw(t, iss, form, "dashboard", "s3cret")
			require.Equal(t, http.StatusBadRequest, status)
		})
	}
}

func postTokenRaw(t *testing.T, iss *devissuer.Issuer, form url.Values, user, password string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, iss.URL()+"/token", strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(url.QueryEscape(user), url.QueryEscape(password))
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var out map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	return resp.StatusCode, out
}
