package dashboard

import (
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/type/date"

	"github.com/tdkt-vn/tdkt/platform/auth"
	"github.com/tdkt-vn/tdkt/platform/auth/devissuer"
)

// TestSealedCookies: a cookie comes back only as the dashboard wrote it,
// under the name it wrote it, with the key it wrote it.
func TestSealedCookies(t *testing.T) {
	s, err := newSealer("", false)
	require.NoError(t, err)
	rec := httptest.NewRecorder()
	require.NoError(t, s.set(rec, sessionCookie, session{Token: "tok", CSRF: "c"}, time.Hour))
	c := rec.Result().Cookies()[0]
	require.True(t, c.HttpOnly)
	require.Equal(t, http.SameSiteLaxMode, c.SameSite)

	read := func(s *sealer, name, value string) (session, bool) {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.AddCookie(&http.Cookie{Name: name, Value: value})
		var got session
		return got, s.get(r, name, &got)
	}
	got, ok := read(s, sessionCookie, c.Value)
	require.True(t, ok)
	require.Equal(t, "tok", got.Token)

	tampered := []byte(c.Value)
	tampered[len(tampered)/2] ^= 1
	_, ok = read(s, sessionCookie, string(tampered))
	assert.False(t, ok, "an altered cookie")
	_, ok = read(s, loginCookie, c.Value)
	assert.False(t, ok, "a session cookie presented as the login cookie")
	other, err := newSealer("", false)
	require.NoError(t, err)
	_, ok = read(other, sessionCookie, c.Value)
	assert.False(t, ok, "sealed with another key")

	_, err = newSealer("abcd", false)
	require.Error(t, err, "a short key")
	secure, err := newSealer(strings.Repeat("ab", 32), true)
	require.NoError(t, err)
	rec = httptest.NewRecorder()
	require.NoError(t, secure.set(rec, sessionCookie, session{}, time.Hour))
	require.True(t, rec.Result().Cookies()[0].Secure, "over HTTPS the cookie is Secure")
}

// TestLocalPath: the page to return to after signing in is never another
// site.
func TestLocalPath(t *testing.T) {
	for in, want := range map[string]string{
		"/register?q=an":         "/register?q=an",
		"":                       "/",
		"https://evil.example/":  "/",
		"//evil.example/":        "/",
		"/\\evil.example":        "/",
		"javascript:alert(1)":    "/",
		"/ok\r\nSet-Cookie: x=1": "/",
	} {
		assert.Equal(t, want, localPath(in), "%q", in)
	}
}

// TestFormats: dates as dd/mm/yyyy, counts and money with the separators
// of the page's language.
func TestFormats(t *testing.T) {
	vi, en := &req{Lang: "vi"}, &req{Lang: "en"}
	assert.Equal(t, "2.340.000 đ", vi.Money(2340000))
	assert.Equal(t, "2,340,000 VND", en.Money(2340000))
	assert.Equal(t, "-1.000", vi.Num(-1000))
	assert.Equal(t, "999", vi.Num(999))
	assert.Equal(t, "05/03/2024", vi.Date(&date.Date{Year: 2024, Month: 3, Day: 5}))
	assert.Equal(t, "18/03/2024", vi.Date("2024-03-18"))
	assert.Equal(t, "01/01/2025", vi.Date(time.Date(2024, 12, 31, 18, 0, 0, 0, time.UTC)), "shown in Vietnam's time")
	assert.Equal(t, "", vi.Date((*date.Date)(nil)))

	names := []string{"Đỗ", "Dương", "Ân", "An", "Bình"}
	sortVi(names, func(s string) string { return s })
	assert.Equal(t, []string{"An", "Ân", "Bình", "Dương", "Đỗ"}, names)
}

// TestEveryTextTranslated: every text a template or a page passes to T
// has its English.
func TestEveryTextTranslated(t *testing.T) {
	inTemplates := regexp.MustCompile(`\.T "((?:[^"\\]|\\.)*)"`)
	inGo := regexp.MustCompile(`\bT\("((?:[^"\\]|\\.)*)"\)`)
	var missing []string
	check := func(re *regexp.Regexp, text string) {
		for _, m := range re.FindAllStringSubmatch(text, -1) {
			if _, ok := english[m[1]]; !ok {
				missing = append(missing, m[1])
			}
		}
	}
	require.NoError(t, fs.WalkDir(files, "templates", func(p string, e fs.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			b, _ := files.ReadFile(p)
			check(inTemplates, string(b))
		}
		return err
	}))
	goFiles, err := os.ReadDir(".")
	require.NoError(t, err)
	for _, f := range goFiles {
		if strings.HasSuffix(f.Name(), ".go") && !strings.HasSuffix(f.Name(), "_test.go") {
			b, err := os.ReadFile(f.Name())
			require.NoError(t, err)
			check(inGo, string(b))
		}
	}
	for _, l := range stateLabels {
		if _, ok := english[l]; !ok {
			missing = append(missing, l)
		}
	}
	assert.Empty(t, missing, "texts without English")
}

