// Package command holds what every tdkt command does around its own work:
// flags with TDKT_* defaults and -print-config, logging and telemetry, a
// context cancelled by SIGINT and SIGTERM, serving gRPC, HTTP and /metrics
// until then, and messages that say how to fix a bad start.
package command

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"golang.org/x/sync/errgroup"
	"google.golang.org/grpc"
	"google.golang.org/grpc/health"

	"github.com/tdkt-vn/tdkt/platform/config"
	"github.com/tdkt-vn/tdkt/platform/grpcserver"
	"github.com/tdkt-vn/tdkt/platform/ratelimit"
	"github.com/tdkt-vn/tdkt/platform/telemetry"
)

// Options are the settings every command shares.
type Options struct {
	LogFormat       string
	LogLevel        string
	ShutdownTimeout time.Duration
	PrintConfig     bool
}

func (o *Options) registerFlags(f config.Flags) {
	f.String(&o.LogFormat, "log-format", "json", "log format: json or text")
	f.String(&o.LogLevel, "log-level", "info", "minimum log level: debug, info, warn or error")
	f.Duration(&o.ShutdownTimeout, "shutdown-timeout", 10*time.Second,
		"how long work in flight may take to finish on SIGTERM")
	f.FlagSet().BoolVar(&o.PrintConfig, "print-config", false, "print the effective configuration and exit")
}

// Main runs the command name (e.g. "blocs"), whose spans and logs carry
// serviceName (e.g. "tdkt-blocs"). registerFlags adds the command's own
// flags at the root of its flag set (-database-url, TDKT_DATABASE_URL);
// run does the work until ctx is cancelled by SIGINT or SIGTERM.
// Main exits the process: 2 for bad flags or environment, 1 when run fails.
func Main(name, serviceName string, registerFlags func(f config.Flags), run func(ctx context.Context, tel *telemetry.Telemetry, opts Options) error) {
	var opts Options
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	root := config.NewFlags(fs)
	registerFlags(root)
	opts.registerFlags(root)
	if err := config.Parse(fs, os.Args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		fmt.Fprintf(os.Stderr, "%s: %v\nFix the flag or environment variable named above; %s -h lists them all.\n", name, err, name)
		os.Exit(2)
	}
	if opts.PrintConfig {
		config.Dump(fs, os.Stdout)
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := withTelemetry(ctx, serviceName, opts, run)
	stop()
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		os.Exit(1)
	}
}

func withTelemetry(ctx context.Context, serviceName string, opts Options, run func(context.Context, *telemetry.Telemetry, Options) error) (err error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(opts.LogLevel)); err != nil {
		return fmt.Errorf("invalid -log-level %q: use debug, info, warn or error (flag -log-level or TDKT_LOG_LEVEL)", opts.LogLevel)
	}
	tel, err := telemetry.Setup(ctx, telemetry.Config{ServiceName: serviceName, LogFormat: opts.LogFormat, LogLevel: level})
	if err != nil {
		return fmt.Errorf("%w (check -log-format and the OTEL_* environment variables)", err)
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		err = errors.Join(err, tel.Shutdown(sctx))
	}()
	return run(ctx, tel, opts)
}

// Listen listens on addr, with an error that says which flag and variable
// choose another address.
func Listen(addr, flagName, envName string) (net.Listener, error) {
	lis, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w (is another process using the port? choose another with -%s or %s)", addr, err, flagName, envName)
	}
	return lis, nil
}

// ServeGRPC serves the handlers that register adds on lis, guarded by
// guard, over TLS when tlsConfig is not nil, limited per caller by limits,
// and /metrics on
// metrics when it is not nil, until ctx is done; then calls in flight get
// opts.ShutdownTimeout to finish. Each of reportHealth is given the
// server's health, to report the health of parts such as the cache.
func ServeGRPC(ctx context.Context, tel *telemetry.Telemetry, opts Options, lis, metrics net.Listener, guard grpcserver.Guard, tlsConfig *tls.Config, limits ratelimit.Limits, register func(*grpc.Server), reportHealth ...func(*health.Server)) error {
	srv, err := grpcserver.New(grpcserver.Options{Telemetry: tel, ShutdownTimeout: opts.ShutdownTimeout, Guard: guard, TLS: tlsConfig, RateLimit: limits})
	if err != nil {
		return err
	}
	register(srv.GRPC)
	for _, report := range reportHealth {
		report(srv.Health)
	}
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		tel.Logger.InfoContext(gctx, "serving gRPC", "addr", lis.Addr().String())
		return srv.Serve(gctx, lis)
	})
	if metrics != nil {
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", telemetry.MetricsHandler(tel.Registry))
		g.Go(func() error {
			tel.Logger.InfoContext(gctx, "serving metrics", "addr", metrics.Addr().String())
			return ServeHTTP(gctx, tel.Logger, metrics, mux, 5*time.Second)
		})
	}
	return g.Wait()
}

