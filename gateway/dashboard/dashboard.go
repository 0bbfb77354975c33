// Package dashboard is the board's web application, served by the gateway
// at / beside the API under /v1/: server-rendered pages in Vietnamese
// (with an English switch) over the same gRPC services the API fronts,
// called with the signed-in person's own token, so that the services
// still decide what each person may see and do. The gateway is the
// OpenID Connect relying party and keeps the session in a sealed,
// HttpOnly cookie. Pages carry no script: a strict Content Security
// Policy, charts drawn as SVG on the server beside their tables.
package dashboard

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"google.golang.org/grpc/metadata"

	"github.com/tdkt-vn/tdkt/platform/auth"
	"github.com/tdkt-vn/tdkt/platform/config"
	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	movementsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/movements/v1"
	nominationsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/nominations/v1"
)

// Config configures the dashboard's sign-in.
type Config struct {
	// ClientID and ClientSecret are the gateway's registration at the
	// OpenID Connect issuer, as a relying party (authorization-code flow
	// with PKCE). Without a client id, sign-in is off and pages show what
	// anyone may see.
	ClientID, ClientSecret string
	// PublicURL is the address people open the dashboard at
	// ("https://tdkt.gov.vn"): the issuer sends them back to
	// PublicURL/auth/callback. HTTPS makes the session cookie Secure.
	PublicURL string
	// SessionKey seals the session cookie: 64 hexadecimal digits. Empty
	// means a random key, so sessions end when the gateway restarts; give
	// the same key to every replica.
	SessionKey string
}

// RegisterFlags registers the dashboard's flags on f: -dashboard-client-id
// (TDKT_DASHBOARD_CLIENT_ID) and so on.
func (c *Config) RegisterFlags(f config.Flags) {
	f.String(&c.ClientID, "dashboard-client-id", "", "the dashboard's client id at the OpenID Connect issuer; empty turns sign-in off")
	f.String(&c.ClientSecret, "dashboard-client-secret", "", "the dashboard's client secret at the issuer")
	f.String(&c.PublicURL, "public-url", "", "the address people open the dashboard at, e.g. https://tdkt.gov.vn (required for sign-in)")
	f.String(&c.SessionKey, "session-key", "", "64 hex digits sealing session cookies; empty picks one at random (sessions end on restart)")
}

// Clients are the services the pages read and act through.
type Clients struct {
	Blocs       blocsv1.BlocsServiceClient
	Honours     honoursv1.HonoursServiceClient
	Movements   movementsv1.MovementsServiceClient
	Nominations nominationsv1.NominationsServiceClient
}

//go:embed templates static
var files embed.FS

// Dashboard is the web application's HTTP handler.
type Dashboard struct {
	clients  Clients
	verifier *auth.Verifier
	rp       *relyingParty
	cookies  *sealer
	log      *slog.Logger
	pages    *pages
	mux      *http.ServeMux
	csp      string
	now      func() time.Time
}

// New builds the dashboard. issuer is the OpenID Connect issuer the
// services believe; verifier verifies its access tokens.
func New(cfg Config, issuer string, verifier *auth.Verifier, clients Clients, log *slog.Logger) (*Dashboard, error) {
	secure := strings.HasPrefix(cfg.PublicURL, "https://")
	cookies, err := newSealer(cfg.SessionKey, secure)
	if err != nil {
		return nil, err
	}
	d := &Dashboard{clients: clients, verifier: verifier, cookies: cookies, log: log, now: time.Now,
		csp: "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; " +
			"frame-ancestors 'none'; base-uri 'none'"}
	if cfg.ClientID != "" {
		u, err := url.Parse(cfg.PublicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("dashboard: -public-url %q must be the absolute http(s) address of the dashboard", cfg.PublicURL)
		}
		d.rp = &relyingParty{issuer: issuer, clientID: cfg.ClientID, clientSecret: cfg.ClientSecret,
			redirect: strings.TrimSuffix(cfg.PublicURL, "/") + "/auth/callback"}
	}
	if d.pages, err = parsePages(); err != nil {
		return nil, err
	}
	d.routes()
	return d, nil
}

// ServeHTTP serves a page with the dashboard's security headers.
func (d *Dashboard) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", d.csp)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	if r.TLS != nil {
		h.Set("Strict-Transport-Security", "max-age=31536000")
	}
	d.mux.ServeHTTP(w, r)
}

// routes lists every page. A handler is a func(*req) error; see handle.
func (d *Dashboard) routes() {
	m := http.NewServeMux()
	m.Handle("GET /static/", staticFiles())
	m.HandleFunc("GET /login", d.login)
	m.HandleFunc("GET /auth/callback", d.callback)
	m.HandleFunc("POST /logout", d.checked(d.logout))
	m.HandleFunc("GET /lang", d.setLang)
	m.HandleFunc("POST /act-for", d.handle(actFor))
	m.HandleFunc("GET /{$}", d.handle(overview))
	for _, p := range screens {
		m.HandleFunc(p.pattern, d.handle(p.serve))
	}
	m.HandleFunc("/", d.handle(func(q *req) error { return errNotFound }))
	d.mux = m
}

