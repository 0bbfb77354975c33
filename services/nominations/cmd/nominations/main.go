// Command nominations runs the nominations service alone: batches of
// nominations, their workflow, eligibility, council votes and working-day
// time limits, over gRPC.
//
// Every flag has a TDKT_* environment variable (shown by -h); a flag wins
// over its variable. -print-config prints the effective configuration with
// secrets redacted.
package main

import (
	"github.com/tdkt-vn/tdkt/platform/command"
	"github.com/tdkt-vn/tdkt/services/nominations"
)

func main() {
	command.ServiceMain("nominations", "127.0.0.1:9103", nominations.New,
		"check -database-url / TDKT_DATABASE_URL, -blocs-addr / TDKT_BLOCS_ADDR, -honours-addr / TDKT_HONOURS_ADDR, "+
			"-recipient-key-secret / TDKT_RECIPIENT_KEY_SECRET and the Redis settings")
}
