// Command blocs runs the blocs service alone: units, emulation blocs and
// clusters, memberships, terms, covenants, scores and rankings, over gRPC.
//
// Every flag has a TDKT_* environment variable (shown by -h); a flag wins
// over its variable. -print-config prints the effective configuration with
// secrets redacted.
package main

import (
	"context"
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

	"github.com/tdkt-vn/tdkt/platform/config"
	"github.com/tdkt-vn/tdkt/platform/grpcserver"
	"github.com/tdkt-vn/tdkt/platform/telemetry"
	"github.com/tdkt-vn/tdkt/services/blocs"
)

// cmdConfig is the service's configuration and what this command adds.
type cmdConfig struct {
	blocs           blocs.Config
	grpcAddr        string
	metricsAddr     string
	logFormat       string
	logLevel        string
	shutdownTimeout time.Duration
	printConfig     bool
}

func (c *cmdConfig) registerFlags(fs *flag.FlagSet) {
	c.blocs.RegisterFlags(fs, "")
	config.String(fs, &c.grpcAddr, "grpc-addr", "TDKT_GRPC_ADDR", "127.0.0.1:9101", "host:port to serve gRPC on")
	config.String(fs, &c.metricsAddr, "metrics-addr", "TDKT_METRICS_ADDR", "",
		"host:port to serve Prometheus /metrics on; empty means no metrics endpoint")
	config.String(fs, &c.logFormat, "log-format", "TDKT_LOG_FORMAT", "json", "log format: json or text")
	config.String(fs, &c.logLevel, "log-level", "TDKT_LOG_LEVEL", "info", "minimum log level: debug, info, warn or error")
	config.Duration(fs, &c.shutdownTimeout, "shutdown-timeout", "TDKT_SHUTDOWN_TIMEOUT", 10*time.Second,
		"how long calls in flight may take to finish on SIGTERM")
	fs.BoolVar(&c.printConfig, "print-config", false, "print the effective configuration and exit")
}

func main() {
	var cfg cmdConfig
	fs := flag.NewFlagSet("blocs", flag.ContinueOnError)
	cfg.registerFlags(fs)
	if err := config.Parse(fs, os.Args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		fmt.Fprintf(os.Stderr, "blocs: %v\nFix the flag or environment variable named above; blocs -h lists them all.\n", err)
		os.Exit(2)
	}
	if cfg.printConfig {
		config.Dump(fs, os.Stdout)
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, cfg); err != nil {
		fmt.Fprintf(os.Stderr, "blocs: %v\n", err)
		os.Exit(1)
	}
}

// run serves until ctx is done, then lets calls in flight finish.
func run(ctx context.Context, cfg cmdConfig) (err error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(cfg.logLevel)); err != nil {
		return fmt.Errorf("invalid -log-level %q: use debug, info, warn or error (flag -log-level or TDKT_LOG_LEVEL)", cfg.logLevel)
	}
	tel, err := telemetry.Setup(ctx, telemetry.Config{
		ServiceName: "tdkt-blocs",
		LogFormat:   cfg.logFormat,
		LogLevel:    level,
	})
	if err != nil {
		return fmt.Errorf("%w (check -log-format and the OTEL_* environment variables)", err)
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		err = errors.Join(err, tel.Shutdown(sctx))
	}()

	svc, err := blocs.New(ctx, cfg.blocs, tel)
	if err != nil {
		return fmt.Errorf("%w (check -database-url / TDKT_DATABASE_URL and the Redis settings)", err)
	}
	defer func() { err = errors.Join(err, svc.Close()) }()

	srv, err := grpcserver.New(grpcserver.Options{Telemetry: tel, ShutdownTimeout: cfg.shutdownTimeout})
	if err != nil {
		return err
	}
	svc.Register(srv.GRPC)

	lis, err := net.Listen("tcp", cfg.grpcAddr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (is another process using the port? choose another with -grpc-addr or TDKT_GRPC_ADDR)", cfg.grpcAddr, err)
	}
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		tel.Logger.InfoContext(gctx, "serving gRPC", "addr", lis.Addr().String())
		return srv.Serve(gctx, lis)
	})
	if cfg.metricsAddr != "" {
		mlis, err := net.Listen("tcp", cfg.metricsAddr)
		if err != nil {
			_ = lis.Close()
			return fmt.Errorf("listen on %s: %w (choose another port with -metrics-addr or TDKT_METRICS_ADDR, or leave it empty)", cfg.metricsAddr, err)
		}
		g.Go(func() error {
			return serveMetrics(gctx, mlis, telemetry.MetricsHandler(tel.Registry), tel.Logger)
		})
	}
	return g.Wait()
}

// serveMetrics serves /metrics on lis until ctx is done.
func serveMetrics(ctx context.Context, lis net.Listener, h http.Handler, log *slog.Logger) error {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", h)
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	log.InfoContext(ctx, "serving metrics", "addr", lis.Addr().String())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(lis) }()
	select {
	case err := <-served:
		return fmt.Errorf("serve metrics: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	return srv.Shutdown(sctx)
}
