package gateway

import (
	"context"
	"errors"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/tdkt-vn/tdkt/platform/auth"
	"github.com/tdkt-vn/tdkt/platform/ratelimit"
	"github.com/tdkt-vn/tdkt/platform/rpcerr"
)

// ReasonInvalidToken is the ErrorInfo reason of a request whose bearer
// token does not verify.
const ReasonInvalidToken = "INVALID_TOKEN"

// guard checks who is calling before any service is: a request with an
// Authorization header must carry one bearer token that verifies (else
// 401 with WWW-Authenticate: Bearer error="invalid_token"); then the
// caller, the token's subject or else the client's address, must be
// within its rate limit (else 429 with Retry-After). A request without
// credentials goes on as anonymous: the services decide what it may do.
// The token itself travels on to the services, which verify it again
// (from their cache) and decide with it.
//
// Tokens that fail are counted per client address as well, with the same
// limits: once an address has sent more bad tokens than they allow, its
// next requests with a token get 429 without being verified, so that a
// flood of forged tokens costs neither signature checks nor fetches of the
// issuer's keys.
func guard(next http.Handler, mux *runtime.ServeMux, verifier *auth.Verifier, limits ratelimit.Limits) (http.Handler, error) {
	calls, err := ratelimit.New(limits)
	if err != nil {
		return nil, err
	}
	failures, err := ratelimit.New(limits)
	if err != nil {
		return nil, err
	}
	clientKey := func(r *http.Request) string {
		return ratelimit.AddrKey(calls.Client(ratelimit.ParseAddr(r.RemoteAddr), r.Header.Values("X-Forwarded-For")))
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var key string
		if values := r.Header.Values("Authorization"); len(values) > 0 {
			if failures.Len() > 0 {
				if ip := clientKey(r); failures.Exhausted(ip) {
					_, retry := failures.Allow(ip)
					tooManyRequests(w, r, mux, retry)
					return
				}
			}
			c, err := verify(r.Context(), verifier, values)
			if err != nil {
				if _, ok := errors.AsType[*auth.IssuerError](err); ok {
					writeError(w, r, mux, rpcerr.Unavailable("ISSUER_UNAVAILABLE", "the sign-in issuer is unavailable; retry later"))
					return
				}
				failures.Allow(clientKey(r))
				invalidToken(w, r, mux, err)
				return
			}
			if calls == nil {
				next.ServeHTTP(w, r)
				return
			}
			key = ratelimit.Key(c, netip.Addr{})
		} else {
			if calls == nil {
				next.ServeHTTP(w, r)
				return
			}
			key = clientKey(r)
		}
		if ok, retry := calls.Allow(key); !ok {
			tooManyRequests(w, r, mux, retry)
			return
		}
		next.ServeHTTP(w, r)
	}), nil
}

// verify returns the caller of the Authorization header values: exactly
// one "Bearer <token>" whose token verifies.
func verify(ctx context.Context, v *auth.Verifier, values []string) (*auth.Caller, error) {
	if len(values) != 1 {
		return nil, &auth.TokenError{Reason: "more than one Authorization header"}
	}
	scheme, token, ok := strings.Cut(values[0], " ")
	if token = strings.TrimSpace(token); !ok || !strings.EqualFold(scheme, "bearer") || token == "" {
		return nil, &auth.TokenError{Reason: `the Authorization header is not "Bearer <token>"`}
	}
	return v.Verify(ctx, token)
}

// invalidToken answers 401 with WWW-Authenticate (RFC 6750) and the
// google.rpc.Status JSON: UNAUTHENTICATED, reason INVALID_TOKEN and why,
// in words that repeat nothing of the token.
func invalidToken(w http.ResponseWriter, r *http.Request, mux *runtime.ServeMux, err error) {
	msg := "bearer token refused"
	if te, ok := errors.AsType[*auth.TokenError](err); ok {
		msg = te.Error()
	}
	w.Header().Set("WWW-Authenticate", `Bearer realm="tdkt", error="invalid_token"`)
	st := status.New(codes.Unauthenticated, msg)
	if d, err := st.WithDetails(&errdetails.ErrorInfo{Reason: ReasonInvalidToken, Domain: rpcerr.Domain}); err == nil {
		st = d
	}
	writeError(w, r, mux, st.Err())
}

// tooManyRequests answers 429 with Retry-After and the google.rpc.Status
// JSON: RESOURCE_EXHAUSTED, reason RATE_LIMITED, a RetryInfo.
func tooManyRequests(w http.ResponseWriter, r *http.Request, mux *runtime.ServeMux, retry time.Duration) {
	writeError(w, r, mux, rpcerr.RateLimited(retry))
}

// writeError answers err as every error of the gateway is answered
// (errorHandler).
func writeError(w http.ResponseWriter, r *http.Request, mux *runtime.ServeMux, err error) {
	_, out := runtime.MarshalerForRequest(mux, r)
	errorHandler(r.Context(), mux, out, w, r, err)
}

// authHeaders adds to an error answer the headers its status asks for:
// WWW-Authenticate on 401 (a bare challenge when the request carried no
// credentials, RFC 6750 section 3.1), Retry-After from a RetryInfo (on
// 429 from the edge or from a service, or on 503). It returns the writer
// to answer with: grpc-gateway would put the status message in
// WWW-Authenticate, which the writer returned puts right.
func authHeaders(w http.ResponseWriter, r *http.Request, err error) http.ResponseWriter {
	var hse *runtime.HTTPStatusError
	if errors.As(err, &hse) {
		err = hse.Err
	}
	st, ok := status.FromError(err)
	if !ok {
		return w
	}
	h := w.Header()
	for _, d := range st.Details() {
		if ri, ok := d.(*errdetails.RetryInfo); ok && ri.GetRetryDelay() != nil {
			h.Set("Retry-After", strconv.Itoa(ratelimit.RetryAfterSeconds(ri.GetRetryDelay().AsDuration())))
		}
	}
	if st.Code() != codes.Unauthenticated {
		return w
	}
	challenge := h.Get("WWW-Authenticate")
	switch {
	case challenge != "":
	case r.Header.Get("Authorization") != "":
		challenge = `Bearer realm="tdkt", error="invalid_token"`
	default:
		challenge = `Bearer realm="tdkt"`
	}
	return challengeWriter{ResponseWriter: w, challenge: challenge}
}

// challengeWriter sets WWW-Authenticate to its challenge as the header is
// written.
type challengeWriter struct {
	http.ResponseWriter
	challenge string
}

func (c challengeWriter) WriteHeader(code int) {
	c.Header().Set("WWW-Authenticate", c.challenge)
	c.ResponseWriter.WriteHeader(code)
}

// throttle limits how fast each client address may ask for the
// dashboard's pages, with the API's limits: over them, 429 with
// Retry-After and a line of text. A page calls the services with the
// person's own token, which the services limit too.
func throttle(pages http.Handler, limits ratelimit.Limits) (http.Handler, error) {
	if limits.Off() {
		return pages, nil
	}
	l, err := ratelimit.New(limits)
	if err != nil {
		return nil, err
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := ratelimit.AddrKey(l.Client(ratelimit.ParseAddr(r.RemoteAddr), r.Header.Values("X-Forwarded-For")))
		if ok, retry := l.Allow(key); !ok {
			w.Header().Set("Retry-After", strconv.Itoa(ratelimit.RetryAfterSeconds(retry)))
			http.Error(w, "Quá nhiều yêu cầu; xin thử lại sau ít giây. (Too many requests; try again in a few seconds.)", http.StatusTooManyRequests)
			return
		}
		pages.ServeHTTP(w, r)
	}), nil
}
