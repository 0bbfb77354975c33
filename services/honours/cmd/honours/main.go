// Command honours runs the honours service alone: the award catalogue,
// decisions and the register of honours, over gRPC. It calls the blocs
// service for units and their lineage.
//
// Every flag has a TDKT_* environment variable (shown by -h); a flag wins
// over its variable. -print-config prints the effective configuration with
// secrets redacted.
package main

import (
	"github.com/tdkt-vn/tdkt/platform/command"
	"github.com/tdkt-vn/tdkt/services/honours"
)

func main() {
	command.ServiceMain("honours", "127.0.0.1:9104", honours.New,
		"check -database-url / TDKT_DATABASE_URL, -blocs-addr / TDKT_BLOCS_ADDR, -personal-data-key / TDKT_PERSONAL_DATA_KEY, -recipient-key-secret / TDKT_RECIPIENT_KEY_SECRET and the Redis settings")
}
