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
	"flag"

	"github.com/tdkt-vn/tdkt/platform/command"
	"github.com/tdkt-vn/tdkt/platform/telemetry"
	"github.com/tdkt-vn/tdkt/services/honours"
)

func main() {
	var cfg honours.Config
	command.ServiceMain("honours", "127.0.0.1:9104",
		func(fs *flag.FlagSet) { cfg.RegisterFlags(fs, "") },
		func(ctx context.Context, tel *telemetry.Telemetry) (command.Service, error) {
			return honours.New(ctx, cfg, tel)
		},
		"check -database-url / TDKT_DATABASE_URL, -blocs-addr / TDKT_BLOCS_ADDR, -personal-data-key / TDKT_PERSONAL_DATA_KEY and the Redis settings")
}
