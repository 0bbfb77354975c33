package devissuer_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/stretchr/testify/require"

	"github.com/tdkt-vn/tdkt/platform/auth"
	"github.com/tdkt-vn/tdkt/platform/auth/devissuer"
)

// getJSON GETs u and decodes its JSON into out.
func getJSON(t *testing.T, u string, out any) {
	t.Helper()
	resp, err := http.Get(u)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, u)
	require.NoError(t, json.NewDecoder(resp.Body).Decode(out))
}

// tokenResponse is the token endpoint's answer, success or error.
type tokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"`
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

// postToken posts form to the token endpoint, with HTTP Basic when user
// is not empty.
func postToken(t *testing.T, iss *devissuer.Issuer, form url.Values, user, password string) (int, tokenResponse) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, iss.URL()+"/token", strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if user != "" {
		req.SetBasicAuth(url.QueryEscape(user), url.QueryEscape(password))
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var out tokenResponse
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	return resp.StatusCode, out
}

func verifier(t *testing.T, iss *devissuer.Issuer) *auth.Verifier {
	t.Helper()
	v, err := auth.NewVerifier(auth.VerifierConfig{Issuer: iss.URL()})
	require.NoError(t, err)
	return v
}

func TestIssuer(t *testing.T) {
	t.Parallel()
	thaiNguyen := []auth.Grant{{Unit: "thai-nguyen", Roles: []auth.Role{auth.BoardOfficer, auth.PIIReader}}}
	iss, err := devissuer.Start(t.Context(), "127.0.0.1:0", devissuer.Options{
		Clients: []devissuer.Client{{ID: "he-thong-thai-nguyen", Secret: "s3cret&=", Grants: thaiNguyen}},
	})
	require.NoError(t, err)
	v := verifier(t, iss)

	var doc map[string]any
	getJSON(t, iss.URL()+"/.well-known/openid-configuration", &doc)
	require.Equal(t, iss.URL(), doc["issuer"])
	require.Equal(t, iss.URL()+"/jwks", doc["jwks_uri"])
	require.Equal(t, iss.URL()+"/token", doc["token_endpoint"])
	require.Equal(t, []any{"ES256"}, doc["id_token_signing_alg_values_supported"])

	var set jose.JSONWebKeySet
	getJSON(t, iss.URL()+"/jwks", &set)
	require.Len(t, set.Keys, 1)
	require.Equal(t, iss.KeyID(), set.Keys[0].KeyID)
	require.Equal(t, "ES256", set.Keys[0].Algorithm)
	require.True(t, set.Keys[0].IsPublic(), "only the public key is published")

	t.Run("client credentials", func(t *testing.T) {
		for _, basic := range []bool{true, false} {
			form := url.Values{"grant_type": {"client_credentials"}}
			user, password := "", ""
			if basic {
				user, password = "he-thong-thai-nguyen", "s3cret&="
			} else {
				form.Set("client_id", "he-thong-thai-nguyen")
				form.Set("client_secret", "s3cret&=")
			}
			code, resp := postToken(t, iss, form, user, password)
			require.Equal(t, http.StatusOK, code, "%+v", resp)
			require.Equal(t, "Bearer", resp.TokenType)
			require.Equal(t, int(devissuer.DefaultTTL/time.Second), resp.ExpiresIn)
			c, err := v.Verify(t.Context(), resp.AccessToken)
			require.NoError(t, err)
			require.Equal(t, "he-thong-thai-nguyen", c.Subject)
			require.Equal(t, auth.MethodBearer, c.Method)
			require.Equal(t, thaiNguyen, c.Grants)
		}
		code, resp := postToken(t, iss, url.Values{"grant_type": {"client_credentials"}}, "he-thong-thai-nguyen", "wrong")
		require.Equal(t, http.StatusUnauthorized, code)
		require.Equal(t, "invalid_client", resp.Error)
		require.Empty(t, resp.AccessToken)
		code, resp = postToken(t, iss, url.Values{"grant_type": {"client_credentials"}, "client_id": {"nobody"}, "client_secret": {"x"}}, "", "")
		require.Equal(t, http.StatusUnauthorized, code)
		require.Equal(t, "invalid_client", resp.Error)
	})

	t.Run("dev grant", func(t *testing.T) {
		code, resp := postToken(t, iss, url.Values{"grant_type": {devissuer.DevGrantType}, "sub": {"lan"},
			"unit": {"units/bac-kan"}, "role": {"BOARD_OFFICER", "PII_READER"}, "ttl": {"10m"}}, "", "")
		require.Equal(t, http.StatusOK, code, "%+v", resp)
		require.Equal(t, 600, resp.ExpiresIn)
		c, err := v.Verify(t.Context(), resp.AccessToken)
		require.NoError(t, err)
		require.Equal(t, "lan", c.Subject)
		require.Equal(t, []auth.Grant{{Unit: "bac-kan", Roles: []auth.Role{auth.BoardOfficer, auth.PIIReader}}}, c.Grants)

		code, resp = postToken(t, iss, url.Values{"grant_type": {devissuer.DevGrantType}, "role": {"CENTRAL_ADMIN"}}, "", "")
		require.Equal(t, http.StatusOK, code, "%+v", resp)
		c, err = v.Verify(t.Context(), resp.AccessToken)
		require.NoError(t, err)
		require.Equal(t, "dev", c.Subject)
		require.Equal(t, []auth.Grant{{Unit: devissuer.CentralUnit, Roles: []auth.Role{auth.CentralAdmin}}}, c.Grants)

		for _, tt := range []struct {
			form url.Values
			want string
		}{
			{url.Values{"grant_type": {devissuer.DevGrantType}, "unit": {"bac-kan"}, "role": {"ROOT"}}, `role "ROOT" is not one of`},
			{url.Values{"grant_type": {devissuer.DevGrantType}, "unit": {"bac-kan"}}, "no role"},
			{url.Values{"grant_type": {devissuer.DevGrantType}, "role": {"VIEWER"}}, "no unit"},
			{url.Values{"grant_type": {devissuer.DevGrantType}, "unit": {"Bắc Kạn"}, "role": {"VIEWER"}}, "not a unit id"},
			{url.Values{"grant_type": {devissuer.DevGrantType}, "unit": {"bac-kan"}, "role": {"VIEWER"}, "ttl": {"48h"}}, "ttl"},
			{url.Values{}, "grant_type is missing"},
		} {
			code, resp := postToken(t, iss, tt.form, "", "")
			require.Equal(t, http.StatusBadRequest, code, "%v", tt.form)
			require.Equal(t, "invalid_request", resp.Error)
			require.Contains(t, resp.Description, tt.want)
		}
		code, resp = postToken(t, iss, url.Values{"grant_type": {"password"}}, "", "")
		require.Equal(t, http.StatusBadRequest, code)
		require.Equal(t, "unsupported_grant_type", resp.Error)
	})

	t.Run("only POST issues tokens", func(t *testing.T) {
		resp, err := http.Get(iss.URL() + "/token?grant_type=" + url.QueryEscape(devissuer.DevGrantType) + "&role=CENTRAL_ADMIN")
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
	})
}

