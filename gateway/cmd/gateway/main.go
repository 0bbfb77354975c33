// Command gateway runs the REST edge of tdkt: JSON over HTTP in front of
// the gRPC services.
//
// Every flag has a TDKT_* environment variable (shown by -h); a flag wins
// over its variable. -print-config prints the effective configuration.
package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/tdkt-vn/tdkt/gateway"
	"github.com/tdkt-vn/tdkt/platform/command"
	"github.com/tdkt-vn/tdkt/platform/config"
	"github.com/tdkt-vn/tdkt/platform/telemetry"
)

func main() {
	var (
		cfg      gateway.Config
		httpAddr string
	)
	command.Main("gateway", "tdkt-gateway", func(f config.Flags) {
		cfg.RegisterFlags(f)
		f.String(&httpAddr, "http-addr", "127.0.0.1:8080", "host:port to serve HTTP on")
	}, func(ctx context.Context, tel *telemetry.Telemetry, opts command.Options) (err error) {
		gw, err := gateway.New(ctx, cfg, tel)
		if err != nil {
			return fmt.Errorf("%w (check the backend addresses, e.g. -blocs-addr / TDKT_BLOCS_ADDR, -honours-addr / TDKT_HONOURS_ADDR, and -http-max-body / TDKT_HTTP_MAX_BODY)", err)
		}
		defer func() { err = errors.Join(err, gw.Close()) }()
		lis, err := command.Listen(httpAddr, "http-addr", "TDKT_HTTP_ADDR")
		if err != nil {
			return err
		}
		tel.Logger.InfoContext(ctx, "serving HTTP", "addr", lis.Addr().String())
		return command.ServeHTTP(ctx, tel.Logger, lis, gw.Handler(), opts.ShutdownTimeout)
	})
}
