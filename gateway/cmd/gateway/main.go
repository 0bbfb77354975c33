// Command gateway runs the REST edge of tdkt: JSON over HTTP in front of
// the gRPC services.
//
// Every flag has a TDKT_* environment variable (shown by -h); a flag wins
// over its variable. -print-config prints the effective configuration.
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

	"github.com/tdkt-vn/tdkt/gateway"
	"github.com/tdkt-vn/tdkt/platform/config"
	"github.com/tdkt-vn/tdkt/platform/telemetry"
)

// cmdConfig is the gateway's configuration and what this command adds.
type cmdConfig struct {
	gateway         gateway.Config
	httpAddr        string
	logFormat       string
	logLevel        string
	shutdownTimeout time.Duration
	printConfig     bool
}

func (c *cmdConfig) registerFlags(fs *flag.FlagSet) {
	c.gateway.RegisterFlags(fs, "")
	config.String(fs, &c.httpAddr, "http-addr", "TDKT_HTTP_ADDR", "127.0.0.1:8080", "host:port to serve HTTP on")
	config.String(fs, &c.logFormat, "log-format", "TDKT_LOG_FORMAT", "json", "log format: json or text")
	config.String(fs, &c.logLevel, "log-level", "TDKT_LOG_LEVEL", "info", "minimum log level: debug, info, warn or error")
	config.Duration(fs, &c.shutdownTimeout, "shutdown-timeout", "TDKT_SHUTDOWN_TIMEOUT", 10*time.Second,
		"how long requests in flight may take to finish on SIGTERM")
	fs.BoolVar(&c.printConfig, "print-config", false, "print the effective configuration and exit")
}

func main() {
	var cfg cmdConfig
	fs := flag.NewFlagSet("gateway", flag.ContinueOnError)
	cfg.registerFlags(fs)
	if err := config.Parse(fs, os.Args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		fmt.Fprintf(os.Stderr, "gateway: %v\nFix the flag or environment variable named above; gateway -h lists them all.\n", err)
		os.Exit(2)
	}
	if cfg.printConfig {
		config.Dump(fs, os.Stdout)
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, cfg); err != nil {
		fmt.Fprintf(os.Stderr, "gateway: %v\n", err)
		os.Exit(1)
	}
}

// run serves until ctx is done, then lets requests in flight finish.
func run(ctx context.Context, cfg cmdConfig) (err error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(cfg.logLevel)); err != nil {
		return fmt.Errorf("invalid -log-level %q: use debug, info, warn or error (flag -log-level or TDKT_LOG_LEVEL)", cfg.logLevel)
	}
	tel, err := telemetry.Setup(ctx, telemetry.Config{
		ServiceName: "tdkt-gateway",
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

	gw, err := gateway.New(ctx, cfg.gateway, tel)
	if err != nil {
		return fmt.Errorf("%w (check -blocs-addr / TDKT_BLOCS_ADDR and -http-max-body / TDKT_HTTP_MAX_BODY)", err)
	}
	defer func() { err = errors.Join(err, gw.Close()) }()

	lis, err := net.Listen("tcp", cfg.httpAddr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (is another process using the port? choose another with -http-addr or TDKT_HTTP_ADDR)", cfg.httpAddr, err)
	}
	srv := &http.Server{
		Handler:           gw.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(tel.Logger.Handler(), slog.LevelWarn),
	}
	tel.Logger.InfoContext(ctx, "serving HTTP", "addr", lis.Addr().String(), "blocs", cfg.gateway.BlocsAddr)

	served := make(chan error, 1)
	go func() { served <- srv.Serve(lis) }()
	select {
	case err := <-served:
		return fmt.Errorf("serve HTTP: %w", err)
	case <-ctx.Done():
	}
	tel.Logger.InfoContext(ctx, "shutting down", "timeout", cfg.shutdownTimeout)
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cfg.shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shut down HTTP server: %w", err)
	}
	return nil
}
