package gateway

import (
	"net/http"
	"slices"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
)

// Headers every answer of the edge carries: the API returns JSON and files
// that no page should sniff, frame or be told the referrer of. The value
// slices are shared by every answer (a slice of capacity one: adding to it
// copies it), which spares an allocation per header per request.
var securityHeaders = http.Header{
	"X-Content-Type-Options":  {"nosniff"},
	"X-Frame-Options":         {"DENY"},
	"Referrer-Policy":         {"no-referrer"},
	"Content-Security-Policy": {"default-src 'none'; frame-ancestors 'none'"},
}

// corsRequestHeaders are the request headers a page of an allowed origin
// may send.
const corsRequestHeaders = "Authorization, Content-Type, If-Match, X-Request-Id"

// edge adds the security headers to every answer, Strict-Transport-Security
// over HTTPS, and CORS for the origins allowed (none by default: a browser
// page of another origin cannot call the API). A preflight from an allowed
// origin is answered here with the methods the path takes; one from
// another origin is 403.
func edge(next http.Handler, mux *runtime.ServeMux, allow *allowed, origins []string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		for k, v := range securityHeaders {
			h[k] = v
		}
		if r.TLS != nil {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		origin := r.Header.Get("Origin")
		if origin == "" {
			next.ServeHTTP(w, r)
			return
		}
		h.Add("Vary", "Origin")
		allowed := slices.Contains(origins, origin)
		preflight := r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != ""
		switch {
		case preflight && !allowed:
			_, out := runtime.MarshalerForRequest(mux, r)
			errorHandler(r.Context(), mux, out, w, r, &runtime.HTTPStatusError{
				HTTPStatus: http.StatusForbidden,
				Err:        status.Errorf(codes.PermissionDenied, "origin %q may not call this API", origin),
			})
		case preflight:
			h.Set("Access-Control-Allow-Origin", origin)
			h.Set("Access-Control-Allow-Methods", strings.Join(allow.methodsFor(r.URL.Path), ", "))
			h.Set("Access-Control-Allow-Headers", corsRequestHeaders)
			h.Set("Access-Control-Max-Age", "600")
			w.WriteHeader(http.StatusNoContent)
		default:
			if allowed {
				h.Set("Access-Control-Allow-Origin", origin)
				h.Set("Access-Control-Expose-Headers", "ETag, Content-Disposition")
			}
			next.ServeHTTP(w, r)
		}
	})
}

// parseOrigins reads a comma-separated list of origins
// ("https://tdkt.gov.vn, https://thidua.bacninh.gov.vn").
func parseOrigins(s string) []string {
	var out []string
	for o := range strings.SplitSeq(s, ",") {
		if o = strings.TrimSuffix(strings.TrimSpace(o), "/"); o != "" {
			out = append(out, o)
		}
	}
	return out
}
