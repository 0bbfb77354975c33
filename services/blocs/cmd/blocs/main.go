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
	"net"

	"github.com/tdkt-vn/tdkt/platform/command"
	"github.com/tdkt-vn/tdkt/platform/config"
	"github.com/tdkt-vn/tdkt/platform/telemetry"
	"github.com/tdkt-vn/tdkt/services/blocs"
)

func main() {
	var (
		cfg                   blocs.Config
		grpcAddr, metricsAddr string
	)
	command.Main("blocs", "tdkt-blocs", func(fs *flag.FlagSet) {
		cfg.RegisterFlags(fs, "")
		config.String(fs, &grpcAddr, "grpc-addr", "TDKT_GRPC_ADDR", "127.0.0.1:9101", "host:port to serve gRPC on")
		config.String(fs, &metricsAddr, "metrics-addr", "TDKT_METRICS_ADDR", "",
			"host:port to serve Prometheus /metrics on; empty means no metrics endpoint")
	}, func(ctx context.Context, tel *telemetry.Telemetry, opts command.Options) (err error) {
		svc, err := blocs.New(ctx, cfg, tel)
		if err != nil {
			return fmt.Errorf("%w (check -database-url / TDKT_DATABASE_URL and the Redis settings)", err)
		}
		defer func() { err = errors.Join(err, svc.Close()) }()
		lis, err := command.Listen(grpcAddr, "grpc-addr", "TDKT_GRPC_ADDR")
		if err != nil {
			return err
		}
		var metrics net.Listener
		if metricsAddr != "" {
			if metrics, err = command.Listen(metricsAddr, "metrics-addr", "TDKT_METRICS_ADDR"); err != nil {
				lis.Close()
				return err
			}
		}
		return command.ServeGRPC(ctx, tel, opts, lis, metrics, svc.Register)
	})
}
