package gateway

import (
	"context"
	"mime"
	"net/http"
	"strings"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
)

// File responses are google.api.HttpBody messages: one (RenderCertificate)
// or a server stream of chunks (RenderDecision, ExportHonours), whose first
// carries the content type. The HttpBody marshaler of the mux sends their
// data as they are with their content type (fileMarshaler keeps
// grpc-gateway from writing a newline after each chunk); setFileHeaders
// adds the rest of what makes them files, and streamError makes a stream
// that fails either an error response, before the file's first byte, or a
// response cut off, after it.

// routeKey is the context key of a custom method's *customRoute.
type routeKey struct{}

// customRoute is a request to a custom method (":render", ":certificate",
// ":export", the only routes that answer with files, but also ":issue",
// ":watch", …) and its ResponseWriter, watched so that a streamed file can
// be answered as the other responses are when it fails.
type customRoute struct {
	http.ResponseWriter
	r *http.Request
	// path is the request path, for the name of a file response.
	path string
	// wrote is set once a byte of the body is written: the status is sent.
	wrote bool
	// answered is set once streamError answered the request with an
	// error: what grpc-gateway writes after it is dropped.
	answered bool
}

func (c *customRoute) WriteHeader(code int) {
	if !c.answered {
		c.ResponseWriter.WriteHeader(code)
	}
}

func (c *customRoute) Write(p []byte) (int, error) {
	if c.answered {
		return len(p), nil
	}
	c.wrote = true
	return c.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController flush the response, chunk by chunk.
func (c *customRoute) Unwrap() http.ResponseWriter { return c.ResponseWriter }

// withRoute records a request to a custom method, with its ResponseWriter,
// in its context; other requests are left as they are.
func withRoute(w http.ResponseWriter, r *http.Request) (http.ResponseWriter, *http.Request) {
	if !strings.Contains(r.URL.Path, ":") {
		return w, r
	}
	c := &customRoute{ResponseWriter: w, path: r.URL.Path}
	c.r = r.WithContext(context.WithValue(r.Context(), routeKey{}, c))
	return c, c.r
}

// fileMarshaler is runtime.HTTPBodyMarshaler made fit for streamed files.
// grpc-gateway writes the delimiter of the marshaler after every message of
// a server stream ("\n" when the marshaler names none), which would add a
// byte after each chunk of a file (grpc-gateway issue #2557). Its delimiter
// is empty, and Marshal ends the envelopes of a JSON stream ({"result": …}
// and {"error": …}, which are maps, never messages) with the newline
// itself, so that JSON streams (WatchUnits) stay newline-delimited.
type fileMarshaler struct {
	*runtime.HTTPBodyMarshaler
}

// Delimiter is empty: see fileMarshaler.
func (fileMarshaler) Delimiter() []byte { return nil }

// Marshal marshals v, and ends a stream's envelope with a newline.
func (m fileMarshaler) Marshal(v any) ([]byte, error) {
	b, err := m.HTTPBodyMarshaler.Marshal(v)
	switch v.(type) {
	case map[string]any, map[string]proto.Message:
		if err == nil {
			b = append(b, '\n')
		}
	}
	return b, err
}

// streamError handles the failure of a server stream. A stream of files
// that fails before its first byte is answered as a unary call is (the
// status JSON, with its HTTP status), not with grpc-gateway's {"error": …}
// envelope; after its first byte, the status line is sent, and the
// response is cut off (http.ErrAbortHandler) so that the client sees a
// transfer that did not finish rather than a file with an error at its
// end. Other streams get grpc-gateway's handling.
func streamError(ctx context.Context, mux *runtime.ServeMux, err error) *status.Status {
	st := status.Convert(err)
	route, ok := ctx.Value(routeKey{}).(*customRoute)
	if !ok || !streamsFiles(ctx) {
		return st
	}
	if route.wrote {
		panic(http.ErrAbortHandler)
	}
	route.Header().Del("Content-Disposition")
	_, out := runtime.MarshalerForRequest(mux, route.r)
	errorHandler(ctx, mux, out, route.ResponseWriter, route.r, err)
	route.answered = true
	return st
}

// streamsFiles reports whether the method of ctx answers with a stream of
// google.api.HttpBody.
func streamsFiles(ctx context.Context) bool {
	method, ok := runtime.RPCMethod(ctx) // "/tdkt.honours.v1.HonoursService/RenderDecision"
	if !ok {
		return false
	}
	name := strings.Replace(strings.TrimPrefix(method, "/"), "/", ".", 1)
	d, err := protoregistry.GlobalFiles.FindDescriptorByName(protoreflect.FullName(name))
	if err != nil {
		return false
	}
	md, ok := d.(protoreflect.MethodDescriptor)
	return ok && md.IsStreamingServer() && md.Output().FullName() == "google.api.HttpBody"
}

// setFileHeaders completes the headers of a file response: a content type
// (application/octet-stream when the backend named none), nosniff, and a
// Content-Disposition. The backend names the file through the
// "content-disposition" response header metadata, which outgoingHeader
// passes on; without it the file is an attachment named after the request
// path ("/v1/decisions/946-qd-ubnd:render" → "decisions-946-qd-ubnd-render.pdf").
func setFileHeaders(ctx context.Context, w http.ResponseWriter, m proto.Message) error {
	body, ok := m.(*httpbody.HttpBody)
	if !ok {
		return nil
	}
	route, _ := ctx.Value(routeKey{}).(*customRoute)
	if route != nil && route.wrote {
		return nil // a later chunk: the headers are sent
	}
	h := w.Header()
	if body.GetContentType() == "" {
		h.Set("Content-Type", "application/octet-stream")
	}
	h.Set("X-Content-Type-Options", "nosniff")
	switch cd := h.Values("Content-Disposition"); {
	case len(cd) > 1: // one is allowed (RFC 6266); keep the first
		h.Set("Content-Disposition", cd[0])
	case len(cd) == 0 || strings.TrimSpace(cd[0]) == "":
		var path string
		if route != nil {
			path = route.path
		}
		h.Set("Content-Disposition", `attachment; filename="`+fileName(path, h.Get("Content-Type"))+`"`)
	}
	return nil
}

// fileName makes an ASCII file name from a request path and a content
// type: the path after /v1/ with every run of characters other than
// letters, digits, '.', '_' and '-' turned into one '-', and the extension
// of the content type.
func fileName(path, contentType string) string {
	path = strings.TrimPrefix(path, "/v1/")
	var b strings.Builder
	dash := false
	for _, r := range path {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '_':
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0: // '-' or a run of others
			b.WriteByte('-')
			dash = true
		}
	}
	stem := strings.Trim(b.String(), "-.")
	if len(stem) > 100 {
		stem = strings.Trim(stem[:100], "-.")
	}
	if stem == "" {
		stem = "download"
	}
	return stem + extension(contentType)
}

// extension is the file extension of a media type, ".bin" when unknown.
func extension(contentType string) string {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return ".bin"
	}
	switch mt {
	case "application/pdf":
		return ".pdf"
	case "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
		return ".xlsx"
	case "application/vnd.openxmlformats-officedocument.wordprocessingml.document":
		return ".docx"
	case "text/csv":
		return ".csv"
	case "application/zip":
		return ".zip"
	}
	if exts, err := mime.ExtensionsByType(mt); err == nil && len(exts) > 0 {
		return exts[0]
	}
	return ".bin"
}
