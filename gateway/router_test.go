package gateway

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/stretchr/testify/require"
)

func TestTemplateKey(t *testing.T) {
	tests := []struct {
		template string
		key      string
		ok       bool
	}{
		{"/v1/units", "v1/units", true},
		{"/v1/units:batchGet", "v1/units", true},
		{"/v1/{name=units/*}", "v1/units", true},
		{"/v1/{name=units/*}:dissolve", "v1/units", true},
		{"/v1/{parent=groups/*/covenants/*}/scores", "v1/groups", true},
		{"/v1/services/blocs/auditEntries", "v1/services", true},
		{"/healthz", "", true},
		{"/v1/{name}", "", false},
		{"/v1/{name=**}", "", false},
		{"/{version}/units", "", false},
		{"/{name=**}", "", false},
	}
	for _, tt := range tests {
		key, ok := templateKey(tt.template)
		require.Equal(t, tt.ok, ok, tt.template)
		require.Equal(t, tt.key, key, tt.template)
	}
}

func TestPathKey(t *testing.T) {
	for path, want := range map[string]string{
		"/v1/units":                       "v1/units",
		"/v1/units:batchGet":              "v1/units",
		"/v1/units/bac-kan":               "v1/units",
		"/v1/units/bac-kan:dissolve":      "v1/units",
		"/v1//units":                      "v1/",
		"/healthz":                        "",
		"/":                               "",
		"v1/units":                        "",
		"/v1/services/blocs/auditEntries": "v1/services",
	} {
		require.Equal(t, want, pathKey(path), path)
	}
}

// The router answers every request as the mux of every route does: each
// route of the services the gateway fronts, and of its own, with each
// method, and paths no route takes.
func TestRouterAnswersAsOneMux(t *testing.T) {
	services := Config{}.backends()
	var names []string
	for _, b := range services {
		names = append(names, b.service)
	}
	routes, err := httpRoutes(names)
	require.NoError(t, err)
	allow, err := newAllowed(routes)
	require.NoError(t, err)

	// Each handler answers with the route and the mux that served it.
	handle := func(mux *runtime.ServeMux, name string, r route) {
		require.NoError(t, mux.HandlePath(r.method, r.path, func(w http.ResponseWriter, _ *http.Request, _ map[string]string) {
			w.Header().Set("X-Route", r.method+" "+r.path)
			w.Header().Set("X-Mux", name)
		}))
	}
	all := newServeMux(allow)
	rt := newRouter(all)
	for _, r := range routes {
		rt.claim(r.service, r.path)
		handle(all, "all", r)
	}
	for _, svc := range names {
		own := newServeMux(allow)
		for _, r := range routes {
			if r.service == svc {
				handle(own, svc, r)
			}
		}
		rt.use(svc, own)
	}
	require.NoError(t, rt.handlePath(http.MethodGet, "/healthz", func(w http.ResponseWriter, _ *http.Request, _ map[string]string) {
		w.Header().Set("X-Route", "GET /healthz")
	}))
	require.NoError(t, all.HandlePath(http.MethodGet, "/healthz", func(w http.ResponseWriter, _ *http.Request, _ map[string]string) {
		w.Header().Set("X-Route", "GET /healthz")
	}))

	paths := []string{"/healthz", "/", "/v1", "/v1/nothing/x", "/v1/units/a%2Fb", "/v1/units/x/y/z", "/v1/units/x:nothing"}
	for _, r := range routes {
		paths = append(paths, instantiate(r.path))
	}
	served := make(map[string]bool) // muxes that served a request
	for _, path := range paths {
		for _, method := range []string{http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodDelete, http.MethodPut} {
			want := httptest.NewRecorder()
			all.ServeHTTP(want, httptest.NewRequest(method, path, nil))
			got := httptest.NewRecorder()
			rt.ServeHTTP(got, httptest.NewRequest(method, path, nil))
			require.Equal(t, want.Code, got.Code, "%s %s", method, path)
			require.Equal(t, want.Header().Get("X-Route"), got.Header().Get("X-Route"), "%s %s", method, path)
			require.Equal(t, want.Header().Get("Allow"), got.Header().Get("Allow"), "%s %s", method, path)
			require.Equal(t, want.Body.String(), got.Body.String(), "%s %s", method, path)
			served[got.Header().Get("X-Mux")] = true
		}
	}
	// Not a router that sends everything to the mux of every route.
	for _, svc := range names {
		require.True(t, served[svc], "no request went to the mux of %s", svc)
	}
	require.Equal(t, all, rt.mux(httptest.NewRequest(http.MethodGet, "/v1/services/blocs/auditEntries", nil)),
		"a key of several services goes to the mux of every route")
}

// instantiate fills the variables of a path template with "x".
func instantiate(template string) string {
	var b strings.Builder
	for {
		open := strings.IndexByte(template, '{')
		if open < 0 {
			b.WriteString(template)
			return b.String()
		}
		b.WriteString(template[:open])
		end := strings.IndexByte(template, '}')
		_, sub, ok := strings.Cut(template[open+1:end], "=")
		if !ok {
			sub = "*"
		}
		b.WriteString(strings.ReplaceAll(sub, "*", "x"))
		template = template[end+1:]
	}
}
