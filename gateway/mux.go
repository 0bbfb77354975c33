package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// newServeMux builds the grpc-gateway mux with tdkt's JSON, headers and
// errors; allow answers a method the path does not take with 405.
func newServeMux(allow *allowed) *runtime.ServeMux {
	var mux *runtime.ServeMux
	mux = runtime.NewServeMux(
		// Keep the HttpBody wrapping of the default marshaler so that file
		// responses (PDF, XLSX) are sent as they are, not as JSON.
		runtime.WithMarshalerOption(runtime.MIMEWildcard, fileMarshaler{&runtime.HTTPBodyMarshaler{
			Marshaler: strictJSON{&runtime.JSONPb{
				MarshalOptions: protojson.MarshalOptions{
					UseProtoNames:   false, // lowerCamelCase, as api.md says
					EmitUnpopulated: false,
				},
				UnmarshalOptions: protojson.UnmarshalOptions{
					DiscardUnknown: false, // an unknown field is the client's mistake: 400
				},
			}},
		}}),
		runtime.WithErrorHandler(errorHandler),
		runtime.WithStreamErrorHandler(func(ctx context.Context, err error) *status.Status {
			return streamError(ctx, mux, err)
		}),
		runtime.WithIncomingHeaderMatcher(incomingHeader),
		runtime.WithOutgoingHeaderMatcher(outgoingHeader),
		runtime.WithOutgoingTrailerMatcher(func(string) (string, bool) { return "", false }),
		runtime.WithForwardResponseOption(setETag),
		runtime.WithForwardResponseOption(setFileHeaders),
		runtime.WithMetadata(nameSpan),
		runtime.WithDisableHTTPMethodOverride(),
		runtime.WithRoutingErrorHandler(allow.routingError),
	)
	return mux
}

// strictJSON is JSONPb whose decoder refuses what encoding/json's streaming
// decoder lets through: data after the JSON value ({"a":1}} or {} x). It
// reads the whole body, which the body limit bounds.
type strictJSON struct{ *runtime.JSONPb }

func (m strictJSON) NewDecoder(r io.Reader) runtime.Decoder {
	return runtime.DecoderFunc(func(v any) error {
		b, err := io.ReadAll(r)
		if err != nil {
			return err
		}
		if len(bytes.TrimSpace(b)) == 0 {
			return io.EOF // an empty body: the generated code carries on
		}
		d := json.NewDecoder(bytes.NewReader(b))
		var first json.RawMessage
		if err := d.Decode(&first); err != nil {
			return err
		}
		if _, err := d.Token(); !errors.Is(err, io.EOF) {
			return errors.New("invalid JSON: unexpected data after the top-level value")
		}
		return m.JSONPb.Unmarshal(b, v)
	})
}

// incomingHeader forwards the allowed HTTP headers to the backends as gRPC
// metadata. Authorization is forwarded by grpc-gateway itself; traceparent
// and tracestate reach the backends through the OpenTelemetry propagator.
func incomingHeader(key string) (string, bool) {
	// EqualFold, not ToLower: grpc-gateway asks for every header of every
	// request, and ToLower copies a canonical key.
	for _, k := range [...]string{"x-request-id", "if-match"} {
		if strings.EqualFold(key, k) {
			return k, true
		}
	}
	return "", false
}

// outgoingHeader passes the allowed response metadata on as HTTP headers;
// the rest, which grpc-gateway would send as Grpc-Metadata-*, is dropped.
// A backend names a file response with the "content-disposition" header
// metadata (ASCII, as gRPC metadata must be: RFC 6266 with filename* for a
// UTF-8 name).
func outgoingHeader(key string) (string, bool) {
	for _, h := range [...]string{"ETag", "Content-Disposition"} {
		if strings.EqualFold(key, h) {
			return h, true
		}
	}
	return "", false
}

// setETag copies the etag field of a response resource into the ETag
// header. Etags are already quoted (AIP-154); a bare one is quoted here.
func setETag(_ context.Context, w http.ResponseWriter, m proto.Message) error {
	if m == nil {
		return nil
	}
	r := m.ProtoReflect()
	fd := r.Descriptor().Fields().ByName("etag")
	if fd == nil || fd.Kind() != protoreflect.StringKind || fd.IsList() {
		return nil
	}
	etag := r.Get(fd).String()
	if etag == "" {
		return nil
	}
	if !strings.HasPrefix(etag, `"`) && !strings.HasPrefix(etag, `W/"`) {
		etag = `"` + etag + `"`
	}
	w.Header().Set("ETag", etag)
	return nil
}

// nameSpan names the otelhttp server span and the HTTP metrics after the
// route that matched, "GET /v1/{name=units/*}". It adds no metadata.
func nameSpan(ctx context.Context, r *http.Request) metadata.MD {
	if pattern, ok := runtime.HTTPPathPattern(ctx); ok {
		setRoute(ctx, r, pattern)
	}
	return nil
}

// setRoute names the current server span "METHOD route", as the semantic
// conventions ask, and adds http.route to the span and to the request
// metrics. (otelhttp does this itself only for http.ServeMux patterns; the
// request grpc-gateway hands its handlers is a copy, so setting its Pattern
// would not reach otelhttp.)
func setRoute(ctx context.Context, r *http.Request, route string) {
	span := trace.SpanFromContext(ctx)
	span.SetName(methodName(r.Method) + " " + route)
	span.SetAttributes(semconv.HTTPRoute(route))
	if l, ok := otelhttp.LabelerFromContext(ctx); ok {
		l.Add(semconv.HTTPRoute(route))
	}
}

// methodName keeps span names low in cardinality: a method outside the
// standard set is "HTTP", as otelhttp names it.
func methodName(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodConnect, http.MethodOptions, http.MethodTrace:
		return m
	}
	return "HTTP"
}
