// Command movements runs the movements service alone: emulation movements,
// their lifecycle and the units taking part, over gRPC.
//
// Every flag has a TDKT_* environment variable (shown by -h); a flag wins
// over its variable. -print-config prints the effective configuration with
// secrets redacted.
package main

import (
	"github.com/tdkt-vn/tdkt/platform/command"
	"github.com/tdkt-vn/tdkt/services/movements"
)

func main() {
	command.ServiceMain("movements", "127.0.0.1:9102", movements.New,
		"check -database-url / TDKT_DATABASE_URL, -blocs-addr / TDKT_BLOCS_ADDR, -honours-addr / TDKT_HONOURS_ADDR and the Redis settings")
}
