// Package telemetry builds the OpenTelemetry providers, the Prometheus metrics
// endpoint and the structured logger that one service uses.
//
// Nothing here touches OpenTelemetry's global providers: Setup returns them and
// callers pass them on (otelgrpc.WithTracerProvider and friends), so several
// services can share one process, each with its own service.name.
package telemetry

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.opentelemetry.io/contrib/exporters/autoexport"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
)

// Config configures Setup.
type Config struct {
	// ServiceName is the service.name resource attribute. It wins over
	// OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES.
	ServiceName string
	// Registerer receives the OTel metrics for Prometheus. Nil means a new
	// registry, returned in Telemetry.Registry together with Go runtime and
	// process collectors. Services sharing one registry in one process wrap it
	// with prometheus.WrapRegistererWith(prometheus.Labels{"service": name}, reg).
	Registerer prometheus.Registerer
	// LogFormat is "json" (default) or "text".
	LogFormat string
	// LogLevel is the minimum level logged.
	LogLevel slog.Level
	// LogOutput is where logs go; nil means os.Stderr.
	LogOutput io.Writer
}

// Telemetry holds what a service needs to emit traces, metrics and logs.
type Telemetry struct {
	TracerProvider trace.TracerProvider
	MeterProvider  metric.MeterProvider
	// Propagator is W3C trace context plus baggage.
	Propagator propagation.TextMapPropagator
	// Logger writes JSON or text, with trace_id and span_id from the context
	// and a service attribute.
	Logger *slog.Logger
	// Registry is the registry Setup created when Config.Registerer was nil.
	Registry *prometheus.Registry

	shutdown []func(context.Context) error
}

// Setup builds the providers and the logger for one service.
//
// Traces are exported as OTEL_TRACES_EXPORTER says (otlp, console or none, see
// autoexport); when it is unset nothing is exported, so local runs need no
// collector. Spans are still created, so trace ids reach logs and peers.
// Sampling is parent-based always-on unless OTEL_TRACES_SAMPLER says otherwise.
// Metrics are exported through the Prometheus exporter.
func Setup(ctx context.Context, cfg Config) (*Telemetry, error) {
	if cfg.ServiceName == "" {
		return nil, errors.New("telemetry: service name is required")
	}
	logger, err := newLogger(cfg)
	if err != nil {
		return nil, err
	}

	res, err := resource.New(ctx,
		resource.WithTelemetrySDK(),
		resource.WithFromEnv(),
		resource.WithAttributes(semconv.ServiceName(cfg.ServiceName)), // last, so it wins
	)
	if err != nil {
		return nil, fmt.Errorf("telemetry: build resource: %w", err)
	}

	tp, err := newTracerProvider(ctx, res)
	if err != nil {
		return nil, err
	}

	t := &Telemetry{
		TracerProvider: tp,
		Propagator:     propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}),
		Logger:         logger,
		shutdown:       []func(context.Context) error{tp.Shutdown},
	}

	reg := cfg.Registerer
	if reg == nil {
		t.Registry = prometheus.NewRegistry()
		if err := t.Registry.Register(collectors.NewGoCollector()); err != nil {
			return nil, errors.Join(fmt.Errorf("telemetry: register Go collector: %w", err), t.Shutdown(ctx))
		}
		if err := t.Registry.Register(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{})); err != nil {
			return nil, errors.Join(fmt.Errorf("telemetry: register process collector: %w", err), t.Shutdown(ctx))
		}
		reg = t.Registry
	}
	exp, err := otelprom.New(otelprom.WithRegisterer(reg))
	if err != nil {
		return nil, errors.Join(fmt.Errorf("telemetry: prometheus exporter: %w", err), t.Shutdown(ctx))
	}
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(exp), sdkmetric.WithResource(res))
	t.MeterProvider = mp
	t.shutdown = append(t.shutdown, mp.Shutdown)
	return t, nil
}

func newTracerProvider(ctx context.Context, res *resource.Resource) (*sdktrace.TracerProvider, error) {
	exp, err := autoexport.NewSpanExporter(ctx, autoexport.WithFallbackSpanExporter(
		func(context.Context) (sdktrace.SpanExporter, error) { return noopExporter{}, nil },
	))
	if err != nil {
		return nil, fmt.Errorf("telemetry: span exporter: %w", err)
	}

	// The SDK's sampler is parentbased_always_on unless OTEL_TRACES_SAMPLER
	// says otherwise.
	opts := []sdktrace.TracerProviderOption{sdktrace.WithResource(res)}
	switch exp.(type) {
	case noopExporter:
		// Nothing to export: no processor at all.
	case *stdouttrace.Exporter:
		// Console output is for people watching a terminal: print each span
		// as it ends rather than in batches.
		opts = append(opts, sdktrace.WithSyncer(exp))
	default:
		if autoexport.IsNoneSpanExporter(exp) {
			break
		}
		opts = append(opts, sdktrace.WithBatcher(exp))
	}
	return sdktrace.NewTracerProvider(opts...), nil
}

// noopExporter is the exporter used when OTEL_TRACES_EXPORTER is unset.
type noopExporter struct{}

func (noopExporter) ExportSpans(context.Context, []sdktrace.ReadOnlySpan) error { return nil }
func (noopExporter) Shutdown(context.Context) error                             { return nil }

func newLogger(cfg Config) (*slog.Logger, error) {
	out := cfg.LogOutput
	if out == nil {
		out = os.Stderr
	}
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	var h slog.Handler
	switch strings.ToLower(cfg.LogFormat) {
	case "", "json":
		h = slog.NewJSONHandler(out, opts)
	case "text":
		h = slog.NewTextHandler(out, opts)
	default:
		return nil, fmt.Errorf("telemetry: unknown log format %q (want json or text)", cfg.LogFormat)
	}
	return slog.New(NewLogHandler(h)).With(slog.String("service", cfg.ServiceName)), nil
}

// Shutdown flushes pending spans and metrics and stops the providers. It is
// safe on a Telemetry built by hand (it then does nothing).
func (t *Telemetry) Shutdown(ctx context.Context) error {
	var errs []error
	for _, f := range t.shutdown {
		if err := f(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	t.shutdown = nil
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("telemetry: shutdown: %w", err)
	}
	return nil
}

// MetricsHandler serves g in the Prometheus exposition format.
func MetricsHandler(g prometheus.Gatherer) http.Handler {
	return promhttp.HandlerFor(g, promhttp.HandlerOpts{})
}
