package stack_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/tdkt-vn/tdkt/platform/cache/redistest"
	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
	"github.com/tdkt-vn/tdkt/tools/devstack/stack"
	"github.com/tdkt-vn/tdkt/tools/devstack/stack/stacktest"
)

// TestOneTraceAcrossTheSystem follows one REST call through the stack: the
// gateway's HTTP server span, its gRPC client span, the blocs gRPC server
// span and, under it, the SQL (and, with Redis, the cache) spans all share
// one trace, and each component reports its own service.name.
func TestOneTraceAcrossTheSystem(t *testing.T) {
	for _, tc := range []struct {
		name  string
		redis bool
	}{
		{name: "in-process cache"},
		{name: "redis", redis: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			spans := tracetest.NewSpanRecorder()
			opts := []stacktest.Option{func(o *stack.Options) { o.SpanProcessor = spans }}
			if tc.redis {
				srv := redistest.StartServer(t)
				opts = append(opts, func(o *stack.Options) { o.RedisAddr = srv.Addr() })
			}
			s := stacktest.Start(t, opts...)
			_, err := s.Blocs.CreateUnit(t.Context(), &blocsv1.CreateUnitRequest{UnitId: "bac-kan", Unit: &blocsv1.Unit{
				DisplayName: "Tỉnh Bắc Kạn", Kind: blocsv1.UnitKind_UNIT_KIND_LOCALITY, Level: blocsv1.UnitLevel_UNIT_LEVEL_PROVINCE,
			}})
			require.NoError(t, err)

			req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, s.BaseURL+"/v1/units/bac-kan", nil)
			require.NoError(t, err)
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			require.NoError(t, resp.Body.Close())
			require.Equal(t, http.StatusOK, resp.StatusCode)

			// Server spans end after the response is written: wait for them.
			require.EventuallyWithT(t, func(c *assert.CollectT) {
				ended := spans.Ended()
				root := find(ended, func(sp sdktrace.ReadOnlySpan) bool {
					return sp.SpanKind() == trace.SpanKindServer && !sp.Parent().IsValid() &&
						hasAttr(sp, semconv.URLPath("/v1/units/bac-kan"))
				})
				require.NotNil(c, root, "gateway HTTP server span")
				require.Equal(c, "tdkt-gateway", service(root))
				var inTrace []sdktrace.ReadOnlySpan
				for _, sp := range ended {
					if sp.SpanContext().TraceID() == root.SpanContext().TraceID() {
						inTrace = append(inTrace, sp)
					}
				}
				childOf := func(parent sdktrace.ReadOnlySpan, kind trace.SpanKind, name func(string) bool) sdktrace.ReadOnlySpan {
					return find(inTrace, func(sp sdktrace.ReadOnlySpan) bool {
						return sp.Parent().SpanID() == parent.SpanContext().SpanID() && sp.SpanKind() == kind && name(sp.Name())
					})
				}
				getUnit := func(n string) bool { return n == "tdkt.blocs.v1.BlocsService/GetUnit" }
				client := childOf(root, trace.SpanKindClient, getUnit)
				require.NotNil(c, client, "gateway gRPC client span under the HTTP span")
				require.Equal(c, "tdkt-gateway", service(client))
				server := childOf(client, trace.SpanKindServer, getUnit)
				require.NotNil(c, server, "blocs gRPC server span under the client span")
				require.Equal(c, "tdkt-blocs", service(server))
				sql := childOf(server, trace.SpanKindClient, func(n string) bool { return strings.HasPrefix(n, "sql.") })
				require.NotNil(c, sql, "SQL span under the blocs server span")
				require.Equal(c, "tdkt-blocs", service(sql))
				if tc.redis {
					for _, cmd := range []string{"get", "set"} {
						sp := childOf(server, trace.SpanKindClient, func(n string) bool { return n == cmd })
						require.NotNil(c, sp, "Redis %s span under the blocs server span", cmd)
						require.Equal(c, "tdkt-blocs", service(sp))
					}
				}
			}, 10*time.Second, 20*time.Millisecond)
		})
	}
}

func find(spans []sdktrace.ReadOnlySpan, match func(sdktrace.ReadOnlySpan) bool) sdktrace.ReadOnlySpan {
	for _, sp := range spans {
		if match(sp) {
			return sp
		}
	}
	return nil
}

func hasAttr(sp sdktrace.ReadOnlySpan, want attribute.KeyValue) bool {
	for _, kv := range sp.Attributes() {
		if kv == want {
			return true
		}
	}
	return false
}

// service is the service.name of the component that made sp.
func service(sp sdktrace.ReadOnlySpan) string {
	v, _ := sp.Resource().Set().Value(semconv.ServiceNameKey)
	return v.AsString()
}