// screen is a route of a screen beyond the overview: each screen file
// adds its own in an init function, so that screens do not share a file.
type screen struct {
	pattern string
	serve   func(*req) error
}

var screens []screen

// route adds a screen's route ("GET /register").
func route(pattern string, serve func(*req) error) { screens = append(screens, screen{pattern, serve}) }

// maxForm is the largest form a page accepts: 1 MiB, as the API's body.
const maxForm = 1 << 20

// req is one request to a page: who asks, in which language, and a
// context that carries their token to the services.
type req struct {
	d      *Dashboard
	w      http.ResponseWriter
	r      *http.Request
	ctx    context.Context
	Lang   string
	Caller *auth.Caller
	sess   *session

	provinces []*blocsv1.Unit // read once per request, by Provinces
}

// handle turns a page function into a handler: the session is read (an
// expired one is dropped), a POST must carry the session's CSRF token,
// and an error becomes an error page with the status it calls for.
func (d *Dashboard) handle(serve func(*req) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q := &req{d: d, w: w, r: r, ctx: r.Context(), Lang: langOf(r), Caller: auth.Anonymous}
		var s session
		if d.cookies.get(r, sessionCookie, &s) {
			if c, err := d.verifier.Verify(r.Context(), s.Token); err == nil && d.now().Before(s.Expires) {
				q.sess, q.Caller = &s, c
				q.ctx = metadata.AppendToOutgoingContext(r.Context(), "authorization", "Bearer "+s.Token)
			} else {
				d.cookies.clear(w, sessionCookie)
			}
		}
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, maxForm)
			if err := r.ParseForm(); err != nil {
				var tooLarge *http.MaxBytesError
				if errors.As(err, &tooLarge) {
					d.fail(w, r, http.StatusRequestEntityTooLarge, fmt.Errorf("the form is larger than %d bytes", maxForm))
				} else {
					d.fail(w, r, http.StatusBadRequest, errors.New("the form could not be read"))
				}
				return
			}
		}
		if r.Method == http.MethodPost && !q.csrfOK() {
			d.fail(w, r, http.StatusForbidden, errors.New("this form has expired or came from another site; reload the page and try again"))
			return
		}
		if err := serve(q); err != nil {
			q.fail(err)
		}
	}
}

// checked is h for a POST that must carry the session's CSRF token.
func (d *Dashboard) checked(h http.HandlerFunc) http.HandlerFunc {
	return d.handle(func(q *req) error {
		h(q.w, q.r)
		return nil
	})
}

// csrfOK reports whether a form carries the session's CSRF token.
func (q *req) csrfOK() bool {
	if q.r.ParseForm() != nil {
		return false
	}
	if q.sess == nil {
		return q.r.PostForm.Get("csrf") == "" && q.r.URL.Path == "/logout"
	}
	return q.r.PostForm.Get("csrf") == q.sess.CSRF
}

// SignedIn reports whether the request comes from a signed-in person.
func (q *req) SignedIn() bool { return q.sess != nil }

// Has reports whether the person holds one of roles in some unit.
func (q *req) Has(roles ...auth.Role) bool { return q.sess != nil && q.Caller.Has(roles...) }

// ActFor is the province a central officer acts for ("units/thai-nguyen"),
// or "".
func (q *req) ActFor() string {
	if q.sess == nil {
		return ""
	}
	return q.sess.ActFor
}

// actFor sets the province a central officer acts for: the province
// filter every screen starts from.
func actFor(q *req) error {
	if !q.Has(auth.CentralAdmin) {
		return errForbidden
	}
	p := q.r.PostForm.Get("province")
	if p != "" && !strings.HasPrefix(p, "units/") {
		return fieldError{"province", "must be a unit name (units/thai-nguyen)"}
	}
	q.sess.ActFor = p
	if err := q.d.cookies.set(q.w, sessionCookie, q.sess, time.Until(q.sess.Expires)); err != nil {
		return err
	}
	http.Redirect(q.w, q.r, localPath(q.r.PostForm.Get("back")), http.StatusSeeOther)
	return nil
}

// setLang switches the language: lang=vi or en, back to the page.
func (d *Dashboard) setLang(w http.ResponseWriter, r *http.Request) {
	lang := r.URL.Query().Get("to")
	if lang != "en" {
		lang = "vi"
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, Secure: d.cookies.secure, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, localPath(r.URL.Query().Get("back")), http.StatusSeeOther)
}

func langOf(r *http.Request) string {
	if c, err := r.Cookie(langCookie); err == nil && c.Value == "en" {
		return "en"
	}
	return "vi"
}
