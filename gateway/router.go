package gateway

import (
	"net/http"
	"strings"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
)

// router hands a request to the mux of the one backend whose routes can
// match its path, else to the mux of every route. grpc-gateway tries the
// patterns of a method one after the other, allocating for each that does
// not match; with every backend in one mux, a GET of a unit was tried
// against the GET routes of honours and movements first.
//
// Which backend a path belongs to is read from its first two segments,
// "v1/units" for /v1/units/bac-kan:dissolve (the second without its verb):
// a route can match a path only if they begin with the same two literal
// segments. A key that the routes of two backends share, or that a route
// of the gateway's own takes, goes to the mux of every route; so does
// every path when some route begins with a variable segment, and a path
// with escapes (RawPath set), which the muxes match on its escaped form.
// The answer is then the one the mux of every route gives: a sub-mux holds
// every route that can match its paths, with the same options, so that a
// method the path does not take is answered 405 the same way, and a path
// no route takes 404.
type router struct {
	all    *runtime.ServeMux
	owners map[string]string // key → the backend service whose routes take it; "": several
	byKey  map[string]*runtime.ServeMux
	// keyless is set when a route does not begin with two literal
	// segments: then every request goes to all.
	keyless bool
}

func newRouter(all *runtime.ServeMux) *router {
	return &router{all: all, owners: make(map[string]string), byKey: make(map[string]*runtime.ServeMux)}
}

// claim records that a route of service (the gateway's own: "") takes
// paths of template, a path template of a google.api.http rule
// ("/v1/{name=units/*}:dissolve").
func (rt *router) claim(service, template string) {
	key, ok := templateKey(template)
	switch {
	case !ok:
		rt.keyless = true
		return
	case key == "":
		return
	}
	if owner, seen := rt.owners[key]; seen && owner != service {
		service = ""
	}
	if rt.owners[key] = service; service == "" {
		delete(rt.byKey, key) // a route of the gateway's own, added after use
	}
}

// use routes the keys that only service's routes take to mux, which holds
// all of service's routes.
func (rt *router) use(service string, mux *runtime.ServeMux) {
	for key, owner := range rt.owners {
		if owner == service && service != "" {
			rt.byKey[key] = mux
		}
	}
}

// handlePath adds a route of the gateway's own, which only the mux of
// every route serves.
func (rt *router) handlePath(method, path string, h runtime.HandlerFunc) error {
	rt.claim("", path)
	return rt.all.HandlePath(method, path, h)
}

func (rt *router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rt.mux(r).ServeHTTP(w, r)
}

func (rt *router) mux(r *http.Request) *runtime.ServeMux {
	if rt.keyless || r.URL.RawPath != "" {
		return rt.all
	}
	if m := rt.byKey[pathKey(r.URL.Path)]; m != nil {
		return m
	}
	return rt.all
}

// pathKey is the key of a request path: its first two segments, the
// second cut at a colon; "" for a path of fewer segments.
func pathKey(path string) string {
	rest, ok := strings.CutPrefix(path, "/")
	if !ok {
		return ""
	}
	first, rest, ok := strings.Cut(rest, "/")
	if !ok {
		return ""
	}
	second, _, _ := strings.Cut(rest, "/")
	second, _, _ = strings.Cut(second, ":")
	return path[1 : 1+len(first)+1+len(second)]
}

// templateKey is the key of the paths a path template matches, when its
// first two segments are literal: "v1/units" for "/v1/{name=units/*}" and
// for "/v1/units:batchGet"; "" for a template of one literal segment
// ("/healthz"), which matches no path that has a key.
func templateKey(template string) (string, bool) {
	var segs []string
	rest, ok := strings.CutPrefix(template, "/")
	for ok && len(segs) < 2 && rest != "" {
		var seg string
		if strings.HasPrefix(rest, "{") {
			end := strings.IndexByte(rest, '}')
			if end < 0 {
				return "", false
			}
			_, sub, hasSub := strings.Cut(rest[1:end], "=")
			if !hasSub {
				sub = "*"
			}
			segs = append(segs, strings.Split(sub, "/")...)
			// A verb after the variable ends the template; a slash goes on.
			_, rest, ok = strings.Cut(rest[end+1:], "/")
			continue
		}
		seg, rest, ok = strings.Cut(rest, "/")
		segs = append(segs, seg)
	}
	if len(segs) == 1 && segs[0] != "" && !strings.Contains(segs[0], "*") {
		return "", true // one literal segment: no path of two takes it
	}
	if len(segs) < 2 {
		return "", false
	}
	first, second := segs[0], segs[1]
	second, _, _ = strings.Cut(second, ":")
	if strings.Contains(first, "*") || strings.Contains(second, "*") || first == "" || second == "" {
		return "", false
	}
	return first + "/" + second, true
}
