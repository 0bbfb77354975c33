package telemetry_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/tdkt-vn/tdkt/platform/telemetry"
)

func setup(t *testing.T, cfg telemetry.Config) *telemetry.Telemetry {
	t.Helper()
	tel, err := telemetry.Setup(t.Context(), cfg)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, tel.Shutdown(t.Context())) })
	return tel
}

// family returns the metric family called name, or nil.
func family(t *testing.T, g prometheus.Gatherer, name string) *dto.MetricFamily {
	t.Helper()
	mfs, err := g.Gather()
	require.NoError(t, err)
	for _, mf := range mfs {
		if mf.GetName() == name {
			return mf
		}
	}
	return nil
}

func labels(m *dto.Metric) map[string]string {
	out := make(map[string]string)
	for _, l := range m.GetLabel() {
		out[l.GetName()] = l.GetValue()
	}
	return out
}

func TestSetupOwnRegistry(t *testing.T) {
	t.Setenv("OTEL_SERVICE_NAME", "from-env")
	t.Setenv("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment.name=test,service.name=also-env")
	tel := setup(t, telemetry.Config{ServiceName: "blocs", LogOutput: io.Discard})
	require.NotNil(t, tel.Registry)

	counter, err := tel.MeterProvider.Meter("test").Int64Counter("tdkt.test.calls")
	require.NoError(t, err)
	counter.Add(t.Context(), 3)

	require.NotNil(t, family(t, tel.Registry, "go_goroutines"), "Go runtime collector registered")
	require.NotNil(t, family(t, tel.Registry, "process_start_time_seconds"), "process collector registered")

	calls := family(t, tel.Registry, "tdkt_test_calls_total")
	require.NotNil(t, calls)
	require.InDelta(t, 3, calls.GetMetric()[0].GetCounter().GetValue(), 0)

	info := family(t, tel.Registry, "target_info")
	require.NotNil(t, info)
	got := labels(info.GetMetric()[0])
	require.Equal(t, "blocs", got["service_name"], "Config.ServiceName wins over env")
	require.Equal(t, "test", got["deployment_environment_name"], "OTEL_RESOURCE_ATTRIBUTES kept")

	srv := httptest.NewServer(telemetry.MetricsHandler(tel.Registry))
	t.Cleanup(srv.Close)
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL, nil)
	require.NoError(t, err)
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, string(body), "tdkt_test_calls_total")
}

func TestSetupSharedRegistry(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	for _, name := range []string{"blocs", "honours"} {
		tel := setup(t, telemetry.Config{
			ServiceName: name,
			Registerer:  prometheus.WrapRegistererWith(prometheus.Labels{"service": name}, reg),
			LogOutput:   io.Discard,
		})
		require.Nil(t, tel.Registry, "no registry of its own when given a registerer")
		counter, err := tel.MeterProvider.Meter("test").Int64Counter("tdkt.test.calls")
		require.NoError(t, err)
		counter.Add(t.Context(), 1)
	}

	calls := family(t, reg, "tdkt_test_calls_total")
	require.NotNil(t, calls)
	var services []string
	for _, m := range calls.GetMetric() {
		services = append(services, labels(m)["service"])
	}
	require.ElementsMatch(t, []string{"blocs", "honours"}, services)
	require.Nil(t, family(t, reg, "go_goroutines"), "runtime collectors only on a registry Setup owns")
}