// An RS256 issuer publishes an RSA key that declares RS256; its tokens
// verify.
func TestRS256(t *testing.T) {
	t.Parallel()
	iss, err := devissuer.Start(t.Context(), "127.0.0.1:0", devissuer.Options{Algorithm: jose.RS256})
	require.NoError(t, err)
	var set jose.JSONWebKeySet
	getJSON(t, iss.URL()+"/jwks", &set)
	require.Len(t, set.Keys, 1)
	require.Equal(t, "RS256", set.Keys[0].Algorithm)
	c := &auth.Caller{Subject: "an", Method: auth.MethodBearer, Grants: []auth.Grant{{Unit: "hue", Roles: []auth.Role{auth.Viewer}}}}
	got, err := verifier(t, iss).Verify(t.Context(), iss.Token(c, time.Minute))
	require.NoError(t, err)
	require.Equal(t, c, got)
}

func TestNewRefusesBadSettings(t *testing.T) {
	t.Parallel()
	_, err := devissuer.New("127.0.0.1:9100", devissuer.Options{})
	require.ErrorContains(t, err, "not an http(s) URL")
	_, err = devissuer.New("http://127.0.0.1:9100", devissuer.Options{Algorithm: jose.HS256})
	require.ErrorContains(t, err, "use ES256 or RS256")
	_, err = devissuer.New("http://127.0.0.1:9100", devissuer.Options{Clients: []devissuer.Client{{ID: "x"}}})
	require.ErrorContains(t, err, "needs an id and a secret")
}
