// Command gateway runs the REST edge of tdkt: JSON over HTTP in front of
// the gRPC services. It verifies bearer tokens of the issuer -oidc-issuer
// names, limits each caller's rate (-rate-limit, -rate-burst) and serves
// HTTPS when given -tls-cert and -tls-key.
//
// Every flag has a TDKT_* environment variable (shown by -h); a flag wins
// over its variable. -print-config prints the effective configuration.
package main

import (
	"context"
	"crypto/tls"
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
		f.String(&httpAddr, "http-addr", "127.0.0.1:8080", "host:port to serve HTTP (HTTPS with -tls-cert) on")
	}, func(ctx context.Context, tel *telemetry.Telemetry, opts command.Options) (err error) {
		tlsConfig, err := cfg.TLS()
		if err != nil {
			return fmt.Errorf("%w (check -tls-cert / TDKT_TLS_CERT and -tls-key / TDKT_TLS_KEY)", err)
		}
		gw, err := gateway.New(ctx, cfg, tel)
		if err != nil {
			return fmt.Errorf("%w (check the backend addresses, e.g. -blocs-addr / TDKT_BLOCS_ADDR, -honours-addr / TDKT_HONOURS_ADDR, -oidc-issuer / TDKT_OIDC_ISSUER, -trusted-proxies / TDKT_TRUSTED_PROXIES and -http-max-body / TDKT_HTTP_MAX_BODY)", err)
		}
		defer func() { err = errors.Join(err, gw.Close()) }()
		lis, err := command.Listen(httpAddr, "http-addr", "TDKT_HTTP_ADDR")
		if err != nil {
			return err
		}
		if tlsConfig != nil {
			lis = tls.NewListener(lis, tlsConfig)
			tel.Logger.InfoContext(ctx, "serving HTTPS", "addr", lis.Addr().String())
		} else {
			tel.Logger.InfoContext(ctx, "serving HTTP", "addr", lis.Addr().String())
		}
		return command.ServeHTTP(ctx, tel.Logger, lis, gw.Handler(), opts.ShutdownTimeout)
	})
}