func TestSetupTracesExporter(t *testing.T) {
	tests := []struct {
		env     string
		wantErr bool
	}{
		{env: ""},
		{env: "none"},
		{env: "otlp"}, // no connection is made until spans are exported
		{env: "console"},
		{env: "bogus", wantErr: true},
	}
	for _, tt := range tests {
		t.Run("OTEL_TRACES_EXPORTER="+tt.env, func(t *testing.T) {
			t.Setenv("OTEL_TRACES_EXPORTER", tt.env)
			tel, err := telemetry.Setup(t.Context(), telemetry.Config{ServiceName: "blocs", LogOutput: io.Discard})
			if tt.wantErr {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			_, span := tel.TracerProvider.Tracer("test").Start(t.Context(), "op")
			require.True(t, span.SpanContext().IsValid(), "spans carry ids even when nothing is exported")
			span.End()
			require.NoError(t, tel.Shutdown(t.Context()))
		})
	}
}

// TestConsoleExporterPrintsPromptly checks that with OTEL_TRACES_EXPORTER=console
// a span is on stdout as soon as it ends, without a flush or shutdown. The
// console exporter binds os.Stdout when its package loads, so the test runs
// itself in a child process and reads the child's stdout.
func TestConsoleExporterPrintsPromptly(t *testing.T) {
	if os.Getenv("TDKT_TEST_CONSOLE_CHILD") == "1" {
		tel, err := telemetry.Setup(t.Context(), telemetry.Config{ServiceName: "blocs", LogOutput: io.Discard})
		require.NoError(t, err)
		_, span := tel.TracerProvider.Tracer("test").Start(t.Context(), "console-op")
		span.End()
		os.Exit(0) // no Shutdown: a batching processor would lose the span
	}

	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestConsoleExporterPrintsPromptly$")
	cmd.Env = append(os.Environ(), "TDKT_TEST_CONSOLE_CHILD=1", "OTEL_TRACES_EXPORTER=console")
	out, err := cmd.Output()
	require.NoError(t, err)

	start := bytes.IndexByte(out, '{')
	require.GreaterOrEqual(t, start, 0, "no span on stdout: %q", out)
	var got struct {
		Name        string
		SpanContext struct{ TraceID string }
	}
	require.NoError(t, json.NewDecoder(bytes.NewReader(out[start:])).Decode(&got))
	require.Equal(t, "console-op", got.Name)
	require.Len(t, got.SpanContext.TraceID, 32)
}

func TestLogger(t *testing.T) {
	t.Parallel()
	tests := []struct {
		format string
		parse  func(t *testing.T, line string) map[string]string
	}{
		{format: "json", parse: parseJSON},
		{format: "", parse: parseJSON},
		{format: "text", parse: parseText},
	}
	for _, tt := range tests {
		t.Run("format="+tt.format, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			tel := setup(t, telemetry.Config{ServiceName: "blocs", LogFormat: tt.format, LogLevel: slog.LevelInfo, LogOutput: &buf})

			tel.Logger.DebugContext(t.Context(), "hidden")
			tel.Logger.InfoContext(t.Context(), "no span")
			ctx, span := tel.TracerProvider.Tracer("test").Start(t.Context(), "op")
			tel.Logger.InfoContext(ctx, "in span", "k", "v")
			span.End()

			lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
			require.Len(t, lines, 2, "debug is below the level")

			first := tt.parse(t, lines[0])
			require.Equal(t, "no span", first["msg"])
			require.Equal(t, "blocs", first["service"])
			require.NotContains(t, first, "trace_id")

			second := tt.parse(t, lines[1])
			require.Equal(t, "in span", second["msg"])
			require.Equal(t, "v", second["k"])
			require.Equal(t, span.SpanContext().TraceID().String(), second["trace_id"])
			require.Equal(t, span.SpanContext().SpanID().String(), second["span_id"])
		})
	}
}

func TestSetupRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  telemetry.Config
	}{
		{name: "no service name", cfg: telemetry.Config{LogOutput: io.Discard}},
		{name: "unknown log format", cfg: telemetry.Config{ServiceName: "blocs", LogFormat: "xml"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := telemetry.Setup(t.Context(), tt.cfg)
			require.Error(t, err)
		})
	}
}

func TestNewLogHandler(t *testing.T) {
	t.Parallel()
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	var buf bytes.Buffer
	logger := slog.New(telemetry.NewLogHandler(slog.NewJSONHandler(&buf, nil))).With("a", "1")

	ctx, span := tp.Tracer("test").Start(t.Context(), "op")
	logger.InfoContext(ctx, "hello")
	span.End()

	got := parseJSON(t, strings.TrimSpace(buf.String()))
	require.Equal(t, "1", got["a"], "WithAttrs keeps the wrapper")
	require.Equal(t, span.SpanContext().TraceID().String(), got["trace_id"])
	require.Equal(t, span.SpanContext().SpanID().String(), got["span_id"])

	// A span context extracted from a traceparent header (remote parent) counts too.
	prop := propagation.TraceContext{}
	remote := prop.Extract(t.Context(), propagation.MapCarrier{
		"traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
	})
	buf.Reset()
	logger.InfoContext(remote, "remote")
	got = parseJSON(t, strings.TrimSpace(buf.String()))
	require.Equal(t, "0af7651916cd43dd8448eb211c80319c", got["trace_id"])
	require.Equal(t, "b7ad6b7169203331", got["span_id"])
}

func parseJSON(t *testing.T, line string) map[string]string {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(line), &m))
	out := make(map[string]string, len(m))
	for k, v := range m {
		if s, ok := v.(string); ok {
			out[k] = s
		}
	}
	return out
}

// parseText parses a slog text line; values in these tests have no spaces
// except msg, which is quoted.
func parseText(t *testing.T, line string) map[string]string {
	t.Helper()
	out := make(map[string]string)
	for len(line) > 0 {
		k, rest, ok := strings.Cut(line, "=")
		require.True(t, ok, "malformed text log: %q", line)
		var v string
		if strings.HasPrefix(rest, `"`) {
			end := strings.Index(rest[1:], `"`) + 1
			v, rest = rest[1:end], rest[end+1:]
		} else {
			v, rest, _ = strings.Cut(rest, " ")
		}
		out[k] = v
		line = strings.TrimLeft(rest, " ")
	}
	return out
}