// startSignIn runs a dashboard whose sign-in goes to a real dev issuer,
// with no services behind it: only pages that call none are used.
func startSignIn(t *testing.T) (*httptest.Server, *devissuer.Issuer) {
	t.Helper()
	iss, err := devissuer.Start(t.Context(), "127.0.0.1:0", devissuer.Options{People: []devissuer.Person{{
		Subject: "can-bo-1", Name: "Nguyễn Văn An", Title: "Chuyên viên",
		Grants: []auth.Grant{{Unit: "thai-nguyen", Roles: []auth.Role{auth.BoardOfficer}}}}}})
	require.NoError(t, err)
	v, err := auth.NewVerifier(auth.VerifierConfig{Issuer: iss.URL()})
	require.NoError(t, err)
	var d *Dashboard
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { d.ServeHTTP(w, r) }))
	t.Cleanup(srv.Close)
	require.NoError(t, iss.AddRelyingParty(devissuer.RelyingParty{ID: "dash", Secret: "s", RedirectURIs: []string{srv.URL + "/auth/callback"}}))
	d, err = New(Config{ClientID: "dash", ClientSecret: "s", PublicURL: srv.URL}, iss.URL(), v, Clients{}, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	return srv, iss
}

func get(t *testing.T, c *http.Client, u string) (*http.Response, string) {
	t.Helper()
	resp, err := c.Get(u)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(b)
}

// TestSignIn signs in through the issuer's page as a browser would, and
// checks what a hostile request to the callback gets.
func TestSignIn(t *testing.T) {
	srv, iss := startSignIn(t)
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	browser := &http.Client{Jar: jar}

	// The login page sends the browser to the issuer, which shows its people.
	resp, page := get(t, browser, srv.URL+"/login?back=/no-such-page")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.True(t, strings.HasPrefix(resp.Request.URL.String(), iss.URL()+"/authorize?"))
	require.Contains(t, page, "Nguyễn Văn An")
	request := regexp.MustCompile(`name="request" value="([^"]*)"`).FindStringSubmatch(page)
	require.Len(t, request, 2)

	// Picking the person comes back signed in, to the page asked for.
	resp, err = browser.PostForm(iss.URL()+"/authorize", url.Values{"request": {htmlUnescape(request[1])}, "person": {"0"}})
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusNotFound, resp.StatusCode, "back on the page asked for, which does not exist")
	require.Equal(t, "/no-such-page", resp.Request.URL.Path)
	require.Contains(t, string(body), "Nguyễn Văn An", "the page names who is signed in")
	require.Contains(t, resp.Header.Get("Content-Security-Policy"), "script-src 'self'")
	var session *http.Cookie
	for _, c := range jar.Cookies(resp.Request.URL) {
		if c.Name == sessionCookie {
			session = c
		}
	}
	require.NotNil(t, session)

	csrf := regexp.MustCompile(`name="csrf" value="([^"]*)"`).FindStringSubmatch(string(body))
	require.Len(t, csrf, 2)

	// A form without the session's CSRF token is refused.
	resp, err = browser.PostForm(srv.URL+"/act-for", url.Values{"province": {"units/thai-nguyen"}})
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusForbidden, resp.StatusCode)

	// A form past 1 MiB is refused before anything reads it.
	resp, err = browser.PostForm(srv.URL+"/act-for", url.Values{"csrf": {csrf[1]}, "province": {strings.Repeat("x", maxForm)}})
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)

	// A callback without the login cookie, or with another state, is refused.
	stranger := &http.Client{}
	resp, _ = get(t, stranger, srv.URL+"/auth/callback?code=x&state=y")
	require.Equal(t, http.StatusBadRequest, resp.StatusCode)
	_, _ = get(t, browser, srv.URL+"/login") // a login cookie, then a forged state
	resp, _ = get(t, &http.Client{Jar: jar}, srv.URL+"/auth/callback?code=x&state=forged")
	require.Equal(t, http.StatusBadRequest, resp.StatusCode)

	// Signing out (with the page's CSRF token) ends the session.
	stay := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err = stay.PostForm(srv.URL+"/logout", url.Values{"csrf": {csrf[1]}})
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	resp, page = get(t, browser, srv.URL+"/no-such-page")
	require.Equal(t, http.StatusNotFound, resp.StatusCode)
	require.NotContains(t, page, "Nguyễn Văn An")
}

func htmlUnescape(s string) string {
	return strings.NewReplacer("&amp;", "&", "&#43;", "+", "&#34;", `"`, "&lt;", "<", "&gt;", ">").Replace(s)
}
