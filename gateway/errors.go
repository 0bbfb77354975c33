package gateway

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"unicode/utf8"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/tdkt-vn/tdkt/platform/rpcerr"
)

// errorHandler writes an error as the google.rpc.Status JSON
// ({"code","message","details"}) with grpc-gateway's standard HTTP mapping:
// InvalidArgument and FailedPrecondition 400, Unauthenticated 401 (with
// WWW-Authenticate), PermissionDenied 403, NotFound 404, AlreadyExists and
// Aborted 409, ResourceExhausted 429 (with Retry-After from its
// RetryInfo). A body cut off by the size limit is 413, whatever the
// decoder made of it.
func errorHandler(ctx context.Context, mux *runtime.ServeMux, m runtime.Marshaler, w http.ResponseWriter, r *http.Request, err error) {
	if b, ok := r.Body.(*limitedBody); ok && b.exceeded {
		err = bodyTooLarge(b.limit)
	}
	err = unreachable(err)
	w = authHeaders(w, r, err)
	runtime.DefaultHTTPErrorHandler(ctx, mux, m, w, r, err)
}

// unreachable hides what gRPC says of a backend it could not reach (the
// connection refused, the retries spent: "dial tcp 10.0.3.7:9104 …"),
// which names the system's inner addresses: such an UNAVAILABLE, made by
// the gateway's client rather than answered by a service (whose
// UNAVAILABLE carries an ErrorInfo), becomes the one a service would give.
func unreachable(err error) error {
	st, ok := status.FromError(err)
	if !ok || st.Code() != codes.Unavailable {
		return err
	}
	for _, d := range st.Details() {
		if _, answered := d.(*errdetails.ErrorInfo); answered {
			return err
		}
	}
	return rpcerr.Unavailable("SERVICE_UNREACHABLE", "the service is unavailable; retry later")
}

// bodyTooLarge is the error for a request body over limit bytes: HTTP 413
// carrying InvalidArgument with a BadRequest naming "body".
func bodyTooLarge(limit int64) error {
	msg := fmt.Sprintf("request body exceeds %d bytes", limit)
	st := status.New(codes.InvalidArgument, msg)
	if d, err := st.WithDetails(
		&errdetails.ErrorInfo{
			Reason:   "REQUEST_BODY_TOO_LARGE",
			Domain:   rpcerr.Domain,
			Metadata: map[string]string{"limit": strconv.FormatInt(limit, 10)},
		},
		&errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{{
			Field:       "body",
			Description: msg,
		}}},
	); err == nil {
		st = d
	}
	return &runtime.HTTPStatusError{HTTPStatus: http.StatusRequestEntityTooLarge, Err: st.Err()}
}

// limitedBody is a request body cut off after limit bytes. It remembers
// that it was, because the generated handlers turn every decoding error
// into a plain InvalidArgument.
type limitedBody struct {
	io.ReadCloser // from http.MaxBytesReader
	limit         int64
	exceeded      bool
}

func (b *limitedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		b.exceeded = true
	}
	return n, err
}

// checkRequest refuses, before any handler runs, what grpc-gateway would
// pass on to the backends and turn into a 500: a body announced larger than
// maxBody (413) and a path or query string that is not valid UTF-8 once
// unescaped (the gRPC client refuses to marshal such strings, which the
// gateway reports as Internal). It also bounds the body that is read and
// keeps the path of a custom method's request for the name of a file
// response (withRoute). next serves what passes; mux answers what does not.
func checkRequest(mux *runtime.ServeMux, next http.Handler, maxBody int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fail := func(err error) {
			_, out := runtime.MarshalerForRequest(mux, r)
			errorHandler(r.Context(), mux, out, w, r, err)
		}
		if r.ContentLength > maxBody {
			fail(bodyTooLarge(maxBody))
			return
		}
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = &limitedBody{ReadCloser: http.MaxBytesReader(w, r.Body, maxBody), limit: maxBody}
		}
		if err := checkUTF8(r.URL); err != nil {
			fail(err)
			return
		}
		next.ServeHTTP(withRoute(w, r))
	})
}

// checkUTF8 returns InvalidArgument when the unescaped path or a query
// parameter is not valid UTF-8, or the query string is malformed.
func checkUTF8(u *url.URL) error {
	if !utf8.ValidString(u.Path) {
		return rpcerr.BadField("path", "is not valid UTF-8")
	}
	if u.RawQuery == "" {
		return nil // most reads: nothing to parse
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return rpcerr.BadField("query", "is malformed: "+err.Error())
	}
	for k, vs := range q {
		if !utf8.ValidString(k) {
			return rpcerr.BadField("query", "has a parameter name that is not valid UTF-8")
		}
		for _, v := range vs {
			if !utf8.ValidString(v) {
				return rpcerr.BadField(k, "is not valid UTF-8")
			}
		}
	}
	return nil
}
