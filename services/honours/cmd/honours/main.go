// Command honours runs the honours service alone: the award catalogue,
// decisions and the register of honours, over gRPC. It calls the blocs
// service for units and their lineage.
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
	"github.com/tdkt-vn/tdkt/services/honours"
)

func main() {
	var (
		cfg                   honours.Config
		grpcAddr, metricsAddr string
	)
	command.Main("honours", "tdkt-honours", func(fs *flag.FlagSet) {
		cfg.RegisterFlags(fs, "")
		config.String(fs, &grpcAddr, "grpc-addr", "TDKT_GRPC_ADDR", "127.0.0.1:9104", "host:port to serve gRPC on")
		config.String(fs, &metricsAddr, "metrics-addr", "TDKT_METRICS_ADDR", "",
			"host:port to serve Prometheus /metrics on; empty means no metrics endpoint")
	}, func(ctx context.Context, tel *telemetry.Telemetry, opts command.Options) (err error) {
		svc, err := honours.New(ctx, cfg, tel)
		if err != nil {
			return fmt.Errorf("%w (check -database-url / TDKT_DATABASE_URL, -blocs-addr / TDKT_BLOCS_ADDR, -personal-data-key / TDKT_PERSONAL_DATA_KEY and the Redis settings)", err)
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