// HTTPTimeouts bound how long a client may hold a connection of an HTTP
// server without finishing a request. There is no write timeout: a
// response, such as a streamed PDF or XLSX file, takes as long as it needs.
type HTTPTimeouts struct {
	// ReadHeader is the longest a request's headers may take to arrive.
	ReadHeader time.Duration
	// Read is the longest a whole request, headers and body, may take to
	// arrive; a body sent too slowly is cut and its connection closed.
	Read time.Duration
	// Idle is the longest a keep-alive connection may wait for its next
	// request.
	Idle time.Duration
}

// DefaultHTTPTimeouts are the timeouts of every tdkt HTTP server: the
// gateway (cmd/gateway and devstack) and /metrics.
var DefaultHTTPTimeouts = HTTPTimeouts{
	ReadHeader: 10 * time.Second,
	Read:       30 * time.Second,
	Idle:       2 * time.Minute,
}

// NewHTTPServer is the HTTP server of h with timeouts t (the zero value:
// DefaultHTTPTimeouts), logging its errors to log.
func NewHTTPServer(log *slog.Logger, h http.Handler, t HTTPTimeouts) *http.Server {
	if t == (HTTPTimeouts{}) {
		t = DefaultHTTPTimeouts
	}
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: t.ReadHeader,
		ReadTimeout:       t.Read,
		IdleTimeout:       t.Idle,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// ServeHTTP serves h on lis until ctx is done, then lets requests in flight
// finish within timeout. The server has DefaultHTTPTimeouts, or those of
// httpTimeouts when given.
func ServeHTTP(ctx context.Context, log *slog.Logger, lis net.Listener, h http.Handler, timeout time.Duration, httpTimeouts ...HTTPTimeouts) error {
	t := DefaultHTTPTimeouts
	if len(httpTimeouts) > 0 {
		t = httpTimeouts[0]
	}
	srv := NewHTTPServer(log, h, t)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(lis) }()
	select {
	case err := <-served:
		return fmt.Errorf("serve HTTP on %s: %w", lis.Addr(), err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shut down HTTP server: %w", err)
	}
	return nil
}

// HealthReporter is implemented by services that report the health of
// their parts (the cache: service.CacheHealthService) in the server's
// health.
type HealthReporter interface {
	RegisterHealth(*health.Server)
}

// Service is what a service's seam gives its command.
type Service interface {
	Register(*grpc.Server)
	// Guard decides who may call the service (platform/policy).
	Guard() grpcserver.Guard
	Close() error
}

// TLSConfigured is implemented by service configurations that may serve
// TLS (service.Config, which every service's Config embeds): ServerTLS
// returns the server's TLS configuration, nil for plaintext.
type TLSConfigured interface {
	ServerTLS() (*tls.Config, error)
}

// RateLimited is a service Config that sets the rate limits of the
// service's gRPC server; service.Config, which every service's Config
// embeds, is one.
type RateLimited interface {
	RateLimits() ratelimit.Limits
}

// ServiceMain runs a gRPC service command: the flags of the service's
// Config (its RegisterFlags), plus -grpc-addr (TDKT_GRPC_ADDR, default
// grpcAddr) and -metrics-addr (TDKT_METRICS_ADDR, off by default); it
// serves TLS when the Config is TLSConfigured and names a certificate.
// newService builds the service from its Config (the service's seam, such as
// blocs.New); hint says which settings to check when that fails. A Config
// that is RateLimited sets the server's rate limits.
func ServiceMain[C any, PC interface {
	*C
	RegisterFlags(config.Flags)
}, S Service](name, grpcAddr string, newService func(context.Context, C, *telemetry.Telemetry) (S, error), hint string) {
	var (
		cfg         C
		metricsAddr string
	)
	Main(name, "tdkt-"+name, func(f config.Flags) {
		PC(&cfg).RegisterFlags(f)
		f.String(&grpcAddr, "grpc-addr", grpcAddr, "host:port to serve gRPC on")
		f.String(&metricsAddr, "metrics-addr", "",
			"host:port to serve Prometheus /metrics on; empty means no metrics endpoint")
	}, func(ctx context.Context, tel *telemetry.Telemetry, opts Options) (err error) {
		var tlsConfig *tls.Config
		if c, ok := any(cfg).(TLSConfigured); ok {
			if tlsConfig, err = c.ServerTLS(); err != nil {
				return err
			}
		}
		svc, err := newService(ctx, cfg, tel)
		if err != nil {
			return fmt.Errorf("%w (%s)", err, hint)
		}
		defer func() { err = errors.Join(err, svc.Close()) }()
		lis, err := Listen(grpcAddr, "grpc-addr", "TDKT_GRPC_ADDR")
		if err != nil {
			return err
		}
		var metrics net.Listener
		if metricsAddr != "" {
			if metrics, err = Listen(metricsAddr, "metrics-addr", "TDKT_METRICS_ADDR"); err != nil {
				lis.Close()
				return err
			}
		}
		var reportHealth []func(*health.Server)
		if h, ok := any(svc).(HealthReporter); ok {
			reportHealth = append(reportHealth, h.RegisterHealth)
		}
		var limits ratelimit.Limits
		if rl, ok := any(cfg).(RateLimited); ok {
			limits = rl.RateLimits()
		}
		return ServeGRPC(ctx, tel, opts, lis, metrics, svc.Guard(), tlsConfig, limits, svc.Register, reportHealth...)
	})
}
