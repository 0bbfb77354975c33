// Command blocs runs the blocs service alone: units, emulation blocs and
// clusters, memberships, terms, covenants, scores and rankings, over gRPC.
//
// Every flag has a TDKT_* environment variable (shown by -h); a flag wins
// over its variable. -print-config prints the effective configuration with
// secrets redacted.
package main

import (
	"github.com/tdkt-vn/tdkt/platform/command"
	"github.com/tdkt-vn/tdkt/services/blocs"
)

func main() {
	command.ServiceMain("blocs", "127.0.0.1:9101", blocs.New,
		"check -database-url / TDKT_DATABASE_URL and the Redis settings")
}
