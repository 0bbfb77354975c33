package dashboard

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/tdkt-vn/tdkt/platform/auth"
)

// pages are the parsed templates, one set per page: the layout and the
// page's own file, which defines "content".
type pages struct {
	byName map[string]*template.Template
}

func parsePages() (*pages, error) {
	names, err := fs.Glob(files, "templates/*.html")
	if err != nil {
		return nil, err
	}
	p := &pages{byName: map[string]*template.Template{}}
	for _, name := range names {
		base := strings.TrimSuffix(path.Base(name), ".html")
		if base == "layout" {
			continue
		}
		t, err := template.New(base).Funcs(funcs).ParseFS(files, "templates/layout.html", name)
		if err != nil {
			return nil, fmt.Errorf("dashboard: template %s: %w", base, err)
		}
		p.byName[base] = t
	}
	return p, nil
}

// view is what the layout and a page's template see: the request (its
// language, caller and helpers: T, Date, Money…), the page's title and
// its data.
type view struct {
	*req
	Title string
	Data  any
}

// navItem is a link of the menu.
type navItem struct {
	Href, Label string
	Current     bool
}

// Nav is the menu: the screens this person may use.
func (v view) Nav() []navItem {
	items := []struct {
		href, label string
		show        bool
	}{
		{"/", "Tổng quan", true},
		{"/worklist", "Việc cần làm", v.Has(auth.UnitClerk, auth.BoardOfficer, auth.CouncilMember, auth.CentralAdmin)},
		{"/register", "Sổ khen thưởng", true},
		{"/statistics", "Thống kê", true},
		{"/blocs", "Khối, cụm thi đua", true},
		{"/movements", "Phong trào", true},
		{"/units", "Đơn vị", true},
		{"/audit", "Nhật ký", v.Has(auth.CentralAdmin, auth.BoardOfficer)},
	}
	var nav []navItem
	cur := v.r.URL.Path
	for _, it := range items {
		if it.show {
			on := cur == it.href || (it.href != "/" && strings.HasPrefix(cur, it.href))
			nav = append(nav, navItem{it.href, v.T(it.label), on})
		}
	}
	return nav
}

// CSRF is the token every form of the page carries.
func (v view) CSRF() string {
	if v.sess == nil {
		return ""
	}
	return v.sess.CSRF
}

// Path is the page's own address, to come back to.
func (v view) Path() string { return v.r.URL.RequestURI() }

// Person is the signed-in person's name.
func (v view) Person() string {
	if v.sess == nil {
		return ""
	}
	return v.sess.Name
}

// SignInURL is the sign-in link, returning to this page.
func (v view) SignInURL() string { return signInURL(v.r) }

// Static is the address of a static file, with its content hash so that
// it can be cached for ever.
func (v view) Static(name string) string { return "/static/" + name + "?v=" + staticHash(name) }

// render writes the page name with data, status 200.
func (q *req) render(name, title string, data any) error {
	return q.renderStatus(http.StatusOK, name, title, data)
}

func (q *req) renderStatus(code int, name, title string, data any) error {
	t, ok := q.d.pages.byName[name]
	if !ok {
		return fmt.Errorf("dashboard: no page %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", view{req: q, Title: q.T(title), Data: data}); err != nil {
		return fmt.Errorf("dashboard: render %s: %w", name, err)
	}
	h := q.w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Language", q.Lang)
	q.w.WriteHeader(code)
	_, err := q.w.Write(buf.Bytes())
	return err
}

// Errors a page returns; fail shows each with its status.
var (
	errNotFound  = errors.New("no such page")
	errForbidden = errors.New("you may not see this page")
)

// fieldError is a request's mistake in one field, shown to the person.
type fieldError struct{ field, msg string }

func (e fieldError) Error() string { return e.field + ": " + e.msg }

// fail answers err as an error page: a client's mistake with the
// service's own words and the status they call for, a person not signed
// in is sent to sign in, anything else is logged and shown as a fault.
func (q *req) fail(err error) {
	code := http.StatusInternalServerError
	msg := q.T("Đã có lỗi; xin thử lại sau.")
	var fe fieldError
	switch st, isStatus := status.FromError(err); {
	case errors.Is(err, errNotFound):
		code, msg = http.StatusNotFound, q.T("Không tìm thấy trang này.")
	case errors.Is(err, errForbidden):
		if q.sess == nil {
			http.Redirect(q.w, q.r, signInURL(q.r), http.StatusSeeOther)
			return
		}
		code, msg = http.StatusForbidden, q.T("Bạn không có quyền xem trang này.")
	case errors.As(err, &fe):
		code, msg = http.StatusBadRequest, err.Error()
	case isStatus && st.Code() != codes.Unknown:
		switch st.Code() {
		case codes.Unauthenticated:
			http.Redirect(q.w, q.r, signInURL(q.r), http.StatusSeeOther)
			return
		case codes.PermissionDenied:
			if q.sess == nil {
				http.Redirect(q.w, q.r, signInURL(q.r), http.StatusSeeOther)
				return
			}
			code = http.StatusForbidden
		case codes.NotFound:
			code = http.StatusNotFound
		case codes.InvalidArgument, codes.OutOfRange:
			code = http.StatusBadRequest
		case codes.FailedPrecondition, codes.AlreadyExists, codes.Aborted:
			code = http.StatusConflict
		case codes.Unavailable, codes.DeadlineExceeded, codes.ResourceExhausted:
			code = http.StatusServiceUnavailable
		}
		if code < 500 {
			msg = st.Message()
		} else {
			q.d.log.ErrorContext(q.r.Context(), "dashboard page failed", "path", q.r.URL.Path, "err", err)
			if code == http.StatusServiceUnavailable {
				msg = q.T("Một dịch vụ tạm thời không trả lời; xin thử lại sau ít phút.")
			}
		}
	default:
		q.d.log.ErrorContext(q.r.Context(), "dashboard page failed", "path", q.r.URL.Path, "err", err)
	}
	if rerr := q.renderStatus(code, "error", "Lỗi", map[string]any{"Code": code, "Message": msg}); rerr != nil {
		http.Error(q.w, msg, code)
	}
}

// fail is q.fail for handlers outside handle (sign-in).
func (d *Dashboard) fail(w http.ResponseWriter, r *http.Request, code int, err error) {
	q := &req{d: d, w: w, r: r, ctx: r.Context(), Lang: langOf(r), Caller: auth.Anonymous}
	if rerr := q.renderStatus(code, "error", "Lỗi", map[string]any{"Code": code, "Message": err.Error()}); rerr != nil {
		http.Error(w, err.Error(), code)
	}
}

// staticFiles serves the embedded static files; a request naming the
// file's hash may be cached for a year.
func staticFiles() http.Handler {
	sub, _ := fs.Sub(files, "static")
	fsrv := http.StripPrefix("/static/", http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if v := r.URL.Query().Get("v"); v != "" && v == staticHash(strings.TrimPrefix(r.URL.Path, "/static/")) {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "no-cache")
		}
		fsrv.ServeHTTP(w, r)
	})
}

var hashes = map[string]string{}

func init() {
	_ = fs.WalkDir(files, "static", func(p string, e fs.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			b, _ := files.ReadFile(p)
			sum := sha256.Sum256(b)
			hashes[strings.TrimPrefix(p, "static/")] = hex.EncodeToString(sum[:6])
		}
		return nil
	})
}

func staticHash(name string) string { return hashes[name] }
